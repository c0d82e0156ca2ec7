// tree_load_ms: how long the resources tree takes to show 100 keys and 300 tables of the local sandbox,
// measured inside the pinned VS Code (median of five refreshes).
import * as esbuild from 'esbuild';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ensureCodeServer, repoRoot } from '../harness/code-server.mjs';
import { runExtensionHostTests } from '../harness/extension-tests.mjs';
import { createIsolatedEnv } from '../harness/isolated-env.mjs';

export default async function run() {
  await ensureCodeServer();
  const outfile = path.join(repoRoot, 'out/bench/tree-load/index.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test/bench/vscode/tree-load.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    packages: 'external',
    logLevel: 'warning',
  });
  const isolated = createIsolatedEnv({ name: 'bench-tree' });
  let printed = '';
  const out = new Writable({
    write(chunk, _encoding, done) {
      printed += chunk.toString();
      done();
    },
  });
  let result;
  try {
    result = await runExtensionHostTests({ isolated, extensionTestsPath: outfile, logDir: path.join(repoRoot, 'test-results/bench-tree'), timeoutMs: 10 * 60_000, out });
  } finally {
    isolated.cleanup();
  }
  const lines = printed.split('\n').filter((line) => /^[a-z_]+=\d+$/.test(line));
  if (result.failed || lines.length === 0) throw new Error(`tree bench failed: ${result.problem ?? ""}\n${printed}`);
  for (const line of lines) console.log(line);
}
