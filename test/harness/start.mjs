// `npm start`: KMS Lab in a real VS Code (code-server) in the browser, with your own AWS profiles.
//   node test/harness/start.mjs [--port <n>, 0 for any free one] [--open] [--folder <dir>]
// Keeps running until Ctrl-C. Settings and state persist in .vscode-test/user-data.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, repoRoot, startCodeServer, vscodeVersion, workbenchUrl } from './code-server.mjs';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string' },
    open: { type: 'boolean', default: false },
    folder: { type: 'string' },
  },
});

const stateDir = path.join(repoRoot, '.vscode-test');
const folder = path.resolve(options.folder ?? path.join(stateDir, 'workspace'));
const port = options.port === undefined || options.port === '0' ? undefined : Number(options.port);
if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`start: --port must be a port number, not "${options.port}"`);
  process.exit(2);
}

function openInBrowser(url) {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`start: could not open a browser (${command}); open the URL above yourself`));
  child.unref();
}

ensureCodeServer();
mkdirSync(folder, { recursive: true });
const userDataDir = path.join(stateDir, 'user-data');
// A first start begins where a newcomer should: in the local sandbox, with the lab's walkthrough open.
const firstStart = !existsSync(path.join(userDataDir, 'User', 'settings.json'));
const logFile = path.join(stateDir, 'code-server.log');
const log = createWriteStream(logFile, { flags: 'a' });
const server = await startCodeServer({
  // Your own environment, AWS profiles included. VSCODE_CLI keeps it as it is in this terminal
  // instead of VS Code's server re-reading it from a login shell.
  env: { ...process.env, VSCODE_CLI: '1' },
  userDataDir,
  extensionsDir: path.join(stateDir, 'extensions'),
  folder,
  port,
  settings: { 'workbench.welcomePage.walkthroughs.openOnInstall': true, ...(firstStart ? { 'kmsLab.firstConnection': 'localSandbox' } : {}) },
  onOutput: (text) => log.write(text),
});

const url = workbenchUrl(server, folder, { extensionDevelopmentPath: repoRoot });
console.log(`KMS Lab is running in VS Code at ${url}`);
console.log(`(VS Code ${vscodeVersion()} served by code-server; log: ${path.relative(process.cwd(), logFile)}; Ctrl-C to stop)`);
if (options.open) openInBrowser(url);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\nstart: stopping (${signal})`);
  await server.stop();
  log.end();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

// If code-server dies on its own, say so and stop too.
const watchdog = setInterval(() => {
  try {
    process.kill(server.pid, 0);
  } catch {
    clearInterval(watchdog);
    console.error(`start: code-server stopped unexpectedly; see ${logFile}\n${server.output()}`);
    process.exit(1);
  }
}, 1000);
