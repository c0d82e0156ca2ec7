// jsonc-parser, loaded on first use. Its UMD build (the package's "main") can only be bundled when esbuild
// prefers the "module" field; loading it lazily keeps evaluate() usable in any bundle that imports this engine.
import type * as Jsonc from 'jsonc-parser';

let loaded: typeof Jsonc | undefined;

export function jsonc(): typeof Jsonc {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('jsonc-parser') as typeof Jsonc;
  return loaded;
}
