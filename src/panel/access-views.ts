// "Who can read?" as the page shows it: the engine's report (src/access) turned into rows with both locks in words.
import type { AccessReport, AccessRow, DecidingStatement, LockDecision } from '../access';
import type { AccessLockView, AccessRowView, AccessStatementView, AccessView } from './access-protocol';
import { lockLine, sourceText } from './locks';

const VIA: Record<NonNullable<LockDecision['via']>, string> = {
  identity: 'an IAM policy of the principal allows it',
  'resource-policy': "the table's resource policy allows it",
  'key-policy': 'the key policy names the principal',
  'iam-delegation': "the key policy's root statement delegates to IAM, and an IAM policy of the principal allows it",
  grant: 'a grant on the key allows it',
  root: "it is the account's root user",
};

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

export function lockView(lock: LockDecision): AccessLockView {
  const line = lockLine(lock);
  return {
    decision: lock.decision,
    state: line.state,
    deciding: line.deciding,
    reason: lock.reason,
    via: lock.via && lock.decision !== 'denied' ? VIA[lock.via] : undefined,
    statements: lock.deciding.map(statementView),
    grants: lock.grants.map((g) => `grant ${g.name ?? g.grantId} to ${g.grantee} for ${g.operations.join(', ')}`),
    explanation: lock.explanation,
    conditions: lock.conditions,
    opensWhen: lock.decision === 'conditional' ? lock.opensWhen : undefined,
    actions: new Set(lock.actions.map((a) => a.decision)).size > 1 ? lock.actions.map((a) => `${a.action.split(':').pop()} ${a.decision}`).join(', ') : undefined,
    byOrganization: lock.deciding.some((s) => s.source.type === 'scp' || s.source.type === 'rcp') || undefined,
  };
}

/** "organization o-…: service control policies A, B; resource control policies C", or undefined when not evaluated. */
export function organizationText(organization: AccessReport['organization']): string | undefined {
  if (!organization) return undefined;
  const list = (names: string[]) => (names.length ? names.join(', ') : 'none (not enabled)');
  return `organization ${organization.organizationId}: service control policies ${list(organization.serviceControlPolicies)}; resource control policies ${list(organization.resourceControlPolicies)}`;
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
    opensWhen: row.read === 'conditional' ? row.opensWhen : undefined,
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

export function reportView(report: AccessReport, verifiable: (row: AccessRow) => boolean): AccessView {
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
    organization: organizationText(report.organization),
  };
}
