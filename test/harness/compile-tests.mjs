// Bundles the extension-host tests (test/integration/index.ts and every *.test.ts) into out/integration/,
// one CommonJS file each, with `vscode` and the packages left to the extension host's require.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './code-server.mjs';

const integrationDir = path.join(repoRoot, 'test/integration');
const outDir = path.join(repoRoot, 'out/integration');

function findTestSources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'support' ? [] : findTestSources(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Returns the path of the compiled entry (out/integration/index.js). */
export async function compileExtensionHostTests() {
  await bundleForExtensionHost({ entryPoints: [path.join(integrationDir, 'index.ts'), ...findTestSources(integrationDir)], outdir: outDir, outbase: integrationDir });
  return path.join(outDir, 'index.js');
}

/** Bundles code that runs in VS Code's extension host: CommonJS, with `vscode` and the packages left to its require. */
export async function bundleForExtensionHost({ entryPoints, outdir, outbase }) {
  rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir,
    outbase,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
