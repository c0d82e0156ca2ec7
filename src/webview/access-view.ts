// "Who can read this table?": one row per principal, filterable, each expandable into both locks with the statements
// that decide them; a deciding key policy statement can be shown in the editor. Verify puts what AWS did beside what
// was predicted, and flags a disagreement loudly; while the key policy is being edited, rows show who gains or loses.
import type { AccessHostMessage, AccessPreview, AccessRowView, AccessStatementView, AccessView as AccessState, VerificationView } from '../panel/access-protocol';
import type { ActivityHostMessage } from '../panel/activity-protocol';
import { answerNotes, lockChip, lockSection, openingChip, VERDICT_ICON, VERDICT_WORD } from './access-locks';
import { activityCells } from './activity-chips';
import type { PrincipalRef } from './activity-view';
import { button, clear, el, show } from './dom';
import { send } from './host';
const MAX_ROWS = 500;

function option(value: string, label: string): HTMLElement {
  return el('vscode-option', { text: label, attrs: { value } });
}

export class AccessView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly status: HTMLElement;
  private readonly preview: HTMLElement;
  private readonly verification: HTMLElement;
  private readonly list: HTMLElement;
  private readonly notes: HTMLElement;
  private readonly readFilter: HTMLElement;
  private readonly kindFilter: HTMLElement;
  private readonly textFilter: HTMLElement;
  private readonly actions: HTMLElement;
  private state: AccessState = { state: 'idle' };
  private previewState: AccessPreview | undefined;
  private verified = new Map<string, VerificationView>();
  private previewVersion = 0;
  private previewTimer = 0;
  private shownRows = MAX_ROWS;
  /** Rows a person opened stay open when the list is drawn again (after Verify, a preview, a filter). */
  private readonly open = new Set<string>();
  /** What each row did (the Activity view's range), beside what it can do. */
  private activity: Extract<ActivityHostMessage, { type: 'accessActivity' }> | undefined;
  /** The row marked from the Activity beside it: the principal a person opened there. */
  private marked: string | undefined;
  /** The policy editor's text, for "show this statement". */
  policyText: () => string = () => '';
  /** A person opened or closed a principal's row. */
  onPrincipalToggled: (principal: PrincipalRef, open: boolean) => void = () => {};

  constructor() {
    this.title = el('h2', { text: 'Who can read this table?' });
    this.meta = el('div', { class: 'muted access-meta' });
    this.status = el('div', { class: 'access-status', attrs: { role: 'status' } });
    this.preview = el('div', { class: 'access-preview', attrs: { 'aria-live': 'polite' } });
    this.verification = el('div', { class: 'access-verification', attrs: { 'aria-live': 'polite' } });
    this.readFilter = el('vscode-single-select', { attrs: { 'aria-label': 'Show principals that' } }, [option('', 'Everyone'), option('allowed', 'Can read'), option('denied', 'Cannot read'), option('conditional', 'Conditional')]);
    this.kindFilter = el('vscode-single-select', { attrs: { 'aria-label': 'Kind of principal' } }, [option('', 'Users and roles'), option('user', 'Users'), option('role', 'Roles'), option('other', 'Others')]);
    this.textFilter = el('vscode-textfield', { attrs: { placeholder: 'Filter by name or group', 'aria-label': 'Filter by name or group' } });
    for (const input of [this.readFilter, this.kindFilter]) input.addEventListener('change', () => this.renderRows());
    this.textFilter.addEventListener('input', () => this.renderRows());
    this.list = el('div', { class: 'access-rows', attrs: { role: 'list' } });
    this.notes = el('div', { class: 'access-notes' });
    this.actions = el('div', { class: 'toolbar' }, [
      button('Refresh', () => this.analyse(), { icon: 'refresh', secondary: true, id: 'access-refresh' }),
      button('Verify', () => send({ type: 'verifyAccess' }), { icon: 'beaker', id: 'access-verify', title: 'Read the table as every identity KMS Lab holds credentials for, and compare with the prediction' }),
      button('Copy as Markdown', () => send({ type: 'exportAccess', format: 'markdown' }), { icon: 'markdown', secondary: true, id: 'access-markdown' }),
      button('Save as JSON…', () => send({ type: 'exportAccess', format: 'json' }), { icon: 'save-as', secondary: true, id: 'access-json' }),
    ]);
    this.element = el('div', { class: 'access-view' }, [
      el('header', { class: 'access-header' }, [this.title, this.meta]),
      this.actions,
      this.status,
      this.preview,
      this.verification,
      el('div', { class: 'toolbar access-filters' }, [this.readFilter, this.kindFilter, this.textFilter]),
      this.list,
      this.notes,
    ]);
    this.render();
  }

  /** Asks for the analysis, once, when the view is first shown. */
  ensureAnalysed(): void {
    if (this.state.state === 'idle') this.analyse();
  }

  private analyse(): void {
    this.state = { state: 'loading', message: 'Starting…' };
    this.render();
    send({ type: 'whoCanRead' });
  }

  /** The key policy draft changed: ask what it would change, a moment after typing stops. */
  policyChanged(text: string, dirty: boolean): void {
    window.clearTimeout(this.previewTimer);
    if (!dirty) {
      this.previewState = undefined;
      this.renderPreview();
      this.renderRows();
      return;
    }
    if (this.state.state !== 'ready') return;
    const version = ++this.previewVersion;
    this.previewTimer = window.setTimeout(() => send({ type: 'previewAccess', version, text }), 400);
  }

  /** The rows joined with who did read: each gains its last read and flags. */
  setActivity(message: Extract<ActivityHostMessage, { type: 'accessActivity' }>): void {
    this.activity = message;
    this.renderRows();
  }

  get markedPrincipal(): string | undefined {
    return this.marked;
  }

  /** Marks a principal's row (or none) and brings it into view, without opening it. */
  markPrincipal(principal: PrincipalRef | undefined): void {
    this.marked = principal?.principal;
    for (const row of this.list.querySelectorAll<HTMLElement>('.access-row')) {
      const marked = row.dataset.principal === this.marked;
      row.classList.toggle('marked', marked);
      if (marked) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
      if (marked) row.scrollIntoView({ block: 'nearest' });
    }
  }

  handle(message: AccessHostMessage): void {
    switch (message.type) {
      case 'access':
        this.state = message.access;
        if (message.access.state === 'ready') this.shownRows = MAX_ROWS;
        this.render();
        return;
      case 'accessPreview':
        if (message.version !== this.previewVersion) return;
        this.previewState = message.preview;
        this.renderPreview();
        this.renderRows();
        return;
      case 'verification':
        this.verified = new Map(message.results.map((r) => [r.principal, r]));
        this.renderVerification(message.state, message.results, message.problem);
        this.renderRows();
        return;
      case 'showAccess':
        return;
    }
  }

  private render(): void {
    const s = this.state;
    clear(this.status);
    show(this.status, s.state === 'loading' || s.state === 'failed' || s.state === 'idle' || (s.state === 'ready' && !!s.stale));
    if (s.state === 'ready' && s.stale) {
      this.status.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Collecting again' } }), el('span', { class: 'stale', text: 'The account changed since this was collected: collecting it again…' }));
    }
    if (s.state === 'idle') this.status.append(el('p', { class: 'muted', text: 'Collecting the account’s policies takes a moment: press Refresh.' }));
    if (s.state === 'loading') {
      this.status.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Collecting' } }), el('span', { text: s.total ? `${s.message} (${s.done}/${s.total})` : s.message }));
    }
    if (s.state === 'failed') this.status.append(el('span', { class: 'codicon codicon-error', attrs: { 'aria-hidden': 'true' } }), el('span', { class: 'problem', text: s.message }));
    if (s.state === 'ready') {
      this.title.textContent = `Who can read ${s.tableName}?`;
      const counts = { allowed: 0, denied: 0, conditional: 0 };
      for (const row of s.rows) counts[row.read]++;
      this.meta.textContent = `${s.rows.length} principals · ${counts.allowed} can read · ${counts.conditional} conditional · ${counts.denied} cannot · encrypted with ${s.keyLabel ?? 'an AWS owned key'} · collected ${new Date(s.collectedAt).toLocaleTimeString()}`;
    }
    this.renderRows();
    this.renderNotes();
  }

  private renderPreview(): void {
    clear(this.preview);
    const p = this.previewState;
    show(this.preview, !!p);
    if (!p) return;
    if (p.problem) {
      this.preview.append(el('span', { class: 'codicon codicon-info', attrs: { 'aria-hidden': 'true' } }), el('span', { text: p.problem }));
      return;
    }
    const none = p.gains.length + p.loses.length + p.changes.length === 0;
    this.preview.append(
      el('span', { class: 'codicon codicon-diff', attrs: { 'aria-hidden': 'true' } }),
      el('span', {
        text: none
          ? 'Your unsaved key policy changes nobody’s access to the table.'
          : [
              p.gains.length ? `would let ${p.gains.map((g) => g.name).join(', ')} read` : '',
              p.loses.length ? `would stop ${p.loses.map((l) => l.name).join(', ')} from reading` : '',
              p.changes.length ? `would change ${p.changes.map((c) => `${c.name} (${c.before} → ${c.after})`).join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; ')
              .replace(/^/, 'Your unsaved key policy ') + '.',
      }),
    );
  }

  private renderVerification(state: 'running' | 'done', results: VerificationView[], problem: string | undefined): void {
    clear(this.verification);
    if (state === 'running') {
      this.verification.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Verifying' } }), el('span', { text: 'Reading the table as every identity KMS Lab holds credentials for…' }));
      return;
    }
    if (problem) {
      this.verification.append(el('span', { class: 'problem', text: problem }));
      return;
    }
    const disagreements = results.filter((r) => !r.agrees);
    this.verification.classList.toggle('disagree', disagreements.length > 0);
    this.verification.append(
      el('span', { class: `codicon codicon-${disagreements.length ? 'warning' : 'pass'}`, attrs: { 'aria-hidden': 'true' } }),
      el('span', {
        text:
          results.length === 0
            ? 'Verify found no identity to read as among these principals.'
            : disagreements.length
              ? `PREDICTION AND AWS DISAGREE for ${disagreements.map((d) => d.identity).join(', ')}. ${results.length - disagreements.length} of ${results.length} agree.`
              : `Verified: for all ${results.length} identities KMS Lab could read as, AWS did what was predicted.`,
      }),
    );
  }

  private filtered(rows: AccessRowView[]): AccessRowView[] {
    const read = (this.readFilter as HTMLInputElement).value;
    const kind = (this.kindFilter as HTMLInputElement).value;
    const text = ((this.textFilter as HTMLInputElement).value ?? '').trim().toLowerCase();
    return rows.filter(
      (r) =>
        (!read || r.read === read) &&
        (!kind || (kind === 'other' ? r.kind !== 'user' && r.kind !== 'role' : r.kind === kind)) &&
        (!text || r.name.toLowerCase().includes(text) || r.principal.toLowerCase().includes(text) || r.groups.some((g) => g.toLowerCase().includes(text))),
    );
  }

  private renderRows(): void {
    clear(this.list);
    const s = this.state;
    show(this.list, s.state === 'ready');
    if (s.state !== 'ready') return;
    const rows = this.filtered(s.rows);
    const gains = new Set(this.previewState?.gains.map((g) => g.principal));
    const loses = new Set(this.previewState?.loses.map((l) => l.principal));
    for (const row of rows.slice(0, this.shownRows)) this.list.append(this.rowElement(row, gains.has(row.principal), loses.has(row.principal)));
    if (rows.length > this.shownRows) {
      this.list.append(button(`Show ${Math.min(MAX_ROWS, rows.length - this.shownRows)} more of ${rows.length - this.shownRows}`, () => {
        this.shownRows += MAX_ROWS;
        this.renderRows();
      }, { secondary: true }));
    }
    if (rows.length === 0) this.list.append(el('p', { class: 'muted', text: 'No principal matches the filter.' }));
  }

  private rowElement(row: AccessRowView, gains: boolean, loses: boolean): HTMLElement {
    const verified = this.verified.get(row.principal);
    const summary = el('summary', { class: 'access-summary' }, [
      el('span', { class: `codicon codicon-${VERDICT_ICON[row.read]} verdict-${row.read}`, attrs: { 'aria-hidden': 'true' } }),
      el('span', { class: 'access-name', text: row.name }),
      el('vscode-badge', { text: row.kind }),
      row.groups.length ? el('span', { class: 'muted', text: `groups: ${row.groups.join(', ')}` }) : undefined,
      el('span', { class: `access-verdict verdict-${row.read}`, text: VERDICT_WORD[row.read] }),
      openingChip(row.opensWhen),
      lockChip('table', row.table),
      row.key ? lockChip('key', row.key) : el('span', { class: 'lock-chip muted', text: 'No key lock' }),
      gains ? el('span', { class: 'change gains', text: 'gains with your edit' }) : undefined,
      loses ? el('span', { class: 'change loses', text: 'loses with your edit' }) : undefined,
      verified ? this.verifiedChip(verified) : row.verifiable ? el('span', { class: 'muted', text: 'verifiable' }) : undefined,
      ...activityCells(row, this.activity, () => this.policyText()),
    ]);
    const marked = row.principal === this.marked;
    const details = el('details', {
      class: `access-row${verified && !verified.agrees ? ' disagree' : ''}${marked ? ' marked' : ''}`,
      attrs: { role: 'listitem', 'data-principal': row.principal, 'aria-current': marked ? 'true' : undefined },
    }, [summary]) as HTMLDetailsElement;
    // A person's click or Enter on the summary, before the row toggles (re-drawn rows reopen without it).
    summary.addEventListener('click', () => this.onPrincipalToggled({ principal: row.principal, name: row.name }, !details.open));
    if (this.open.has(row.principal)) {
      details.open = true;
      details.append(this.rowBody(row, verified));
    }
    details.addEventListener('toggle', () => {
      if (details.open) this.open.add(row.principal);
      else this.open.delete(row.principal);
      if (details.open && details.childElementCount === 1) details.append(this.rowBody(row, verified));
    });
    return details;
  }

  private verifiedChip(v: VerificationView): HTMLElement {
    return el('span', { class: `verified ${v.agrees ? 'agrees' : 'disagrees'}`, title: v.detail }, [
      el('span', { class: `codicon codicon-${v.agrees ? 'check' : 'warning'}`, attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: v.agrees ? `AWS: ${v.observed} (as ${v.identity})` : `DISAGREES: predicted ${v.predicted}, AWS ${v.observed} (as ${v.identity})` }),
    ]);
  }

  private rowBody(row: AccessRowView, verified: VerificationView | undefined): HTMLElement {
    return el('div', { class: 'access-body' }, [
      el('div', { class: 'muted arn', text: row.principal }),
      lockSection('table', row.table, this.showStatement),
      row.key
        ? lockSection('key', row.key, this.showStatement)
        : el('p', { class: 'muted', text: 'No key lock: the table is encrypted with an AWS owned key.' }),
      row.opensWhen ? el('p', { class: 'opens-when', text: `Reads ${row.opensWhen}.` }) : undefined,
      row.conditions.length ? el('p', { text: `Depends on the request: ${row.conditions.join(', ')}.` }) : undefined,
      ...row.unknowns.map((u) => el('p', { class: 'problem', text: `Not known: ${u}` })),
      verified ? el('p', { class: verified.agrees ? '' : 'problem', text: `Verify as ${verified.identity}: ${verified.detail}` }) : undefined,
    ]);
  }

  private readonly showStatement = (s: AccessStatementView): void => send({ type: 'showStatement', statementIndex: s.index, text: this.policyText() });

  private renderNotes(): void {
    clear(this.notes);
    const s = this.state;
    if (s.state !== 'ready') return;
    this.notes.append(answerNotes(s));
  }
}
