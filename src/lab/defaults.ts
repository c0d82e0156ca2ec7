// What the lab creates when a person accepts the defaults, and how long it waits for AWS.

export const LAB_TAG = { key: 'kms-lab', value: 'true' } as const;

export const DEFAULT_NAMES = {
  keyAlias: 'alias/kms-lab',
  tableName: 'kms-lab-table',
  testUserName: 'kms-lab-test-user',
} as const;

export const PARTITION_KEY = 'id';

export const SAMPLE_ITEM = { id: 'lab-item-1', message: 'Encrypted at rest with the lab key' } as const;

/** What AWS's console calls "full access" to DynamoDB: dynamodb:*, but only kms:DescribeKey and kms:ListAliases. */
export const DYNAMODB_FULL_ACCESS_ARN = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';

export const KEY_DESCRIPTION = 'KMS Lab: encrypts the lab table (created by the KMS Lab extension)';

/** The shortest window KMS allows before a scheduled key deletion. */
export const KEY_DELETION_WINDOW_DAYS = 7;

/** Eventual consistency on real AWS: how long to retry before calling a check failed. */
export const WAIT = {
  /** A new access key can take several seconds before AWS accepts it. */
  newAccessKeyMs: { aws: 90_000, other: 10_000 },
  /** A key policy change can take a moment to apply everywhere. */
  policyChangeMs: { aws: 60_000, other: 0 },
  tableActiveMs: 5 * 60_000,
} as const;
