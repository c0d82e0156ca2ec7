// One key policy as one editor holds it (a kmslab: tab, or a table panel): the policy as loaded, which is the base
// of every conflict check; the person's unsaved draft; save, with the person's say before a conflict is overwritten;
// restore from the local history; discard. No vscode: each editor is a thin adapter that answers KeyPolicyEditUi.
// Every save and restore that reaches KMS is announced on the account's change signal (announceKeyPolicySaves).
import type { AwsSession } from '../aws/session';
import { keyIdOf, type AccountChanges, type Subscription } from '../session/account-changes';
import type { DraftStore, PolicyDraft } from './drafts';
import type { HistoryEntry, KeyPolicyDocument, KeyPolicyStore, SaveResult } from './store';
import { parseKeyArn } from './uri';

/** What the core asks the person; each editor answers in its own way (a modal, a scripted answer in tests). */
export interface KeyPolicyEditUi {
  /** Before a save replaces a live policy that changed since it was loaded. */
  confirmOverwrite(keyLabel: string): Promise<boolean>;
  /** Before an unsaved draft is thrown away for the live policy. */
  confirmDiscard(): Promise<boolean>;
  /** Before a restore replaces the unsaved draft in the editor (the draft is kept, and comes back on the next load). */
  confirmRestoreOverDraft(): Promise<boolean>;
}

export type EditResult =
  | Exclude<SaveResult, { kind: 'conflict' }>
  /** `unknownBase`: the editor's text did not come from a load (a restored tab), so it is treated as a conflict. */
  | { kind: 'conflict'; base: string; theirs: string; unknownBase?: boolean }
  | { kind: 'cancelled' };

export interface LoadedPolicy {
  document: KeyPolicyDocument;
  /** What the editor should show: the person's draft, or the live policy. */
  text: string;
  /** Set when `text` is a draft brought back from before (a reloaded page, a closed panel). */
  restoredDraft?: { savedAt: string };
}

/** What happened to this editor's text when the policy was saved by someone else. */
export type SavedElsewhere = 'own' | 'reload' | 'draft-kept';

const PERSIST_DELAY_MS = 1000;

export class KeyPolicyEdit {
  private document: KeyPolicyDocument | undefined;
  private current: PolicyDraft | undefined;
  /** The draft came back from before and has not been shown yet. */
  private draftRestored = false;
  private ownSaves = 0;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  /** The editor's text did not come from this core (a tab restored with unsaved changes): its base is unknown. */
  baseUnknown = false;

  constructor(
    private readonly store: KeyPolicyStore,
    private readonly ui: KeyPolicyEditUi,
    private readonly options: { source: string; drafts?: DraftStore },
  ) {}

  /** The policy as last loaded or saved: the base of conflict checks. */
  get loaded(): KeyPolicyDocument | undefined {
    return this.document;
  }

  get draft(): PolicyDraft | undefined {
    return this.current;
  }

  /** True while this editor's own save or restore is under way: the change it announces is its own. */
  get saving(): boolean {
    return this.ownSaves > 0;
  }

  /** A draft brought back from before (a reloaded page, a restored panel), shown at the next load if it is the newest. */
  offerDraft(draft: PolicyDraft): void {
    if (this.current && this.current.savedAt >= draft.savedAt) return;
    this.current = draft;
    this.draftRestored = true;
  }

  /** Reads the policy from KMS. With `keepBase`, the base stays the one the person's unsaved text was written against. */
  async load(session: AwsSession, keyIdOrArn: string, options: { keepBase?: boolean } = {}): Promise<LoadedPolicy> {
    const document = await this.store.load(session, keyIdOrArn);
    if (this.document && this.document.keyArn !== document.keyArn) this.current = undefined;
    const kept = !this.current || this.draftRestored ? this.options.drafts?.get(document.keyArn) : undefined;
    if (kept && (!this.current || kept.savedAt > this.current.savedAt)) {
      this.current = kept;
      this.draftRestored = true;
    }
    if (this.current?.text === document.text) this.current = undefined;
    const restoredDraft = this.current && this.draftRestored ? { savedAt: this.current.savedAt } : undefined;
    this.draftRestored = false;
    if (!(options.keepBase && this.document?.keyArn === document.keyArn)) this.document = document;
    return { document, text: this.current?.text ?? document.text, restoredDraft };
  }

  /** Forgets the unsaved text without asking: the editor shows the policy as loaded again. */
  clearDraft(): void {
    clearTimeout(this.persistTimer);
    this.current = undefined;
  }

  /** Takes a policy the caller has read or saved as the new base. */
  adopt(document: KeyPolicyDocument): void {
    this.document = document;
    this.baseUnknown = false;
  }

  /** The text in the editor now; a draft when it differs from the policy as loaded. */
  setText(text: string): void {
    const loaded = this.document;
    if (!loaded || !loaded.editable) return;
    this.current = text === loaded.text ? undefined : { text, base: this.current?.base ?? loaded.liveText, savedAt: new Date().toISOString() };
    if (!this.options.drafts) return;
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => void this.persist(), PERSIST_DELAY_MS);
  }

  /** What Save starts from: the loaded policy, with the live text a draft was written against as the base for conflicts. */
  saveBase(): KeyPolicyDocument | undefined {
    return this.document && { ...this.document, liveText: this.current?.base ?? this.document.liveText };
  }

  async save(session: AwsSession, text: string, options: { overwriteConflict?: boolean } = {}): Promise<EditResult> {
    this.setText(text);
    const base = this.saveBase();
    if (!base) return { kind: 'failed', message: 'There is no key policy loaded to save.' };
    const overwriteConflict = options.overwriteConflict ?? false;
    if (overwriteConflict && !(await this.ui.confirmOverwrite(base.keyId))) return { kind: 'cancelled' };
    if (this.baseUnknown && base.editable && !overwriteConflict) return { kind: 'conflict', base: '', theirs: base.text, unknownBase: true };
    const result = await this.own(() => this.store.save(session, base, text, { overwriteConflict, source: this.options.source }));
    if (result.kind === 'saved') await this.adoptSaved(result.document, { forgetDraft: true });
    return result;
  }

  /** Puts an older version from the local history live, with the same checks as Save. */
  async restore(session: AwsSession, entryId: string): Promise<EditResult> {
    const base = this.saveBase();
    if (!base) return { kind: 'failed', message: 'There is no key policy loaded to restore.' };
    const draft = this.current;
    if (draft) {
      if (!(await this.ui.confirmRestoreOverDraft())) return { kind: 'cancelled' };
      clearTimeout(this.persistTimer);
      await this.options.drafts?.keep(base.keyArn, draft);
    }
    const result = await this.own(() => this.store.restore(session, base, entryId, { source: this.options.source }));
    if (result.kind === 'saved') await this.adoptSaved(result.document, { forgetDraft: !draft });
    return result;
  }

  /** Drops the unsaved draft, after the person says so. False when they did not. */
  async discard(): Promise<boolean> {
    if (this.current && !(await this.ui.confirmDiscard())) return false;
    clearTimeout(this.persistTimer);
    this.current = undefined;
    if (this.document) await this.options.drafts?.forget(this.document.keyArn);
    return true;
  }

  /** Newest first. */
  history(): Promise<HistoryEntry[]> {
    const keyArn = this.document?.keyArn;
    return keyArn ? this.store.history(keyArn) : Promise.resolve([]);
  }

  /** The policy was saved: by this editor itself, or elsewhere (then reload, unless the person has unsaved text). */
  savedElsewhere(): SavedElsewhere {
    if (this.saving) return 'own';
    return this.current ? 'draft-kept' : 'reload';
  }

  /** Writes the draft to the drafts store now (a closing editor). */
  async persist(): Promise<void> {
    clearTimeout(this.persistTimer);
    const keyArn = this.document?.keyArn;
    if (!keyArn || !this.options.drafts) return;
    if (this.current) await this.options.drafts.keep(keyArn, this.current);
    else await this.options.drafts.forget(keyArn);
  }

  dispose(): Promise<void> {
    return this.persist();
  }

  private async own<T>(work: () => Promise<T>): Promise<T> {
    this.ownSaves++;
    try {
      return await work();
    } finally {
      this.ownSaves--;
    }
  }

  private async adoptSaved(document: KeyPolicyDocument, options: { forgetDraft: boolean }): Promise<void> {
    clearTimeout(this.persistTimer);
    this.adopt(document);
    this.current = undefined;
    this.draftRestored = false;
    if (options.forgetDraft) await this.options.drafts?.forget(document.keyArn);
  }
}

/** Announces every key policy save and history restore that reaches KMS (from a tab, a panel, the lab) on the signal. */
export function announceKeyPolicySaves(store: KeyPolicyStore, changes: AccountChanges): Subscription {
  return store.onDidSave((keyArn, source) => {
    const arn = parseKeyArn(keyArn);
    if (!arn) return;
    changes.announce({
      scope: { accountId: arn.account, region: arn.region },
      changes: [{ kind: 'key', keyId: keyIdOf(keyArn), aspects: ['policy'] }],
      source: source ?? 'key policy save',
    });
  });
}
