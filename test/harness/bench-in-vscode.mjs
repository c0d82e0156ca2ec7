// Runs a benchmark entry inside the pinned VS Code's extension host (like the integration tests) and returns the
// name=value lines it printed. The entry exports run(), prints `integration-start`, its name=value lines, and
// `integration-counts: 1 0` when it succeeded.
import path from 'node:path';
import { Writable } from 'node:stream';
import { ensureCodeServer, repoRoot } from './code-server.mjs';
import { bundleForExtensionHost } from './compile-tests.mjs';
import { runExtensionHostTests } from './extension-tests.mjs';
import { createIsolatedEnv } from './isolated-env.mjs';

export async function benchInVscode({ name, entry, timeoutMs = 10 * 60_000 }) {
  await ensureCodeServer();
  const outdir = path.join(repoRoot, 'out/bench', name);
  await bundleForExtensionHost({ entryPoints: { index: path.join(repoRoot, entry) }, outdir });
  const isolated = createIsolatedEnv({ name: `bench-${name}` });
  let printed = '';
  const out = new Writable({
    write(chunk, _encoding, done) {
      printed += chunk.toString();
      done();
    },
  });
  let result;
  try {
    result = await runExtensionHostTests({ isolated, extensionTestsPath: path.join(outdir, 'index.js'), logDir: path.join(repoRoot, 'test-results', `bench-${name}`), timeoutMs, out });
  } finally {
    isolated.cleanup();
  }
  const lines = printed.split('\n').filter((line) => /^[a-zA-Z0-9_]+=[\d.]+$/.test(line));
  if (result.failed || lines.length === 0) throw new Error(`${name} bench failed: ${result.problem ?? ''}\n${printed}`);
  return lines;
}
