// The key policy editing core's questions, as VS Code modals: the same words in a kmslab: tab and in a table panel.
import * as vscode from 'vscode';
import type { KeyPolicyEditUi } from './editing';

async function confirm(message: string, action: string, detail?: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}

export const vscodeKeyPolicyEditUi: KeyPolicyEditUi = {
  confirmOverwrite: (keyLabel) =>
    confirm(
      `Overwrite the live key policy of ${keyLabel} with yours?`,
      'Overwrite',
      'The change made meanwhile will be replaced. The replaced policy is kept in the local history (KMS Lab: Key Policy History).',
    ),
  confirmDiscard: () => confirm('Discard your unsaved edit of the key policy and load the live policy?', 'Discard'),
  confirmRestoreOverDraft: () =>
    confirm('Restoring puts the older policy live and replaces your unsaved edit in the editor. Your edit is kept as a draft until you discard it.', 'Restore'),
};
