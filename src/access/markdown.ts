// "Copy as Markdown": the report as a table a person can paste into a review.
import { grantLabel } from './grants';
import type { PrincipalAccessReport, TableAccess } from './reverse';
import type { AccessReport, AccessRow, LockDecision, MissingData } from './types';

const ENCRYPTION: Record<AccessReport['encryption'], string> = {
  'aws-owned': 'AWS owned key (no key lock)',
  'aws-managed': 'AWS managed key',
  'customer-managed': 'customer managed key',
};

/** Table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function lockText(lock: LockDecision | undefined): string {
  if (!lock) return 'no key lock';
  const statements = lock.deciding.map((s) => `${s.policy}${s.sid ? ` '${s.sid}'` : ` #${s.index + 1}`}`);
  const grants = lock.grants.map(grantLabel);
  const cited = [...statements, ...grants];
  const when = lock.decision === 'conditional' && lock.opensWhen ? `, opens ${lock.opensWhen}` : '';
  return `**${lock.decision}**${when}: ${lock.reason}${cited.length ? ` (${cited.join('; ')})` : ''}`;
}

function notesOf(row: AccessRow): string {
  return [...(row.opensWhen ? [`reads ${row.opensWhen}`] : row.conditions.map((c) => `depends on ${c}`)), ...row.unknowns].join('; ');
}

function rowLine(row: AccessRow): string {
  const who = row.kind === 'external' ? row.principal : `${row.name} (${row.kind})`;
  const notes = notesOf(row);
  return `| ${cell(who)} | ${cell(row.groups.join(', '))} | **${row.read}** | ${cell(lockText(row.table))} | ${cell(lockText(row.key))} | ${cell(notes)} |`;
}

export function toMarkdown(report: AccessReport): string {
  const key = keyText(report);
  const lines = [
    `## Who can read ${report.tableName}`,
    '',
    `Table \`${report.tableArn}\`, account ${report.accountId}, ${report.region}; encrypted with ${key}.`,
    `Snapshot collected ${report.collectedAt}.${report.keyPolicyOverridden ? ' The key lock uses an unsaved key policy.' : ''}`,
    '',
    '| Principal | Groups | Read | Table lock | Key lock | Notes |',
    '|---|---|---|---|---|---|',
    ...report.rows.map(rowLine),
  ];
  return `${[...lines, ...footer(report.notEvaluated, report.missing)].join('\n')}\n`;
}

function keyText(report: Pick<AccessReport, 'keyArn' | 'encryption' | 'keyAliases' | 'keyState'>): string {
  const key = report.keyArn ? `${ENCRYPTION[report.encryption]} ${report.keyAliases[0] ?? ''} \`${report.keyArn}\`${report.keyState && report.keyState !== 'Enabled' ? ` (${report.keyState})` : ''}` : ENCRYPTION[report.encryption];
  return key.replace(/\s+/g, ' ').trim();
}

function footer(notEvaluated: string[], missing: MissingData[]): string[] {
  const lines: string[] = [];
  if (notEvaluated.length > 0) lines.push('', '**Not evaluated**', '', ...notEvaluated.map((n) => `- ${n}`));
  if (missing.length > 0) lines.push('', '**Missing data**', '', ...missing.map((m) => `- ${m.what}: ${m.reason} (${m.action})`));
  return lines;
}

function tableLine(entry: TableAccess, withPrincipal: boolean): string {
  const row = entry.row;
  const who = withPrincipal ? `| ${cell(row.name)} ` : '';
  return `${who}| ${cell(entry.tableName)} | ${cell(keyText(entry))} | **${row.read}** | ${cell(lockText(row.table))} | ${cell(lockText(row.key))} | ${cell(notesOf(row))} |`;
}

/** "Copy as Markdown" of the reverse question: every table with the principal's (or each member's) read. */
export function principalToMarkdown(report: PrincipalAccessReport): string {
  const group = report.kind === 'group';
  const readable = report.tables.filter((t) => t.row.read === 'allowed').length;
  const lines = [
    `## What ${group ? `the members of group ${report.name}` : report.name} can read`,
    '',
    `\`${report.principal}\`, account ${report.accountId}, ${report.region}: ${readable} of ${report.tables.length} ${group ? 'member-table pairs' : 'tables'} readable.`,
    ...(group ? [`Members: ${report.members?.map((m) => m.split('/').pop()).join(', ') || 'none'}.`] : []),
    `Snapshot collected ${report.collectedAt}.`,
    '',
    `${group ? '| Member ' : ''}| Table | Encryption | Read | Table lock | Key lock | Notes |`,
    `${group ? '|---' : ''}|---|---|---|---|---|---|`,
    ...report.tables.map((t) => tableLine(t, group)),
  ];
  return `${[...lines, ...footer(report.notEvaluated, report.missing)].join('\n')}\n`;
}
