// What a change would do: who gains the right to read the table, and who loses it.
import type { AccessChange, AccessReport, ReadVerdict, ReportDiff } from './types';

export function diffReports(before: AccessReport, after: AccessReport): ReportDiff {
  const earlier = new Map(before.rows.map((r) => [r.principal, r]));
  const later = new Map(after.rows.map((r) => [r.principal, r]));
  const diff: ReportDiff = { gains: [], loses: [], changes: [] };
  for (const principal of new Set([...earlier.keys(), ...later.keys()])) {
    const was = earlier.get(principal);
    const is = later.get(principal);
    const from: ReadVerdict | 'absent' = was?.read ?? 'absent';
    const to: ReadVerdict | 'absent' = is?.read ?? 'absent';
    if (from === to) continue;
    const change: AccessChange = { principal, name: (is ?? was)?.name ?? principal, before: from, after: to };
    if (to === 'allowed') diff.gains.push(change);
    else if (from === 'allowed') diff.loses.push(change);
    else diff.changes.push(change);
  }
  return diff;
}
