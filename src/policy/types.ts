// The public shapes of the policy engine. Pure data: no vscode, no AWS SDK.

/** A policy document as parsed from JSON. Kept loose on purpose: the engine must survive malformed input. */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: PolicyStatement[] | PolicyStatement;
  [key: string]: unknown;
}

export interface PolicyStatement {
  Sid?: string;
  Effect?: 'Allow' | 'Deny' | string;
  Principal?: PrincipalBlock;
  NotPrincipal?: PrincipalBlock;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export type PrincipalBlock = '*' | { AWS?: string | string[]; Service?: string | string[]; Federated?: string | string[]; CanonicalUser?: string | string[] };

/** An identity policy as the caller has it: attached managed, inline, or through a group. */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument | string;
}

export type ConditionContext = Record<string, string | string[] | undefined>;

export interface EvaluationRequest {
  /** Caller ARN: user, role, assumed-role session, or account root. */
  principal: string;
  /** e.g. "kms:Decrypt", "dynamodb:Scan". */
  action: string;
  /** Resource ARN. */
  resource: string;
  /** Condition keys of the request. Freeze it (Object.freeze) when many requests share it: the engine then reads it once. */
  context?: ConditionContext;
  identityPolicies: NamedPolicy[];
  /** The key policy or other resource policy; absent when the resource has none. */
  resourcePolicy?: NamedPolicy | PolicyDocument | string;
  /** The caller's permissions boundary (the user's, or the role's for a role session), when it has one. */
  permissionsBoundary?: NamedPolicy;
  /** Session policies of a role session (AssumeRole's inline Policy and the documents of its PolicyArns). */
  sessionPolicies?: NamedPolicy[];
  /**
   * Service control policies that bound the caller: one list per level of its organization, from the root down to its
   * account; at every level one must allow. Absent when none apply (no organization, the management account, a
   * service-linked role): see organizationControls.
   */
  serviceControlPolicies?: NamedPolicy[][];
  /** Resource control policies that bound the resource, one list per level, likewise; absent when none apply. */
  resourceControlPolicies?: NamedPolicy[][];
  /** The caller's unique id (AIDA... for users, AROA...:session for sessions): fills aws:userid. */
  userId?: string;
  /** The account that owns the resource, when its ARN does not say (e.g. S3 buckets). Defaults to the ARN's account. */
  resourceAccount?: string;
  /**
   * True when the resource policy alone must allow (KMS keys, IAM role trust policies): identity policies count only
   * when it delegates to the caller's account. Defaults to true for KMS key ARNs and sts:AssumeRole* on a role.
   */
  resourcePolicyRequired?: boolean;
  /** Time of the request, for aws:CurrentTime and aws:EpochTime (default: now). */
  now?: Date;
}

export type Decision = 'allowed' | 'explicitly-denied' | 'implicitly-denied';

export interface StatementRef {
  /** "key policy" or the identity policy's name. */
  policy: string;
  /** The statement's Sid, or its zero-based index when it has none. */
  sid?: string;
  index: number;
  effect: 'Allow' | 'Deny';
  /** Which kind of policy it is: an identity policy, the resource's policy, the permissions boundary or a session policy. */
  kind: PolicyType;
}

export type PolicyType = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp';

export interface Reason {
  kind:
    | 'explicit-deny'
    | 'allowed-by-identity'
    | 'allowed-by-resource'
    | 'resource-delegates-to-account'
    | 'resource-does-not-allow'
    | 'identity-does-not-allow'
    | 'boundary-does-not-allow'
    | 'session-policy-does-not-allow'
    | 'organization-policy-does-not-allow'
    | 'no-statement-allows'
    | 'would-allow'
    | 'malformed-policy';
  message: string;
  statement?: StatementRef;
  /** For 'would-allow' near misses: the condition that did not hold. */
  condition?: { operator: string; key: string };
}

/**
 * What evaluate() returns. Its `reasons` and `details` are computed on first read (getters): read them directly,
 * or use JSON.stringify for a plain copy; `{...result}` copies only `decision` and `request`.
 */
export interface EvaluationResult {
  decision: Decision;
  reasons: Reason[];
  request: EvaluationRequest;
  /** What the decision rested on, for explain() and for views that want more than sentences. */
  details?: EvaluationDetails;
}

export interface EvaluationDetails {
  /** Short name of the caller: "user/test", "assumed-role/R/s", "the root user of 111122223333". */
  callerLabel: string;
  callerAccount: string;
  resourceAccount: string;
  crossAccount: boolean;
  /** "key policy", "trust policy", "resource policy" or the given name; absent when there is none. */
  resourcePolicyName?: string;
  resourcePolicyRequired: boolean;
  isKmsKey: boolean;
  identityPolicyNames: string[];
  identityAllows: StatementRef[];
  resourceAllows: StatementRef[];
  /** Resource-policy Allow statements that name the caller's account (root or bare account id). */
  resourceDelegations: StatementRef[];
  denies: StatementRef[];
  /** The caller is an account's root user, which needs no identity policy. */
  rootUser: boolean;
  /** Allow statements that matched everything but a condition. */
  nearMisses: (StatementRef & { condition: { operator: string; key: string } })[];
  /** Resource-policy Allow statements that cover the action and resource but name other principals. */
  otherPrincipals: StatementRef[];
  /** A KMS operation that KMS never allows on a key in another account (e.g. kms:ScheduleKeyDeletion). */
  crossAccountActionUnsupported: boolean;
  /** The permissions boundary's name, when the request had one. */
  boundaryName?: string;
  /** The boundary's Allow statements that match the request; empty when the boundary does not allow it. */
  boundaryAllows?: StatementRef[];
  /** The session policies' names, when the request had any. */
  sessionPolicyNames?: string[];
  /** The session policies' Allow statements that match the request; empty when none allows it. */
  sessionAllows?: StatementRef[];
  /** Of resourceAllows, those that name the caller's role rather than the caller (a session): the boundary and session policies still limit them. */
  resourceRoleAllows?: StatementRef[];
  /** The service control policies and resource control policies that bounded the request, when any did. */
  serviceControlPolicyNames?: string[];
  resourceControlPolicyNames?: string[];
  /** For an implicit deny: the kind of policy whose missing Allow decided it, as AWS's AccessDenied message names it. */
  noAllowIn?: PolicyType;
  /** Malformed policies and statements, and statements skipped for a policy variable without a value; absent when none. */
  inputProblems?: string[];
}

export interface SourceRange {
  /** Zero-based offsets into the text. */
  start: number;
  end: number;
  /** One-based line and column of start, as editors show them. */
  line: number;
  column: number;
}

export interface ParseError {
  message: string;
  range: SourceRange;
}

export interface ParsedPolicy {
  document?: PolicyDocument;
  errors: ParseError[];
  /** Text range of each statement, in document order; used to underline problems. */
  statementRanges: SourceRange[];
}

export type Severity = 'error' | 'warning' | 'info';

export interface PolicyProblem {
  severity: Severity;
  message: string;
  /** Index of the statement concerned, when there is one. */
  statementIndex?: number;
  /** JSON path of the element concerned, e.g. ["Statement", 1, "Action", 0]. */
  path?: (string | number)[];
  code: string;
  /** Where the element is in the policy text, when validateKeyPolicy was given the text. */
  range?: SourceRange;
}

export interface KeyUsersAndAdministrators {
  administrators: string[];
  users: string[];
  /** True when the policy contains the statement that lets IAM policies in the account count. */
  iamDelegation: boolean;
  /** True when key administrators may schedule and cancel key deletion. */
  administratorsCanDelete: boolean;
}
