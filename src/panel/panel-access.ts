// "Who can read?" on the host: collects the account snapshot with the status bar's identity, asks whoCan for every
// principal, previews an unsaved key policy (who gains, who loses), verifies predictions by reading as every identity
// KMS Lab holds credentials for, and exports the report. No vscode import: dialogs go through the PanelUi.
import { diffReports, toMarkdown, whoCan, type AccessReport, type AccessRow, type AccountSnapshot } from '../access';
import { collectAccessSnapshot } from '../aws/access-snapshot';
import { AwsLayerError } from '../aws/errors';
import type { Logger } from '../aws/log';
import { AwsSession } from '../aws/session';
import type { ConnectionTarget } from '../aws/types';
import type { AccessHostMessage, AccessPreview, AccessView, VerificationView } from './access-protocol';
import { reportView, rowFor } from './access-views';
import { errorText, type PanelUi } from './controller';
import type { ReadAsDirectory } from './read-as';
import type { PanelScope } from './scope';

export interface PanelAccessDeps {
  log: Logger;
  readAs: ReadAsDirectory;
  ui: Pick<PanelUi, 'copy' | 'saveJson'>;
  /** Told each new answer (the Activity feature joins it with who did read). */
  onReport?: (report: AccessReport) => void;
}

/** Someone KMS Lab can read as. */
interface Reader {
  label: string;
  arn: string;
  session: AwsSession;
  owned: boolean;
}

const PROBE_TIMEOUT_MS = 8000;

export class PanelAccess {
  private snapshot: AccountSnapshot | undefined;
  private report: AccessReport | undefined;
  private current: AccessView = { state: 'idle' };
  private knownReaders = new Set<string>();
  private verification: VerificationView[] | undefined;
  private running = 0;

  constructor(
    private readonly scope: PanelScope,
    private readonly post: (message: AccessHostMessage) => void,
    private readonly deps: PanelAccessDeps,
  ) {}

  get view(): AccessView {
    return this.current;
  }

  /** Whether a report exists (so a change in the account makes it stale). */
  get analysed(): boolean {
    return this.report !== undefined;
  }

  /** Posts the last report again, for a page that was (re)loaded. */
  replay(): void {
    if (this.current.state !== 'idle') this.post({ type: 'access', access: this.current });
    if (this.verification) this.post({ type: 'verification', state: 'done', results: this.verification });
  }

  /** Marks the report as out of date: the page says so until it is collected again. */
  markStale(): void {
    if (this.current.state === 'ready' && !this.current.stale) this.show({ ...this.current, stale: true });
  }

  /** The analysis as the status bar's identity sees the account. */
  async analyse(): Promise<void> {
    const admin = this.scope.admin;
    const tableName = this.scope.subject.tableName;
    if (!admin || !tableName) {
      this.show({ state: 'failed', message: admin ? 'Who can read is answered for a table; this panel shows a key that protects none.' : 'No AWS profile selected: pick one in the status bar.' });
      return;
    }
    const run = ++this.running;
    // A stale report stays on screen, marked, until the new one is in.
    if (this.current.state !== 'ready') this.show({ state: 'loading', message: `Collecting the account's policies as ${admin.label}…` });
    let lastPost = 0;
    try {
      await this.scope.tableLoaded;
      const snapshot = await collectAccessSnapshot(admin.session, {
        tables: [tableName],
        onProgress: (done, total, what) => {
          if (run !== this.running || this.current.state === 'ready' || Date.now() - lastPost < 150) return;
          lastPost = Date.now();
          this.show({ state: 'loading', message: `Reading ${what}…`, done, total });
        },
      });
      if (run !== this.running) return;
      const tableArn = this.scope.table?.arn || snapshot.tables[0]?.Table.TableArn;
      if (!tableArn) throw new Error(`${admin.label} could not describe table ${tableName}`);
      const started = Date.now();
      const report = whoCan(snapshot, tableArn);
      this.deps.log.info(`Who can read ${tableName}: ${report.rows.length} principals evaluated in ${Date.now() - started} ms`);
      this.snapshot = snapshot;
      this.report = report;
      this.verification = undefined;
      await this.learnReaders(false);
      if (run !== this.running) return;
      this.show(reportView(report, (row) => this.knownReaders.has(row.principal)));
      this.deps.onReport?.(report);
    } catch (error) {
      if (run !== this.running) return;
      this.show({ state: 'failed', message: `Who can read ${tableName} could not be answered: ${errorText(error)}` });
    }
  }

  preview(text: string): AccessPreview {
    const { snapshot, report } = this;
    if (!snapshot || !report) return { gains: [], loses: [], changes: [], problem: 'Run "Who can read?" first.' };
    if (!report.keyArn) return { gains: [], loses: [], changes: [], problem: 'The table has no key policy: its key belongs to AWS.' };
    try {
      JSON.parse(text);
    } catch {
      return { gains: [], loses: [], changes: [], problem: 'The key policy is not valid JSON yet, so what it would change cannot be told.' };
    }
    const diff = diffReports(report, whoCan(snapshot, report.tableArn, { keyPolicyOverride: text }));
    return {
      gains: diff.gains.map((c) => ({ principal: c.principal, name: c.name, before: c.before })),
      loses: diff.loses.map((c) => ({ principal: c.principal, name: c.name, after: c.after })),
      changes: diff.changes.map((c) => ({ principal: c.principal, name: c.name, before: c.before, after: c.after })),
    };
  }

  async verify(): Promise<void> {
    const report = this.report;
    const tableName = this.scope.subject.tableName;
    if (!report || !tableName) {
      this.post({ type: 'verification', state: 'done', results: [], problem: 'Run "Who can read?" first.' });
      return;
    }
    this.post({ type: 'verification', state: 'running', results: [] });
    const readers = await this.learnReaders(true);
    try {
      const results: VerificationView[] = [];
      await Promise.all(
        readers.map(async (reader) => {
          const row = rowFor(report.rows, reader.arn);
          if (row) results.push(await this.readAs(reader, row, tableName));
        }),
      );
      results.sort((a, b) => Number(a.agrees) - Number(b.agrees) || a.principal.localeCompare(b.principal));
      this.verification = results;
      this.deps.log.info(`Verify ${tableName}: ${results.length} identities read, ${results.filter((r) => !r.agrees).length} disagree with the prediction`);
      if (this.current.state === 'ready') this.show(reportView(report, (row) => this.knownReaders.has(row.principal)));
      this.post({ type: 'verification', state: 'done', results });
    } finally {
      for (const reader of readers) if (reader.owned) reader.session.dispose();
    }
  }

  async export(format: 'markdown' | 'json'): Promise<void> {
    const report = this.report;
    if (!report) throw new Error('Run "Who can read?" first: there is no report to export.');
    if (format === 'markdown') return this.deps.ui.copy(toMarkdown(report), `who can read ${report.tableName} as Markdown`);
    await this.deps.ui.saveJson(`Save who can read ${report.tableName}`, `who-can-read-${report.tableName}.json`, `${JSON.stringify(report, null, 2)}\n`);
  }

  private show(view: AccessView): void {
    this.current = view;
    this.post({ type: 'access', access: view });
  }

  /** Every identity KMS Lab can read as: the status bar's, "Read as", the extra identities, and (with profiles) other profiles. */
  private async readers(includeProfiles: boolean): Promise<Reader[]> {
    const readers: Reader[] = [];
    const add = (reader: Reader | undefined) => {
      if (reader && !readers.some((r) => r.arn === reader.arn)) readers.push(reader);
      else if (reader?.owned) reader.session.dispose();
    };
    for (const source of [this.scope.admin, this.scope.readAs]) {
      if (!source) continue;
      const identity = source.identity ?? (await source.session.sts.getCallerIdentity().catch(() => undefined));
      if (identity) add({ label: source.label, arn: identity.arn, session: source.session, owned: false });
    }
    const choices = await this.deps.readAs.choices(this.scope.subject.region).catch(() => []);
    const usable = choices.filter((c) => c.kind === 'identity' || (includeProfiles && c.kind === 'profile' && !c.prompts));
    const probed = await Promise.all(usable.map(async (c) => this.probe(c.kind === 'profile' ? `profile ${c.label}` : c.label, await c.target().catch(() => undefined))));
    probed.forEach(add);
    return readers;
  }

  /** A session for the target and its caller's ARN, or undefined when it cannot be used without asking anyone. */
  private async probe(label: string, target: ConnectionTarget | undefined): Promise<Reader | undefined> {
    if (!target) return undefined;
    const session = new AwsSession(target, { logger: this.deps.log, mfaCodeProvider: () => Promise.reject(new Error('no MFA prompts during Verify')) });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS)));
      const identity = await Promise.race([session.sts.getCallerIdentity(), timeout]);
      return { label, arn: identity.arn, session, owned: true };
    } catch {
      session.dispose();
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Which rows Verify can read as; quick (no profiles probed) when `includeProfiles` is false. */
  private async learnReaders(includeProfiles: boolean): Promise<Reader[]> {
    const readers = await this.readers(includeProfiles);
    const rows = this.report?.rows ?? [];
    for (const reader of readers) {
      const row = rowFor(rows, reader.arn);
      if (row) this.knownReaders.add(row.principal);
    }
    // The quick pass only learns who is verifiable; its sessions are not kept.
    if (!includeProfiles) for (const reader of readers) if (reader.owned) reader.session.dispose();
    return readers;
  }

  private async readAs(reader: Reader, row: AccessRow, tableName: string): Promise<VerificationView> {
    const base = { principal: row.principal, identity: reader.label, predicted: row.read };
    // Verify reads with a Scan: what it observes is compared with the Scan's own prediction, since a read may be
    // allowed through GetItem or Query while Scan alone is denied (an SCP denying dynamodb:Scan, say).
    const scan = scanPrediction(row);
    try {
      await reader.session.dynamodb.readItems(tableName, { kind: 'scan', limit: 1 });
      return { ...base, observed: 'allowed', detail: 'Scan returned a page of items.', agrees: scan !== 'denied' };
    } catch (error) {
      if (error instanceof AwsLayerError && error.kind === 'access-denied') return { ...base, observed: 'denied', detail: `${error.message}${scan === 'denied' && row.read !== 'denied' ? ' (Scan itself was predicted denied; other reads are not)' : ''}`, agrees: scan !== 'allowed' };
      return { ...base, observed: 'error', detail: errorText(error), agrees: true };
    }
  }
}

/** The prediction for a Scan alone: the table lock's Scan decision and the key lock's, together. */
export function scanPrediction(row: AccessRow): 'allowed' | 'denied' | 'conditional' {
  const scan = row.table.actions.find((a) => a.action === 'dynamodb:Scan')?.decision ?? row.table.decision;
  const key = row.key?.decision ?? 'allowed';
  if (scan === 'denied' || key === 'denied') return 'denied';
  if (scan === 'allowed' && key === 'allowed') return row.read === 'allowed' ? 'allowed' : 'conditional';
  return 'conditional';
}
