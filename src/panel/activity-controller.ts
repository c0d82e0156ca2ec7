// The Activity feature ("who did read"): the key's CloudTrail events for the panel's table (or for the key alone),
// grouped by principal, over a time range; and Who can read? joined with it. Reading never blocks the rest of the
// panel: it runs on its own, shows its progress, backs off while LookupEvents is throttled (the reader does), and a
// newer read or a closed panel cancels an older one. Follows the account change signal like the other features.
import { summarizeActivity } from '../access/activity';
import type { ActivitySummary } from '../access/activity-types';
import type { AccessReport } from '../access/types';
import { AwsLayerError } from '../aws/errors';
import type { Logger } from '../aws/log';
import { isAwsHost } from '../aws/endpoints';
import type { ConnectionTarget } from '../aws/types';
import { changesEverything, touchesKey, touchesTable, type AccountChangeEvent } from '../session/account-changes';
import { RANGE_MS, RANGE_WORDS, type ActivityHostMessage, type ActivityRange, type ActivityReady, type ActivityView, type ActivityWebviewMessage } from './activity-protocol';
import { accessActivityRows, AWS_NOTE, emulatorNote, principalView, SANDBOX_NOTE } from './activity-views';
import { errorText, type PanelController, type PanelHost } from './controller';
import type { PersistedState } from './protocol';
import type { PanelScope } from './scope';

export interface ActivityDeps {
  log: Logger;
  /** Whether the target is KMS Lab's local sandbox (every read recorded at once) rather than AWS. */
  isSandbox(target: ConnectionTarget): boolean;
  /** Events read at most; default the reader's 10,000. */
  limit?: number;
}

const DEFAULT_RANGE: ActivityRange = '7d';

export class ActivityController implements PanelController<ActivityWebviewMessage> {
  private current: ActivityView = { state: 'idle', range: DEFAULT_RANGE };
  private summary: ActivitySummary | undefined;
  private report: AccessReport | undefined;
  private running: AbortController | undefined;
  private shownFirst = false;
  private stale = false;
  private disposed = false;

  constructor(
    private readonly host: PanelHost,
    private readonly scope: PanelScope,
    private readonly deps: ActivityDeps,
  ) {}

  get view(): ActivityView {
    return this.current;
  }

  /** The summary of the last read, for tests and the API. */
  get lastSummary(): ActivitySummary | undefined {
    return this.summary;
  }

  /** The Who can read? answer it is joined with. */
  get lastReport(): AccessReport | undefined {
    return this.report;
  }

  /** Opens the Activity view and reads the key's events. */
  async show(range: ActivityRange = this.current.range): Promise<void> {
    this.shownFirst = true;
    this.host.post({ type: 'showActivity' });
    await this.read(range);
  }

  onReady(_state: PersistedState | undefined): void {
    if (this.shownFirst) this.host.post({ type: 'showActivity' });
    if (this.current.state !== 'idle') this.post({ type: 'activity', activity: this.current });
    this.postJoin();
  }

  async handle(message: ActivityWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'readActivity':
        return this.read(message.range);
    }
  }

  /** Who can read? has an answer: join it with the activity, reading the activity first if it never was. */
  async reportChanged(report: AccessReport): Promise<void> {
    this.report = report;
    if (this.summary) this.postJoin();
    // Side by side, the page asks for the activity as well: a read already under way answers both.
    else if (this.current.state === 'idle' && !this.running) await this.read(this.current.range);
  }

  async onAccountChange(event: AccountChangeEvent): Promise<void> {
    if (this.current.state === 'idle') return;
    const keyArn = this.scope.keyArn;
    const tableName = this.scope.subject.tableName;
    const touched = changesEverything(event) || (keyArn && touchesKey(event, keyArn)) || (tableName && touchesTable(event, tableName));
    if (!touched) return;
    if (changesEverything(event)) this.report = undefined;
    this.stale = true;
    if (this.current.state === 'ready') this.setView({ ...this.current, stale: true });
    if (this.host.isVisible()) await this.refresh();
  }

  onVisible(): void {
    if (this.stale) void this.refresh();
  }

  dispose(): void {
    this.disposed = true;
    this.running?.abort(new Error('The panel was closed.'));
  }

  /** Where the events came from, and how complete that makes them. */
  private async noteFor(admin: NonNullable<PanelScope['admin']>): Promise<string> {
    if (this.deps.isSandbox(admin.target)) return SANDBOX_NOTE;
    const endpoint = await admin.session.endpointFor('cloudtrail').catch(() => undefined);
    return endpoint !== undefined && !isAwsHost(endpoint) ? emulatorNote(endpoint) : AWS_NOTE;
  }

  /** Reads the key's events in the range, newest first, and summarizes them per principal. */
  async read(range: ActivityRange): Promise<void> {
    this.running?.abort(new Error('A newer read started.'));
    const abort = new AbortController();
    this.running = abort;
    this.stale = false;
    const previous = this.lastReady();
    await this.scope.tableLoaded;
    const admin = this.scope.admin;
    const keyArn = this.scope.keyArn;
    const tableName = this.scope.subject.tableName;
    if (abort.signal.aborted) return;
    if (!admin) return this.setView({ state: 'failed', range, message: 'No AWS profile selected: pick one in the status bar.' });
    if (!keyArn) {
      const message = this.scope.tableProblem ?? `${tableName ?? 'This table'} is encrypted with an AWS owned key: its KMS calls are not recorded in your account's CloudTrail.`;
      return this.setView({ state: 'failed', range, message });
    }
    this.setView({ state: 'loading', range, message: `Reading the key's CloudTrail events of ${RANGE_WORDS[range]} as ${admin.label}…`, pages: 0, events: 0, previous });
    const end = new Date();
    const start = new Date(end.getTime() - RANGE_MS[range]);
    let lastPost = 0;
    const started = Date.now();
    try {
      const found = await admin.session.cloudtrail.keyEvents({
        keyArn,
        tableName,
        start,
        end,
        limit: this.deps.limit,
        signal: abort.signal,
        onProgress: ({ pages, events }) => {
          if (abort.signal.aborted || Date.now() - lastPost < 150) return;
          lastPost = Date.now();
          this.setView({ state: 'loading', range, message: `Reading the key's CloudTrail events of ${RANGE_WORDS[range]} as ${admin.label}…`, pages, events, previous });
        },
      });
      if (abort.signal.aborted || this.disposed) return;
      const summary = summarizeActivity(found.events, { keyArn, ...(tableName ? { tableName } : {}) });
      this.summary = summary;
      this.deps.log.info(`Activity of ${tableName ?? keyArn}: ${found.events.length} events in ${found.pages} pages, ${summary.principals.length} principals, in ${Date.now() - started} ms`);
      this.setView({
        state: 'ready',
        range,
        keyArn,
        ...(tableName ? { tableName } : {}),
        readAt: found.readAt,
        events: found.events.length,
        pages: found.pages,
        truncated: found.truncated,
        note: await this.noteFor(admin),
        principals: summary.principals.map(principalView),
      });
      this.postJoin();
    } catch (error) {
      if (abort.signal.aborted || this.disposed) return;
      this.setView({ state: 'failed', range, message: failureText(error, admin.label), previous });
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  private lastReady(): ActivityReady | undefined {
    const view = this.current;
    if (view.state === 'ready') return view;
    return view.state === 'idle' ? undefined : view.previous;
  }

  private async refresh(): Promise<void> {
    await this.read(this.current.range);
  }

  private postJoin(): void {
    const summary = this.summary;
    const report = this.report;
    if (!summary || !report || report.tableName !== summary.tableName) return;
    const ready = this.lastReady();
    this.post({ type: 'accessActivity', range: ready?.range ?? this.current.range, readAt: ready?.readAt, rows: accessActivityRows(report, summary) });
  }

  private setView(view: ActivityView): void {
    this.current = view;
    this.post({ type: 'activity', activity: view });
  }

  private post(message: ActivityHostMessage): void {
    if (!this.disposed) this.host.post(message);
  }
}

/** The failure in words: a missing cloudtrail:LookupEvents is named with the profile (the error's own words do). */
export function failureText(error: unknown, who: string): string {
  if (error instanceof AwsLayerError) {
    if (error.kind === 'access-denied') return `${error.message}. The activity needs cloudtrail:LookupEvents for ${who}; Who can read? works without it.`;
    if (error.kind === 'throttled') return `CloudTrail kept throttling LookupEvents (AWS allows two a second per account and Region) after about a minute of waiting: read again in a moment.`;
  }
  return `The key's activity could not be read as ${who}: ${errorText(error)}`;
}
