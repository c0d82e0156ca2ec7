// "What can this principal read?": every table of the region, filterable, each expandable into both locks drawn as
// in the table panel's Access view (access-locks.ts). Text only, through the DOM.
import type { ReverseTableView, ReverseView as ReverseState } from '../panel/reverse-protocol';
import type { ReverseWebviewMessage } from '../panel/reverse-protocol';
import { answerNotes, lockChip, lockSection, openingChip, VERDICT_ICON, VERDICT_WORD } from './access-locks';
import { button, clear, el, show } from './dom';

function option(value: string, label: string): HTMLElement {
  return el('vscode-option', { text: label, attrs: { value } });
}

export class ReverseView {
  readonly element: HTMLElement;
  private readonly title = el('h2', { text: 'What can this principal read?' });
  private readonly meta = el('div', { class: 'muted access-meta' });
  private readonly status = el('div', { class: 'access-status', attrs: { role: 'status' } });
  private readonly list = el('div', { class: 'access-rows', attrs: { role: 'list' } });
  private readonly notes = el('div', { class: 'access-notes' });
  private readonly readFilter: HTMLElement;
  private readonly textFilter: HTMLElement;
  private state: ReverseState = { state: 'loading', message: 'Starting…' };
  private readonly open = new Set<string>();

  constructor(private readonly send: (message: ReverseWebviewMessage) => void) {
    this.readFilter = el('vscode-single-select', { attrs: { 'aria-label': 'Show tables that' } }, [option('', 'Every table'), option('allowed', 'Readable'), option('denied', 'Not readable'), option('conditional', 'Conditional')]);
    this.textFilter = el('vscode-textfield', { attrs: { placeholder: 'Filter by table, key or member', 'aria-label': 'Filter by table, key or member' } });
    this.readFilter.addEventListener('change', () => this.renderRows());
    this.textFilter.addEventListener('input', () => this.renderRows());
    this.element = el('div', { class: 'access-view reverse-view' }, [
      el('header', { class: 'access-header' }, [this.title, this.meta]),
      el('div', { class: 'toolbar' }, [
        button('Refresh', () => send({ type: 'refresh' }), { icon: 'refresh', secondary: true, id: 'reverse-refresh' }),
        button('Copy as Markdown', () => send({ type: 'export', format: 'markdown' }), { icon: 'markdown', secondary: true, id: 'reverse-markdown' }),
        button('Save as JSON…', () => send({ type: 'export', format: 'json' }), { icon: 'save-as', secondary: true, id: 'reverse-json' }),
      ]),
      this.status,
      el('div', { class: 'toolbar access-filters' }, [this.readFilter, this.textFilter]),
      this.list,
      this.notes,
    ]);
    this.render();
  }

  update(view: ReverseState): void {
    this.state = view;
    this.render();
  }

  private render(): void {
    const s = this.state;
    clear(this.status);
    show(this.status, s.state !== 'ready' || !!s.stale);
    if (s.state === 'loading') this.status.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Collecting' } }), el('span', { text: s.total ? `${s.message} (${s.done}/${s.total})` : s.message }));
    if (s.state === 'failed') this.status.append(el('span', { class: 'codicon codicon-error', attrs: { 'aria-hidden': 'true' } }), el('span', { class: 'problem', text: s.message }));
    if (s.state === 'ready') {
      if (s.stale) this.status.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Collecting again' } }), el('span', { class: 'stale', text: 'The account changed since this was collected: collecting it again…' }));
      const group = s.kind === 'group';
      this.title.textContent = group ? `What the members of group ${s.name} can read` : `What ${s.name} can read`;
      const readable = s.tables.filter((t) => t.read === 'allowed').length;
      const conditional = s.tables.filter((t) => t.read === 'conditional').length;
      const members = group ? ` · members: ${s.members?.join(', ') || 'none'}` : '';
      this.meta.textContent = `${s.kind} ${s.principal}${members} · ${s.tables.length} ${group ? 'member-table pairs' : s.tables.length === 1 ? 'table' : 'tables'} in ${s.region}: ${readable} readable · ${conditional} conditional · ${s.tables.length - readable - conditional} not · collected ${new Date(s.collectedAt).toLocaleTimeString()}`;
    }
    this.renderRows();
    this.renderNotes();
  }

  private rowKey(t: ReverseTableView): string {
    return `${t.member ?? ''}|${t.tableArn}`;
  }

  private renderRows(): void {
    clear(this.list);
    const s = this.state;
    show(this.list, s.state === 'ready');
    if (s.state !== 'ready') return;
    const read = (this.readFilter as HTMLInputElement).value;
    const text = ((this.textFilter as HTMLInputElement).value ?? '').trim().toLowerCase();
    const rows = s.tables.filter((t) => (!read || t.read === read) && (!text || [t.tableName, t.encryption, t.member ?? ''].some((v) => v.toLowerCase().includes(text))));
    for (const row of rows) this.list.append(this.rowElement(row));
    if (s.tables.length === 0) this.list.append(el('p', { class: 'muted', text: `There are no DynamoDB tables in ${s.region}.` }));
    else if (rows.length === 0) this.list.append(el('p', { class: 'muted', text: 'No table matches the filter.' }));
  }

  private rowElement(row: ReverseTableView): HTMLElement {
    const key = this.rowKey(row);
    const summary = el('summary', { class: 'access-summary' }, [
      el('span', { class: `codicon codicon-${VERDICT_ICON[row.read]} verdict-${row.read}`, attrs: { 'aria-hidden': 'true' } }),
      row.member ? el('span', { class: 'muted', text: `${row.member}:` }) : undefined,
      el('span', { class: 'access-name', text: row.tableName }),
      el('span', { class: 'muted', text: row.encryption }),
      el('span', { class: `access-verdict verdict-${row.read}`, text: VERDICT_WORD[row.read] }),
      openingChip(row.opensWhen),
      lockChip('table', row.table),
      row.key ? lockChip('key', row.key) : el('span', { class: 'lock-chip muted', text: 'No key lock' }),
    ]);
    const details = el('details', { class: 'access-row', attrs: { role: 'listitem', 'data-table': row.tableName, 'data-read': row.read } }, [summary]) as HTMLDetailsElement;
    if (this.open.has(key)) {
      details.open = true;
      details.append(this.rowBody(row));
    }
    details.addEventListener('toggle', () => {
      if (details.open) this.open.add(key);
      else this.open.delete(key);
      if (details.open && details.childElementCount === 1) details.append(this.rowBody(row));
    });
    return details;
  }

  private rowBody(row: ReverseTableView): HTMLElement {
    return el('div', { class: 'access-body' }, [
      el('div', { class: 'muted arn', text: row.tableArn }),
      lockSection('table', row.table),
      row.key ? lockSection('key', row.key) : el('p', { class: 'muted', text: 'No key lock: the table is encrypted with an AWS owned key, so the table lock alone decides.' }),
      row.opensWhen ? el('p', { class: 'opens-when', text: `Reads ${row.opensWhen}.` }) : undefined,
      row.conditions.length ? el('p', { text: `Depends on the request: ${row.conditions.join(', ')}.` }) : undefined,
      ...row.unknowns.map((u) => el('p', { class: 'problem', text: `Not known: ${u}` })),
    ]);
  }

  private renderNotes(): void {
    clear(this.notes);
    const s = this.state;
    if (s.state !== 'ready') return;
    this.notes.append(answerNotes(s));
  }
}
