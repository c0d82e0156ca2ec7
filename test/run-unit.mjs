// Compiles test/unit/**/*.test.ts with esbuild and runs them with node:test.
//   node test/run-unit.mjs [filter]   runs only the test files whose path contains filter
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filter = process.argv[2] ?? '';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findTests(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const tests = findTests(path.join(root, 'test/unit')).filter((f) => f.includes(filter));
if (tests.length === 0) {
  console.error(`unit: no test files match "${filter}"`);
  process.exit(1);
}

// One folder per run, so runs started side by side never delete each other's compiled tests.
const outdir = path.join(root, 'out', `unit-${process.pid}`);
rmSync(outdir, { recursive: true, force: true });
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
await esbuild.build({
  entryPoints: tests,
  outdir,
  outbase: path.join(root, 'test/unit'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});

const compiled = tests.map((f) => path.join(outdir, path.relative(path.join(root, 'test/unit'), f)).replace(/\.ts$/, '.js'));
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', ...compiled], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, AWS_CONFIG_FILE: '/nonexistent/kms-lab-test-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kms-lab-test-credentials' },
});
process.exit(result.status ?? 1);
