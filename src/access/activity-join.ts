// Who can read? joined with who did: each row gains its last read and refused attempts in the period, and the two
// flags a person acts on: "can read, never did" (unused access) and "refused N times" (someone is trying, or
// something is broken).
import type { AccessRowActivity, ActivityFlag, ActivitySummary, JoinedActivity, PrincipalActivity } from './activity-types';
import type { AccessReport, AccessRow } from './types';

/** The account root always can (the key policy's root statement); removing it is not an action to offer. */
function canReadNeverDid(row: AccessRow, activity: PrincipalActivity | undefined): boolean {
  return row.read === 'allowed' && row.kind !== 'root' && (activity?.readsAllowed ?? 0) === 0;
}

export function joinActivity(report: AccessReport, summary: ActivitySummary): JoinedActivity {
  const byPrincipal = new Map(summary.principals.map((activity) => [activity.principal, activity]));
  const rows: AccessRowActivity[] = report.rows.map((row) => {
    const activity = byPrincipal.get(row.principal);
    const flags: ActivityFlag[] = [];
    if (canReadNeverDid(row, activity)) flags.push('can-read-never-did');
    if ((activity?.readsRefused ?? 0) > 0) flags.push('refused');
    return {
      row,
      readsAllowed: activity?.readsAllowed ?? 0,
      readsRefused: activity?.readsRefused ?? 0,
      ...(activity?.lastRead ? { lastRead: activity.lastRead } : {}),
      ...(activity?.lastRefused ? { lastRefused: activity.lastRefused } : {}),
      refusalReasons: activity?.refusalReasons ?? [],
      flags,
    };
  });
  const rowPrincipals = new Set(report.rows.map((row) => row.principal));
  return { rows, unmatched: summary.principals.filter((activity) => !rowPrincipals.has(activity.principal)) };
}

/** The flag in words, as a row shows it. */
export function flagWords(flag: ActivityFlag, row: AccessRowActivity): string {
  if (flag === 'can-read-never-did') return 'can read, never did';
  return `refused ${row.readsRefused} ${row.readsRefused === 1 ? 'time' : 'times'}`;
}
