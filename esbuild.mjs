// Bundles the extension and its lazily loaded parts into dist/.
//   node esbuild.mjs               development build with sourcemaps
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = path.dirname(new URL(import.meta.url).pathname);

// Modules the extension loads on first use, each its own bundle next to extension.js,
// so that activation parses only the small core.
const lazyModules = {
  [path.join(root, 'src/aws/sdk-entry.ts')]: './sdk.js',
  [path.join(root, 'src/sandbox/index.ts')]: './sandbox.js',
};

/** Turns imports of the lazy modules into runtime requires of their own bundles. */
const lazyModulesPlugin = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const base = path.resolve(args.resolveDir, args.path);
      for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
        if (lazyModules[candidate]) return { path: lazyModules[candidate], external: true };
      }
      return undefined;
    });
  },
};

// classic-level (dynalite's disk store) loads a native addon through node-gyp-build relative to
// its own folder. Point it at dist/classic-level, where the prebuilds we ship are copied.
const nativeLevelPlugin = {
  name: 'classic-level-binding',
  setup(build) {
    build.onLoad({ filter: /classic-level[\\/]binding\.js$/ }, () => ({
      contents: "module.exports = require('node-gyp-build')(require('path').join(__dirname, 'classic-level'))",
      loader: 'js',
      resolveDir: path.join(root, 'node_modules/classic-level'),
    }));
  },
};

const shippedPrebuilds = ['linux-x64', 'linux-arm64', 'darwin-x64+arm64', 'win32-x64'];

function copyNativePrebuilds() {
  const from = path.join(root, 'node_modules/classic-level/prebuilds');
  const to = path.join(root, 'dist/classic-level/prebuilds');
  if (!existsSync(from)) return;
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const platform of shippedPrebuilds) {
    if (existsSync(path.join(from, platform))) cpSync(path.join(from, platform), path.join(to, platform), { recursive: true });
  }
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  mainFields: ['module', 'main'],
  plugins: [lazyModulesPlugin, nativeLevelPlugin],
};

const builds = [
  { ...nodeCommon, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { sdk: 'src/aws/sdk-entry.ts' }, outdir: 'dist', mainFields: ['module', 'main'] },
  { ...nodeCommon, entryPoints: { sandbox: 'src/sandbox/index.ts', 'sandbox-cli': 'src/sandbox/cli.ts', 'sandbox-child': 'src/sandbox/process/child.ts' }, outdir: 'dist' },
];

// The webview's browser bundle (script and the styles it imports) in dist/webview/, the only folder the panel may load from.
if (existsSync(path.join(root, 'src/webview/main.ts'))) {
  builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { webview: 'src/webview/main.ts', reverse: 'src/webview/reverse-main.ts' }, outdir: 'dist/webview' });
}

/** Codicons for the webview: vscode-elements' icons need the stylesheet on the page, and the font beside it. */
function copyCodicons() {
  const from = path.join(root, 'node_modules/@vscode/codicons/dist');
  const to = path.join(root, 'dist/webview');
  if (!existsSync(path.join(root, 'src/webview/main.ts')) || !existsSync(from)) return;
  mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) cpSync(path.join(from, file), path.join(to, file));
}

const present = builds
  .map((b) => ({ ...b, entryPoints: Object.fromEntries(Object.entries(b.entryPoints).filter(([, p]) => existsSync(path.join(root, p)))) }))
  .filter((b) => Object.keys(b.entryPoints).length > 0);

// A production build starts from an empty dist/, so no development sourcemap is left to be packaged.
if (production) rmSync(path.join(root, 'dist'), { recursive: true, force: true });

if (watch) {
  for (const options of present) await (await esbuild.context(options)).watch();
  copyNativePrebuilds();
  copyCodicons();
  console.log('esbuild: watching');
} else {
  await Promise.all(present.map((options) => esbuild.build(options)));
  copyNativePrebuilds();
  copyCodicons();
}
