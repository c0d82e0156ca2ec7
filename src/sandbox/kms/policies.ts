// The key policies KMS writes itself: the default policy of CreateKey without Policy, and the fixed policy of
// the AWS managed key aws/dynamodb. (Kept here so the sandbox does not depend on the editor's policy builders.)
import type { PolicyDocument } from '../../policy/types';

export function defaultKeyPolicy(accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

export function awsManagedDynamoKeyPolicy(accountId: string, region: string): PolicyDocument {
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
        Condition: {
          StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `dynamodb.${region}.amazonaws.com` },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
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
