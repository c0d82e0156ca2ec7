// The shapes of "who can read this table": the account snapshot that goes in (AWS's own shapes, so it can be saved,
// loaded and built by tests) and the report that comes out. Pure data; the SDK is imported for its types only.
import type { TableDescription, Tag as DynamoTag } from '@aws-sdk/client-dynamodb';
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from '@aws-sdk/client-iam';
import type { AliasListEntry, GrantListEntry, KeyMetadata, Tag as KmsTag } from '@aws-sdk/client-kms';
import type { Organization, PolicySummary } from '@aws-sdk/client-organizations';
import type { PolicyType } from '../policy';

export const SNAPSHOT_VERSION = 1;

/** The pages of IAM GetAccountAuthorizationDetails merged; policy documents stay URL-encoded as AWS returns them. */
export interface AuthorizationDetails {
  UserDetailList: UserDetail[];
  GroupDetailList: GroupDetail[];
  RoleDetailList: RoleDetail[];
  Policies: ManagedPolicyDetail[];
}

export interface TableSnapshot {
  /** DescribeTable's Table. */
  Table: TableDescription;
  /** DynamoDB GetResourcePolicy's Policy, when the table has one. */
  ResourcePolicy?: string;
  RevisionId?: string;
  /** ListTagsOfResource, when it could be read. */
  Tags?: DynamoTag[];
}

export interface KeySnapshot {
  /** DescribeKey's KeyMetadata. */
  KeyMetadata: KeyMetadata;
  /** GetKeyPolicy's Policy (the "default" policy), when it could be read. */
  Policy?: string;
  /** ListGrants' Grants. */
  Grants: GrantListEntry[];
  /** ListAliases' entries that point at this key. */
  Aliases: AliasListEntry[];
  /** ListResourceTags, when it could be read. */
  Tags?: KmsTag[];
}

/** One level of the account's place in its organization: the root, an OU, or the account itself. */
export interface OrganizationLevel {
  /** "r-…", "ou-…" or the account id. */
  Id: string;
  Type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
  /** ListPoliciesForTarget's summaries, SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY. */
  Policies: PolicySummary[];
}

/** AWS Organizations as it bears on the account: its organization, its path from the root, and the policies there. */
export interface OrganizationSnapshot {
  /** DescribeOrganization's Organization; absent when the account belongs to no organization. */
  Organization?: Organization;
  /** From the root down to the account (ListParents, then the account). */
  Path: OrganizationLevel[];
  /** DescribePolicy's Policy for every policy attached along the path. */
  Policies: { PolicySummary?: PolicySummary; Content?: string }[];
}

/** Data the collector could not read, and why. */
export interface MissingData {
  /** The IAM action that failed or was not allowed, e.g. "iam:GetAccountAuthorizationDetails". */
  action: string;
  /** What is missing because of it, e.g. "the key policy of alias/kms-lab". */
  what: string;
  reason: string;
  /** The ARN the missing data belongs to, when there is one. */
  resource?: string;
}

export interface AccountSnapshot {
  version: typeof SNAPSHOT_VERSION;
  accountId: string;
  region: string;
  /** "aws", "aws-cn", "aws-us-gov"; default "aws". */
  partition?: string;
  /** ISO 8601 time the collection finished. */
  collectedAt: string;
  authorizationDetails: AuthorizationDetails;
  tables: TableSnapshot[];
  keys: KeySnapshot[];
  missing: MissingData[];
  /** The account's organization policies, when AWS Organizations could be read (absent: it could not, see missing). */
  organization?: OrganizationSnapshot;
  /**
   * Set when only some principals were collected (the per-principal path): their ARNs. Rows are then computed for
   * these and for the principals the policies and grants name, never for the rest of the account.
   */
  principalsCollected?: string[];
}

export type ReadVerdict = 'allowed' | 'denied' | 'conditional';

/** A lock's verdict; 'unknown' when the data it needs is missing from the snapshot. */
export type LockVerdict = ReadVerdict | 'unknown';

export type PrincipalKind = 'root' | 'user' | 'role' | 'assumed-role' | 'federated-user' | 'external';

/** Where a deciding statement lives. */
export interface PolicySource {
  type: 'managed' | 'inline' | 'group-managed' | 'group-inline' | 'boundary' | 'key-policy' | 'table-policy' | 'session' | 'external' | 'scp' | 'rcp';
  /** The managed policy's ARN, or the organization policy's. */
  arn?: string;
  /** For an organization policy: where it is attached (the root, an OU or the account, by id). */
  target?: string;
  /** The group a group policy comes through. */
  group?: string;
}

export interface DecidingStatement {
  /** The policy's name ("AmazonDynamoDBFullAccess", "key policy", "table resource policy"). */
  policy: string;
  source: PolicySource;
  /** The engine's policy type: identity, resource, boundary or session. */
  policyType: PolicyType;
  sid?: string;
  /** Zero-based position in the policy's Statement list. */
  index: number;
  effect: 'Allow' | 'Deny';
  /** Request-dependent condition keys of this statement (e.g. "aws:SourceIp"). */
  conditions?: string[];
}

export interface GrantRef {
  grantId: string;
  name?: string;
  grantee: string;
  operations: string[];
  /** "EncryptionContextSubset" / "EncryptionContextEquals" with their pairs, when the grant has constraints. */
  constraints?: Record<string, Record<string, string>>;
}

export interface ActionDecision {
  action: string;
  decision: LockVerdict;
}

export interface LockDecision {
  lock: 'table' | 'key';
  decision: LockVerdict;
  /** The table lock: one per action (GetItem, Query, Scan); the key lock: kms:Decrypt. */
  actions: ActionDecision[];
  /** How it opens, when it does. */
  via?: 'identity' | 'resource-policy' | 'key-policy' | 'iam-delegation' | 'grant' | 'root';
  deciding: DecidingStatement[];
  /** The grants that open it. */
  grants: GrantRef[];
  /** One plain-words sentence, e.g. "the key policy does not name kms-lab-test-user, and it delegates to IAM, where ...". */
  reason: string;
  /** The engine's explanation of the deciding evaluation, sentence by sentence. */
  explanation: string[];
  /** Request-dependent condition keys that make the lock conditional. */
  conditions: string[];
  /** For a conditional lock: the requests that open it, e.g. "only from 10.0.0.0/8 and with MFA". */
  opensWhen?: string;
  /** The evaluation's request context, as the engine saw it (no secrets: ARNs, names and condition values). */
  context?: Record<string, string | string[]>;
}

export interface AccessRow {
  /** The principal's ARN. */
  principal: string;
  kind: PrincipalKind;
  /** User name, role name, "root", or the ARN for principals outside the account. */
  name: string;
  account: string;
  /** The user's groups. */
  groups: string[];
  read: ReadVerdict;
  table: LockDecision;
  /** Absent when the table uses the AWS owned key: there is no key lock. */
  key?: LockDecision;
  /** Request-dependent condition keys behind a 'conditional' read: changing one alone changes the answer. */
  conditions: string[];
  /** For a conditional read: the requests that can read, e.g. "only from 10.0.0.0/8" or "only with MFA". */
  opensWhen?: string;
  /** Data missing from the snapshot that this row's answer depends on. */
  unknowns: string[];
  /** Why the principal is in the report, for principals that are not the account's users and roles. */
  namedIn?: string[];
}

export type TableEncryption = 'aws-owned' | 'aws-managed' | 'customer-managed';

export interface AccessReport {
  tableArn: string;
  tableName: string;
  accountId: string;
  region: string;
  collectedAt: string;
  encryption: TableEncryption;
  keyArn?: string;
  keyAliases: string[];
  /** KeyMetadata.KeyState of the table's key. */
  keyState?: string;
  /** True when the key policy was replaced by keyPolicyOverride. */
  keyPolicyOverridden: boolean;
  rows: AccessRow[];
  /** What cannot be seen from inside the account, or is not modelled, and so was not evaluated. */
  notEvaluated: string[];
  missing: MissingData[];
  /** The account's organization, when its SCPs and RCPs were read and evaluated. */
  organization?: {
    organizationId: string;
    managementAccountId: string;
    /** Names of the SCPs and RCPs along the account's path (empty when that policy type is not enabled). */
    serviceControlPolicies: string[];
    resourceControlPolicies: string[];
  };
}

export interface WhoCanOptions {
  /** Compute only these principals' rows (ARNs). */
  principals?: string[];
  /** Evaluate the key lock with this key policy text instead of the snapshot's (preview an unsaved change). */
  keyPolicyOverride?: string;
}

export interface AccessChange {
  principal: string;
  name: string;
  before: ReadVerdict | 'absent';
  after: ReadVerdict | 'absent';
}

export interface ReportDiff {
  /** Principals that can read after and could not (or only conditionally) before. */
  gains: AccessChange[];
  /** Principals that could read before and cannot (or only conditionally) after. */
  loses: AccessChange[];
  /** Other changes of verdict (e.g. denied → conditional). */
  changes: AccessChange[];
}
