// Key policies AWS writes itself: the CreateKey default, the console's statements, and the aws/dynamodb key's policy.
import type { PolicyDocument, PolicyStatement } from './types';

export const SID_ROOT = 'Enable IAM User Permissions';
export const SID_ADMINISTRATORS = 'Allow access for Key Administrators';
export const SID_USE = 'Allow use of the key';
export const SID_PERSISTENT_RESOURCES = 'Allow attachment of persistent resources';

export const ADMINISTRATOR_ACTIONS: readonly string[] = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
];
export const ADMINISTRATOR_DELETION_ACTIONS: readonly string[] = ['kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'];
export const USER_ACTIONS: readonly string[] = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
export const PERSISTENT_RESOURCE_ACTIONS: readonly string[] = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

function rootArn(accountId: string, partition: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** The policy GetKeyPolicy returns for a key created without one. */
export function defaultKeyPolicy(accountId: string, partition = 'aws'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [{ Sid: SID_ROOT, Effect: 'Allow', Principal: { AWS: rootArn(accountId, partition) }, Action: 'kms:*', Resource: '*' }],
  };
}

export function administratorsStatement(principals: string | string[], allowDeletion = true): PolicyStatement {
  return {
    Sid: SID_ADMINISTRATORS,
    Effect: 'Allow',
    Principal: { AWS: principals },
    Action: [...ADMINISTRATOR_ACTIONS, ...(allowDeletion ? ADMINISTRATOR_DELETION_ACTIONS : [])],
    Resource: '*',
  };
}

export function useStatement(principals: string | string[]): PolicyStatement {
  return { Sid: SID_USE, Effect: 'Allow', Principal: { AWS: principals }, Action: [...USER_ACTIONS], Resource: '*' };
}

export function persistentResourcesStatement(principals: string | string[]): PolicyStatement {
  return {
    Sid: SID_PERSISTENT_RESOURCES,
    Effect: 'Allow',
    Principal: { AWS: principals },
    Action: [...PERSISTENT_RESOURCE_ACTIONS],
    Resource: '*',
    Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  };
}

export interface ConsoleKeyPolicyOptions {
  administrators?: string[];
  users?: string[];
  /** "Allow key administrators to delete this key" (default true). */
  allowDeletion?: boolean;
  partition?: string;
}

/** What the console writes for a new symmetric key: the root statement, then administrators and users when chosen. */
export function consoleKeyPolicy(accountId: string, options: ConsoleKeyPolicyOptions = {}): PolicyDocument {
  const one = (list: string[]) => (list.length === 1 ? list[0] : list);
  const statements: PolicyStatement[] = [(defaultKeyPolicy(accountId, options.partition).Statement as PolicyStatement[])[0]];
  const administrators = options.administrators ?? [];
  const users = options.users ?? [];
  if (administrators.length > 0) statements.push(administratorsStatement(one(administrators), options.allowDeletion ?? true));
  if (users.length > 0) statements.push(useStatement(one(users)), persistentResourcesStatement(one(users)));
  return { Version: '2012-10-17', Id: 'key-consolepolicy-3', Statement: statements };
}

/**
 * The policy AWS attaches to the AWS managed key aws/dynamodb (AWS KMS Developer Guide, "How Amazon DynamoDB uses
 * AWS KMS"): any principal of the account may use it, but only through DynamoDB in that region.
 */
export function awsManagedDynamoKeyPolicy(accountId: string, region: string, partition = 'aws'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'auto-dynamodb-1',
    Statement: [
      {
        Sid: 'Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: rootArn(accountId, partition) },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
      {
        Sid: 'Allow DynamoDB Service with service principal name dynamodb.amazonaws.com to describe the key directly',
        Effect: 'Allow',
        Principal: { Service: 'dynamodb.amazonaws.com' },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
        Resource: '*',
      },
    ],
  };
}
