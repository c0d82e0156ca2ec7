// What the sandbox's HTTP front, its account (IAM, STS) and its data services (KMS, DynamoDB) agree on.
// No vscode import anywhere under src/sandbox.
import type { OrganizationView } from '../policy/organization';
import type { ConditionContext, NamedPolicy } from '../policy/types';
import type { DynamoDbKmsCalls } from './cloudtrail/recorder';
import type { SandboxTiming } from './timing/timing';

/** The authenticated caller of one request, resolved from its SigV4 access key. */
export interface Caller {
  /** e.g. arn:aws:iam::123456789012:user/admin or arn:aws:sts::123456789012:assumed-role/R/session */
  arn: string;
  accountId: string;
  /** AIDA… for users, AROA…:session for assumed roles (what GetCallerIdentity returns as UserId). */
  userId: string;
  kind: 'root' | 'user' | 'assumed-role';
  /** User name, or role name for an assumed role. */
  name: string;
  /** For assumed roles: the role's ARN (arn:aws:iam::<acct>:role/<name>). */
  roleArn?: string;
  sessionName?: string;
  accessKeyId: string;
  /** For assumed roles: the session policies passed to AssumeRole (inline Policy, then PolicyArns' documents). */
  sessionPolicies?: NamedPolicy[];
  /** For assumed roles: the session tags passed to AssumeRole; they override the role's tags of the same key. */
  sessionTags?: { Key: string; Value: string }[];
}

export interface RequestContext {
  caller: Caller;
  /** Region from the SigV4 credential scope. */
  region: string;
  accountId: string;
  requestId: string;
  sourceIp: string;
  /** The User-Agent header, as CloudTrail records it. */
  userAgent?: string;
  now: Date;
}

/**
 * An AWS-shaped error. The front serialises it for the protocol of the service that threw it:
 * JSON services get {"__type": code, "message": ...}; query services get the XML ErrorResponse.
 * DynamoDB codes are full ids, e.g. "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException".
 */
export class AwsError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
    public readonly sender: 'Sender' | 'Receiver' = 'Sender',
    /** Members the error carries beside its message (e.g. DynamoDB's CancellationReasons). */
    public readonly fields?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
  }
}

/** A JSON-protocol service (KMS, DynamoDB): operation name without prefix, parsed body in, plain object out. */
export interface JsonService {
  handle(operation: string, input: Record<string, unknown>, ctx: RequestContext): Promise<unknown>;
}

/** Everything about a caller that the policy engine weighs besides the request itself. */
export interface PrincipalFacts {
  /** Attached managed, inline and group policies of the caller (for assumed roles: the role's). */
  identityPolicies: NamedPolicy[];
  /** The user's or role's permissions boundary, when it has one. */
  permissionsBoundary?: NamedPolicy;
  /** A role session's session policies, when it was given any. */
  sessionPolicies?: NamedPolicy[];
  /** Condition keys that describe the caller: aws:PrincipalTag/<key> from its tags (and a session's), and its organization's keys. */
  tagConditions?: ConditionContext;
  /** The organization's SCPs that bound the caller, level by level (absent when none do). */
  serviceControlPolicies?: NamedPolicy[][];
  /** The account's organization, for the RCPs that bound its resources. */
  organization?: OrganizationView;
}

/** The account's IAM view of a caller, used by every service to authorize. */
export interface IdentityDirectory {
  principalFacts(caller: Caller): PrincipalFacts;
  /** True when the principal ARN names an existing user, role or the account root (key policies refuse unknown principals). */
  principalExists(arn: string): boolean;
}

export interface DataServicesOptions {
  dataDir: string;
  region: string;
  accountId: string;
  directory: IdentityDirectory;
  /** Told of each KMS call DynamoDB makes for a caller (CloudTrail records it). */
  dynamoDbKmsCalls?: DynamoDbKmsCalls;
  /** How long a new DynamoDB table stays CREATING (default DEFAULT_TABLE_CREATION_MS; 0: ACTIVE at once). */
  tableCreationMs?: number;
  /** AWS's delays, scaled (default: none, every change counts at once). */
  timing?: SandboxTiming;
}

/** KMS and DynamoDB, built together because DynamoDB asks KMS about each table's key. */
export interface DataServices {
  kms: JsonService;
  dynamodb: JsonService;
  close(): Promise<void>;
}
