// The reverse question: what can this principal read? Every table of the snapshot, each with the row whoCan() gives
// the principal for it: the same snapshot, the same evaluation, both locks explained. A group stands for its members.
import { whoCan } from './who-can';
import type { AccessReport, AccessRow, AccountSnapshot, MissingData, PrincipalKind, TableEncryption } from './types';

export interface TableAccess {
  tableArn: string;
  tableName: string;
  encryption: TableEncryption;
  keyArn?: string;
  keyAliases: string[];
  keyState?: string;
  /** The principal's row of the table's report (for a group, one member's). */
  row: AccessRow;
}

export interface PrincipalAccessReport {
  /** The ARN asked about: a user, a role, a role session, or a group. */
  principal: string;
  kind: PrincipalKind | 'group';
  name: string;
  /** For a group: its members' ARNs, each decided on its own. */
  members?: string[];
  accountId: string;
  region: string;
  collectedAt: string;
  /** One entry per table (per member and table for a group), members in order, tables by name. */
  tables: TableAccess[];
  notEvaluated: string[];
  missing: MissingData[];
  /** The account's organization, when its SCPs and RCPs were evaluated. */
  organization?: AccessReport['organization'];
}

export interface WhatCanReadOptions {
  /** Only these tables (names or ARNs); default every table of the snapshot. */
  tables?: string[];
}

interface Asked {
  kind: PrincipalKind | 'group';
  name: string;
  principals: string[];
  members?: string[];
}

function askedOf(snapshot: AccountSnapshot, principal: string): Asked {
  const resource = principal.split(':').slice(5).join(':');
  const [type, ...path] = resource.split('/');
  const name = path[path.length - 1] ?? principal;
  if (type === 'group') {
    const groups = snapshot.authorizationDetails.GroupDetailList;
    if (!groups.some((g) => g.GroupName === name || g.Arn === principal)) {
      const known = groups.map((g) => g.GroupName).join(', ') || 'none';
      throw new Error(`Group ${name} is not in the account snapshot of ${snapshot.accountId} (groups in it: ${known})`);
    }
    const members = snapshot.authorizationDetails.UserDetailList.filter((u) => u.Arn && (u.GroupList ?? []).includes(name)).map((u) => u.Arn as string);
    return { kind: 'group', name, principals: members, members };
  }
  const kind: PrincipalKind = resource === 'root' ? 'root' : type === 'role' ? 'role' : type === 'assumed-role' ? 'assumed-role' : type === 'federated-user' ? 'federated-user' : 'user';
  return { kind, name: kind === 'root' ? 'root' : kind === 'assumed-role' ? path.join('/') : name, principals: [principal] };
}

function tableArns(snapshot: AccountSnapshot, wanted: string[] | undefined): string[] {
  const tables = [...snapshot.tables].sort((a, b) => (a.Table.TableName ?? '').localeCompare(b.Table.TableName ?? ''));
  const arns = tables.map((t) => t.Table.TableArn ?? t.Table.TableName ?? '');
  if (!wanted) return arns;
  return wanted;
}

function entryOf(report: AccessReport, row: AccessRow): TableAccess {
  const entry: TableAccess = { tableArn: report.tableArn, tableName: report.tableName, encryption: report.encryption, keyAliases: report.keyAliases, row };
  if (report.keyArn) entry.keyArn = report.keyArn;
  if (report.keyState) entry.keyState = report.keyState;
  return entry;
}

/**
 * What the principal (or each member of the group) can read: one entry per table of the snapshot, with the row
 * whoCan() computes for it. Throws when a group or a table asked for is not in the snapshot.
 */
export function whatCanRead(snapshot: AccountSnapshot, principal: string, options: WhatCanReadOptions = {}): PrincipalAccessReport {
  const asked = askedOf(snapshot, principal);
  const byPrincipal = new Map<string, TableAccess[]>(asked.principals.map((p) => [p, []]));
  const notEvaluated = new Set<string>();
  const missing = new Map<string, MissingData>();
  let organization: AccessReport['organization'];
  for (const table of tableArns(snapshot, options.tables)) {
    const report = whoCan(snapshot, table, { principals: asked.principals });
    organization ??= report.organization;
    for (const row of report.rows) byPrincipal.get(row.principal)?.push(entryOf(report, row));
    for (const note of report.notEvaluated) notEvaluated.add(note);
    for (const m of report.missing) missing.set(`${m.action}|${m.what}`, m);
  }
  const result: PrincipalAccessReport = {
    principal,
    kind: asked.kind,
    name: asked.name,
    accountId: snapshot.accountId,
    region: snapshot.region,
    collectedAt: snapshot.collectedAt,
    tables: [...byPrincipal.values()].flat(),
    notEvaluated: [...notEvaluated],
    missing: [...missing.values()],
  };
  if (asked.members) result.members = asked.members;
  if (organization) result.organization = organization;
  return result;
}
