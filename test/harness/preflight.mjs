// First step of `npm start` and `npm test` on any clone: installs the node modules when they are missing or older
// than package-lock.json, and stops with one line naming the install command of a missing system program.
// Node built-ins only: it runs before anything is installed.
//   node test/harness/preflight.mjs start|test
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const purpose = process.argv[2] === 'test' ? 'test' : 'start';

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function stop(message) {
  console.error(`npm ${purpose}: ${message}`);
  process.exit(1);
}

const codeServerInstalled = existsSync(path.join(root, '.vscode-test', 'code-server-4.100.3', '.installed'));

/** What each command needs from the system, and the one command that installs it (Debian's names). */
const programs = [
  { name: 'ripgrep', present: () => codeServerInstalled || onPath('rg'), install: 'sudo apt-get install -y ripgrep', why: 'to install the pinned VS Code (code-server)' },
  ...(purpose === 'test'
    ? [
        { name: 'Chromium', present: () => onPath('chromium') || onPath('chromium-browser'), install: 'sudo apt-get install -y chromium', why: 'to drive VS Code in the tests' },
        { name: 'moto_server', present: () => onPath('moto_server'), install: 'pip install "moto[server]"', why: 'the independent AWS emulator the tests compare against' },
      ]
    : []),
];

for (const program of programs) {
  if (!program.present()) stop(`${program.name} is missing (${program.why}). Install it with: ${program.install}`);
}

function modulesUpToDate() {
  const hidden = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!existsSync(hidden)) return false;
  // npm writes both files in one install, in either order: a few seconds apart is the same install.
  return statSync(hidden).mtimeMs + 5000 >= statSync(lock).mtimeMs;
}

if (!modulesUpToDate()) {
  console.error(`npm ${purpose}: installing node modules (npm ci), once after each change of package-lock.json`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) stop('npm ci failed; see its output above');
}
