import * as vscode from 'vscode';

export const POLICY_SCHEME = 'kmslab';

/** Read-only JSON documents for key policies and IAM policies, opened from the tree. */
export class PolicyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows text as a JSON document named after what it is, e.g. "alias-kms-lab key policy.json". */
  async show(title: string, identity: string, text: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: POLICY_SCHEME, path: `/${title.replace(/[\\/:]/g, '-')}.json`, query: encodeURIComponent(identity) });
    this.contents.set(uri.toString(), prettyJson(text));
    this.emitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== 'json') await vscode.languages.setTextDocumentLanguage(document, 'json');
    return vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.emitter.dispose();
    this.contents.clear();
  }
}

function prettyJson(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}
