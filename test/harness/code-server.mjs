// Installs the pinned code-server (the real VS Code server and web workbench) into a git-ignored cache,
// and starts it on a free loopback port. Follows shared/docs/vscode-harness.md step by step.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const cacheDir = path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const packageDir = path.join(cacheDir, 'node_modules', 'code-server');
const vscodeDir = path.join(packageDir, 'lib', 'vscode');
const entryJs = path.join(packageDir, 'out', 'node', 'entry.js');
const marker = path.join(cacheDir, '.installed');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quietNpm = ['--no-audit', '--no-fund', '--ignore-scripts'];

function log(message) {
  process.stderr.write(`code-server: ${message}\n`);
}

function run(step, command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`code-server install failed at step "${step}" (${command} ${args.join(' ')} in ${cwd}): ${result.error?.message ?? `exit ${result.status}`}\n${output}`);
  }
}

function link(step, target, linkPath) {
  try {
    mkdirSync(path.dirname(linkPath), { recursive: true });
    if (existsSync(linkPath) || isSymlink(linkPath)) rmSync(linkPath, { recursive: true, force: true });
    symlinkSync(target, linkPath);
  } catch (error) {
    throw new Error(`code-server install failed at step "${step}" (link ${linkPath} -> ${target}): ${error.message}`);
  }
}

function isSymlink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function findRipgrep() {
  const found = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' });
  const rg = found.stdout.trim();
  if (found.status !== 0 || !rg) {
    throw new Error('code-server install failed at step "find ripgrep": `rg` is not on PATH (apt-get install -y ripgrep)');
  }
  return rg;
}

/** Installs code-server once per machine; later calls only check the marker. Returns the cache folder. */
export function ensureCodeServer() {
  if (existsSync(marker) && existsSync(entryJs)) return cacheDir;
  const rg = findRipgrep();
  log(`installing ${CODE_SERVER_VERSION} into ${path.relative(repoRoot, cacheDir)} (about a minute, once per machine)`);
  rmSync(marker, { force: true });
  mkdirSync(cacheDir, { recursive: true });
  // Without its own package.json, npm would walk up and install into the project's node_modules.
  writeFileSync(path.join(cacheDir, 'package.json'), `${JSON.stringify({ name: 'kms-lab-code-server-cache', private: true }, null, 2)}\n`);
  run('npm install code-server', npm, ['install', '--no-save', ...quietNpm, `code-server@${CODE_SERVER_VERSION}`], cacheDir);
  run('npm rebuild argon2', npm, ['rebuild', 'argon2'], cacheDir);
  run('npm install lib/vscode', npm, ['install', '--omit=dev', ...quietNpm], vscodeDir);
  run('npm rebuild native modules', npm, ['rebuild', '@vscode/spdlog', 'native-watchdog', '@parcel/watcher'], vscodeDir);
  link('link Debian ripgrep', rg, path.join(vscodeDir, 'node_modules/@vscode/ripgrep/bin/rg'));
  link('link node_modules.asar', 'node_modules', path.join(vscodeDir, 'node_modules.asar'));
  link('link remote-cli', 'code-linux.sh', path.join(vscodeDir, 'bin/remote-cli/code-server'));
  link('link browser helper', 'browser-linux.sh', path.join(vscodeDir, 'bin/helpers/browser.sh'));
  run('npm install built-in extensions', npm, ['install', '--omit=dev', ...quietNpm], path.join(vscodeDir, 'extensions'));
  if (!existsSync(entryJs)) throw new Error(`code-server install failed at step "check entry": ${entryJs} is missing`);
  writeFileSync(marker, `${CODE_SERVER_VERSION} installed ${new Date().toISOString()}\n`);
  log('installed');
  return cacheDir;
}

/** The VS Code version code-server bundles, e.g. "1.100.3". */
export function vscodeVersion() {
  for (const file of ['product.json', 'package.json']) {
    const full = path.join(vscodeDir, file);
    if (!existsSync(full)) continue;
    const version = JSON.parse(readFileSync(full, 'utf8')).version;
    if (typeof version === 'string' && version) return version;
  }
  throw new Error(`cannot read the VS Code version from ${vscodeDir}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const quietSettings = {
  'workbench.startupEditor': 'none',
  // Tests open KMS Lab's walkthrough themselves when they want it; `npm start` turns this back on.
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

function writeSettings(userDataDir, extra) {
  const userDir = path.join(userDataDir, 'User');
  mkdirSync(userDir, { recursive: true, mode: 0o700 });
  const file = path.join(userDir, 'settings.json');
  let existing = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      existing = {};
    }
  }
  writeFileSync(file, JSON.stringify({ ...existing, ...quietSettings, ...extra }, null, 2));
}

async function waitForHealth(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it answered:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts code-server on a free loopback port (or the given one). `env` is the whole environment of the
 * server, which its extension host inherits. Resolves once /healthz answers.
 */
export async function startCodeServer({ env = process.env, userDataDir, extensionsDir, folder, port, settings = {}, onOutput }) {
  if (!existsSync(entryJs)) throw new Error('code-server is not installed: call ensureCodeServer() first');
  writeSettings(userDataDir, settings);
  mkdirSync(extensionsDir, { recursive: true, mode: 0o700 });
  const chosenPort = port ?? (await freePort());
  const args = [
    entryJs,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${chosenPort}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    folder,
  ];
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const collect = (chunk) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-8000);
    onOutput?.(text);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const url = `http://127.0.0.1:${chosenPort}`;
  const stop = () => stopProcessGroup(child);
  try {
    await waitForHealth(url, child, () => tail, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: chosenPort, url, pid: child.pid, stop, output: () => tail };
}

/** Ends a detached child and its process group: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcessGroup(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // leftovers in the group (extension hosts, watchers)
}

/** The workbench URL with a payload (extensionDevelopmentPath, extensionTestsPath...) in code-server's remote scheme. */
export function workbenchUrl(server, folder, payloadPaths) {
  const authority = `127.0.0.1:${server.port}`;
  const payload = Object.entries(payloadPaths).map(([k, v]) => [k, `vscode-remote://${authority}${v}`]);
  const query = new URLSearchParams({ folder, payload: JSON.stringify(payload) });
  return `${server.url}/?${query.toString()}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureCodeServer();
  console.log(`code-server ${CODE_SERVER_VERSION} ready in ${cacheDir}, VS Code ${vscodeVersion()}`);
}
