// The project's own view of AWS resources. Wrappers in src/aws return these, never SDK shapes.

/** Where requests go and as whom: a named profile, the environment's credentials, or explicit ones (the local sandbox). */
export type ConnectionTarget =
  | { kind: 'profile'; profile: string; region: string }
  | { kind: 'environment'; region: string }
  | { kind: 'static'; label: string; region: string; endpoint: string; credentials: StaticCredentials }
  | DerivedTarget;

/**
 * Another identity's credentials on a base target's endpoints: the lab's test user, seen through the same sandbox,
 * LocalStack or real AWS as the profile it was created with. Its credentials are never persisted by KMS Lab.
 */
export interface DerivedTarget {
  kind: 'derived';
  /** How the identity is named in messages and pickers, e.g. "kms-lab-test-user". */
  label: string;
  region: string;
  base: Exclude<ConnectionTarget, DerivedTarget>;
  credentials: StaticCredentials;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type AwsService = 'kms' | 'dynamodb' | 'iam' | 'sts' | 'organizations' | 'cloudtrail';

export interface ProfileInfo {
  name: string;
  /** Where the profile is defined; a profile may appear in both files. */
  sources: ('config' | 'credentials')[];
  region?: string;
  kind: 'static' | 'sso' | 'assume-role' | 'credential-process' | 'other';
  mfaSerial?: string;
  /** endpoint_url of the profile itself, if any. */
  endpointUrl?: string;
}

export interface ProfileLoadResult {
  profiles: ProfileInfo[];
  /** True when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set. */
  environmentCredentials: boolean;
  /** Malformed files, each with the file and one-based line. Other files still load. */
  problems: { file: string; line: number; message: string }[];
  configFile: string;
  credentialsFile: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'Unavailable' | 'Creating' | 'Updating' | string;

export interface KmsKey {
  keyId: string;
  arn: string;
  aliases: string[];
  description?: string;
  state: KeyState;
  keyManager: 'CUSTOMER' | 'AWS';
  keySpec?: string;
  keyUsage?: string;
  /** undefined when it could not be read (no permission) or does not apply. */
  rotationEnabled?: boolean;
  creationDate?: Date;
  deletionDate?: Date;
  /** Set when the key's details could not be read (e.g. kms:DescribeKey denied); the fields above are then partial. */
  problem?: string;
}

export interface KmsGrant {
  grantId: string;
  name?: string;
  granteePrincipal?: string;
  retiringPrincipal?: string;
  operations: string[];
  creationDate?: Date;
}

export interface KeyPolicy {
  keyId: string;
  /** Always "default" on KMS. */
  name: string;
  text: string;
}

export type EncryptionKind = 'aws-owned' | 'aws-managed' | 'customer-managed';

export interface DynamoTable {
  name: string;
  arn: string;
  status: string;
  encryption: EncryptionKind;
  /** The key ARN for aws-managed and customer-managed, resolved from an alias when needed. */
  kmsKeyArn?: string;
  sseStatus?: string;
  inaccessibleSince?: Date;
  itemCount?: number;
  keySchema: { name: string; type: 'HASH' | 'RANGE' }[];
  /** The declared types of the key attributes (AttributeDefinitions). */
  keyTypes?: Record<string, KeyAttributeType>;
  /**
   * Set when something could not be read: the table itself (then only `name` is reliable), or its KMS key (then
   * `encryption` is a best guess between aws-managed and customer-managed). Show it rather than trusting the badge.
   */
  problem?: string;
}

export interface AttachedPolicy {
  name: string;
  arn?: string;
  kind: 'managed' | 'inline' | 'group-managed' | 'group-inline';
  /** For group policies: the group through which the principal has it. */
  group?: string;
}

export interface IamPrincipal {
  kind: 'user' | 'role';
  name: string;
  arn: string;
  id: string;
  createDate?: Date;
}

export interface PrincipalDetails extends IamPrincipal {
  policies: AttachedPolicy[];
  groups: string[];
}

/** One page of a list, with the token to fetch the next. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** A DynamoDB attribute value as DynamoDB JSON; binary values are base64. */
export type AttributeValueJson =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: ItemJson }
  | { L: AttributeValueJson[] };

export type ItemJson = Record<string, AttributeValueJson>;

export type KeyAttributeType = 'S' | 'N' | 'B';

/** One page of a Scan, or of a Query on the partition key and an optional sort key condition. */
export type ItemRead = { limit?: number; startKey?: ItemJson } & (
  | { kind: 'scan' }
  | {
      kind: 'query';
      partitionKey: { name: string; type: KeyAttributeType; value: string };
      sortKey?: { name: string; type: KeyAttributeType; operator: '=' | '<' | '<=' | '>' | '>=' | 'begins_with' | 'between'; value: string; value2?: string };
    }
);

export interface ItemJsonPage {
  items: ItemJson[];
  lastEvaluatedKey?: ItemJson;
  scannedCount: number;
}
