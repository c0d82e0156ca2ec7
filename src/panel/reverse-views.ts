// "What can this principal read?" as the page shows it: the engine's PrincipalAccessReport (src/access/reverse.ts)
// turned into one row per table, each lock drawn as the table panel's Access view draws it.
import type { PrincipalAccessReport, TableAccess } from '../access';
import { lockView, organizationText } from './access-views';
import type { ReverseTableView, ReverseView } from './reverse-protocol';

const ENCRYPTION: Record<TableAccess['encryption'], string> = {
  'aws-owned': 'AWS owned key',
  'aws-managed': 'AWS managed key',
  'customer-managed': 'customer managed key',
};

export function encryptionText(entry: Pick<TableAccess, 'encryption' | 'keyAliases' | 'keyArn' | 'keyState'>): string {
  const key = entry.encryption === 'aws-owned' ? '' : (entry.keyAliases[0] ?? entry.keyArn ?? '');
  const state = entry.keyState && entry.keyState !== 'Enabled' ? ` (${entry.keyState})` : '';
  return `${ENCRYPTION[entry.encryption]}${key ? ` ${key}` : ''}${state}`;
}

function tableView(entry: TableAccess, group: boolean): ReverseTableView {
  const row = entry.row;
  const view: ReverseTableView = {
    tableName: entry.tableName,
    tableArn: entry.tableArn,
    encryption: encryptionText(entry),
    read: row.read,
    table: lockView(row.table),
    conditions: row.conditions,
    unknowns: row.unknowns,
  };
  if (group) view.member = row.name;
  if (row.key) view.key = lockView(row.key);
  if (row.read === 'conditional' && row.opensWhen) view.opensWhen = row.opensWhen;
  return view;
}

export function reverseView(report: PrincipalAccessReport): ReverseView {
  const group = report.kind === 'group';
  const view: ReverseView = {
    state: 'ready',
    principal: report.principal,
    name: report.name,
    kind: report.kind,
    accountId: report.accountId,
    region: report.region,
    collectedAt: report.collectedAt,
    tables: report.tables.map((t) => tableView(t, group)),
    notEvaluated: report.notEvaluated,
    missing: report.missing.map((m) => `${m.what}: ${m.reason} (${m.action})`),
  };
  if (report.members) view.members = report.members.map((m) => m.split('/').pop() ?? m);
  const organization = organizationText(report.organization);
  if (organization) view.organization = organization;
  return view;
}
