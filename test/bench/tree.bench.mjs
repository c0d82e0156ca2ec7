// tree_load_ms: how long the resources tree takes to show 100 keys and 300 tables of the local sandbox,
// measured inside the pinned VS Code (median of five refreshes).
import path from 'node:path';
import { Writable } from 'node:stream';
import { ensureCodeServer, repoRoot } from '../harness/code-server.mjs';
import { bundleForExtensionHost } from '../harness/compile-tests.mjs';
import { runExtensionHostTests } from '../harness/extension-tests.mjs';
import { createIsolatedEnv } from '../harness/isolated-env.mjs';

export default async function run() {
  await ensureCodeServer();
  const outdir = path.join(repoRoot, 'out/bench/tree-load');
  await bundleForExtensionHost({ entryPoints: { index: path.join(repoRoot, 'test/bench/vscode/tree-load.ts') }, outdir });
  const outfile = path.join(outdir, 'index.js');
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
