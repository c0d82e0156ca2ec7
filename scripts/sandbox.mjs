// `npm run sandbox -- <options>`: starts the sandbox CLI from the current build in dist/, building first only when a
// source file, the lock file or esbuild.mjs is newer than the build (a fresh build starts in a fraction of a second).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outputs = ['dist/sandbox.js', 'dist/sandbox-cli.js'].map((file) => path.join(root, file));

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function builtAt() {
  try {
    return Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  } catch {
    return 0;
  }
}

const sources = Math.max(newest(path.join(root, 'src')), ...['esbuild.mjs', 'package-lock.json'].map((file) => statSync(path.join(root, file)).mtimeMs));
if (builtAt() < sources) {
  process.stderr.write('sandbox: building (sources changed since the last build)\n');
  const build = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
createRequire(import.meta.url)(outputs[1]).run();
