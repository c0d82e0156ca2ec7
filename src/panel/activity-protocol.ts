// The Activity feature's messages, both ways: a key's CloudTrail events for the panel's table, grouped by principal
// (reads allowed, reads refused with KMS's reason, key policy changes, grants), over a time range; and what each
// Who can read? row did in that range (last read, refused attempts, the two flags).
// Types only (the webview bundle imports this file); activity-incoming.ts checks at run time.

export type ActivityRange = 'hour' | 'day' | '7d' | '90d';
export const ACTIVITY_RANGES: readonly ActivityRange[] = ['hour', 'day', '7d', '90d'];
export const RANGE_WORDS: Record<ActivityRange, string> = { hour: 'the last hour', day: 'the last day', '7d': 'the last 7 days', '90d': 'the last 90 days' };
export const RANGE_MS: Record<ActivityRange, number> = { hour: 3_600_000, day: 86_400_000, '7d': 7 * 86_400_000, '90d': 90 * 86_400_000 };

export type ActivityKindView = 'read' | 'read-refused' | 'policy-change' | 'grant' | 'key-change' | 'other';

export interface ActivityEntryView {
  eventId: string;
  /** ISO 8601. */
  time: string;
  kind: ActivityKindView;
  eventName: string;
  /** An assumed role's session name. */
  session?: string;
  /** The AWS service that asked KMS for the principal (dynamodb.amazonaws.com). */
  invokedBy?: string;
  tableName?: string;
  errorCode?: string;
  errorMessage?: string;
  sourceIPAddress?: string;
  /** The CloudTrail record as AWS wrote it, pretty-printed. */
  record: string;
}

export interface PrincipalActivityView {
  principal: string;
  name: string;
  kind: 'root' | 'user' | 'role' | 'service' | 'other';
  readsAllowed: number;
  readsRefused: number;
  lastRead?: string;
  lastRefused?: string;
  refusalReasons: string[];
  policyChanges: number;
  grants: number;
  keyChanges: number;
  /** Newest first; at most ENTRIES_PER_PRINCIPAL (the counts above cover every event). */
  entries: ActivityEntryView[];
  /** Entries not sent to the page. */
  moreEntries: number;
}

export type ActivityView =
  | { state: 'idle'; range: ActivityRange }
  | { state: 'loading'; range: ActivityRange; message: string; pages: number; events: number; previous?: ActivityReady }
  | { state: 'failed'; range: ActivityRange; message: string; previous?: ActivityReady }
  | ActivityReady;

export interface ActivityReady {
  state: 'ready';
  range: ActivityRange;
  keyArn: string;
  tableName?: string;
  /** ISO 8601: when the lookup finished. */
  readAt: string;
  events: number;
  pages: number;
  /** More events matched than were read. */
  truncated: boolean;
  /** Where the events come from, and how complete they are: AWS's delay and key caching, or the sandbox's every read. */
  note: string;
  /** Newest activity first. */
  principals: PrincipalActivityView[];
  /** The account changed since the events were read. */
  stale?: boolean;
}

export type ActivityFlagView = { flag: 'can-read-never-did' | 'refused'; words: string };

/** A Who can read? row's activity in the range. */
export interface AccessActivityRow {
  principal: string;
  readsAllowed: number;
  readsRefused: number;
  lastRead?: string;
  lastRefused?: string;
  refusalReasons: string[];
  flags: ActivityFlagView[];
}

// ---- host → webview ----

export type ActivityHostMessage =
  | { type: 'activity'; activity: ActivityView }
  /** What each Who can read? row did in the range; empty when the activity could not be read. */
  | { type: 'accessActivity'; range: ActivityRange; readAt?: string; rows: AccessActivityRow[] }
  /** Shows the Activity view. */
  | { type: 'showActivity' };

// ---- webview → host ----

export type ActivityWebviewMessage = { type: 'readActivity'; range: ActivityRange };
