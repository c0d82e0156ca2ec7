// The items feature: each pane's identity, the table's description, pages of items, and a refused read explained by
// both locks. A refusal that is only AWS catching up (read-settling.ts) is read again, bounded, the pane saying what it
// waits for. Each pane keeps the first page the host read (or the wait under way), so a page that becomes ready later
// (or is reloaded) gets everything at once. Every change to the table, its key or any principal makes
// both panes read again, with the Scan or Query each showed.
import { backoffMs } from '../aws/backoff';
import type { Logger } from '../aws/log';
import { touchesKey, touchesPrincipals, touchesTable, type AccountChangeEvent } from '../session/account-changes';
import { errorText, type PanelController, type PanelHost, type PanelUi } from './controller';
import { explainDenial } from './denial-explanation';
import { itemRead } from './item-reads';
import type { DenialExplanation, IdentityView, ItemJson, ItemsHostMessage, ItemsWebviewMessage, PaneAction, PaneId, PaneShown, ReadFailure, ReadRequest, TableView } from './items-protocol';
import { identityView, type PaneSource } from './pane-source';
import type { PersistedState } from './protocol';
import type { ReadAsDirectory } from './read-as';
import { readFailure } from './read-failure';
import { isUnknownAccessKey, settling } from './read-settling';
import type { PanelScope } from './scope';

export interface ItemsDeps {
  log: Logger;
  readAs: ReadAsDirectory;
  ui: Pick<PanelUi, 'ssoLogin' | 'switchProfile'>;
  /** When the open command ran: the first rows are timed from it. */
  openedAt: number;
  pageSize?: number;
  /** A panel shown again re-reads what it read longer ago than this: a change made outside KMS Lab shows up. */
  recheckAfterMs?: number;
  /** Whether a new access key may still be refused where the source reads (new-keys.ts); without it, assumed so. */
  newKeysMayLag?: (source: PaneSource) => Promise<boolean>;
}

interface PaneState {
  /** What the pane reads: the webview's last Scan or Query, which the host repeats when the account changes. */
  request: ReadRequest;
  limit: number;
  /** The first page as the host last read it, to post (again) when the page is ready. */
  first?: Extract<ItemsHostMessage, { type: 'items' | 'readFailed' }>;
  generation: number;
  /** First pages read, by the host or asked by the webview: tests count them. */
  reads: number;
  readAt: number;
  shown?: PaneShown;
}

export interface ItemsInfo {
  firstRowsMs?: number;
  maxDomRows: number;
  panes: Partial<Record<PaneId, PaneShown>>;
  reads: Record<PaneId, number>;
}

export const DEFAULT_PAGE_SIZE = 100;
const RECHECK_AFTER_MS = 30_000;
const PANES: readonly PaneId[] = ['primary', 'secondary'];

export class ItemsController implements PanelController<ItemsWebviewMessage> {
  private readonly panes: Record<PaneId, PaneState>;
  private firstRowsMs: number | undefined;
  private maxDomRows = 0;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly host: PanelHost,
    private readonly scope: PanelScope,
    private readonly deps: ItemsDeps,
  ) {
    const pane = (): PaneState => ({ request: { kind: 'scan' }, limit: deps.pageSize ?? DEFAULT_PAGE_SIZE, generation: 0, reads: 0, readAt: 0 });
    this.panes = { primary: pane(), secondary: pane() };
    this.subscription = scope.onDidChange(() => this.postScope());
  }

  info(): ItemsInfo {
    return {
      firstRowsMs: this.firstRowsMs,
      maxDomRows: this.maxDomRows,
      panes: { primary: this.panes.primary.shown, secondary: this.scope.readAsId ? this.panes.secondary.shown : undefined },
      reads: { primary: this.panes.primary.reads, secondary: this.panes.secondary.reads },
    };
  }

  /** Reads both panes' first pages, after the scope (re)connected. */
  start(): void {
    for (const pane of PANES) void this.reread(pane);
    void this.scope.tableLoaded.then(() => this.postScope());
  }

  async onReady(_state: PersistedState | undefined): Promise<void> {
    this.postScope();
    for (const pane of PANES) {
      const first = this.panes[pane].first;
      if (first && (pane === 'primary' || this.scope.readAsId)) this.host.post(first);
    }
    await this.postReadAsOptions();
  }

  async handle(message: ItemsWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'read':
        return this.read(message.pane, message.requestId, message.request, message.startKey, message.limit);
      case 'setReadAs':
        return this.setReadAs(message.id);
      case 'runAction':
        return this.runAction(message.action, message.pane);
      case 'rendered':
        this.maxDomRows = Math.max(this.maxDomRows, message.rows);
        if (message.pane === 'primary' && message.rows > 0 && this.firstRowsMs === undefined) {
          this.firstRowsMs = Date.now() - this.deps.openedAt;
          this.deps.log.info(`Table panel: first rows on screen ${this.firstRowsMs} ms after opening · ${this.scope.name}`);
        }
        return;
      case 'paneShown':
        this.panes[message.pane].shown = message.shown;
        return;
    }
  }

  onAccountChange(event: AccountChangeEvent): void {
    const tableName = this.scope.subject.tableName;
    if (!tableName) return;
    const keyArn = this.scope.keyArn;
    if (!touchesTable(event, tableName) && !(keyArn && touchesKey(event, keyArn)) && !touchesPrincipals(event)) return;
    this.deps.log.debug(`Table panel: reading ${tableName} again after a change (${event.source})`);
    this.postScope();
    for (const pane of PANES) void this.reread(pane);
  }

  /** Shown again: what was read a while ago is read again, as a change made outside KMS Lab is announced nowhere. */
  onVisible(): void {
    const before = Date.now() - (this.deps.recheckAfterMs ?? RECHECK_AFTER_MS);
    for (const pane of PANES) if (this.panes[pane].readAt < before) void this.reread(pane);
  }

  /** The identities "Read as" offers changed (the lab's test user made or removed). */
  async identitiesChanged(): Promise<void> {
    await this.postReadAsOptions();
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private post(message: ItemsHostMessage): void {
    this.host.post(message);
  }

  private postScope(): void {
    this.post({ type: 'identity', pane: 'primary', identity: identityView(this.scope.admin, this.scope.subject.region) });
    this.post({ type: 'identity', pane: 'secondary', identity: this.secondaryIdentity() });
    if (this.scope.table || this.scope.tableProblem) this.post({ type: 'table', table: this.tableView(), problem: this.scope.tableProblem });
  }

  private secondaryIdentity(): IdentityView | undefined {
    const { readAsId, readAs, readAsLabel, readAsProblem } = this.scope;
    if (!readAsId) return undefined;
    if (readAs) return identityView(readAs, this.scope.subject.region);
    return { label: readAsLabel ?? 'Another identity', region: this.scope.subject.region, problem: readAsProblem };
  }

  private tableView(): TableView | undefined {
    const t = this.scope.table;
    if (!t) return undefined;
    return {
      name: t.name,
      arn: t.arn,
      region: this.scope.subject.region,
      status: t.status,
      encryption: t.encryption,
      kmsKeyArn: t.kmsKeyArn,
      keySchema: t.keySchema,
      keyTypes: t.keyTypes ?? {},
      itemCount: t.itemCount,
      problem: t.problem,
    };
  }

  private async postReadAsOptions(): Promise<void> {
    const choices = await this.deps.readAs.choices(this.scope.subject.region).catch(() => []);
    this.post({ type: 'readAsOptions', options: choices.map(({ id, label, description }) => ({ id, label, description })), selected: this.scope.readAsId });
  }

  private async setReadAs(id: string | undefined): Promise<void> {
    await this.scope.setReadAs(id);
    await this.postReadAsOptions();
    if (!id) {
      this.panes.secondary.first = undefined;
      this.panes.secondary.shown = undefined;
      return;
    }
    await this.reread('secondary');
  }

  /** The first page again, as the pane last asked for it; kept, and posted once the page is ready. */
  private async reread(pane: PaneId): Promise<void> {
    const state = this.panes[pane];
    const generation = ++state.generation;
    if (!this.scope.subject.tableName) return;
    if (pane === 'secondary') {
      await this.scope.readAsLoaded;
      if (!this.scope.readAsId || generation !== state.generation) return;
    }
    state.reads++;
    const started = Date.now();
    state.readAt = started;
    const message = await this.readPage(pane, 0, state.request, undefined, state.limit, () => generation === state.generation);
    this.deps.log.debug(`Table panel: first page of the ${pane} pane read in ${Date.now() - started} ms, ${started - this.deps.openedAt} ms after opening · ${this.scope.name}`);
    if (generation !== state.generation) return;
    state.first = { ...message, request: state.request };
    this.post(state.first);
  }

  private async read(pane: PaneId, requestId: number, request: ReadRequest, startKey: ItemJson | undefined, limit: number | undefined): Promise<void> {
    const state = this.panes[pane];
    const connection = this.scope.generation;
    if (!startKey) {
      state.request = request;
      if (limit) state.limit = limit;
      state.reads++;
      state.readAt = Date.now();
      state.generation++;
    }
    const answer = await this.readPage(pane, requestId, request, startKey, limit, () => connection === this.scope.generation);
    if (connection !== this.scope.generation) return;
    if (!startKey) state.first = { ...answer, requestId: 0, request };
    this.post(answer);
  }

  /** One page, or why not: a denial comes explained; a first page AWS refused only for now is read again (read-settling.ts). */
  private async readPage(
    pane: PaneId,
    requestId: number,
    request: ReadRequest,
    startKey: ItemJson | undefined,
    limit: number | undefined,
    current: () => boolean,
  ): Promise<Extract<ItemsHostMessage, { type: 'items' | 'readFailed' }>> {
    const source = pane === 'primary' ? this.scope.admin : this.scope.readAs;
    const tableName = this.scope.subject.tableName;
    if (!source || !tableName) {
      const message = !tableName ? 'This panel shows a key that protects no table.' : pane === 'primary' ? 'No AWS profile selected: pick one in the status bar.' : (this.scope.readAsProblem ?? 'The identity to read as is not available.');
      return { type: 'readFailed', pane, requestId, failure: { kind: 'other', message } };
    }
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const read = itemRead(this.scope.table, { tableName, problem: this.scope.tableProblem }, request, startKey, limit);
        const page = await source.session.dynamodb.readItems(tableName, read);
        return { type: 'items', pane, requestId, items: page.items, lastEvaluatedKey: page.lastEvaluatedKey, append: startKey !== undefined, scannedCount: page.scannedCount };
      } catch (error) {
        const who = await this.scope.nameOf(source);
        const failure = readFailure(error, who, tableName, source.target);
        // A denial is explained before it is shown: when the policies open both locks, it is AWS catching up, not an answer.
        if (failure.kind === 'access-denied') failure.explanation = await this.explain(source);
        const newKeysMayLag = isUnknownAccessKey(error) ? ((await this.deps.newKeysMayLag?.(source)) ?? true) : false;
        const waiting = startKey === undefined && current() ? settling({ error, explanation: failure.explanation, who, tableName, attempt, elapsedMs: Date.now() - started, newKeysMayLag }) : undefined;
        if (!waiting) return { type: 'readFailed', pane, requestId, failure };
        this.deps.log.info(`Table panel: ${failure.awsCode ?? failure.kind} reading ${tableName} as ${who}, attempt ${attempt}: ${waiting.message}`);
        const message = { type: 'readFailed' as const, pane, requestId, failure: { ...waiting, awsCode: failure.awsCode, awsMessage: failure.awsMessage } };
        // A page that becomes ready during the wait shows it too.
        this.panes[pane].first = { ...message, requestId: 0, request };
        this.post(requestId === 0 ? { ...message, request } : message);
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, 500, 4000)));
        if (!current()) return { type: 'readFailed', pane, requestId, failure };
      }
    }
  }

  /** Why the reader was refused, according to the policies the panel's admin identity reads. */
  private explain(reader: PaneSource): Promise<DenialExplanation> {
    return explainDenial({ reader, admin: this.scope.admin, table: this.scope.table, tableName: this.scope.subject.tableName ?? '' }).catch(
      (error: unknown) => ({ state: 'unavailable' as const, locks: [], notes: [], problem: errorText(error) }),
    );
  }

  private async runAction(action: PaneAction, pane: PaneId): Promise<void> {
    switch (action.kind) {
      case 'ssoLogin': {
        // Only the pane's own profile: a profile name from the webview is never passed on to a terminal.
        const target = (pane === 'primary' ? this.scope.admin : this.scope.readAs)?.target;
        if (target?.kind === 'profile') await this.deps.ui.ssoLogin(target.profile);
        return;
      }
      case 'switchProfile':
        return this.deps.ui.switchProfile();
      case 'retry':
        if (pane === 'primary' && !this.scope.table) {
          await this.scope.describeAgain();
          this.postScope();
        }
        return this.reread(pane);
    }
  }
}
