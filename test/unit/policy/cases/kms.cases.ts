// KMS key policies: the key policy must allow, by naming the caller or by delegating to the account.
import {
  awsManagedDynamoKeyPolicy, consoleKeyPolicy, defaultKeyPolicy, type EvaluationRequest, type PolicyStatement,
} from '../../../../src/policy';
import {
  A, ALICE, allowAll, allowIdentity, B, BOB, doc, EXTERNAL_USER, KEY, named, OTHER_KEY, REGION, ROLE, ROOT_A, ROOT_B, rootStatement, SESSION,
  type EvaluationCase,
} from './helpers';
import { SOURCE } from './sources';

function onKey(partial: Partial<EvaluationRequest>): EvaluationRequest {
  return { principal: ALICE, action: 'kms:Decrypt', resource: KEY, identityPolicies: [], resourcePolicy: defaultKeyPolicy(A), ...partial };
}

const decryptOnKey = allowIdentity('kms:Decrypt', KEY, 'DecryptThisKey');
const viaDynamo = { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com` };
const namesAlice = (extra: Partial<PolicyStatement> = {}): PolicyStatement => ({ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*', ...extra });
const console = consoleKeyPolicy(A, { administrators: [ROLE], users: [BOB] });
const dynamoKey = awsManagedDynamoKeyPolicy(A, REGION);

const trust = (principal: PolicyStatement['Principal']) => doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
const assume = (partial: Partial<EvaluationRequest>): EvaluationRequest => ({ principal: ALICE, action: 'sts:AssumeRole', resource: ROLE, identityPolicies: [], ...partial });

export const kmsCases: EvaluationCase[] = [
  // ---- The default key policy delegates to IAM ----
  { name: 'Default key policy: an IAM policy allowing kms:Decrypt on the key is enough', source: SOURCE.kmsDefault, request: onKey({ identityPolicies: [decryptOnKey] }), expect: 'allowed', reason: 'resource-delegates-to-account' },
  { name: 'Default key policy: without an IAM policy the user is denied', source: SOURCE.kmsDefault, request: onKey({}), expect: 'implicitly-denied', reason: 'identity-does-not-allow' },
  { name: 'Default key policy: an IAM policy for another key does not help', source: SOURCE.kmsIamPolicies, request: onKey({ identityPolicies: [allowIdentity('kms:Decrypt', OTHER_KEY)] }), expect: 'implicitly-denied' },
  { name: 'Default key policy: the root statement grants nothing by itself to a user', source: SOURCE.kmsDefault, request: onKey({ principal: BOB }), expect: 'implicitly-denied' },
  { name: 'Default key policy: the account root user may use the key', source: SOURCE.denyAllow, request: onKey({ principal: ROOT_A }), expect: 'allowed' },
  { name: 'Default key policy: AdministratorAccess is enough', source: SOURCE.kmsDefault, request: onKey({ identityPolicies: [allowAll] }), expect: 'allowed' },
  { name: 'Delegation by a bare account id works like the root ARN', source: SOURCE.kmsKeyPolicies, request: onKey({ resourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: A }, Action: 'kms:*', Resource: '*' }), identityPolicies: [decryptOnKey] }), expect: 'allowed' },

  // ---- Without delegation only the key policy counts ----
  { name: 'No root statement: IAM policies do not count, even AdministratorAccess', source: SOURCE.kmsDetermining, request: onKey({ resourcePolicy: doc(namesAlice({ Principal: { AWS: BOB } })), identityPolicies: [allowAll] }), expect: 'implicitly-denied', reason: 'resource-does-not-allow' },
  { name: 'A key policy naming the user allows without any IAM policy', source: SOURCE.kmsDetermining, request: onKey({ resourcePolicy: doc(namesAlice()) }), expect: 'allowed', reason: 'allowed-by-resource' },
  { name: 'A key policy naming the user for another action', source: SOURCE.kmsDetermining, request: onKey({ action: 'kms:Encrypt', resourcePolicy: doc(namesAlice()) }), expect: 'implicitly-denied' },
  { name: 'A key policy naming the role allows its sessions', source: SOURCE.kmsKeyPolicies, request: onKey({ principal: SESSION, resourcePolicy: doc(namesAlice({ Principal: { AWS: ROLE } })) }), expect: 'allowed' },
  { name: 'The root user is denied when the key policy does not name the account', source: SOURCE.kmsDefault, request: onKey({ principal: ROOT_A, resourcePolicy: doc(namesAlice()) }), expect: 'implicitly-denied' },
  { name: 'Principal "*" in a key policy allows everyone in the account', source: SOURCE.kmsKeyPolicies, request: onKey({ resourcePolicy: doc(namesAlice({ Principal: { AWS: '*' } })) }), expect: 'allowed' },
  { name: 'Key policy Resource may name the key itself', source: SOURCE.kmsKeyPolicies, request: onKey({ resourcePolicy: doc(namesAlice({ Resource: KEY })) }), expect: 'allowed' },
  { name: 'Key policy action wildcard kms:* covers kms:Decrypt', source: SOURCE.kmsKeyPolicies, request: onKey({ resourcePolicy: doc(namesAlice({ Action: 'kms:*' })) }), expect: 'allowed' },

  // ---- Explicit deny wins, wherever it is ----
  { name: 'A Deny in the key policy overrides AdministratorAccess', source: SOURCE.kmsDetermining, request: onKey({ resourcePolicy: doc(rootStatement, { Effect: 'Deny', Principal: { AWS: ALICE }, Action: 'kms:Decrypt', Resource: '*' }), identityPolicies: [allowAll] }), expect: 'explicitly-denied' },
  { name: 'An IAM Deny overrides a key policy that names the user', source: SOURCE.kmsDetermining, request: onKey({ resourcePolicy: doc(namesAlice()), identityPolicies: [named('NoKms', { Effect: 'Deny', Action: 'kms:*', Resource: '*' })] }), expect: 'explicitly-denied' },
  { name: 'A key policy Deny to "*" without condition denies the root user too', source: SOURCE.kmsDetermining, request: onKey({ principal: ROOT_A, resourcePolicy: doc(rootStatement, { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }) }), expect: 'explicitly-denied' },
  { name: 'A key policy Deny naming the account applies to its users', source: SOURCE.notPrincipal, request: onKey({ resourcePolicy: doc(rootStatement, { Effect: 'Deny', Principal: { AWS: ROOT_A }, Action: 'kms:Decrypt', Resource: '*' }), identityPolicies: [allowAll] }), expect: 'explicitly-denied' },

  // ---- kms:ViaService and kms:CallerAccount ----
  { name: 'kms:ViaService: the request comes through DynamoDB', source: SOURCE.kmsViaService, request: onKey({ context: viaDynamo, resourcePolicy: doc(namesAlice({ Condition: { StringEquals: viaDynamo } })) }), expect: 'allowed' },
  { name: 'kms:ViaService: a direct call does not carry it', source: SOURCE.kmsViaService, request: onKey({ resourcePolicy: doc(namesAlice({ Condition: { StringEquals: viaDynamo } })) }), expect: 'implicitly-denied', reason: 'would-allow' },
  { name: 'kms:ViaService: another service', source: SOURCE.kmsViaService, request: onKey({ context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }, resourcePolicy: doc(namesAlice({ Condition: { StringEquals: viaDynamo } })) }), expect: 'implicitly-denied' },
  { name: 'kms:CallerAccount: a caller of the account', source: SOURCE.kmsCallerAccount, request: onKey({ resourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': A } } }) }), expect: 'allowed' },
  { name: 'kms:CallerAccount: a caller of another account', source: SOURCE.kmsCallerAccount, request: onKey({ principal: EXTERNAL_USER, identityPolicies: [allowAll], resourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': A } } }) }), expect: 'implicitly-denied' },

  // ---- The aws/dynamodb key ----
  { name: 'aws/dynamodb: any principal of the account may decrypt through DynamoDB', source: SOURCE.kmsDynamoDb, request: onKey({ principal: BOB, context: viaDynamo, resourcePolicy: dynamoKey }), expect: 'allowed' },
  { name: 'aws/dynamodb: a role session may decrypt through DynamoDB', source: SOURCE.kmsDynamoDb, request: onKey({ principal: SESSION, context: viaDynamo, resourcePolicy: dynamoKey }), expect: 'allowed' },
  { name: 'aws/dynamodb: DynamoDB may create grants for the caller', source: SOURCE.kmsDynamoDb, request: onKey({ action: 'kms:CreateGrant', context: viaDynamo, resourcePolicy: dynamoKey }), expect: 'allowed' },
  { name: 'aws/dynamodb: no direct Decrypt, even with AdministratorAccess', source: SOURCE.kmsDynamoDb, request: onKey({ resourcePolicy: dynamoKey, identityPolicies: [allowAll] }), expect: 'implicitly-denied' },
  { name: 'aws/dynamodb: DynamoDB in another region', source: SOURCE.kmsDynamoDb, request: onKey({ context: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' }, resourcePolicy: dynamoKey }), expect: 'implicitly-denied' },
  { name: 'aws/dynamodb: a caller from another account, even through DynamoDB', source: SOURCE.kmsDynamoDb, request: onKey({ principal: EXTERNAL_USER, context: viaDynamo, identityPolicies: [allowAll], resourcePolicy: dynamoKey }), expect: 'implicitly-denied' },
  { name: 'aws/dynamodb: the account may describe the key directly through IAM', source: SOURCE.kmsDynamoDb, request: onKey({ action: 'kms:DescribeKey', identityPolicies: [allowIdentity('kms:DescribeKey')], resourcePolicy: dynamoKey }), expect: 'allowed' },
  { name: 'aws/dynamodb: the account may not schedule its deletion', source: SOURCE.kmsDynamoDb, request: onKey({ action: 'kms:ScheduleKeyDeletion', identityPolicies: [allowAll], resourcePolicy: dynamoKey }), expect: 'implicitly-denied' },
  { name: 'aws/dynamodb: DynamoDB itself may describe the key', source: SOURCE.kmsDynamoDb, request: onKey({ principal: 'dynamodb.amazonaws.com', action: 'kms:DescribeKey', resourcePolicy: dynamoKey }), expect: 'allowed' },

  // ---- The console's statements ----
  { name: 'Console policy: a key user may decrypt', source: SOURCE.kmsDefault, request: onKey({ principal: BOB, resourcePolicy: console }), expect: 'allowed' },
  { name: 'Console policy: a key administrator may change the key policy', source: SOURCE.kmsDefault, request: onKey({ principal: SESSION, action: 'kms:PutKeyPolicy', resourcePolicy: console }), expect: 'allowed' },
  { name: 'Console policy: a key administrator may not decrypt by the key policy alone', source: SOURCE.kmsDefault, request: onKey({ principal: SESSION, resourcePolicy: console }), expect: 'implicitly-denied' },
  { name: 'kms:CreateKey is decided by IAM alone (there is no key policy yet)', source: SOURCE.kmsPermissions, request: { principal: ALICE, action: 'kms:CreateKey', resource: '*', identityPolicies: [allowIdentity('kms:CreateKey')] }, expect: 'allowed' },
  { name: 'Console policy: a key user may create a grant for an AWS resource', source: SOURCE.kmsDefault, request: onKey({ principal: BOB, action: 'kms:CreateGrant', context: { 'kms:GrantIsForAWSResource': 'true' }, resourcePolicy: console }), expect: 'allowed' },
  { name: 'Console policy: a key user may not create a grant for themselves', source: SOURCE.kmsDefault, request: onKey({ principal: BOB, action: 'kms:CreateGrant', resourcePolicy: console }), expect: 'implicitly-denied' },
  { name: 'Console policy: a JSON boolean in kms:GrantIsForAWSResource works the same', source: SOURCE.kmsDefault, request: onKey({ principal: BOB, action: 'kms:CreateGrant', context: { 'kms:GrantIsForAWSResource': 'true' }, resourcePolicy: doc({ Effect: 'Allow', Principal: { AWS: BOB }, Action: 'kms:CreateGrant', Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': true } } }) }), expect: 'allowed' },
  { name: 'kms:ListAliases is decided by IAM alone', source: SOURCE.kmsPermissions, request: { principal: ALICE, action: 'kms:ListAliases', resource: '*', identityPolicies: [allowIdentity('kms:ListAliases')] }, expect: 'allowed' },

  // ---- Other accounts ----
  { name: 'Cross-account: the key policy names the external account and its IAM policy allows', source: SOURCE.kmsExternalAccounts, request: onKey({ principal: EXTERNAL_USER, resourcePolicy: doc(rootStatement, { Effect: 'Allow', Principal: { AWS: ROOT_B }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }), identityPolicies: [decryptOnKey] }), expect: 'allowed' },
  { name: 'Cross-account: the key policy names the external user but their account grants nothing', source: SOURCE.kmsExternalAccounts, request: onKey({ principal: EXTERNAL_USER, resourcePolicy: doc(rootStatement, { Effect: 'Allow', Principal: { AWS: EXTERNAL_USER }, Action: 'kms:Decrypt', Resource: '*' }) }), expect: 'implicitly-denied' },
  { name: 'Cross-account: the key policy names the external user and their IAM policy allows', source: SOURCE.kmsExternalAccounts, request: onKey({ principal: EXTERNAL_USER, resourcePolicy: doc(rootStatement, { Effect: 'Allow', Principal: { AWS: EXTERNAL_USER }, Action: 'kms:Decrypt', Resource: '*' }), identityPolicies: [decryptOnKey] }), expect: 'allowed' },
  { name: 'Cross-account: IAM alone is not enough', source: SOURCE.kmsExternalAccounts, request: onKey({ principal: EXTERNAL_USER, identityPolicies: [allowAll] }), expect: 'implicitly-denied', reason: 'resource-does-not-allow' },
  { name: 'Cross-account: IAM may not grant more than the key policy allows', source: SOURCE.kmsExternalAccounts, request: onKey({ principal: EXTERNAL_USER, action: 'kms:Encrypt', resourcePolicy: doc(rootStatement, { Effect: 'Allow', Principal: { AWS: ROOT_B }, Action: 'kms:Decrypt', Resource: '*' }), identityPolicies: [allowAll] }), expect: 'implicitly-denied' },
  { name: 'Cross-account: kms:ScheduleKeyDeletion cannot be granted to another account', source: SOURCE.kmsPermissions, request: onKey({ principal: EXTERNAL_USER, action: 'kms:ScheduleKeyDeletion', resourcePolicy: doc(rootStatement, { Effect: 'Allow', Principal: { AWS: ROOT_B }, Action: 'kms:*', Resource: '*' }), identityPolicies: [allowAll] }), expect: 'implicitly-denied' },
  { name: 'Cross-account: kms:DescribeKey can be granted to another account', source: SOURCE.kmsPermissions, request: onKey({ principal: EXTERNAL_USER, action: 'kms:DescribeKey', resourcePolicy: doc(rootStatement, { Effect: 'Allow', Principal: { AWS: B }, Action: 'kms:*', Resource: '*' }), identityPolicies: [allowAll] }), expect: 'allowed' },

  // ---- Role trust policies must allow too ----
  { name: 'Trust policy naming the user lets them assume the role without an IAM policy', source: SOURCE.sameAccount, request: assume({ resourcePolicy: trust({ AWS: ALICE }) }), expect: 'allowed' },
  { name: 'Trust policy naming the account: the user also needs an IAM Allow', source: SOURCE.roleTrust, request: assume({ resourcePolicy: trust({ AWS: ROOT_A }) }), expect: 'implicitly-denied' },
  { name: 'Trust policy naming the account, with an IAM Allow', source: SOURCE.roleTrust, request: assume({ resourcePolicy: trust({ AWS: ROOT_A }), identityPolicies: [allowIdentity('sts:AssumeRole', ROLE)] }), expect: 'allowed' },
  { name: 'Trust policy naming a service: AdministratorAccess cannot assume the role', source: SOURCE.roleTrust, request: assume({ resourcePolicy: trust({ Service: 'ec2.amazonaws.com' }), identityPolicies: [allowAll] }), expect: 'implicitly-denied' },
  { name: 'Key policy given as JSON text', source: SOURCE.kmsKeyPolicies, request: onKey({ resourcePolicy: JSON.stringify(doc(namesAlice())) }), expect: 'allowed' },
  { name: 'A malformed key policy grants nothing', source: SOURCE.kmsKeyPolicies, request: onKey({ resourcePolicy: '{"Statement": [ {"Effect": "Allow", ', identityPolicies: [allowAll] }), expect: 'implicitly-denied', reason: 'malformed-policy' },
];
