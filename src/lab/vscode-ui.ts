// The lab's questions as VS Code asks them: modal dialogs, input boxes, progress notifications and a diff editor.
import * as vscode from 'vscode';
import type { InputRequest, LabUi } from './ui';

export const DIFF_SCHEME = 'kmslab-lab-diff';

/** Read-only documents for the before/after sides of a key policy diff. */
export class PolicyDiffDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  uri(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${++this.counter}/${name.replace(/[\\/:]/g, '-')}.json` });
    this.texts.set(uri.toString(), text);
    if (this.texts.size > 20) this.texts.delete(this.texts.keys().next().value as string);
    return uri;
  }
}

export class VscodeLabUi implements LabUi {
  constructor(private readonly diffs: PolicyDiffDocuments) {}

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }

  async choose<T extends string>(message: string, detail: string, choices: readonly T[]): Promise<T | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...choices);
  }

  async input(request: InputRequest): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: request.title,
      prompt: request.prompt,
      value: request.value,
      ignoreFocusOut: true,
      validateInput: (value) => request.validate(value),
    });
  }

  progress<T>(title: string, task: (report: (message: string) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `KMS Lab: ${title}` }, (progress) =>
        task((message) => progress.report({ message })),
      ),
    );
  }

  async showPolicyDiff(title: string, before: string, after: string): Promise<void> {
    const left = this.diffs.uri('live key policy', before);
    const right = this.diffs.uri('changed key policy', after);
    // Opened beside the confirmation that follows, not waited for: the question need not wait for the editor.
    void vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  }
}
