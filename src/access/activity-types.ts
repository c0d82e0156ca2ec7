// The shapes of a key's (or a table's) activity: CloudTrail events in (AWS's record, as LookupEvents returns it),
// a timeline and a summary per principal out, and Who can read? rows joined with what each principal did.
import type { AccessRow } from './types';

/** AWS's CloudTrail record, the members the activity reads (LookupEvents' CloudTrailEvent, parsed). */
export interface TrailRecord {
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  userIdentity?: {
    type?: string;
    principalId?: string;
    arn?: string;
    accountId?: string;
    accessKeyId?: string;
    userName?: string;
    invokedBy?: string;
    sessionContext?: { sessionIssuer?: { type?: string; arn?: string; userName?: string } };
  };
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  requestID?: string;
  eventID?: string;
  readOnly?: boolean;
  resources?: { ARN?: string; type?: string; accountId?: string }[];
}

/** One event as LookupEvents lists it. */
export interface TrailEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  /** ISO 8601. */
  eventTime: string;
  username?: string;
  record: TrailRecord;
}

/**
 * read: kms:Decrypt of the key (through DynamoDB, the table key behind any item read or write); read-refused: the same,
 * refused; policy-change: PutKeyPolicy; grant: CreateGrant, RetireGrant, RevokeGrant; key-change: the key enabled,
 * disabled, scheduled for deletion or back; other: any other call on the key.
 */
export type ActivityKind = 'read' | 'read-refused' | 'policy-change' | 'grant' | 'key-change' | 'other';

export interface ActivityEntry {
  eventId: string;
  /** ISO 8601. */
  time: string;
  kind: ActivityKind;
  eventName: string;
  /** The IAM principal the who-can rows name: a user's or role's ARN (a session's role), root, or the AWS service. */
  principal: string;
  principalName: string;
  /** An assumed role's session name. */
  session?: string;
  /** The AWS service that made the call for the principal (dynamodb.amazonaws.com). */
  invokedBy?: string;
  /** The table the encryption context names. */
  tableName?: string;
  errorCode?: string;
  /** KMS's words for a refusal. */
  errorMessage?: string;
  sourceIPAddress?: string;
  /** The record itself, to show as CloudTrail wrote it. */
  record: TrailRecord;
}

export type PrincipalKindSeen = 'root' | 'user' | 'role' | 'service' | 'other';

export interface PrincipalActivity {
  principal: string;
  name: string;
  kind: PrincipalKindSeen;
  readsAllowed: number;
  readsRefused: number;
  /** ISO 8601 of the newest allowed read. */
  lastRead?: string;
  lastRefused?: string;
  /** KMS's distinct refusal messages, newest first. */
  refusalReasons: string[];
  policyChanges: number;
  grants: number;
  keyChanges: number;
  /** Session names seen for a role. */
  sessions: string[];
  /** Newest first. */
  entries: ActivityEntry[];
}

export interface ActivitySummary {
  keyArn: string;
  tableName?: string;
  /** The events' span, ISO 8601, when there were events. */
  from?: string;
  to?: string;
  /** Newest first. */
  timeline: ActivityEntry[];
  /** Newest activity first. */
  principals: PrincipalActivity[];
}

export type ActivityFlag = 'can-read-never-did' | 'refused';

/** A Who can read? row, with what the principal did in the period. */
export interface AccessRowActivity {
  row: AccessRow;
  readsAllowed: number;
  readsRefused: number;
  lastRead?: string;
  lastRefused?: string;
  refusalReasons: string[];
  flags: ActivityFlag[];
}

export interface JoinedActivity {
  rows: AccessRowActivity[];
  /** Principals with activity and no row (e.g. AWS services, or principals outside the report). */
  unmatched: PrincipalActivity[];
}
