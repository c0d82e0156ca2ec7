// Unsaved key policy drafts outlive their panel: closing a panel with an edit in it keeps the edit for the next one.
import type * as vscode from 'vscode';

export interface PolicyDraft {
  text: string;
  /** The live policy the draft was written against: Save compares it with the live one, so no change is overwritten. */
  base: string;
  savedAt: string;
}

const KEY = 'kmsLab.policyDrafts';
const LIMIT = 20;

export class PolicyDrafts {
  constructor(private readonly memento: vscode.Memento) {}

  get(keyArn: string): PolicyDraft | undefined {
    const all = this.memento.get<Record<string, PolicyDraft>>(KEY) ?? {};
    const draft = all[keyArn];
    return draft && typeof draft.text === 'string' && typeof draft.base === 'string' ? draft : undefined;
  }

  async keep(keyArn: string, draft: PolicyDraft): Promise<void> {
    const all = { ...(this.memento.get<Record<string, PolicyDraft>>(KEY) ?? {}), [keyArn]: draft };
    const newest = Object.entries(all)
      .sort(([, a], [, b]) => b.savedAt.localeCompare(a.savedAt))
      .slice(0, LIMIT);
    await this.memento.update(KEY, Object.fromEntries(newest));
  }

  async forget(keyArn: string): Promise<void> {
    const all = { ...(this.memento.get<Record<string, PolicyDraft>>(KEY) ?? {}) };
    if (!(keyArn in all)) return;
    delete all[keyArn];
    await this.memento.update(KEY, all);
  }
}
