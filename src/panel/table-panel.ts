// One table panel: the table's items as the status bar's identity (and a second "Read as" identity) sees them, beside
// the key policy of the key that encrypts them. It follows the status bar, keeps the person's unsaved policy text
// through reloads and closes, and checks every message from its webview.
import * as vscode from 'vscode';
import type { DynamoTable, ItemRead } from '../aws/types';
import type { KeyPolicyDocument, KeyPolicyStore, SaveResult } from '../keypolicy';
import { errorMessage } from '../notify';
import type { Connection } from '../status/connection';
import type { ExtraIdentities } from '../status/identities';
import type { AccessContext } from './access-controller';
import { explainDenial } from './denial-explanation';
import { PanelAccess } from './panel-access';
import type { PolicyDraft, PolicyDrafts } from './drafts';
import { panelHtml, WEBVIEW_ASSETS, webviewOptions } from './html';
import { InvalidMessageError, parseWebviewMessage } from './incoming';
import { borrowedSource, disposeSource, identityView, ownedSource, shortPrincipal, type PaneSource } from './pane-source';
import { parsePolicy } from '../policy';
import { checkPolicy, editKeyRoles, saveOutcome } from './policy-checks';
import type { HostMessage, KeyRoleEdit, PaneAction, PaneId, PaneShown, PanelSubject, PersistedState, PolicyView, ReadFailure, ReadRequest, TableView, WebviewMessage } from './protocol';
import { readAsChoices, resolveReadAs } from './read-as';
import { readFailure } from './read-failure';

export interface PanelDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  identities: ExtraIdentities;
  keyPolicies: KeyPolicyStore;
  drafts: PolicyDrafts;
  extensionUri: vscode.Uri;
}

export interface PanelInfo {
  title: string;
  subject: PanelSubject;
  readAs?: string;
  /** From the open command to the first rows on screen, as the webview reported it. */
  firstRowsMs?: number;
  /** The most item rows the webview had in its DOM at once. */
  maxDomRows: number;
  policyState: PolicyView['state'];
  /** Why there is no key policy to edit (an AWS owned key), or why it is read-only (an AWS managed key). */
  policyNote?: string;
  visible: boolean;
  /** What each pane has on screen, as its webview last reported. */
  panes: Partial<Record<PaneId, PaneShown>>;
}

export const AWS_OWNED_REASON =
  'This table is encrypted with an AWS owned key. That key belongs to DynamoDB, not to your account, so there is no key policy to see or edit: whoever IAM lets read the table can read its items.';

const DEFAULT_PAGE_SIZE = 100;
const READY_TIMEOUT_MS = 6000;

export class TablePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the panel is closed. */
  readonly onDidDispose = this.emitter.event;
  private ready = false;
  private readyWatchdog: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Bumped on each reload, so answers for an identity the panel has left are dropped. */
  private generation = 0;
  private primary: PaneSource | undefined;
  private secondary: PaneSource | undefined;
  private readAsId: string | undefined;
  private table: DynamoTable | undefined;
  private tableProblem: string | undefined;
  private policyView: PolicyView = { state: 'none', reason: 'Loading…' };
  /** The key policy as last loaded. */
  private loaded: KeyPolicyDocument | undefined;
  private draft: PolicyDraft | undefined;
  /** True while the draft is one brought back from before (a closed panel, a reloaded window), until it is shown. */
  private draftRestored = false;
  private draftTimer: NodeJS.Timeout | undefined;
  private readonly initial: Partial<Record<PaneId, Promise<HostMessage>>> = {};
  private pageSize: number;
  private savingOwn = false;
  private readonly openedAt: number;
  private firstRowsMs: number | undefined;
  private maxDomRows = 0;
  private readonly shown: Partial<Record<PaneId, PaneShown>> = {};
  private readonly access: PanelAccess;
  /** "Who can read?" opened the panel: its webview starts on the Access view. */
  private accessShown = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private subject: PanelSubject,
    private readonly deps: PanelDeps,
    options: { readAs?: string; state?: PersistedState; openedAt?: number } = {},
  ) {
    this.openedAt = options.openedAt ?? Date.now();
    this.access = new PanelAccess({ log: deps.log, connection: deps.connection, identities: deps.identities });
    this.readAsId = options.readAs ?? options.state?.readAs;
    this.pageSize = options.state?.pageSize ?? DEFAULT_PAGE_SIZE;
    if (options.state?.draft) {
      const { text, base, savedAt } = options.state.draft;
      this.draft = { text, base, savedAt: savedAt ?? new Date(0).toISOString() };
      this.draftRestored = true;
    }
    const assets = vscode.Uri.joinPath(deps.extensionUri, ...WEBVIEW_ASSETS);
    panel.webview.options = webviewOptions(deps.extensionUri, vscode.Uri.joinPath);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'kms-lab.svg');
    this.setHtml(assets);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      deps.connection.onDidChangeTarget(() => void this.followStatusBar()),
      deps.connection.onDidChangeIdentity(() => this.updateTitle()),
      deps.identities.onDidChange(() => void this.postReadAsOptions()),
      deps.keyPolicies.onDidSave((keyArn) => void this.policySavedElsewhere(keyArn)),
    );
    this.updateTitle();
    void this.reload();
  }

  /** The page. A page that has not said "ready" a while after it was set is set again: webviews opened right after
   * one closed sometimes never load (seen in code-server), and a panel that never answers is worse than a reload. */
  private setHtml(assets: vscode.Uri, attempt = 1): void {
    this.panel.webview.html = panelHtml(this.panel.webview, assets, this.subjectName(), (base, file) => vscode.Uri.joinPath(base, file));
    clearTimeout(this.readyWatchdog);
    this.readyWatchdog = setTimeout(() => {
      if (this.ready || this.disposed || attempt >= 3) return;
      this.deps.log.warn(`Table panel: the page did not start within ${READY_TIMEOUT_MS} ms; loading it again · ${this.subjectName()}`);
      this.setHtml(assets, attempt + 1);
    }, READY_TIMEOUT_MS);
  }

  get key(): string {
    return panelKey(this.subject);
  }

  info(): PanelInfo {
    return {
      title: this.panel.title,
      subject: { ...this.subject },
      readAs: this.readAsId,
      firstRowsMs: this.firstRowsMs,
      maxDomRows: this.maxDomRows,
      policyState: this.policyView.state,
      policyNote: this.policyView.state === 'none' ? this.policyView.reason : this.policyView.state === 'loaded' ? this.policyView.readOnlyReason : undefined,
      visible: this.panel.visible,
      panes: { ...this.shown },
    };
  }

  /** Shows the panel again, reading as `readAs` when given (the lab opens it this way). */
  async reveal(readAs?: string): Promise<void> {
    this.panel.reveal();
    if (readAs !== undefined && readAs !== this.readAsId) await this.setReadAs(readAs);
  }

  // ---- loading ----

  private subjectName(): string {
    return this.subject.tableName ?? this.subject.keyArn?.split('/').pop() ?? 'Table';
  }

  private async reload(): Promise<void> {
    const generation = ++this.generation;
    const session = this.deps.connection.session;
    this.primary = session ? borrowedSource(session) : undefined;
    if (this.subject.tableName) {
      this.initial.primary = this.firstPage('primary', generation);
      if (this.readAsId && !this.secondary) await this.openSecondary(this.readAsId, generation);
      else if (this.secondary) this.initial.secondary = this.firstPage('secondary', generation);
    }
    void this.loadIdentity('primary', generation);
    await this.loadTable(generation);
    await this.loadPolicy(generation);
  }

  private async followStatusBar(): Promise<void> {
    const target = this.deps.connection.target;
    if (target) this.subject = { ...this.subject, region: target.region };
    // A "Read as" profile reads in the panel's region, and the status bar's profile is no longer offered.
    if (this.secondary && this.readAsId) {
      disposeSource(this.secondary);
      this.secondary = undefined;
    }
    this.updateTitle();
    await this.reload();
    if (this.ready) {
      this.post({ type: 'table', table: this.tableView(), problem: this.tableProblem });
      for (const pane of ['primary', 'secondary'] as const) void this.postInitial(pane, this.generation);
      await this.postReadAsOptions();
    }
  }

  private async loadIdentity(pane: PaneId, generation: number): Promise<void> {
    const source = pane === 'primary' ? this.primary : this.secondary;
    if (!source) {
      this.post({ type: 'identity', pane, identity: pane === 'primary' ? identityView(undefined, this.subject.region) : undefined });
      return;
    }
    try {
      source.identity = await source.session.sts.getCallerIdentity();
      source.identityProblem = undefined;
    } catch (error) {
      source.identityProblem = errorMessage(error);
    }
    if (generation !== this.generation) return;
    this.updateTitle();
    this.post({ type: 'identity', pane, identity: identityView(source, this.subject.region) });
  }

  private async loadTable(generation: number): Promise<void> {
    const name = this.subject.tableName;
    if (!name || !this.primary) {
      this.table = undefined;
      this.tableProblem = name ? 'No AWS profile selected: pick one in the status bar.' : undefined;
      return;
    }
    try {
      const table = await this.primary.session.dynamodb.describeTable(name);
      if (generation !== this.generation) return;
      this.table = table;
      this.tableProblem = table.problem;
    } catch (error) {
      if (generation !== this.generation) return;
      this.table = undefined;
      this.tableProblem = readFailure(error, this.primary.label, name, this.primary.target).message;
    }
    this.post({ type: 'table', table: this.tableView(), problem: this.tableProblem });
  }

  private tableView(): TableView | undefined {
    const t = this.table;
    if (!t) return undefined;
    return {
      name: t.name,
      arn: t.arn,
      region: this.subject.region,
      status: t.status,
      encryption: t.encryption,
      kmsKeyArn: t.kmsKeyArn,
      keySchema: t.keySchema,
      keyTypes: t.keyTypes ?? {},
      itemCount: t.itemCount,
      problem: t.problem,
    };
  }

  private setPolicyView(view: PolicyView): void {
    this.policyView = view;
    this.post({ type: 'policy', policy: view });
  }

  private async loadPolicy(generation: number): Promise<void> {
    const table = this.table;
    if (table?.encryption === 'aws-owned') {
      this.loaded = undefined;
      this.setPolicyView({ state: 'none', reason: AWS_OWNED_REASON });
      return;
    }
    const keyArn = table?.kmsKeyArn ?? this.subject.keyArn;
    if (!keyArn) {
      this.setPolicyView({ state: 'none', reason: this.tableProblem ? `Which key encrypts the table is unknown: ${this.tableProblem}` : 'No key to show.' });
      return;
    }
    const source = this.primary;
    if (!source) {
      this.setPolicyView({ state: 'failed', keyArn, message: 'No AWS profile selected: pick one in the status bar.' });
      return;
    }
    this.setPolicyView({ state: 'loading', keyArn });
    try {
      const loaded = await this.deps.keyPolicies.load(source.session, keyArn);
      const key = await source.session.kms.describeKey(loaded.keyArn).catch(() => undefined);
      if (generation !== this.generation) return;
      if (this.draft && this.loaded && this.loaded.keyArn !== loaded.keyArn) this.draft = undefined;
      // A draft brought back from before: the newest of the panel's saved state and the drafts kept on disk.
      const kept = !this.draft || this.draftRestored ? this.deps.drafts.get(loaded.keyArn) : undefined;
      if (kept && (!this.draft || kept.savedAt > this.draft.savedAt)) {
        this.draft = kept;
        this.draftRestored = true;
      }
      if (this.draft?.text === loaded.text) this.draft = undefined;
      const restored = this.draft && this.draftRestored ? { savedAt: this.draft.savedAt } : undefined;
      this.draftRestored = false;
      this.loaded = loaded;
      this.setPolicyView({
        state: 'loaded',
        keyArn: loaded.keyArn,
        keyLabel: key?.aliases[0] ?? loaded.keyId,
        keyManager: key?.keyManager ?? (loaded.editable ? 'CUSTOMER' : 'AWS'),
        keyState: key?.state ?? 'Unknown',
        liveText: loaded.text,
        text: this.draft?.text ?? loaded.text,
        editable: loaded.editable,
        readOnlyReason: loaded.readOnlyReason,
        loadedAt: loaded.loadedAt.toISOString(),
        restoredDraft: restored,
        problem: undefined,
      });
    } catch (error) {
      if (generation !== this.generation) return;
      const problem = `The key policy could not be read as ${source.label}: ${errorMessage(error)}`;
      // An unsaved edit stays on screen: Save will say whether this identity may change the policy.
      if (this.draft && this.loaded?.keyArn === keyArn && this.policyView.state === 'loaded') {
        this.setPolicyView({ ...this.policyView, text: this.draft.text, problem });
        return;
      }
      this.setPolicyView({ state: 'failed', keyArn, message: problem });
    }
  }

  // ---- items ----

  private firstPage(pane: PaneId, generation: number): Promise<HostMessage> {
    const started = Date.now();
    return this.readPage(pane, 0, { kind: 'scan' }, undefined, this.pageSize, generation).finally(() =>
      this.deps.log.debug(`Table panel: first page read in ${Date.now() - started} ms, ${started - this.openedAt} ms after opening · ${this.subjectName()}`),
    );
  }

  private async postInitial(pane: PaneId, generation: number): Promise<void> {
    const message = await this.initial[pane];
    if (message && generation === this.generation) this.post(message);
  }

  private async readPage(pane: PaneId, requestId: number, request: ReadRequest, startKey: ItemRead['startKey'], limit: number | undefined, generation: number): Promise<HostMessage> {
    const source = pane === 'primary' ? this.primary : this.secondary;
    const tableName = this.subject.tableName;
    if (!source || !tableName) {
      return { type: 'readFailed', pane, requestId, failure: { kind: 'other', message: source ? 'This panel shows a key that protects no table.' : 'No AWS profile selected: pick one in the status bar.' } };
    }
    try {
      const read = this.itemRead(request, startKey, limit);
      const page = await source.session.dynamodb.readItems(tableName, read);
      return { type: 'items', pane, requestId, items: page.items, lastEvaluatedKey: page.lastEvaluatedKey, append: startKey !== undefined, scannedCount: page.scannedCount };
    } catch (error) {
      const failure = readFailure(error, await this.nameOf(source), tableName, source.target);
      if (failure.kind === 'access-denied') {
        failure.explanation = { state: 'loading', sentences: [] };
        void this.explain(pane, requestId, source, generation, failure);
      }
      return { type: 'readFailed', pane, requestId, failure };
    }
  }

  /** The principal's short name ("kms-lab-test-user"), asking STS when it is not known yet; else the profile's name. */
  private async nameOf(source: PaneSource): Promise<string> {
    if (!source.identity) source.identity = await source.session.sts.getCallerIdentity().catch(() => undefined);
    return source.identity ? shortPrincipal(source.identity.arn) : source.label;
  }

  private itemRead(request: ReadRequest, startKey: ItemRead['startKey'], limit: number | undefined): ItemRead {
    if (request.kind === 'scan') return { kind: 'scan', startKey, limit };
    const table = this.table;
    if (!table) throw new Error(`The key schema of ${this.subject.tableName} is unknown (${this.tableProblem ?? 'the table could not be described'}), so it cannot be queried; Scan still works.`);
    const hash = table.keySchema.find((k) => k.type === 'HASH');
    const range = table.keySchema.find((k) => k.type === 'RANGE');
    if (!hash) throw new Error(`Table ${table.name} has no partition key in its schema`);
    if (request.partitionValue === '') throw new Error(`Enter a value of the partition key ${hash.name} to query`);
    const types = table.keyTypes ?? {};
    if (request.sort && !range) throw new Error(`Table ${table.name} has no sort key: leave the sort key condition empty`);
    return {
      kind: 'query',
      startKey,
      limit,
      partitionKey: { name: hash.name, type: types[hash.name] ?? 'S', value: request.partitionValue },
      sortKey: request.sort && range ? { name: range.name, type: types[range.name] ?? 'S', ...request.sort } : undefined,
    };
  }

  /** Explains a denial. The failure it belongs to is kept whole, so a page that becomes ready later gets both at once. */
  private async explain(pane: PaneId, requestId: number, reader: PaneSource, generation: number, failure: ReadFailure): Promise<void> {
    const explanation = await explainDenial({ reader, admin: this.primary, table: this.table, tableName: this.subject.tableName ?? '' });
    failure.explanation = explanation;
    if (generation === this.generation) this.post({ type: 'explanation', pane, requestId, explanation });
  }

  // ---- read as ----

  private async openSecondary(id: string, generation: number): Promise<void> {
    try {
      const choice = await resolveReadAs(this.deps.connection, this.deps.identities, this.subject.region, id);
      const target = await choice.target();
      if (generation !== this.generation) return;
      disposeSource(this.secondary);
      this.secondary = ownedSource(target, this.deps.log, choice.label);
      this.initial.secondary = this.firstPage('secondary', generation);
      void this.loadIdentity('secondary', generation);
    } catch (error) {
      disposeSource(this.secondary);
      this.secondary = undefined;
      const message = errorMessage(error);
      this.initial.secondary = Promise.resolve({ type: 'readFailed', pane: 'secondary', requestId: 0, failure: { kind: 'other', message } });
      this.post({ type: 'identity', pane: 'secondary', identity: { label: id, region: this.subject.region, problem: message } });
    }
  }

  private async setReadAs(id: string | undefined): Promise<void> {
    disposeSource(this.secondary);
    this.secondary = undefined;
    this.readAsId = id;
    this.updateTitle();
    if (!id) {
      delete this.initial.secondary;
      delete this.shown.secondary;
      this.post({ type: 'identity', pane: 'secondary', identity: undefined });
      this.post({ type: 'readAsOptions', options: await this.readAsOptions(), selected: undefined });
      return;
    }
    const generation = this.generation;
    await this.openSecondary(id, generation);
    this.post({ type: 'readAsOptions', options: await this.readAsOptions(), selected: id });
    await this.postInitial('secondary', generation);
  }

  private async readAsOptions() {
    const choices = await readAsChoices(this.deps.connection, this.deps.identities, this.subject.region).catch(() => []);
    return choices.map(({ id, label, description }) => ({ id, label, description }));
  }

  private async postReadAsOptions(): Promise<void> {
    this.post({ type: 'readAsOptions', options: await this.readAsOptions(), selected: this.readAsId });
  }

  // ---- the key policy ----

  /** What Save starts from: the loaded policy, with the live text a draft was written against as the base for conflicts. */
  private saveBase(): KeyPolicyDocument | undefined {
    return this.loaded && { ...this.loaded, liveText: this.draft?.base ?? this.loaded.liveText };
  }

  private onDraft(text: string): void {
    const loaded = this.loaded;
    if (!loaded || !loaded.editable) return;
    this.draft = text === loaded.text ? undefined : { text, base: this.draft?.base ?? loaded.liveText, savedAt: new Date().toISOString() };
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => void this.persistDraft(), 1000);
  }

  private async persistDraft(): Promise<void> {
    const keyArn = this.loaded?.keyArn;
    if (!keyArn) return;
    if (this.draft) await this.deps.drafts.keep(keyArn, this.draft);
    else await this.deps.drafts.forget(keyArn);
  }

  private async save(text: string, overwriteConflict: boolean): Promise<void> {
    this.onDraft(text);
    const doc = this.saveBase();
    const source = this.primary;
    if (!doc || !source) {
      this.post({ type: 'saveOutcome', outcome: { kind: 'failed', message: 'There is no key policy loaded to save. Your text is kept.' } });
      return;
    }
    if (overwriteConflict) {
      const choice = await vscode.window.showWarningMessage(
        `Overwrite the key policy of ${doc.keyArn}? The change someone else made since you loaded it will be replaced by yours (it goes into the history).`,
        { modal: true },
        'Overwrite',
      );
      if (choice !== 'Overwrite') {
        this.post({ type: 'saveOutcome', outcome: { kind: 'cancelled' } });
        return;
      }
    }
    this.savingOwn = true;
    let result: SaveResult;
    try {
      result = await this.deps.keyPolicies.save(source.session, doc, text, { overwriteConflict });
    } finally {
      this.savingOwn = false;
    }
    this.deps.log.info(`Key policy save from the table panel: ${result.kind} · ${doc.keyArn}`);
    if (result.kind === 'saved') this.adoptSaved(result.document);
    this.post({ type: 'saveOutcome', outcome: saveOutcome(result) });
  }

  private adoptSaved(document: KeyPolicyDocument): void {
    this.loaded = document;
    this.draft = undefined;
    // The report was made with the old policy: answer again with the one now live.
    if (this.access.analysed) void this.access.refresh(this.accessContext());
    void this.deps.drafts.forget(document.keyArn);
    if (this.policyView.state !== 'loaded') return;
    this.setPolicyView({ ...this.policyView, liveText: document.text, text: document.text, loadedAt: document.loadedAt.toISOString(), restoredDraft: undefined });
  }

  private async discardDraft(): Promise<void> {
    if (this.draft) {
      const choice = await vscode.window.showWarningMessage('Discard your unsaved edit of the key policy and load the live policy?', { modal: true }, 'Discard');
      if (choice !== 'Discard') return;
    }
    this.draft = undefined;
    if (this.loaded) await this.deps.drafts.forget(this.loaded.keyArn);
    await this.loadPolicy(this.generation);
  }

  private async restore(entryId: string): Promise<void> {
    const doc = this.saveBase();
    const source = this.primary;
    if (!doc || !source) return;
    if (this.draft) {
      const choice = await vscode.window.showWarningMessage(
        'Restoring puts the older policy live and replaces your unsaved edit in the editor. Your edit is kept as a draft until you discard it.',
        { modal: true },
        'Restore',
      );
      if (choice !== 'Restore') return;
      await this.deps.drafts.keep(doc.keyArn, this.draft);
    }
    this.savingOwn = true;
    let result: SaveResult;
    try {
      result = await this.deps.keyPolicies.restore(source.session, doc, entryId);
    } finally {
      this.savingOwn = false;
    }
    if (result.kind === 'saved') this.adoptSaved(result.document);
    this.post({ type: 'saveOutcome', outcome: saveOutcome(result) });
    await this.postHistory();
  }

  private async postHistory(): Promise<void> {
    const keyArn = this.loaded?.keyArn;
    if (!keyArn) {
      this.post({ type: 'history', entries: [], problem: 'No key policy is loaded.' });
      return;
    }
    try {
      const entries = await this.deps.keyPolicies.history(keyArn);
      this.post({ type: 'history', entries: entries.map((e) => ({ id: e.id, savedAt: e.savedAt, replacedBy: e.replacedBy, text: e.text })) });
    } catch (error) {
      this.post({ type: 'history', entries: [], problem: `The history could not be read: ${errorMessage(error)}` });
    }
  }

  private async policySavedElsewhere(keyArn: string): Promise<void> {
    if (this.savingOwn || this.loaded?.keyArn !== keyArn) return;
    if (this.draft) {
      this.post({ type: 'notice', level: 'warning', message: 'The key policy was just saved from another editor. Your unsaved edit is kept; Save will show the other change before anything is overwritten.' });
      return;
    }
    await this.loadPolicy(this.generation);
    this.post({ type: 'notice', level: 'info', message: 'The key policy was saved from another editor; this is the new live policy.' });
  }

  private async editRoles(edit: KeyRoleEdit, text: string, arn: string | undefined): Promise<void> {
    const principal = arn?.trim() || (await this.pickPrincipal(edit));
    if (!principal) return;
    try {
      const next = editKeyRoles(text, edit, principal);
      const verb = edit.startsWith('add') ? 'Added' : 'Removed';
      const role = edit.endsWith('User') ? 'key user' : 'key administrator';
      this.post({ type: 'policyText', text: next, note: next === text ? `${principal} is already ${edit.startsWith('add') ? '' : 'not '}a ${role}.` : `${verb} ${principal} as ${role}. Not saved yet.` });
    } catch (error) {
      this.post({ type: 'policyEditFailed', message: errorMessage(error) });
    }
  }

  /** The console's picker: the account's users and roles, the identities KMS Lab knows, or an ARN typed in. */
  private async pickPrincipal(edit: KeyRoleEdit): Promise<string | undefined> {
    const source = this.primary;
    type Item = vscode.QuickPickItem & { arn?: string; typeIn?: boolean };
    const items = (async (): Promise<Item[]> => {
      const list: Item[] = [];
      const extras = await this.deps.identities.list(this.deps.connection.target).catch(() => []);
      for (const extra of extras) if (extra.arn) list.push({ label: `$(person) ${extra.label}`, description: extra.arn, arn: extra.arn });
      if (source) {
        const [users, roles] = await Promise.all([
          source.session.iam.listUsers({ pageSize: 1000 }).catch(() => undefined),
          source.session.iam.listRoles({ pageSize: 1000 }).catch(() => undefined),
        ]);
        for (const p of [...(users?.items ?? []), ...(roles?.items ?? [])]) {
          if (!list.some((i) => i.arn === p.arn)) list.push({ label: `$(${p.kind === 'user' ? 'person' : 'server'}) ${p.name}`, description: p.arn, arn: p.arn });
        }
      }
      list.push({ label: '$(edit) Enter an ARN…', typeIn: true });
      return list;
    })();
    const role = edit.endsWith('User') ? 'key user' : 'key administrator';
    const picked = await vscode.window.showQuickPick(items, { title: `KMS Lab: ${edit.startsWith('add') ? 'add a' : 'remove a'} ${role}`, placeHolder: 'A user or role of the account', matchOnDescription: true });
    if (!picked) return undefined;
    if (!picked.typeIn) return picked.arn;
    return vscode.window.showInputBox({
      title: `KMS Lab: ${role} ARN`,
      prompt: 'A user or role ARN, e.g. arn:aws:iam::111122223333:user/alice',
      ignoreFocusOut: true,
      validateInput: (value) => (/^arn:aws[\w-]*:(iam|sts)::\d{12}:.+/.test(value.trim()) ? undefined : 'Enter an IAM user or role ARN'),
    });
  }

  private async openInEditor(): Promise<void> {
    const keyArn = this.loaded?.keyArn ?? (this.policyView.state !== 'none' ? this.policyView.keyArn : undefined);
    if (!keyArn) return;
    if (!(await vscode.commands.getCommands(true)).includes('kmsLab.editKeyPolicy')) {
      this.post({ type: 'notice', level: 'warning', message: 'Editing key policies in an editor tab is not available in this version of KMS Lab.' });
      return;
    }
    await vscode.commands.executeCommand('kmsLab.editKeyPolicy', keyArn);
  }

  // ---- messages ----

  private post(message: HostMessage): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    let message: WebviewMessage;
    try {
      message = parseWebviewMessage(raw);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      this.deps.log.warn(`Table panel: ignored a malformed message from the webview: ${error.message}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.deps.log.error(`Table panel: ${message.type} failed: ${errorMessage(error)}`);
      this.post({ type: 'notice', level: 'error', message: errorMessage(error) });
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.onReady(message.state);
      case 'read': {
        if (message.limit) this.pageSize = message.limit;
        const generation = this.generation;
        const answer = await this.readPage(message.pane, message.requestId, message.request, message.startKey, message.limit, generation);
        if (generation === this.generation) this.post(answer);
        return;
      }
      case 'checkPolicy': {
        this.onDraft(message.text);
        const check = checkPolicy(message.text);
        this.post({ type: 'policyChecked', version: message.version, ...check });
        return;
      }
      case 'editKeyRoles':
        return this.editRoles(message.edit, message.text, message.arn);
      case 'savePolicy':
        return this.save(message.text, message.overwriteConflict ?? false);
      case 'discardDraft':
        return this.discardDraft();
      case 'reloadPolicy':
        return this.loadPolicy(this.generation);
      case 'loadHistory':
        return this.postHistory();
      case 'restoreHistory':
        return this.restore(message.entryId);
      case 'openInEditor':
        return this.openInEditor();
      case 'setReadAs':
        return this.setReadAs(message.id);
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage(`Copied ${message.what}`, 3000);
        return;
      case 'runAction':
        return this.runAction(message.action, message.pane);
      case 'rendered':
        this.maxDomRows = Math.max(this.maxDomRows, message.rows);
        if (message.pane === 'primary' && message.rows > 0 && this.firstRowsMs === undefined) {
          this.firstRowsMs = Date.now() - this.openedAt;
          this.deps.log.info(`Table panel: first rows on screen ${this.firstRowsMs} ms after opening · ${this.subjectName()}`);
        }
        return;
      case 'paneShown':
        this.shown[message.pane] = message.shown;
        return;
      case 'whoCanRead':
      case 'previewAccess':
      case 'verifyAccess':
      case 'exportAccess':
        return this.access.handle(message, this.accessContext());
      case 'showStatement': {
        const range = parsePolicy(message.text).statementRanges[message.statementIndex];
        if (range) this.post({ type: 'revealStatement', from: range.start, to: range.end });
        else this.post({ type: 'notice', level: 'warning', message: `The key policy in the editor has no statement #${message.statementIndex + 1} any more.` });
        return;
      }
    }
  }

  private async onReady(state: PersistedState | undefined): Promise<void> {
    const firstLoad = !this.ready;
    this.deps.log.debug(`Table panel: webview ready ${Date.now() - this.openedAt} ms after opening · ${this.subjectName()}`);
    this.ready = true;
    if (state?.draft && !this.draft && (!this.loaded || state.draft.keyArn === this.loaded.keyArn)) {
      this.draft = { text: state.draft.text, base: state.draft.base, savedAt: state.draft.savedAt ?? new Date().toISOString() };
      if (this.policyView.state === 'loaded' && this.policyView.text !== state.draft.text) {
        this.policyView = { ...this.policyView, text: state.draft.text, restoredDraft: { savedAt: this.draft.savedAt } };
      }
    }
    const canOpenInEditor = (await vscode.commands.getCommands(true)).includes('kmsLab.editKeyPolicy');
    this.post({ type: 'init', subject: this.subject, readAs: this.readAsId, readAsOptions: await this.readAsOptions(), canOpenInEditor });
    this.post({ type: 'identity', pane: 'primary', identity: identityView(this.primary, this.subject.region) });
    if (this.secondary || this.readAsId) this.post({ type: 'identity', pane: 'secondary', identity: identityView(this.secondary, this.subject.region) });
    if (this.table || this.tableProblem) this.post({ type: 'table', table: this.tableView(), problem: this.tableProblem });
    this.post({ type: 'policy', policy: this.policyView });
    const generation = this.generation;
    if (!firstLoad) {
      // A reloaded webview starts from nothing: read the first pages again.
      this.initial.primary = this.firstPage('primary', generation);
      if (this.secondary) this.initial.secondary = this.firstPage('secondary', generation);
    }
    if (this.accessShown) this.post({ type: 'showAccess' });
    this.access.replay(this.accessContext());
    await Promise.all([this.postInitial('primary', generation), this.postInitial('secondary', generation)]);
  }

  private async runAction(action: PaneAction, pane: PaneId): Promise<void> {
    switch (action.kind) {
      case 'ssoLogin': {
        // Only the pane's own profile: a profile name from the webview is never passed on to a terminal.
        const target = (pane === 'primary' ? this.primary : this.secondary)?.target;
        if (target?.kind === 'profile') await vscode.commands.executeCommand('kmsLab.ssoLogin', target.profile);
        return;
      }
      case 'switchProfile':
        await vscode.commands.executeCommand('kmsLab.switchProfile');
        return;
      case 'retry': {
        const generation = this.generation;
        if (pane === 'primary' && !this.table) await this.loadTable(generation);
        this.initial[pane] = this.firstPage(pane, generation);
        await this.postInitial(pane, generation);
      }
    }
  }

  /** Opens the Access view and answers "who can read this table?". */
  async showAccess(): Promise<void> {
    this.panel.reveal();
    this.accessShown = true;
    this.post({ type: 'showAccess' });
    await this.access.handle({ type: 'whoCanRead' }, this.accessContext());
  }

  private accessContext(): AccessContext {
    return {
      post: (message: HostMessage) => this.post(message),
      admin: this.primary,
      readAs: this.secondary,
      table: this.table,
      document: this.saveBase(),
      subject: this.subject,
    };
  }

  private updateTitle(): void {
    if (this.disposed) return;
    const who = (source: PaneSource | undefined) => (source?.identity ? shortPrincipal(source.identity.arn) : source?.label);
    const primary = who(this.primary) ?? 'no profile';
    const second = this.readAsId ? ` and ${who(this.secondary) ?? this.readAsId}` : '';
    this.panel.title = `${this.subjectName()} as ${primary}${second}`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.draftTimer);
    clearTimeout(this.readyWatchdog);
    void this.persistDraft();
    disposeSource(this.secondary);
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.emitter.fire();
    this.emitter.dispose();
  }
}

export function panelKey(subject: PanelSubject): string {
  return subject.tableName ? `table:${subject.tableName}` : `key:${subject.keyArn ?? ''}`;
}
