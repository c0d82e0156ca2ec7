// activate_ms: median of the extension's own activate() duration (api.activationMs) over fresh VS Code
//              windows, each a new code-server and extension host, on the production build.
// vsix_bytes:  size of the packaged .vsix (vsce package --no-dependencies).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ensureCodeServer, repoRoot } from '../harness/code-server.mjs';
import { runExtensionHostTests } from '../harness/extension-tests.mjs';
import { createIsolatedEnv } from '../harness/isolated-env.mjs';

const WINDOW_LOADS = 5;

// Runs in the extension host: activates KMS Lab and reports what activate() measured.
const activationEntry = `
const vscode = require('vscode');
exports.run = async function run() {
  console.log('integration-start');
  const extension = vscode.extensions.getExtension('kms-lab.kms-lab');
  if (!extension) throw new Error('kms-lab.kms-lab is not installed');
  const api = await extension.activate();
  if (!api || typeof api.activationMs !== 'number') throw new Error('activate() returned no activationMs');
  console.log('activation_ms=' + api.activationMs);
  console.log('integration-counts: 1 0');
};
`;

function exec(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function activationSample(entry) {
  const isolated = createIsolatedEnv({ name: 'bench-activate' });
  let printed = '';
  const out = new Writable({
    write(chunk, _encoding, done) {
      printed += chunk.toString();
      done();
    },
  });
  try {
    const result = await runExtensionHostTests({
      isolated,
      extensionTestsPath: entry,
      logDir: path.join(repoRoot, 'test-results/bench-activate'),
      timeoutMs: 3 * 60_000,
      out,
    });
    const match = /^activation_ms=([\d.]+)$/m.exec(printed);
    if (result.failed || !match) throw new Error(`activation bench failed: ${result.problem ?? ''}\n${printed}`);
    return Number(match[1]);
  } finally {
    isolated.cleanup();
  }
}

async function measureActivation() {
  ensureCodeServer();
  const entry = path.join(repoRoot, 'out/bench/activate/index.js');
  await esbuild.build({ stdin: { contents: activationEntry, loader: 'js' }, outfile: entry, platform: 'node', format: 'cjs', logLevel: 'warning' });
  const samples = [];
  for (let i = 0; i < WINDOW_LOADS; i++) samples.push(await activationSample(entry));
  console.log(`activate_ms=${median(samples).toFixed(2)}`);
  console.log(`activate_max_ms=${Math.max(...samples).toFixed(2)}`);
}

function measureVsix() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kms-lab-vsix-'));
  try {
    const vsix = path.join(dir, 'kms-lab.vsix');
    exec(process.execPath, ['esbuild.mjs', '--production']);
    exec('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix]);
    console.log(`vsix_bytes=${statSync(vsix).size}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run() {
  measureVsix();
  await measureActivation();
}
