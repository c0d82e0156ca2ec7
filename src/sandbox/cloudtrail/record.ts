// One CloudTrail event in AWS's record format (the CloudTrail user guide's "record contents"), and the identity
// block built from the sandbox's authenticated caller.
import type { Caller } from '../contracts';

export const EVENT_VERSION = '1.11';

export interface SessionIssuer {
  type: 'Role';
  principalId: string;
  arn: string;
  accountId: string;
  userName: string;
}

export interface UserIdentity {
  type: 'Root' | 'IAMUser' | 'AssumedRole';
  principalId: string;
  arn: string;
  accountId: string;
  accessKeyId: string;
  userName?: string;
  sessionContext?: { sessionIssuer: SessionIssuer; attributes: { mfaAuthenticated: 'false' } };
  /** The AWS service that made the call on the identity's behalf, e.g. dynamodb.amazonaws.com. */
  invokedBy?: string;
}

export interface RecordResource {
  accountId: string;
  type: string;
  ARN: string;
}

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  /** ISO 8601 in seconds, e.g. 2026-01-05T10:00:00Z. */
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: RecordResource[];
  eventType: 'AwsApiCall';
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
}

export function userIdentityOf(caller: Caller): UserIdentity {
  const base = { arn: caller.arn, accountId: caller.accountId, accessKeyId: caller.accessKeyId };
  if (caller.kind === 'root') return { type: 'Root', principalId: caller.accountId, ...base };
  if (caller.kind === 'user') return { type: 'IAMUser', principalId: caller.userId, ...base, userName: caller.name };
  const roleId = caller.userId.split(':')[0]!;
  return {
    type: 'AssumedRole',
    principalId: caller.userId,
    ...base,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: roleId, arn: caller.roleArn ?? '', accountId: caller.accountId, userName: caller.name },
      attributes: { mfaAuthenticated: 'false' },
    },
  };
}

/** What LookupEvents calls the event's Username: the user name, "root", or an assumed role's session name. */
export function usernameOf(identity: UserIdentity): string | undefined {
  if (identity.type === 'Root') return 'root';
  if (identity.type === 'IAMUser') return identity.userName;
  return identity.arn.slice(identity.arn.lastIndexOf('/') + 1);
}

/** CloudTrail's eventTime: whole seconds. */
export function eventTimeOf(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
