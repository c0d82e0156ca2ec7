// "Copy as Markdown": the report as a table a person can paste into a review.
import { grantLabel } from './grants';
import type { AccessReport, AccessRow, LockDecision } from './types';

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

function rowLine(row: AccessRow): string {
  const who = row.kind === 'external' ? row.principal : `${row.name} (${row.kind})`;
  const notes = [...(row.opensWhen ? [`reads ${row.opensWhen}`] : row.conditions.map((c) => `depends on ${c}`)), ...row.unknowns].join('; ');
  return `| ${cell(who)} | ${cell(row.groups.join(', '))} | **${row.read}** | ${cell(lockText(row.table))} | ${cell(lockText(row.key))} | ${cell(notes)} |`;
}

export function toMarkdown(report: AccessReport): string {
  const key = report.keyArn ? `${ENCRYPTION[report.encryption]} ${report.keyAliases[0] ?? ''} \`${report.keyArn}\`${report.keyState && report.keyState !== 'Enabled' ? ` (${report.keyState})` : ''}` : ENCRYPTION[report.encryption];
  const lines = [
    `## Who can read ${report.tableName}`,
    '',
    `Table \`${report.tableArn}\`, account ${report.accountId}, ${report.region}; encrypted with ${key.replace(/\s+/g, ' ')}.`,
    `Snapshot collected ${report.collectedAt}.${report.keyPolicyOverridden ? ' The key lock uses an unsaved key policy.' : ''}`,
    '',
    '| Principal | Groups | Read | Table lock | Key lock | Notes |',
    '|---|---|---|---|---|---|',
    ...report.rows.map(rowLine),
  ];
  if (report.notEvaluated.length > 0) lines.push('', '**Not evaluated**', '', ...report.notEvaluated.map((n) => `- ${n}`));
  if (report.missing.length > 0) lines.push('', '**Missing data**', '', ...report.missing.map((m) => `- ${m.what}: ${m.reason} (${m.action})`));
  return `${lines.join('\n')}\n`;
}
