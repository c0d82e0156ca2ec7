// The panel's page: a strict Content Security Policy, a fresh nonce per load, and only the built assets.
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** Where the built webview assets live, relative to the extension: the only folder the webview may load from. */
export const WEBVIEW_ASSETS = ['dist', 'webview'] as const;

/** Scripts on, and nothing loadable but the built assets. */
export function webviewOptions(extensionUri: vscode.Uri, joinPath: (base: vscode.Uri, ...parts: string[]) => vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [joinPath(extensionUri, ...WEBVIEW_ASSETS)] };
}

export function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** `bundle`: which built page, "webview" (the table panel) or "reverse" (what a principal can read). */
export function panelHtml(webview: vscode.Webview, assets: vscode.Uri, title: string, asUri: (base: vscode.Uri, file: string) => vscode.Uri, bundle = 'webview'): string {
  const nonce = newNonce();
  const asset = (file: string) => escapeAttribute(webview.asWebviewUri(asUri(assets, file)).toString());
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset(`${bundle}.css`)}">
<title>${escapeAttribute(title)}</title>
</head>
<body>
<div id="app" class="app"></div>
<script nonce="${nonce}" src="${asset(`${bundle}.js`)}"></script>
</body>
</html>`;
}
