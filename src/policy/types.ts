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
  context?: ConditionContext;
  identityPolicies: NamedPolicy[];
  /** The key policy or other resource policy; absent when the resource has none. */
  resourcePolicy?: NamedPolicy | PolicyDocument | string;
}

export type Decision = 'allowed' | 'explicitly-denied' | 'implicitly-denied';

export interface StatementRef {
  /** "key policy" or the identity policy's name. */
  policy: string;
  /** The statement's Sid, or its zero-based index when it has none. */
  sid?: string;
  index: number;
  effect: 'Allow' | 'Deny';
  /** Which side the policy is on. */
  kind: 'identity' | 'resource';
}

export interface Reason {
  kind:
    | 'explicit-deny'
    | 'allowed-by-identity'
    | 'allowed-by-resource'
    | 'resource-delegates-to-account'
    | 'resource-does-not-allow'
    | 'identity-does-not-allow'
    | 'no-statement-allows'
    | 'would-allow'
    | 'malformed-policy';
  message: string;
  statement?: StatementRef;
}

export interface EvaluationResult {
  decision: Decision;
  reasons: Reason[];
  request: EvaluationRequest;
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
}

export interface KeyUsersAndAdministrators {
  administrators: string[];
  users: string[];
  /** True when the policy contains the statement that lets IAM policies in the account count. */
  iamDelegation: boolean;
  /** True when key administrators may schedule and cancel key deletion. */
  administratorsCanDelete: boolean;
}
