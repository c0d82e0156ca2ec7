// One identity's view of the table's items: who it reads as, the virtualised grid, paging, the selected item, and,
// when the read is refused, AWS's error with the policy engine's explanation (never an empty table).
import type { DenialExplanation, IdentityView, ItemJson, LockLine, PaneAction, PaneId, PaneShown, ReadFailure, ReadRequest, TableView } from '../panel/items-protocol';
import { itemText, type ViewMode } from './attribute-values';
import { button, clear, el, setDisabled, show } from './dom';
import { send } from './host';
import { VirtualGrid, type GridColumn } from './virtual-grid';

export interface ItemsSettings {
  mode: ViewMode;
  hidden: Set<string>;
  pageSize: number;
  table?: TableView;
}

let requestCounter = 0;

const ACTION_LABELS: Record<PaneAction['kind'], string> = { ssoLogin: 'Sign In with AWS SSO', switchProfile: 'Switch Profile…', retry: 'Try Again' };

export class ItemsPane {
  readonly element: HTMLElement;
  readonly grid: VirtualGrid;
  private readonly who: HTMLElement;
  private readonly arn: HTMLElement;
  private readonly failureBox: HTMLElement;
  private readonly emptyBox: HTMLElement;
  private readonly status: HTMLElement;
  private readonly moreButton: HTMLElement;
  private readonly allButton: HTMLElement;
  private readonly stopButton: HTMLElement;
  private readonly busy: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly detailTitle: HTMLElement;
  private readonly detailText: HTMLElement;
  private pendingId = 0;
  private loading = false;
  private loadingAll = false;
  private lastKey: ItemJson | undefined;
  private request: ReadRequest = { kind: 'scan' };
  private failure: { requestId: number; failure: ReadFailure } | undefined;
  private readonly attributes = new Set<string>();
  private firstRowsReported = false;
  private lastShown = '';
  private maxRowsReported = 0;

  constructor(
    readonly id: PaneId,
    private readonly settings: ItemsSettings,
    private readonly onAttributes: () => void,
    private readonly onFirstRows: () => void = () => {},
  ) {
    this.who = el('span', { class: 'pane-who' });
    this.arn = el('span', { class: 'pane-arn' });
    this.grid = new VirtualGrid(id === 'primary' ? 'Items as the status bar identity' : 'Items as the second identity');
    this.failureBox = el('div', { class: 'failure', attrs: { role: 'alert' } });
    this.emptyBox = el('div', { class: 'empty' });
    this.busy = el('vscode-progress-ring', { class: 'busy', attrs: { 'aria-label': 'Reading' } });
    this.status = el('span', { class: 'pane-count', attrs: { 'aria-live': 'polite' } });
    this.moreButton = button('Load more', () => this.more(), { secondary: true, icon: 'arrow-down' });
    this.allButton = button('Load all', () => this.all(), { secondary: true, icon: 'fold-down' });
    this.stopButton = button('Stop', () => (this.loadingAll = false), { secondary: true, icon: 'debug-stop' });
    this.detailTitle = el('span', { class: 'detail-title' });
    this.detailText = el('pre', { class: 'detail-text' });
    this.detail = el('div', { class: 'detail' }, [
      el('div', { class: 'detail-bar' }, [
        this.detailTitle,
        button('Copy Cell', () => this.copy('cell'), { secondary: true, icon: 'copy', id: 'copy-cell' }),
        button('Copy Row', () => this.copy('row'), { secondary: true, icon: 'list-flat', id: 'copy-row' }),
        button('Copy Item', () => this.copy('item'), { secondary: true, icon: 'json', id: 'copy-item' }),
      ]),
      this.detailText,
    ]);
    show(this.detail, false);
    show(this.failureBox, false);
    show(this.emptyBox, false);
    show(this.busy, false);
    this.element = el('section', { class: `pane pane-${id}`, attrs: { 'data-pane': id } }, [
      el('header', { class: 'pane-header' }, [el('span', { class: 'codicon codicon-person', attrs: { 'aria-hidden': 'true' } }), this.who, this.arn]),
      el('div', { class: 'pane-body' }, [this.grid.element, this.failureBox, this.emptyBox]),
      el('div', { class: 'pane-status' }, [this.busy, this.status, this.moreButton, this.allButton, this.stopButton]),
      this.detail,
    ]);
    this.grid.onSelect = () => this.showDetail();
    this.grid.onNearEnd = () => {
      if (this.lastKey && !this.loading && !this.failure) this.more();
    };
    this.grid.onCopyCell = () => this.copy('cell');
    this.grid.onRender = (rows) => this.reportRows(rows);
    this.updateStatus();
  }

  setIdentity(identity: IdentityView | undefined): void {
    if (!identity) {
      this.who.textContent = '';
      this.arn.textContent = '';
      return;
    }
    this.who.textContent = `As ${identity.label}`;
    this.arn.textContent = identity.problem ? identity.problem : [identity.via, identity.arn, identity.region].filter(Boolean).join(' · ');
    this.arn.classList.toggle('problem', !!identity.problem);
  }

  /** Every attribute name seen in this pane's items. */
  attributeNames(): Iterable<string> {
    return this.attributes;
  }

  applyColumns(columns: GridColumn[]): void {
    this.grid.setColumns(columns);
  }

  setMode(mode: ViewMode): void {
    this.grid.setMode(mode);
    this.showDetail();
  }

  /** A new Scan or Query from the first page. */
  read(request: ReadRequest): void {
    this.request = request;
    this.lastKey = undefined;
    this.loadingAll = false;
    this.send(undefined);
  }

  /** requestId 0 is a read the host made itself (on opening, or after a change in the account): `request` says which. */
  onItems(requestId: number, items: ItemJson[], lastKey: ItemJson | undefined, append: boolean, request?: ReadRequest): void {
    if (requestId !== 0 && requestId !== this.pendingId) return;
    if (requestId === 0) {
      this.request = request ?? { kind: 'scan' };
      this.loadingAll = false;
    }
    this.loading = false;
    this.failure = undefined;
    this.lastKey = lastKey;
    const before = this.attributes.size;
    for (const item of items) for (const name of Object.keys(item)) this.attributes.add(name);
    if (append) this.grid.appendItems(items);
    else this.grid.setItems(items);
    if (this.attributes.size !== before) this.onAttributes();
    this.renderFailure();
    this.updateStatus();
    if (this.loadingAll && this.lastKey) this.more();
    else this.loadingAll = false;
  }

  onFailure(requestId: number, failure: ReadFailure, request?: ReadRequest): void {
    if (requestId !== 0 && requestId !== this.pendingId) return;
    if (requestId === 0) {
      // The host read again (the account changed) and may no longer read: what was read before is not shown any more.
      this.request = request ?? this.request;
      this.lastKey = undefined;
      this.grid.setItems([]);
    }
    this.loading = false;
    this.loadingAll = false;
    this.failure = { requestId, failure };
    this.renderFailure();
    this.updateStatus();
  }

  private more(): void {
    if (!this.lastKey || this.loading) return;
    this.send(this.lastKey);
  }

  private all(): void {
    this.loadingAll = true;
    this.more();
    this.updateStatus();
  }

  private send(startKey: ItemJson | undefined): void {
    this.pendingId = ++requestCounter;
    this.loading = true;
    if (!startKey) {
      this.failure = undefined;
      this.grid.setItems([]);
      this.renderFailure();
    }
    this.updateStatus();
    send({ type: 'read', pane: this.id, requestId: this.pendingId, request: this.request, startKey, limit: this.settings.pageSize });
  }

  private updateStatus(): void {
    const count = this.grid.length;
    const what = this.request.kind === 'query' ? 'matching items' : 'items';
    let text: string;
    if (this.failure) text = this.failure.failure.kind === 'settling' ? 'Waiting for AWS…' : 'Not read';
    else if (this.loading && count === 0) text = 'Reading…';
    else text = `${count.toLocaleString()} ${count === 1 ? what.replace(/s$/, '') : what}${this.lastKey ? ' so far, more on the next page' : this.loading ? '' : ', all loaded'}`;
    this.status.textContent = text;
    show(this.busy, this.loading);
    show(this.moreButton, !!this.lastKey && !this.loadingAll);
    show(this.allButton, !!this.lastKey && !this.loadingAll);
    show(this.stopButton, this.loadingAll);
    setDisabled(this.moreButton, this.loading);
    const empty = !this.failure && !this.loading && count === 0 && !this.lastKey;
    show(this.emptyBox, empty);
    if (empty) this.emptyBox.textContent = this.request.kind === 'query' ? 'No item matches this query.' : 'The table has no items.';
    show(this.grid.element, !this.failure);
    this.reportShown();
  }

  /** Tells the host what this pane now has on screen (tests read it); only when that changed. */
  private reportShown(): void {
    const failure = this.failure?.failure;
    const explanation = failure?.explanation;
    const shown: PaneShown = failure
      ? {
          kind: 'failure',
          failure: failure.kind,
          title: failure.message,
          explanation: explanation?.state ?? 'none',
          lines: [...this.failureBox.querySelectorAll('.explanation .locks li')].map((li) => li.textContent ?? ''),
        }
      : this.loading && this.grid.length === 0
        ? { kind: 'reading' }
        : { kind: 'items', rows: this.grid.length, complete: !this.lastKey && !this.loading };
    const text = JSON.stringify(shown);
    if (text === this.lastShown) return;
    this.lastShown = text;
    send({ type: 'paneShown', pane: this.id, shown });
  }

  /** What failed and for whom; for a denial, the table lock then the key lock; AWS's own words after them. */
  private renderFailure(): void {
    const box = this.failureBox;
    clear(box);
    const failure = this.failure?.failure;
    show(box, !!failure);
    if (!failure) return;
    const icon = failure.kind === 'access-denied' ? 'lock' : failure.kind === 'settling' ? 'watch' : 'error';
    box.append(
      el('div', { class: 'failure-title' }, [el('span', { class: `codicon codicon-${icon}`, attrs: { 'aria-hidden': 'true' } }), el('span', { text: failure.message })]),
    );
    const explanation = failure.explanation;
    if (explanation) box.append(this.explanationElement(explanation, failure.detail));
    else if (failure.detail) box.append(el('p', { text: failure.detail }));
    if (failure.awsCode || failure.awsMessage) {
      box.append(el('div', { class: 'aws-error' }, [el('span', { class: 'label', text: 'AWS said: ' }), el('code', { text: [failure.awsCode, failure.awsMessage].filter(Boolean).join(': ') })]));
    }
    if (failure.actions?.length) {
      box.append(
        el(
          'div',
          { class: 'actions' },
          failure.actions.map((action) =>
            button(ACTION_LABELS[action.kind], () => (action.kind === 'retry' ? this.read(this.request) : send({ type: 'runAction', action, pane: this.id })), { secondary: action.kind === 'retry' }),
          ),
        ),
      );
    }
    queueMicrotask(() => this.reportShown());
  }

  private explanationElement(explanation: DenialExplanation, detail: string | undefined): HTMLElement {
    const title = el('div', { class: 'explanation-title', text: 'Why, according to the policies' });
    if (explanation.state === 'loading') {
      return el('div', { class: 'explanation' }, [title, el('div', { class: 'explaining' }, [el('vscode-progress-ring', { attrs: { 'aria-label': 'Explaining' } }), el('span', { text: 'Reading the policies that decide it…' })])]);
    }
    if (explanation.state === 'unavailable') {
      return el('div', { class: 'explanation' }, [title, detail ? el('p', { text: detail }) : undefined, el('p', { class: 'muted', text: `No explanation: ${explanation.problem ?? 'the policies could not be read'}` })]);
    }
    return el('div', { class: 'explanation' }, [
      title,
      el('ul', { class: 'locks' }, explanation.locks.map((lock) => lockElement(lock))),
      explanation.notes.length ? el('ul', { class: 'notes' }, explanation.notes.map((note) => el('li', { class: 'muted', text: note }))) : undefined,
    ]);
  }

  private showDetail(): void {
    const selection = this.grid.selected;
    const item = selection && this.grid.item(selection.row);
    show(this.detail, !!item);
    if (!item || !selection) return;
    const column = this.grid.column(selection.column);
    this.detailTitle.textContent = `Item ${selection.row + 1}${column ? ` · ${column.name}` : ''}`;
    this.detailText.textContent = itemText(item, this.settings.mode);
  }

  private copy(what: 'cell' | 'row' | 'item'): void {
    const selection = this.grid.selected;
    if (!selection) return;
    const item = this.grid.item(selection.row);
    const text = what === 'cell' ? this.grid.selectedCellText() : what === 'row' ? this.grid.rowText(selection.row) : item && itemText(item, this.settings.mode);
    if (text === undefined) return;
    send({ type: 'copy', text, what: what === 'item' ? `item ${selection.row + 1}` : what === 'row' ? `row ${selection.row + 1}` : 'cell' });
  }

  private reportRows(rows: number): void {
    const first = !this.firstRowsReported && rows > 0;
    if (!first && rows <= this.maxRowsReported) return;
    this.maxRowsReported = Math.max(this.maxRowsReported, rows);
    if (first) {
      this.firstRowsReported = true;
      this.onFirstRows();
    }
    // After the frame is painted, not before: the host measures "first rows on screen".
    requestAnimationFrame(() => setTimeout(() => send({ type: 'rendered', pane: this.id, rows }), 0));
  }
}

/** "Key lock (kms:Decrypt on the table's key, …): shut. The key policy does not name …. Decided by …." */
function lockElement(lock: LockLine): HTMLElement {
  return el('li', { class: `lock-line lock-${lock.state}`, attrs: { 'data-lock': lock.lock } }, [
    el('span', { class: `codicon codicon-${lock.state === 'open' ? 'unlock' : 'lock'}`, attrs: { 'aria-hidden': 'true' } }),
    el('strong', { text: lock.name }),
    el('span', { class: 'muted', text: ` (${lock.what})` }),
    el('span', { class: 'lock-state', text: `: ${lock.state}. ` }),
    el('span', { text: `${lock.reason.charAt(0).toUpperCase()}${lock.reason.slice(1)}.` }),
    lock.deciding ? el('span', { class: 'deciding', text: ` Decided by the ${lock.deciding}.` }) : undefined,
  ]);
}
