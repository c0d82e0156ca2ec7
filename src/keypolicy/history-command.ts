// "Key Policy History": pick an earlier version, see it beside the live policy, restore it with one click.
import * as vscode from 'vscode';
import type { AwsSession } from '../aws/session';
import { CancelledError } from '../commands';
import { keyUsersAndAdministrators } from '../policy';
import { KeyPolicyEdit, type KeyPolicyEditUi } from './editing';
import type { KeyPolicyDocument, KeyPolicyStore, HistoryEntry } from './store';
import { keyPolicyUri, type KmslabFileSystem } from './file-system';
import { KMSLAB_SCHEME, formatPath, parsePath } from './uri';

interface PendingRestore {
  session: AwsSession;
  /** The live policy the comparison was made against: the base for the restore's conflict check. */
  base: KeyPolicyDocument;
  entry: HistoryEntry;
  label: string;
}

function when(entry: HistoryEntry): string {
  return new Date(entry.savedAt).toLocaleString();
}

function summary(text: string): string {
  try {
    const roles = keyUsersAndAdministrators(text);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    return `${plural(roles.administrators.length, 'administrator')} · ${plural(roles.users.length, 'user')}${roles.iamDelegation ? ' · IAM policies count' : ''}`;
  } catch {
    return 'not a readable policy';
  }
}

export class KeyPolicyHistoryCommands {
  /** History documents shown in a diff, by path: what the title-bar Restore restores. */
  private readonly pending = new Map<string, PendingRestore>();

  constructor(
    private readonly store: KeyPolicyStore,
    private readonly files: KmslabFileSystem,
    private readonly ui: KeyPolicyEditUi,
  ) {}

  /** Lets the person pick a version, opens it beside the live policy, and offers to restore it. */
  async show(session: AwsSession, targetName: string, keyArn: string, label: string): Promise<void> {
    const entries = await this.store.history(keyArn);
    if (entries.length === 0) {
      void vscode.window.showInformationMessage(
        `There are no earlier versions of the key policy of ${label} yet. KMS Lab keeps the policy each of its saves replaces.`,
      );
      return;
    }
    const picked = await vscode.window.showQuickPick(
      entries.map((entry) => ({
        label: `$(history) ${when(entry)}`,
        description: entry.replacedBy ? `replaced by ${entry.replacedBy.split(':').pop()}` : undefined,
        detail: summary(entry.text),
        entry,
      })),
      { title: `Key policy history: ${label}`, placeHolder: 'Pick a version to compare with the live policy', matchOnDescription: true },
    );
    if (!picked) throw new CancelledError('No version picked');

    const base = await this.store.load(session, keyArn);
    const [region, keyId] = [base.region, base.keyId];
    const policy = keyPolicyUri({ target: targetName, region, keyId });
    const live = this.files.showLive(policy, base.text);
    const older = vscode.Uri.from({ scheme: KMSLAB_SCHEME, path: formatPath({ kind: 'history-entry', target: targetName, region, keyId, entryId: picked.entry.id }).path });
    const pending: PendingRestore = { session, base, entry: picked.entry, label };
    this.pending.set(older.path, pending);
    await vscode.commands.executeCommand('vscode.diff', live, older, `${label} key policy: live ↔ ${when(picked.entry)}`, { preview: true });

    const choice = await vscode.window.showInformationMessage(`Restore the key policy of ${label} as it was before ${when(picked.entry)}?`, 'Restore');
    if (choice === 'Restore') await this.restore(pending);
  }

  /** The title-bar action of a history document: restores the version it shows. */
  async restoreShown(uri: vscode.Uri | undefined): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const pending = target && this.pending.get(target.path);
    if (!target || parsePath(target.path).kind !== 'history-entry' || !pending) {
      throw new Error('Open a version from "KMS Lab: Key Policy History" first, then restore it from there.');
    }
    await this.restore(pending);
  }

  private async restore(pending: PendingRestore): Promise<void> {
    // Through the editing core, like every save: the restore is announced, and open tabs and panels follow it.
    const edit = new KeyPolicyEdit(this.store, this.ui, { source: 'key policy history' });
    edit.adopt(pending.base);
    const result = await edit.restore(pending.session, pending.entry.id);
    switch (result.kind) {
      case 'saved':
        this.pending.forEach((p, path) => p.base.keyArn === pending.base.keyArn && this.pending.delete(path));
        void vscode.window.showInformationMessage(`Restored the key policy of ${pending.label} as it was before ${when(pending.entry)}.${result.notes ? ` ${result.notes.join(' ')}` : ''}`);
        return;
      case 'conflict':
        throw new Error(`Not restored: the key policy of ${pending.label} changed since the comparison was opened. Open the history again to compare with the new live policy.`);
      case 'invalid':
        throw new Error(`Not restored: that version is not a valid key policy (${result.problems[0]?.message ?? 'invalid'}).`);
      case 'lockout':
      case 'failed':
        throw new Error(`Not restored: ${result.message}`);
      case 'cancelled':
        return;
    }
  }
}
