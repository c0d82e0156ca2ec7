// Bundles one entry of src/ into out/ (packages stay external, as in dist/) once per test process, for tests that
// run part of the sandbox as a child process.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

function repositoryRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'src/sandbox/index.ts'))) return dir;
  }
  return process.cwd();
}

export const root = repositoryRoot();
const built = new Map<string, Promise<string>>();

/** `bundleEntry('src/sandbox/process/child.ts')` → path of a CommonJS bundle, deleted when the process exits. */
export function bundleEntry(entry: string): Promise<string> {
  let result = built.get(entry);
  if (!result) {
    result = (async () => {
      const outdir = path.join(root, 'out', `front-bundle-${process.pid}`);
      const outfile = path.join(outdir, `${path.basename(entry, '.ts')}-${built.size}.js`);
      process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
      await esbuild.build({
        entryPoints: [path.join(root, entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        packages: 'external',
        logLevel: 'warning',
      });
      return outfile;
    })();
    built.set(entry, result);
  }
  return result;
}
