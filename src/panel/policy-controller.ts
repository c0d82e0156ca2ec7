// The key policy feature: a thin adapter of the key policy editing core (keypolicy/editing.ts) for the panel's
// editor. It shows the policy of the key that encrypts the table (or the person's draft), checks it as they type,
// saves and restores through the core, and follows saves made elsewhere (a kmslab: tab, the lab, another panel).
import type { Logger } from '../aws/log';
import { KeyPolicyEdit, type LoadedPolicy } from '../keypolicy/editing';
import type { DraftStore, PolicyDraft } from '../keypolicy/drafts';
import type { KeyPolicyStore } from '../keypolicy/store';
import { parsePolicy } from '../policy';
import { changesEverything, touchesKey, type AccountChangeEvent } from '../session/account-changes';
import { errorText, type PanelController, type PanelHost, type PanelUi, type PrincipalChoice } from './controller';
import { checkPolicy, editKeyRoles, saveOutcome } from './policy-checks';
import type { KeyRoleEdit, PolicyHostMessage, PolicyView, PolicyWebviewMessage } from './policy-protocol';
import type { PersistedState } from './protocol';
import type { ReadAsDirectory } from './read-as';
import type { PanelScope } from './scope';

export interface PolicyDeps {
  log: Logger;
  store: KeyPolicyStore;
  drafts?: DraftStore;
  ui: PanelUi;
  readAs: ReadAsDirectory;
  /** A panel shown again reads a policy loaded longer ago than this again (when it holds no unsaved edit). */
  recheckAfterMs?: number;
  /** A draft kept by the page before a window reload. */
  restoredDraft?: Omit<PolicyDraft, 'savedAt'> & { keyArn: string; savedAt?: string };
}

export const AWS_OWNED_REASON =
  'This table is encrypted with an AWS owned key. That key belongs to DynamoDB, not to your account, so there is no key policy to see or edit: whoever IAM lets read the table can read its items.';

export class PolicyController implements PanelController<PolicyWebviewMessage> {
  private readonly edit: KeyPolicyEdit;
  private view: PolicyView = { state: 'none', reason: 'Loading…' };
  private loads = 0;

  constructor(
    private readonly host: PanelHost,
    private readonly scope: PanelScope,
    private readonly deps: PolicyDeps,
  ) {
    this.edit = new KeyPolicyEdit(deps.store, deps.ui, { source: 'table panel', drafts: deps.drafts });
    if (deps.restoredDraft) this.offer(deps.restoredDraft);
  }

  get state(): PolicyView {
    return this.view;
  }

  /** Why there is no policy to edit (an AWS owned key), or why it is read-only (an AWS managed key). */
  get note(): string | undefined {
    return this.view.state === 'none' ? this.view.reason : this.view.state === 'loaded' ? this.view.readOnlyReason : undefined;
  }

  /** Loads the policy of the scope's key, after the scope (re)connected. */
  start(): Promise<void> {
    return this.load();
  }

  async onReady(state: PersistedState | undefined): Promise<void> {
    const draft = state?.draft;
    const view = this.view;
    if (draft && (!this.edit.loaded || draft.keyArn === this.edit.loaded.keyArn) && !this.edit.draft) {
      this.offer(draft);
      if (view.state === 'loaded' && view.text !== draft.text) this.view = { ...view, text: draft.text, restoredDraft: { savedAt: draft.savedAt ?? new Date().toISOString() } };
    }
    this.post({ type: 'policyEditor', canOpenInEditor: await this.deps.ui.canOpenKeyPolicyEditor() });
    this.post({ type: 'policy', policy: this.view });
  }

  async handle(message: PolicyWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'checkPolicy':
        this.edit.setText(message.text);
        this.post({ type: 'policyChecked', version: message.version, ...checkPolicy(message.text) });
        return;
      case 'editKeyRoles':
        return this.editRoles(message.edit, message.text, message.arn);
      case 'savePolicy':
        return this.save(message.text, message.overwriteConflict ?? false);
      case 'discardDraft':
        if (await this.edit.discard()) await this.load();
        return;
      case 'reloadPolicy':
        return this.load();
      case 'loadHistory':
        return this.postHistory();
      case 'restoreHistory':
        return this.restore(message.entryId);
      case 'openInEditor':
        return this.openInEditor();
      case 'showStatement': {
        const range = parsePolicy(message.text).statementRanges[message.statementIndex];
        if (range) this.post({ type: 'revealStatement', from: range.start, to: range.end });
        else this.host.post({ type: 'notice', level: 'warning', message: `The key policy in the editor has no statement #${message.statementIndex + 1} any more.` });
        return;
      }
    }
  }

  async onAccountChange(event: AccountChangeEvent): Promise<void> {
    const keyArn = this.scope.keyArn;
    const shown = this.view.state === 'none' ? undefined : this.view.keyArn;
    if (changesEverything(event) || keyArn !== shown) return this.load();
    if (!keyArn || !touchesKey(event, keyArn)) return;
    switch (this.edit.savedElsewhere()) {
      case 'own':
        return;
      case 'draft-kept':
        this.host.post({ type: 'notice', level: 'warning', message: `The key policy was just saved elsewhere (${event.source}). Your unsaved edit is kept; Save will show the other change before anything is overwritten.` });
        return;
      case 'reload':
        await this.load();
        this.host.post({ type: 'notice', level: 'info', message: `The key policy was just saved elsewhere (${event.source}); this is the new live policy.` });
    }
  }

  /** Shown again: a policy read a while ago is read again (a change made outside KMS Lab is announced nowhere). */
  onVisible(): void {
    const view = this.view;
    if (view.state !== 'loaded' || this.edit.draft) return;
    if (Date.now() - Date.parse(view.loadedAt) > (this.deps.recheckAfterMs ?? 30_000)) void this.load();
  }

  dispose(): void {
    void this.edit.dispose();
  }

  private post(message: PolicyHostMessage): void {
    this.host.post(message);
  }

  private setView(view: PolicyView): void {
    this.view = view;
    this.post({ type: 'policy', policy: view });
  }

  private offer(draft: { text: string; base: string; savedAt?: string }): void {
    this.edit.offerDraft({ text: draft.text, base: draft.base, savedAt: draft.savedAt ?? new Date(0).toISOString() });
  }

  private async load(): Promise<void> {
    const load = ++this.loads;
    await this.scope.tableLoaded;
    if (load !== this.loads) return;
    if (this.scope.table?.encryption === 'aws-owned') return this.setView({ state: 'none', reason: AWS_OWNED_REASON });
    const keyArn = this.scope.keyArn;
    const problem = this.scope.tableProblem;
    if (!keyArn) return this.setView({ state: 'none', reason: problem ? `Which key encrypts the table is unknown: ${problem}` : 'No key to show.' });
    const source = this.scope.admin;
    if (!source) return this.setView({ state: 'failed', keyArn, message: 'No AWS profile selected: pick one in the status bar.' });
    // A policy already on screen stays there while it is read again.
    if (this.view.state !== 'loaded' || this.view.keyArn !== keyArn) this.setView({ state: 'loading', keyArn });
    try {
      const loaded = await this.edit.load(source.session, keyArn);
      const key = await source.session.kms.describeKey(loaded.document.keyArn).catch(() => undefined);
      if (load !== this.loads) return;
      this.setView(this.loadedView(loaded, key));
    } catch (error) {
      if (load !== this.loads) return;
      const message = `The key policy could not be read as ${source.label}: ${errorText(error)}`;
      // An unsaved edit stays on screen: Save will say whether this identity may change the policy.
      const draft = this.edit.draft;
      if (draft && this.view.state === 'loaded' && this.view.keyArn === keyArn) return this.setView({ ...this.view, text: draft.text, problem: message });
      this.setView({ state: 'failed', keyArn, message });
    }
  }

  private loadedView(loaded: LoadedPolicy, key: { aliases: string[]; keyManager: 'AWS' | 'CUSTOMER'; state: string } | undefined): PolicyView {
    const { document } = loaded;
    return {
      state: 'loaded',
      keyArn: document.keyArn,
      keyLabel: key?.aliases[0] ?? document.keyId,
      keyManager: key?.keyManager ?? (document.editable ? 'CUSTOMER' : 'AWS'),
      keyState: key?.state ?? 'Unknown',
      liveText: document.text,
      text: loaded.text,
      editable: document.editable,
      readOnlyReason: document.readOnlyReason,
      loadedAt: document.loadedAt.toISOString(),
      restoredDraft: loaded.restoredDraft,
      problem: undefined,
    };
  }

  private adoptSaved(): void {
    const document = this.edit.loaded;
    if (!document || this.view.state !== 'loaded') return;
    this.view = { ...this.view, liveText: document.text, text: document.text, loadedAt: document.loadedAt.toISOString(), restoredDraft: undefined, problem: undefined };
    this.post({ type: 'policy', policy: this.view });
  }

  private async save(text: string, overwriteConflict: boolean): Promise<void> {
    const source = this.scope.admin;
    if (!source || !this.edit.loaded) {
      this.post({ type: 'saveOutcome', outcome: { kind: 'failed', message: 'There is no key policy loaded to save. Your text is kept.' } });
      return;
    }
    const result = await this.edit.save(source.session, text, { overwriteConflict });
    this.deps.log.info(`Key policy save from the table panel: ${result.kind} · ${this.edit.loaded.keyArn}`);
    if (result.kind === 'saved') this.adoptSaved();
    this.post({ type: 'saveOutcome', outcome: saveOutcome(result) });
  }

  private async restore(entryId: string): Promise<void> {
    const source = this.scope.admin;
    if (!source || !this.edit.loaded) return;
    const result = await this.edit.restore(source.session, entryId);
    if (result.kind === 'cancelled') return;
    if (result.kind === 'saved') this.adoptSaved();
    this.post({ type: 'saveOutcome', outcome: saveOutcome(result) });
    await this.postHistory();
  }

  private async postHistory(): Promise<void> {
    if (!this.edit.loaded) {
      this.post({ type: 'history', entries: [], problem: 'No key policy is loaded.' });
      return;
    }
    try {
      const entries = await this.edit.history();
      this.post({ type: 'history', entries: entries.map((e) => ({ id: e.id, savedAt: e.savedAt, replacedBy: e.replacedBy, text: e.text })) });
    } catch (error) {
      this.post({ type: 'history', entries: [], problem: `The history could not be read: ${errorText(error)}` });
    }
  }

  private async editRoles(edit: KeyRoleEdit, text: string, arn: string | undefined): Promise<void> {
    const role = edit.endsWith('User') ? 'key user' : 'key administrator';
    const adding = edit.startsWith('add');
    const principal = arn?.trim() || (await this.deps.ui.pickPrincipal(`KMS Lab: ${adding ? 'add a' : 'remove a'} ${role}`, this.principalChoices()));
    if (!principal) return;
    try {
      const next = editKeyRoles(text, edit, principal);
      const note = next === text ? `${principal} is already ${adding ? '' : 'not '}a ${role}.` : `${adding ? 'Added' : 'Removed'} ${principal} as ${role}. Not saved yet.`;
      this.post({ type: 'policyText', text: next, note });
    } catch (error) {
      this.post({ type: 'policyEditFailed', message: errorText(error) });
    }
  }

  /** The console's picker: the identities KMS Lab knows, then the account's users and roles. */
  private async principalChoices(): Promise<PrincipalChoice[]> {
    const list: PrincipalChoice[] = [];
    const add = (choice: PrincipalChoice) => list.some((c) => c.arn === choice.arn) || list.push(choice);
    const known = await this.deps.readAs.choices(this.scope.subject.region).catch(() => []);
    for (const choice of known) if (choice.kind === 'identity' && choice.arn) add({ label: choice.label, arn: choice.arn, icon: 'person' });
    const session = this.scope.admin?.session;
    if (session) {
      const [users, roles] = await Promise.all([session.iam.listUsers({ pageSize: 1000 }).catch(() => undefined), session.iam.listRoles({ pageSize: 1000 }).catch(() => undefined)]);
      for (const p of [...(users?.items ?? []), ...(roles?.items ?? [])]) add({ label: p.name, arn: p.arn, icon: p.kind === 'user' ? 'person' : 'server' });
    }
    return list;
  }

  private async openInEditor(): Promise<void> {
    const keyArn = this.edit.loaded?.keyArn ?? (this.view.state !== 'none' ? this.view.keyArn : undefined);
    if (!keyArn) return;
    if (!(await this.deps.ui.canOpenKeyPolicyEditor())) {
      this.host.post({ type: 'notice', level: 'warning', message: 'Editing key policies in an editor tab is not available in this version of KMS Lab.' });
      return;
    }
    await this.deps.ui.openKeyPolicyEditor(keyArn);
  }
}
