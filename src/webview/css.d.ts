// esbuild bundles the styles a module imports into webview.css beside webview.js.
declare module '*.css';
