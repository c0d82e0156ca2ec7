// A key's (or a table's) activity from its CloudTrail events: a timeline, and per principal the reads KMS allowed and
// refused (with KMS's reason), key policy changes, grants and the last read. Pure: events in, summary out.
//   const summary = summarizeActivity(events, { keyArn, tableName: 'kms-lab-table' });
import type { ActivityEntry, ActivityKind, ActivitySummary, PrincipalActivity, PrincipalKindSeen, TrailEvent, TrailRecord } from './activity-types';

const GRANT_EVENTS = new Set(['CreateGrant', 'RetireGrant', 'RevokeGrant']);
const KEY_STATE_EVENTS = new Set(['EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion']);

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** The table an event's encryption context names (aws:dynamodb:tableName), in a KMS call or a grant's constraints. */
export function tableNameOf(record: TrailRecord): string | undefined {
  const parameters = asRecord(record.requestParameters);
  const constraints = asRecord(parameters?.['constraints']);
  const context = asRecord(parameters?.['encryptionContext']) ?? asRecord(constraints?.['encryptionContextSubset']) ?? asRecord(constraints?.['encryptionContextEquals']);
  return str(context?.['aws:dynamodb:tableName']);
}

export function activityKindOf(record: TrailRecord): ActivityKind {
  const name = record.eventName ?? '';
  if (name === 'Decrypt') return record.errorCode ? 'read-refused' : 'read';
  if (name === 'PutKeyPolicy') return 'policy-change';
  if (GRANT_EVENTS.has(name)) return 'grant';
  if (KEY_STATE_EVENTS.has(name)) return 'key-change';
  return 'other';
}

/** Who an event is about, as Who can read? names principals: a session counts for its role. */
export function principalOf(record: TrailRecord): { principal: string; name: string; kind: PrincipalKindSeen; session?: string } {
  const identity = record.userIdentity ?? {};
  const arn = identity.arn ?? '';
  switch (identity.type) {
    case 'Root':
      return { principal: arn, name: 'root', kind: 'root' };
    case 'IAMUser':
      return { principal: arn, name: identity.userName ?? arn.slice(arn.lastIndexOf('/') + 1), kind: 'user' };
    case 'AssumedRole': {
      const issuer = identity.sessionContext?.sessionIssuer;
      const session = arn.slice(arn.lastIndexOf('/') + 1) || undefined;
      return { principal: issuer?.arn ?? arn, name: issuer?.userName ?? arn, kind: 'role', session };
    }
    case 'AWSService': {
      const service = identity.invokedBy ?? 'AWS service';
      return { principal: service, name: service, kind: 'service' };
    }
    default:
      return { principal: arn || identity.principalId || 'unknown', name: identity.userName ?? (arn || 'unknown'), kind: 'other' };
  }
}

export function toActivityEntry(event: TrailEvent): ActivityEntry {
  const { record } = event;
  const who = principalOf(record);
  return {
    eventId: event.eventId,
    time: event.eventTime,
    kind: activityKindOf(record),
    eventName: event.eventName,
    principal: who.principal,
    principalName: who.name,
    ...(who.session ? { session: who.session } : {}),
    ...(record.userIdentity?.invokedBy ? { invokedBy: record.userIdentity.invokedBy } : {}),
    ...(tableNameOf(record) ? { tableName: tableNameOf(record) } : {}),
    ...(record.errorCode ? { errorCode: record.errorCode } : {}),
    ...(record.errorMessage ? { errorMessage: record.errorMessage } : {}),
    ...(record.sourceIPAddress ? { sourceIPAddress: record.sourceIPAddress } : {}),
    record,
  };
}

function namesKey(record: TrailRecord, keyArn: string): boolean {
  const keyId = keyArn.slice(keyArn.lastIndexOf('/') + 1);
  if (record.resources?.some((resource) => resource.ARN === keyArn)) return true;
  const named = str(asRecord(record.requestParameters)?.['keyId']);
  return named === keyArn || named === keyId;
}

/** In a table's activity: what names the table, and what changes the key for every table (policy, grants, state). */
function concernsTable(entry: ActivityEntry, tableName: string): boolean {
  if (entry.tableName !== undefined) return entry.tableName === tableName;
  return entry.kind === 'policy-change' || entry.kind === 'key-change' || entry.kind === 'grant';
}

function emptyActivity(entry: ActivityEntry, kind: PrincipalKindSeen): PrincipalActivity {
  return {
    principal: entry.principal,
    name: entry.principalName,
    kind,
    readsAllowed: 0,
    readsRefused: 0,
    refusalReasons: [],
    policyChanges: 0,
    grants: 0,
    keyChanges: 0,
    sessions: [],
    entries: [],
  };
}

function add(activity: PrincipalActivity, entry: ActivityEntry): void {
  activity.entries.push(entry);
  if (entry.session && !activity.sessions.includes(entry.session)) activity.sessions.push(entry.session);
  switch (entry.kind) {
    case 'read':
      activity.readsAllowed++;
      activity.lastRead ??= entry.time;
      break;
    case 'read-refused': {
      activity.readsRefused++;
      activity.lastRefused ??= entry.time;
      const reason = entry.errorMessage ?? entry.errorCode;
      if (reason && !activity.refusalReasons.includes(reason)) activity.refusalReasons.push(reason);
      break;
    }
    case 'policy-change':
      activity.policyChanges++;
      break;
    case 'grant':
      activity.grants++;
      break;
    case 'key-change':
      activity.keyChanges++;
      break;
    default:
  }
}

/**
 * The key's events (LookupEvents by the key's ARN), newest first or in any order, as a timeline and per principal.
 * With tableName, only what concerns that table: reads whose encryption context names it, and the key's changes.
 */
export function summarizeActivity(events: Iterable<TrailEvent>, scope: { keyArn: string; tableName?: string }): ActivitySummary {
  const timeline: ActivityEntry[] = [];
  for (const event of events) {
    if (!namesKey(event.record, scope.keyArn)) continue;
    const entry = toActivityEntry(event);
    if (scope.tableName === undefined || concernsTable(entry, scope.tableName)) timeline.push(entry);
  }
  // ISO times of one format sort as text; a stable sort keeps LookupEvents' order within a second.
  timeline.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  const byPrincipal = new Map<string, PrincipalActivity>();
  for (const entry of timeline) {
    let activity = byPrincipal.get(entry.principal);
    if (!activity) byPrincipal.set(entry.principal, (activity = emptyActivity(entry, principalOf(entry.record).kind)));
    add(activity, entry);
  }
  return {
    keyArn: scope.keyArn,
    ...(scope.tableName !== undefined ? { tableName: scope.tableName } : {}),
    ...(timeline.length > 0 ? { from: timeline[timeline.length - 1]!.time, to: timeline[0]!.time } : {}),
    timeline,
    principals: [...byPrincipal.values()],
  };
}
