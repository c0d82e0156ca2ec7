// The Access view's host side: collects the account snapshot with the status bar's identity, asks whoCan for every
// principal, previews an unsaved key policy (who gains, who loses), verifies predictions by reading as every identity
// KMS Lab holds credentials for, and exports the report.
import * as vscode from 'vscode';
import { diffReports, toMarkdown, whoCan, type AccessReport, type AccessRow, type AccountSnapshot, type DecidingStatement, type LockDecision } from '../access';
import { collectAccessSnapshot } from '../aws/access-snapshot';
import { AwsLayerError } from '../aws/errors';
import { AwsSession } from '../aws/session';
import type { ConnectionTarget } from '../aws/types';
import { errorMessage } from '../notify';
import type { Connection } from '../status/connection';
import type { ExtraIdentities } from '../status/identities';
import type { AccessContext, AccessMessage } from './access-controller';
import type { AccessLockView, AccessPreview, AccessRowView, AccessStatementView, AccessView, VerificationView } from './protocol';

export interface PanelAccessDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  identities: ExtraIdentities;
}

/** Someone KMS Lab can read as. */
interface Reader {
  label: string;
  arn: string;
  session: AwsSession;
  owned: boolean;
}

const VIA: Record<NonNullable<LockDecision['via']>, string> = {
  identity: 'an IAM policy of the principal allows it',
  'resource-policy': "the table's resource policy allows it",
  'key-policy': 'the key policy names the principal',
  'iam-delegation': "the key policy's root statement delegates to IAM, and an IAM policy of the principal allows it",
  grant: 'a grant on the key allows it',
  root: "it is the account's root user",
};

function sourceText(statement: DecidingStatement): string {
  const s = statement.source;
  switch (s.type) {
    case 'managed':
      return 'attached managed policy';
    case 'inline':
      return 'inline policy';
    case 'group-managed':
      return `managed policy of group ${s.group ?? ''}`.trim();
    case 'group-inline':
      return `inline policy of group ${s.group ?? ''}`.trim();
    case 'boundary':
      return 'permissions boundary';
    case 'key-policy':
      return 'key policy';
    case 'table-policy':
      return "table's resource policy";
    case 'session':
      return 'session policy';
    default:
      return 'policy outside the account';
  }
}

function statementView(statement: DecidingStatement): AccessStatementView {
  return {
    policy: statement.source.arn ?? statement.policy,
    sid: statement.sid,
    index: statement.index,
    effect: statement.effect,
    inKeyPolicy: statement.source.type === 'key-policy',
    source: sourceText(statement),
  };
}

function lockView(lock: LockDecision): AccessLockView {
  return {
    decision: lock.decision,
    reason: lock.reason,
    via: lock.via && lock.decision !== 'denied' ? VIA[lock.via] : undefined,
    statements: lock.deciding.map(statementView),
    grants: lock.grants.map((g) => `grant ${g.name ?? g.grantId} to ${g.grantee} for ${g.operations.join(', ')}`),
    explanation: lock.explanation,
    conditions: lock.conditions,
  };
}

function rowView(row: AccessRow, verifiable: (row: AccessRow) => boolean): AccessRowView {
  return {
    principal: row.principal,
    kind: row.kind,
    name: row.name,
    groups: row.groups,
    read: row.read,
    table: lockView(row.table),
    key: row.key ? lockView(row.key) : undefined,
    conditions: row.conditions,
    unknowns: row.unknowns,
    verifiable: verifiable(row),
  };
}

/** The row an identity's ARN stands for: itself, or for a role session, its role. */
export function rowFor(rows: readonly AccessRow[], callerArn: string): AccessRow | undefined {
  const exact = rows.find((r) => r.principal === callerArn);
  if (exact) return exact;
  const session = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(callerArn);
  if (!session) return undefined;
  return rows.find((r) => r.kind === 'role' && r.account === session[1] && r.name === session[2]);
}

function reportView(report: AccessReport, verifiable: (row: AccessRow) => boolean): AccessView {
  return {
    state: 'ready',
    tableName: report.tableName,
    tableArn: report.tableArn,
    collectedAt: report.collectedAt,
    encryption: report.encryption,
    keyLabel: report.keyAliases[0] ?? report.keyArn,
    rows: report.rows.map((r) => rowView(r, verifiable)),
    notEvaluated: report.notEvaluated,
    missing: report.missing.map((m) => `${m.what}: ${m.reason} (${m.action})`),
  };
}

export class PanelAccess {
  private snapshot: AccountSnapshot | undefined;
  private report: AccessReport | undefined;
  private view: AccessView = { state: 'idle' };
  private knownReaders = new Set<string>();
  private verification: VerificationView[] | undefined;
  private running = 0;

  constructor(private readonly deps: PanelAccessDeps) {}

  async handle(message: AccessMessage, context: AccessContext): Promise<void> {
    switch (message.type) {
      case 'whoCanRead':
        return this.analyse(context);
      case 'previewAccess':
        context.post({ type: 'accessPreview', version: message.version, preview: this.preview(message.text) });
        return;
      case 'verifyAccess':
        return this.verify(context);
      case 'exportAccess':
        return this.export(message.format);
    }
  }

  /** Whether a report exists (so a saved key policy should be analysed again). */
  get analysed(): boolean {
    return this.report !== undefined;
  }

  /** Runs the analysis again, e.g. after the key policy was saved. */
  refresh(context: AccessContext): Promise<void> {
    return this.analyse(context);
  }

  /** Posts the last report again, for a webview that was reloaded. */
  replay(context: AccessContext): void {
    if (this.view.state !== 'idle') context.post({ type: 'access', access: this.view });
    if (this.verification) context.post({ type: 'verification', state: 'done', results: this.verification });
  }

  /** The analysis as the status bar's identity sees the account. */
  private async analyse(context: AccessContext): Promise<void> {
    const admin = context.admin;
    const tableName = context.subject.tableName;
    if (!admin || !tableName) {
      this.show(context, { state: 'failed', message: admin ? 'Who can read is answered for a table; this panel shows a key that protects none.' : 'No AWS profile selected: pick one in the status bar.' });
      return;
    }
    const run = ++this.running;
    this.show(context, { state: 'loading', message: `Collecting the account's policies as ${admin.label}…` });
    let lastPost = 0;
    try {
      const snapshot = await collectAccessSnapshot(admin.session, {
        tables: [tableName],
        onProgress: (done, total, what) => {
          if (run !== this.running || Date.now() - lastPost < 150) return;
          lastPost = Date.now();
          this.show(context, { state: 'loading', message: `Reading ${what}…`, done, total });
        },
      });
      if (run !== this.running) return;
      const tableArn = context.table?.arn || snapshot.tables[0]?.Table.TableArn;
      if (!tableArn) throw new Error(`${admin.label} could not describe table ${tableName}`);
      const started = Date.now();
      const report = whoCan(snapshot, tableArn);
      this.deps.log.info(`Who can read ${tableName}: ${report.rows.length} principals evaluated in ${Date.now() - started} ms`);
      this.snapshot = snapshot;
      this.report = report;
      this.verification = undefined;
      await this.learnReaders(context, false);
      this.show(context, reportView(report, (row) => this.knownReaders.has(row.principal)));
    } catch (error) {
      if (run !== this.running) return;
      this.show(context, { state: 'failed', message: `Who can read ${tableName} could not be answered: ${errorMessage(error)}` });
    }
  }

  private show(context: AccessContext, view: AccessView): void {
    this.view = view;
    context.post({ type: 'access', access: view });
  }

  private preview(text: string): AccessPreview {
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

  /** Every identity KMS Lab can read as: the status bar's, "Read as", the extra identities, and other profiles. */
  private async readers(context: AccessContext, includeProfiles: boolean): Promise<Reader[]> {
    const readers: Reader[] = [];
    const add = (reader: Reader | undefined) => {
      if (reader && !readers.some((r) => r.arn === reader.arn)) readers.push(reader);
      else if (reader?.owned) reader.session.dispose();
    };
    for (const source of [context.admin, context.readAs]) {
      if (!source) continue;
      const identity = source.identity ?? (await source.session.sts.getCallerIdentity().catch(() => undefined));
      if (identity) add({ label: source.label, arn: identity.arn, session: source.session, owned: false });
    }
    const region = context.subject.region;
    const extras = await this.deps.identities.list(this.deps.connection.target).catch(() => []);
    for (const extra of extras) {
      const target = await extra.target().catch(() => undefined);
      if (!target) continue;
      add(await this.probe(extra.label, target));
    }
    if (includeProfiles) {
      const current = this.deps.connection.target;
      const profiles = (this.deps.connection.profiles?.profiles ?? []).filter((p) => !(current?.kind === 'profile' && current.profile === p.name) && p.kind !== 'sso' && !p.mfaSerial);
      const probed = await Promise.all(profiles.map((p) => this.probe(`profile ${p.name}`, { kind: 'profile', profile: p.name, region })));
      probed.forEach(add);
    }
    return readers;
  }

  /** A session for the target and its caller's ARN, or undefined when it cannot be used without asking anyone. */
  private async probe(label: string, target: ConnectionTarget): Promise<Reader | undefined> {
    const session = new AwsSession(target, { logger: this.deps.log, mfaCodeProvider: () => Promise.reject(new Error('no MFA prompts during Verify')) });
    try {
      const identity = await Promise.race([session.sts.getCallerIdentity(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 8000))]);
      return { label, arn: identity.arn, session, owned: true };
    } catch {
      session.dispose();
      return undefined;
    }
  }

  /** Which rows Verify can read as; quick (no profiles probed) when `includeProfiles` is false. */
  private async learnReaders(context: AccessContext, includeProfiles: boolean): Promise<Reader[]> {
    const readers = await this.readers(context, includeProfiles);
    const rows = this.report?.rows ?? [];
    for (const reader of readers) {
      const row = rowFor(rows, reader.arn);
      if (row) this.knownReaders.add(row.principal);
    }
    return readers;
  }

  private async verify(context: AccessContext): Promise<void> {
    const report = this.report;
    const tableName = context.subject.tableName;
    if (!report || !tableName) {
      context.post({ type: 'verification', state: 'done', results: [], problem: 'Run "Who can read?" first.' });
      return;
    }
    context.post({ type: 'verification', state: 'running', results: [] });
    const readers = await this.learnReaders(context, true);
    try {
      const results: VerificationView[] = [];
      await Promise.all(
        readers.map(async (reader) => {
          const row = rowFor(report.rows, reader.arn);
          if (!row) return;
          results.push(await this.readAs(reader, row, tableName));
        }),
      );
      results.sort((a, b) => Number(a.agrees) - Number(b.agrees) || a.principal.localeCompare(b.principal));
      this.verification = results;
      const disagreements = results.filter((r) => !r.agrees).length;
      this.deps.log.info(`Verify ${tableName}: ${results.length} identities read, ${disagreements} disagree with the prediction`);
      if (this.view.state === 'ready') this.show(context, reportView(report, (row) => this.knownReaders.has(row.principal)));
      context.post({ type: 'verification', state: 'done', results });
    } finally {
      for (const reader of readers) if (reader.owned) reader.session.dispose();
    }
  }

  private async readAs(reader: Reader, row: AccessRow, tableName: string): Promise<VerificationView> {
    const base = { principal: row.principal, identity: reader.label, predicted: row.read };
    try {
      await reader.session.dynamodb.readItems(tableName, { kind: 'scan', limit: 1 });
      return { ...base, observed: 'allowed', detail: 'Scan returned a page of items.', agrees: row.read !== 'denied' };
    } catch (error) {
      if (error instanceof AwsLayerError && error.kind === 'access-denied') {
        return { ...base, observed: 'denied', detail: error.message, agrees: row.read !== 'allowed' };
      }
      return { ...base, observed: 'error', detail: errorMessage(error), agrees: true };
    }
  }

  private async export(format: 'markdown' | 'json'): Promise<void> {
    const report = this.report;
    if (!report) throw new Error('Run "Who can read?" first: there is no report to export.');
    if (format === 'markdown') {
      await vscode.env.clipboard.writeText(toMarkdown(report));
      vscode.window.setStatusBarMessage(`Copied who can read ${report.tableName} as Markdown`, 3000);
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Save who can read ${report.tableName}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, `who-can-read-${report.tableName}.json`) : undefined,
      filters: { JSON: ['json'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8'));
    vscode.window.setStatusBarMessage(`Saved ${vscode.workspace.asRelativePath(target)}`, 3000);
  }
}
