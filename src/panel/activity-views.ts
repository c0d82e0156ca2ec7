// The activity as the page shows it: the model's summary (src/access/activity.ts) cut to what a page can hold, with
// each record as CloudTrail wrote it, and Who can read? rows joined with what each principal did.
import { flagWords, joinActivity } from '../access/activity-join';
import type { ActivityEntry, ActivitySummary, PrincipalActivity } from '../access/activity-types';
import type { AccessReport } from '../access/types';
import type { AccessActivityRow, ActivityEntryView, PrincipalActivityView } from './activity-protocol';

/** Per principal, the newest entries sent to the page; the counts cover every event read. */
export const ENTRIES_PER_PRINCIPAL = 200;

export const AWS_NOTE =
  'From CloudTrail LookupEvents. Events arrive up to about 15 minutes after the call, and DynamoDB reuses a table key for a while, so one kms:Decrypt event may stand for many reads.';
/** Events read from an endpoint that is not AWS's (a standalone sandbox, an emulator). */
export function emulatorNote(endpoint: string): string {
  return `From the CloudTrail LookupEvents of ${endpoint}, which is not AWS: events appear as it records them. (On AWS, events arrive up to about 15 minutes after the call, and DynamoDB reuses a table key for a while, so one kms:Decrypt event may stand for many reads.)`;
}
export const SANDBOX_NOTE =
  "From the local sandbox's CloudTrail: every read is recorded at once (on AWS, events arrive up to about 15 minutes later, and DynamoDB caches the table key, so one event may stand for many reads).";

function entryView(entry: ActivityEntry): ActivityEntryView {
  return {
    eventId: entry.eventId,
    time: entry.time,
    kind: entry.kind,
    eventName: entry.eventName,
    ...(entry.session ? { session: entry.session } : {}),
    ...(entry.invokedBy ? { invokedBy: entry.invokedBy } : {}),
    ...(entry.tableName ? { tableName: entry.tableName } : {}),
    ...(entry.errorCode ? { errorCode: entry.errorCode } : {}),
    ...(entry.errorMessage ? { errorMessage: entry.errorMessage } : {}),
    ...(entry.sourceIPAddress ? { sourceIPAddress: entry.sourceIPAddress } : {}),
    record: JSON.stringify(entry.record, null, 2),
  };
}

export function principalView(activity: PrincipalActivity): PrincipalActivityView {
  const shown = activity.entries.slice(0, ENTRIES_PER_PRINCIPAL);
  return {
    principal: activity.principal,
    name: activity.name,
    kind: activity.kind,
    readsAllowed: activity.readsAllowed,
    readsRefused: activity.readsRefused,
    ...(activity.lastRead ? { lastRead: activity.lastRead } : {}),
    ...(activity.lastRefused ? { lastRefused: activity.lastRefused } : {}),
    refusalReasons: activity.refusalReasons,
    policyChanges: activity.policyChanges,
    grants: activity.grants,
    keyChanges: activity.keyChanges,
    entries: shown.map(entryView),
    moreEntries: activity.entries.length - shown.length,
  };
}

/** Each Who can read? row with its last read, refused attempts and flags in the summary's period. */
export function accessActivityRows(report: AccessReport, summary: ActivitySummary): AccessActivityRow[] {
  return joinActivity(report, summary).rows.map((joined) => ({
    principal: joined.row.principal,
    readsAllowed: joined.readsAllowed,
    readsRefused: joined.readsRefused,
    ...(joined.lastRead ? { lastRead: joined.lastRead } : {}),
    ...(joined.lastRefused ? { lastRefused: joined.lastRefused } : {}),
    refusalReasons: joined.refusalReasons,
    flags: joined.flags.map((flag) => ({ flag, words: flagWords(flag, joined) })),
  }));
}
