// "Who did read this table?": the key's CloudTrail events for the table, grouped by principal (reads allowed, reads
// refused with KMS's reason, key policy changes, grants), over a time range, filterable and paged; each event opens
// into the record CloudTrail wrote. Says when it last read and how complete that is, and shows its progress.
import { RANGE_WORDS, type ActivityEntryView, type ActivityHostMessage, type ActivityRange, type ActivityReady, type ActivityView as ActivityState, type PrincipalActivityView } from '../panel/activity-protocol';
import './activity.css';
import { button, clear, el, show } from './dom';
import { send } from './host';

const PAGE = 50;
const KIND_WORDS: Record<ActivityEntryView['kind'], string> = {
  read: 'read allowed',
  'read-refused': 'read refused',
  'policy-change': 'key policy changed',
  grant: 'grant',
  'key-change': 'key state changed',
  other: 'other call',
};
const KIND_ICONS: Record<ActivityEntryView['kind'], string> = {
  read: 'pass',
  'read-refused': 'circle-slash',
  'policy-change': 'edit',
  grant: 'key',
  'key-change': 'settings-gear',
  other: 'circle-small',
};

function option(value: string, label: string, selected = false): HTMLElement {
  return el('vscode-option', { text: label, attrs: { value, selected } });
}

const when = (iso: string) => new Date(iso).toLocaleString();

/** A principal as both views name it. */
export interface PrincipalRef {
  principal: string;
  name: string;
}

export class ActivityView {
  readonly element: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly status: HTMLElement;
  private readonly note: HTMLElement;
  private readonly list: HTMLElement;
  private readonly rangeSelect: HTMLElement;
  private readonly kindFilter: HTMLElement;
  private readonly textFilter: HTMLElement;
  /** "Only this principal's events", with the way back to everyone. */
  private readonly focusBar: HTMLElement;
  private focused: PrincipalRef | undefined;
  private state: ActivityState = { state: 'idle', range: '7d' };
  /** Entries shown per principal (paged), and principals a person opened: kept when the list is drawn again. */
  private readonly shown = new Map<string, number>();
  private readonly open = new Set<string>();
  /** A person opened or closed a principal. */
  onPrincipalToggled: (principal: PrincipalRef, open: boolean) => void = () => {};

  constructor() {
    this.meta = el('div', { class: 'muted activity-meta' });
    this.status = el('div', { class: 'access-status activity-status', attrs: { role: 'status' } });
    this.note = el('p', { class: 'muted activity-note' });
    this.rangeSelect = el('vscode-single-select', { attrs: { 'aria-label': 'Time range' } }, (Object.keys(RANGE_WORDS) as ActivityRange[]).map((r) => option(r, RANGE_WORDS[r], r === '7d')));
    this.rangeSelect.addEventListener('change', () => this.read());
    this.kindFilter = el('vscode-single-select', { attrs: { 'aria-label': 'Kind of event' } }, [
      option('', 'Every event'),
      option('read', 'Reads allowed'),
      option('read-refused', 'Reads refused'),
      option('policy-change', 'Key policy changes'),
      option('grant', 'Grants'),
    ]);
    this.kindFilter.addEventListener('change', () => this.renderList());
    this.textFilter = el('vscode-textfield', { attrs: { placeholder: 'Filter by principal, event or reason', 'aria-label': 'Filter the activity' } });
    this.textFilter.addEventListener('input', () => this.renderList());
    this.list = el('div', { class: 'activity-rows', attrs: { role: 'list' } });
    this.focusBar = el('div', { class: 'activity-focus', attrs: { 'aria-live': 'polite' } });
    this.element = el('div', { class: 'access-view activity-view' }, [
      el('header', { class: 'access-header' }, [el('h2', { text: 'Who did read this table?' }), this.meta]),
      el('div', { class: 'toolbar' }, [this.rangeSelect, button('Read again', () => this.read(), { icon: 'refresh', secondary: true, id: 'activity-refresh' })]),
      this.status,
      this.note,
      el('div', { class: 'toolbar access-filters' }, [this.kindFilter, this.textFilter]),
      this.focusBar,
      this.list,
    ]);
    this.render();
  }

  /** Reads the activity, once, when the view is first shown. */
  ensureRead(): void {
    if (this.state.state === 'idle') this.read();
  }

  /** Shows only this principal's events, opened, and brings them into view. */
  focusPrincipal(principal: PrincipalRef): void {
    this.focused = principal;
    this.open.add(principal.principal);
    this.renderList();
    this.list.querySelector<HTMLElement>('.activity-principal')?.scrollIntoView({ block: 'nearest' });
  }

  /** Shows every principal again (only if `principal` is the one shown, when given). */
  unfocusPrincipal(principal?: string): void {
    if (!this.focused || (principal && this.focused.principal !== principal)) return;
    this.focused = undefined;
    this.renderList();
  }

  private read(): void {
    const range = ((this.rangeSelect as HTMLInputElement).value || this.state.range) as ActivityRange;
    send({ type: 'readActivity', range });
  }

  handle(message: ActivityHostMessage): void {
    if (message.type !== 'activity') return;
    this.state = message.activity;
    if ((this.rangeSelect as HTMLInputElement).value !== message.activity.range) (this.rangeSelect as HTMLInputElement).value = message.activity.range;
    this.render();
  }

  /** What is on screen: the last answer, kept while a new one is read or after a new one failed. */
  private shownAnswer(): ActivityReady | undefined {
    const s = this.state;
    if (s.state === 'ready') return s;
    return s.state === 'idle' ? undefined : s.previous;
  }

  private render(): void {
    const s = this.state;
    clear(this.status);
    show(this.status, s.state !== 'ready' || !!s.stale);
    if (s.state === 'idle') this.status.append(el('span', { class: 'muted', text: 'Reads the key’s CloudTrail events: press Read again.' }));
    if (s.state === 'loading') {
      this.status.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Reading' } }), el('span', { text: s.pages ? `${s.message} (page ${s.pages}, ${s.events} events)` : s.message }));
    }
    if (s.state === 'failed') this.status.append(el('span', { class: 'codicon codicon-error', attrs: { 'aria-hidden': 'true' } }), el('span', { class: 'problem activity-problem', text: s.message }));
    if (s.state === 'ready' && s.stale) this.status.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Reading again' } }), el('span', { class: 'stale', text: 'The key or table changed since this was read: reading again…' }));
    const answer = this.shownAnswer();
    this.meta.textContent = answer
      ? `${answer.events} events of ${RANGE_WORDS[answer.range]}${answer.truncated ? ' (the newest; more matched)' : ''} · ${answer.principals.length} principals · last read ${new Date(answer.readAt).toLocaleTimeString()}`
      : '';
    this.note.textContent = answer?.note ?? '';
    this.renderList();
  }

  private matches(principal: PrincipalActivityView, entry: ActivityEntryView | undefined, text: string): boolean {
    if (!text) return true;
    const words = [principal.name, principal.principal, ...(entry ? [entry.eventName, entry.errorCode ?? '', entry.errorMessage ?? '', entry.session ?? '', KIND_WORDS[entry.kind]] : [])];
    return words.some((w) => w.toLowerCase().includes(text));
  }

  private renderFocusBar(answer: ActivityReady | undefined): void {
    clear(this.focusBar);
    const focused = this.focused;
    show(this.focusBar, !!focused);
    if (!focused) return;
    const events = answer?.principals.find((p) => p.principal === focused.principal)?.entries.length;
    this.focusBar.append(
      el('span', { class: 'codicon codicon-filter', attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: answer && !events ? `${focused.name}: no event in ${RANGE_WORDS[answer.range]}` : `Only ${focused.name}’s events` }),
      button('Show everyone', () => this.unfocusPrincipal(), { icon: 'close', secondary: true, id: 'activity-everyone', title: 'Show every principal’s events' }),
    );
  }

  private renderList(): void {
    clear(this.list);
    const answer = this.shownAnswer();
    this.renderFocusBar(answer);
    if (!answer) return;
    const kind = (this.kindFilter as HTMLInputElement).value;
    const text = ((this.textFilter as HTMLInputElement).value ?? '').trim().toLowerCase();
    let any = false;
    for (const principal of answer.principals) {
      if (this.focused && principal.principal !== this.focused.principal) continue;
      const entries = principal.entries.filter((e) => (!kind || e.kind === kind) && (this.matches(principal, undefined, text) || this.matches(principal, e, text)));
      if (entries.length === 0) continue;
      any = true;
      this.list.append(this.principalElement(principal, entries, answer));
    }
    if (!any && this.focused) {
      const focused = this.focused.principal;
      if (answer.principals.some((p) => p.principal === focused)) this.list.append(el('p', { class: 'muted', text: 'No event matches the filter.' }));
    } else if (!any) {
      this.list.append(el('p', { class: 'muted', text: answer.principals.length ? 'No event matches the filter.' : `No event of the key concerns this table in ${RANGE_WORDS[answer.range]}.` }));
    }
  }

  private principalElement(p: PrincipalActivityView, entries: ActivityEntryView[], answer: ActivityReady): HTMLElement {
    const counts = [
      p.readsAllowed ? `${p.readsAllowed} read${p.readsAllowed === 1 ? '' : 's'} allowed` : '',
      p.readsRefused ? `${p.readsRefused} refused` : '',
      p.policyChanges ? `${p.policyChanges} key policy change${p.policyChanges === 1 ? '' : 's'}` : '',
      p.grants ? `${p.grants} grant event${p.grants === 1 ? '' : 's'}` : '',
    ].filter(Boolean);
    const summary = el('summary', { class: 'access-summary' }, [
      el('span', { class: `codicon codicon-${p.readsRefused ? 'warning' : p.readsAllowed ? 'eye' : 'history'} ${p.readsRefused ? 'verdict-denied' : ''}`, attrs: { 'aria-hidden': 'true' } }),
      el('span', { class: 'access-name', text: p.name }),
      el('vscode-badge', { text: p.kind }),
      el('span', { text: counts.join(' · ') || `${p.entries.length} other events` }),
      p.lastRead ? el('span', { class: 'muted activity-last', text: `last read ${when(p.lastRead)}` }) : undefined,
      p.readsRefused ? el('span', { class: 'flag refused', text: `refused ${p.readsRefused} ${p.readsRefused === 1 ? 'time' : 'times'}`, title: p.refusalReasons.join('\n') }) : undefined,
    ]);
    const details = el('details', { class: 'activity-principal', attrs: { role: 'listitem', 'data-principal': p.principal } }, [summary]) as HTMLDetailsElement;
    // A person's click or Enter on the summary, before the principal toggles.
    summary.addEventListener('click', () => this.onPrincipalToggled({ principal: p.principal, name: p.name }, !details.open));
    const body = () => this.principalBody(p, entries, answer);
    if (this.open.has(p.principal)) {
      details.open = true;
      details.append(body());
    }
    details.addEventListener('toggle', () => {
      if (details.open) this.open.add(p.principal);
      else this.open.delete(p.principal);
      if (details.open && details.childElementCount === 1) details.append(body());
    });
    return details;
  }

  private principalBody(p: PrincipalActivityView, entries: ActivityEntryView[], answer: ActivityReady): HTMLElement {
    const limit = this.shown.get(p.principal) ?? PAGE;
    const body = el('div', { class: 'access-body' }, [el('div', { class: 'muted arn', text: p.principal })]);
    if (p.refusalReasons.length) body.append(el('p', { class: 'problem', text: `KMS refused: ${p.refusalReasons.join(' · ')}` }));
    const timeline = el('ol', { class: 'activity-timeline' }, entries.slice(0, limit).map((e) => this.entryElement(e, answer)));
    body.append(timeline);
    const hidden = entries.length - limit + (limit >= entries.length ? p.moreEntries : 0);
    if (entries.length > limit) {
      body.append(button(`Show ${Math.min(PAGE, entries.length - limit)} more of ${entries.length - limit}`, () => {
        this.shown.set(p.principal, limit + PAGE);
        this.open.add(p.principal);
        this.renderList();
      }, { secondary: true }));
    } else if (hidden > 0) {
      body.append(el('p', { class: 'muted', text: `${hidden} older events are counted above but not listed.` }));
    }
    return body;
  }

  private entryElement(e: ActivityEntryView, answer: ActivityReady): HTMLElement {
    const by = e.invokedBy ? ` · asked by ${e.invokedBy} on the principal’s behalf` : '';
    const table = e.tableName ? ` · table ${e.tableName}` : answer.tableName ? ' · the key (every table)' : '';
    const session = e.session ? ` · session ${e.session}` : '';
    const record = el('details', { class: 'activity-record' }, [el('summary', { class: 'muted', text: 'CloudTrail record' })]) as HTMLDetailsElement;
    record.addEventListener('toggle', () => {
      if (record.open && record.childElementCount === 1) record.append(el('pre', { class: 'activity-json', text: e.record }));
    });
    return el('li', { class: `activity-entry kind-${e.kind}`, attrs: { 'data-kind': e.kind, 'data-event': e.eventId } }, [
      el('span', { class: `codicon codicon-${KIND_ICONS[e.kind]} ${e.kind === 'read-refused' ? 'verdict-denied' : e.kind === 'read' ? 'verdict-allowed' : ''}`, attrs: { 'aria-hidden': 'true' } }),
      el('span', { class: 'activity-time', text: when(e.time) }),
      el('span', { class: 'activity-what', text: `${KIND_WORDS[e.kind]} · ${e.eventName}${table}${by}${session}` }),
      e.errorCode ? el('div', { class: 'problem activity-reason', text: `KMS: ${e.errorCode}${e.errorMessage ? ` — ${e.errorMessage}` : ''}` }) : undefined,
      record,
    ]);
  }
}
