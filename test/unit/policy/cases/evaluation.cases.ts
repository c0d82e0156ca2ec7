// Evaluation logic, elements and principals, as the IAM User Guide describes them.
import type { EvaluationRequest, PolicyStatement } from '../../../../src/policy';
import {
  A, ALICE, allowAll, allowIdentity, B, BOB, doc, EXTERNAL_USER, KEY, named, QUEUE, ROLE, ROOT_A, ROOT_B, SESSION, type EvaluationCase,
} from './helpers';
import { SOURCE } from './sources';

const BUCKET = 'arn:aws:s3:::amzn-s3-demo-bucket';

function request(partial: Partial<EvaluationRequest>): EvaluationRequest {
  return { principal: ALICE, action: 's3:GetObject', resource: `${BUCKET}/report.csv`, identityPolicies: [], resourceAccount: A, ...partial };
}

function identity(statement: PolicyStatement, partial: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return request({ identityPolicies: [named('Inline', statement)], ...partial });
}

/** A queue policy (a resource policy that does not have to allow on its own, unlike a key policy). */
function queue(statements: PolicyStatement[], partial: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return { principal: ALICE, action: 'sqs:SendMessage', resource: QUEUE, identityPolicies: [], resourcePolicy: doc(...statements), ...partial };
}

const sendToQueue = (principal: PolicyStatement['Principal'], extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: 'Allow', Principal: principal, Action: 'sqs:SendMessage', Resource: QUEUE, ...extra,
});

export const evaluationCases: EvaluationCase[] = [
  // ---- The decision: explicit deny, allow, implicit deny ----
  { name: 'No policy at all: implicit deny', source: SOURCE.evaluationLogic, request: request({}), expect: 'implicitly-denied', reason: 'no-statement-allows' },
  { name: 'An identity Allow is enough in the same account without a resource policy', source: SOURCE.evaluationLogic, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` }), expect: 'allowed', reason: 'allowed-by-identity' },
  { name: 'An explicit Deny overrides an Allow in the same policy', source: SOURCE.evaluationLogic, request: request({ identityPolicies: [named('Mixed', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' })] }), expect: 'explicitly-denied', reason: 'explicit-deny' },
  { name: 'An explicit Deny in another identity policy overrides AdministratorAccess', source: SOURCE.evaluationLogic, request: request({ identityPolicies: [allowAll, named('NoS3', { Effect: 'Deny', Action: 's3:*', Resource: '*' })] }), expect: 'explicitly-denied' },
  { name: 'A Deny in the resource policy overrides an identity Allow', source: SOURCE.evaluationLogic, request: queue([{ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: QUEUE }], { identityPolicies: [allowAll] }), expect: 'explicitly-denied' },
  { name: 'A Deny whose condition does not hold does not apply', source: SOURCE.evaluationLogic, request: request({ identityPolicies: [allowAll, named('OnlyFromOffice', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })], context: { 'aws:SourceIp': '203.0.113.10' } }), expect: 'allowed' },
  { name: 'The same Deny applies from another address', source: SOURCE.evaluationLogic, request: request({ identityPolicies: [allowAll, named('OnlyFromOffice', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })], context: { 'aws:SourceIp': '198.51.100.10' } }), expect: 'explicitly-denied' },
  { name: 'An Allow for another action leaves an implicit deny', source: SOURCE.evaluationLogic, request: identity({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }), expect: 'implicitly-denied', reason: 'identity-does-not-allow' },
  { name: 'A statement given as a single object (not a list) counts', source: SOURCE.evaluationLogic, request: request({ identityPolicies: [{ name: 'Single', document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } } }] }), expect: 'allowed' },
  { name: 'An identity policy given as JSON text counts', source: SOURCE.evaluationLogic, request: request({ identityPolicies: [{ name: 'Text', document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' }] }), expect: 'allowed' },

  // ---- Action ----
  { name: 'Action names are case-insensitive', source: SOURCE.action, request: identity({ Effect: 'Allow', Action: 'S3:getobject', Resource: '*' }), expect: 'allowed' },
  { name: 'Action "*" covers every action', source: SOURCE.action, request: identity({ Effect: 'Allow', Action: '*', Resource: '*' }), expect: 'allowed' },
  { name: 'Action with a * wildcard', source: SOURCE.action, request: identity({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }), expect: 'allowed' },
  { name: 'Action with a * wildcard that does not cover the action', source: SOURCE.action, request: identity({ Effect: 'Allow', Action: 's3:Put*', Resource: '*' }), expect: 'implicitly-denied' },
  { name: 'Action with a ? wildcard', source: SOURCE.action, request: identity({ Effect: 'Allow', Action: 's3:?etObject', Resource: '*' }), expect: 'allowed' },
  { name: 'Action list: one entry covers the action', source: SOURCE.action, request: identity({ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: '*' }), expect: 'allowed' },
  { name: 'Action of another service', source: SOURCE.action, request: identity({ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }), expect: 'implicitly-denied' },

  // ---- NotAction ----
  { name: 'Allow with NotAction covers every other action', source: SOURCE.notAction, request: identity({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), expect: 'allowed' },
  { name: 'Allow with NotAction does not cover the excluded actions', source: SOURCE.notAction, request: identity({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, { action: 'iam:CreateUser', resource: `arn:aws:iam::${A}:user/x` }), expect: 'implicitly-denied' },
  { name: 'Deny with NotAction denies everything else', source: SOURCE.notAction, request: request({ identityPolicies: [allowAll, named('OnlyIam', { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' })] }), expect: 'explicitly-denied' },
  { name: 'Deny with NotAction leaves the excluded actions to the Allow', source: SOURCE.notAction, request: request({ action: 'iam:ListUsers', resource: '*', identityPolicies: [allowAll, named('OnlyIam', { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' })] }), expect: 'allowed' },

  // ---- Resource ----
  { name: 'Resource: exact ARN', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/report.csv` }), expect: 'allowed' },
  { name: 'Resource: a wildcard at the end of the resource', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` }), expect: 'allowed' },
  { name: 'Resource: another bucket', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' }), expect: 'implicitly-denied' },
  { name: 'Resource: the IAM user name is case-sensitive', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${A}:user/Bob` }, { action: 'iam:GetUser', resource: `arn:aws:iam::${A}:user/bob` }), expect: 'implicitly-denied' },
  { name: 'Resource: a wildcard region segment', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:*:${A}:key/*` }, { action: 'kms:Decrypt', resource: KEY }), expect: 'allowed' },
  { name: 'Resource: a wildcard inside a segment does not cross a colon', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-*-1:${A}:orders` }, { action: 'sqs:SendMessage', resource: `arn:aws:sqs:us-x:y-1:${A}:orders` }), expect: 'implicitly-denied' },
  { name: 'Resource: a wildcard inside a segment matches within it', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-*-1:${A}:orders` }, { action: 'sqs:SendMessage', resource: QUEUE }), expect: 'allowed' },
  { name: 'Resource: a * ending a segment may run past colons', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:*:orders' }, { action: 'sqs:SendMessage', resource: QUEUE }), expect: 'allowed' },
  { name: 'Resource: an action without resource-level permissions needs "*"', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 'kms:ListKeys', Resource: `arn:aws:kms:*:${A}:key/*` }, { action: 'kms:ListKeys', resource: '*' }), expect: 'implicitly-denied' },
  { name: 'Resource: "*" for an action without resource-level permissions', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*' }, { action: 'kms:ListKeys', resource: '*' }), expect: 'allowed' },

  // ---- NotResource ----
  { name: 'Allow with NotResource covers other resources', source: SOURCE.notResource, request: identity({ Effect: 'Allow', Action: 's3:GetObject', NotResource: `${BUCKET}/secret/*` }), expect: 'allowed' },
  { name: 'Allow with NotResource does not cover the excluded resource', source: SOURCE.notResource, request: identity({ Effect: 'Allow', Action: 's3:GetObject', NotResource: `${BUCKET}/secret/*` }, { resource: `${BUCKET}/secret/plan.txt` }), expect: 'implicitly-denied' },
  { name: 'Deny with NotResource denies every other resource', source: SOURCE.notResource, request: request({ identityPolicies: [allowAll, named('OnlyOneBucket', { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::other-bucket', 'arn:aws:s3:::other-bucket/*'] })] }), expect: 'explicitly-denied' },
  { name: 'Deny with NotResource spares the excluded resource', source: SOURCE.notResource, request: request({ resource: 'arn:aws:s3:::other-bucket/a', identityPolicies: [allowAll, named('OnlyOneBucket', { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::other-bucket', 'arn:aws:s3:::other-bucket/*'] })] }), expect: 'allowed' },

  // ---- Principal in a resource policy, same account ----
  { name: 'Principal "*" allows any caller without an identity policy', source: SOURCE.principal, request: queue([sendToQueue('*')]), expect: 'allowed', reason: 'allowed-by-resource' },
  { name: 'Principal {"AWS": "*"} is the same as "*"', source: SOURCE.principal, request: queue([sendToQueue({ AWS: '*' })]), expect: 'allowed' },
  { name: 'A resource policy naming the user allows without an identity policy', source: SOURCE.sameAccount, request: queue([sendToQueue({ AWS: ALICE })]), expect: 'allowed' },
  { name: 'A resource policy naming another user', source: SOURCE.principal, request: queue([sendToQueue({ AWS: BOB })]), expect: 'implicitly-denied' },
  { name: 'A resource policy naming the account root delegates: no identity policy, no access', source: SOURCE.principal, request: queue([sendToQueue({ AWS: ROOT_A })]), expect: 'implicitly-denied' },
  { name: 'A resource policy naming the account root, with an identity Allow', source: SOURCE.principal, request: queue([sendToQueue({ AWS: ROOT_A })], { identityPolicies: [allowIdentity('sqs:SendMessage')] }), expect: 'allowed' },
  { name: 'A bare account id names that account (cross-account, with an IAM Allow)', source: SOURCE.principal, request: queue([sendToQueue({ AWS: B })], { principal: EXTERNAL_USER, identityPolicies: [allowIdentity('sqs:SendMessage')] }), expect: 'allowed' },
  { name: 'A role ARN matches its assumed-role sessions', source: SOURCE.principal, request: queue([sendToQueue({ AWS: ROLE })], { principal: SESSION }), expect: 'allowed' },
  { name: 'A role ARN with a path matches its sessions', source: SOURCE.principal, request: queue([sendToQueue({ AWS: `arn:aws:iam::${A}:role/ops/Admin` })], { principal: SESSION }), expect: 'allowed' },
  { name: 'A session ARN matches exactly that session', source: SOURCE.principal, request: queue([sendToQueue({ AWS: SESSION })], { principal: SESSION }), expect: 'allowed' },
  { name: 'A session ARN does not match another session of the role', source: SOURCE.principal, request: queue([sendToQueue({ AWS: SESSION })], { principal: `arn:aws:sts::${A}:assumed-role/Admin/other` }), expect: 'implicitly-denied' },
  { name: 'A service principal', source: SOURCE.principal, request: queue([sendToQueue({ Service: 'sns.amazonaws.com' })], { principal: 'sns.amazonaws.com' }), expect: 'allowed' },
  { name: 'A service principal does not match a user', source: SOURCE.principal, request: queue([sendToQueue({ Service: 'sns.amazonaws.com' })]), expect: 'implicitly-denied' },
  { name: 'A unique id names the user it belongs to', source: SOURCE.principal, request: queue([sendToQueue({ AWS: 'AIDACKCEVSQ6C2EXAMPLE' })], { userId: 'AIDACKCEVSQ6C2EXAMPLE' }), expect: 'allowed' },
  { name: 'A principal ARN with a wildcard is invalid and matches nothing', source: SOURCE.principal, request: queue([sendToQueue({ AWS: `arn:aws:iam::${A}:user/*` })]), expect: 'implicitly-denied', reason: 'malformed-policy' },

  // ---- NotPrincipal ----
  ...notPrincipalCases(),

  // ---- Cross-account ----
  { name: 'Cross-account: the resource policy names the external user and their IAM policy allows', source: SOURCE.crossAccount, request: queue([sendToQueue({ AWS: EXTERNAL_USER })], { principal: EXTERNAL_USER, identityPolicies: [allowIdentity('sqs:SendMessage')] }), expect: 'allowed' },
  { name: 'Cross-account: the resource policy names the external user but no IAM policy allows', source: SOURCE.crossAccount, request: queue([sendToQueue({ AWS: EXTERNAL_USER })], { principal: EXTERNAL_USER }), expect: 'implicitly-denied', reason: 'identity-does-not-allow' },
  { name: 'Cross-account: an IAM Allow without the resource policy', source: SOURCE.crossAccount, request: queue([sendToQueue({ AWS: ALICE })], { principal: EXTERNAL_USER, identityPolicies: [allowAll] }), expect: 'implicitly-denied', reason: 'resource-does-not-allow' },
  { name: 'Cross-account: the resource policy names the external account and the IAM policy allows', source: SOURCE.crossAccount, request: queue([sendToQueue({ AWS: ROOT_B })], { principal: EXTERNAL_USER, identityPolicies: [allowIdentity('sqs:*')] }), expect: 'allowed' },
  { name: 'Cross-account: no resource policy at all', source: SOURCE.crossAccount, request: { principal: EXTERNAL_USER, action: 'sqs:SendMessage', resource: QUEUE, identityPolicies: [allowAll] }, expect: 'implicitly-denied', reason: 'resource-does-not-allow' },
  { name: 'Cross-account: Principal "*" still needs the IAM Allow', source: SOURCE.crossAccount, request: queue([sendToQueue('*')], { principal: EXTERNAL_USER }), expect: 'implicitly-denied' },

  // ---- Policy variables ----
  { name: 'Variable ${aws:username} in Resource matches the user\'s own folder', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` }, { resource: `${BUCKET}/home/alice/notes.txt` }), expect: 'allowed' },
  { name: 'Variable ${aws:username} does not match another user\'s folder', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` }, { principal: BOB, resource: `${BUCKET}/home/alice/notes.txt` }), expect: 'implicitly-denied' },
  { name: 'Variable with no value (a role session has no aws:username) invalidates the statement', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` }, { principal: SESSION, resource: `${BUCKET}/home/alice/notes.txt` }), expect: 'implicitly-denied' },
  { name: 'Variable default value when the key has no value', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username, 'shared'}/*` }, { principal: SESSION, resource: `${BUCKET}/home/shared/notes.txt` }), expect: 'allowed' },
  { name: 'A Deny with a variable that has no value does not apply', source: SOURCE.variables, request: request({ principal: SESSION, identityPolicies: [allowAll, named('DenyOthers', { Effect: 'Deny', Action: 's3:GetObject', NotResource: `${BUCKET}/home/\${aws:username}/*` })] }), expect: 'allowed', reason: 'malformed-policy' },
  { name: '${*} is a literal asterisk', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${*}` }, { resource: `${BUCKET}/report.csv` }), expect: 'implicitly-denied' },
  { name: '${*} matches an object literally named *', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${*}` }, { resource: `${BUCKET}/*` }), expect: 'allowed' },
  { name: '${?} is a literal question mark', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/why\${?}` }, { resource: `${BUCKET}/whyX` }), expect: 'implicitly-denied' },
  { name: '${$} is a literal dollar sign', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${$}price` }, { resource: `${BUCKET}/$price` }), expect: 'allowed' },
  { name: 'Variable ${aws:PrincipalAccount} in a condition', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '${aws:PrincipalAccount}' } } }, { action: 'kms:Decrypt', resource: '*' }), expect: 'allowed' },
  { name: 'Variable ${aws:userid} in Resource', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:userid}/*` }, { userId: 'AIDACKCEVSQ6C2EXAMPLE', resource: `${BUCKET}/AIDACKCEVSQ6C2EXAMPLE/a` }), expect: 'allowed' },
  { name: 'Variable ${aws:PrincipalArn} in an ARN condition', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { ArnEquals: { 'aws:SourceArn': '${aws:PrincipalArn}' } } }, { action: 'sqs:SendMessage', resource: QUEUE, context: { 'aws:SourceArn': ALICE } }), expect: 'allowed' },
  { name: 'Variable names are case-insensitive', source: SOURCE.variables, request: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${AWS:UserName}/*` }, { resource: `${BUCKET}/home/alice/a` }), expect: 'allowed' },
  { name: 'Version 2008-10-17 reads ${aws:username} as plain text', source: SOURCE.version, request: request({ resource: `${BUCKET}/home/alice/a`, identityPolicies: [{ name: 'Old', document: { Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` }] } }] }), expect: 'implicitly-denied' },
  { name: 'No Version reads ${aws:username} as plain text', source: SOURCE.version, request: request({ resource: `${BUCKET}/home/\${aws:username}/a`, identityPolicies: [{ name: 'NoVersion', document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:username}/*` }] } }] }), expect: 'allowed' },

  // ---- Malformed input: never a throw, never a match ----
  { name: 'Effect must be exactly "Allow"', source: SOURCE.effect, request: identity({ Effect: 'allow', Action: '*', Resource: '*' }), expect: 'implicitly-denied', reason: 'malformed-policy' },
  { name: 'A malformed Deny does not deny', source: SOURCE.effect, request: request({ identityPolicies: [allowAll, named('Broken', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'alice' } } })] }), expect: 'allowed', reason: 'malformed-policy' },
  { name: 'An identity policy cannot have a Principal', source: SOURCE.principal, request: identity({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }), expect: 'implicitly-denied', reason: 'malformed-policy' },
  { name: 'Action and NotAction together are malformed', source: SOURCE.notAction, request: identity({ Effect: 'Allow', Action: '*', NotAction: 'iam:*', Resource: '*' }), expect: 'implicitly-denied', reason: 'malformed-policy' },
  { name: 'An identity statement needs a Resource', source: SOURCE.resource, request: identity({ Effect: 'Allow', Action: '*' }), expect: 'implicitly-denied', reason: 'malformed-policy' },
  { name: 'An unknown Version invalidates the policy', source: SOURCE.version, request: request({ identityPolicies: [{ name: 'Future', document: { Version: '2030-01-01', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] }), expect: 'implicitly-denied', reason: 'malformed-policy' },
  { name: 'Policy text that is not JSON', source: SOURCE.evaluationLogic, request: request({ identityPolicies: [{ name: 'Garbage', document: '{"Version": "2012-10-17", "Statement": [' }] }), expect: 'implicitly-denied', reason: 'malformed-policy' },
];

function notPrincipalCases(): EvaluationCase[] {
  const deny = (notPrincipal: string[]): PolicyStatement => ({ Effect: 'Deny', NotPrincipal: { AWS: notPrincipal }, Action: 'sqs:*', Resource: QUEUE });
  const allowed = sendToQueue({ AWS: ROOT_A });
  const withIam = { identityPolicies: [allowIdentity('sqs:*')] };
  return [
    { name: 'NotPrincipal with Deny: the listed user (with their account) is spared', source: SOURCE.notPrincipal, request: queue([allowed, deny([BOB, ROOT_A])], { principal: BOB, ...withIam }), expect: 'allowed' },
    { name: 'NotPrincipal with Deny: everyone else is denied', source: SOURCE.notPrincipal, request: queue([allowed, deny([BOB, ROOT_A])], withIam), expect: 'explicitly-denied' },
    { name: 'NotPrincipal with Deny: listing the user without their account denies them too', source: SOURCE.notPrincipal, request: queue([allowed, deny([BOB])], { principal: BOB, ...withIam }), expect: 'explicitly-denied' },
    { name: 'NotPrincipal with Deny: a session spared with its role and account', source: SOURCE.notPrincipal, request: queue([allowed, deny([SESSION, ROLE, ROOT_A])], { principal: SESSION, ...withIam }), expect: 'allowed' },
    { name: 'NotPrincipal with Deny: a session without its role listed is denied', source: SOURCE.notPrincipal, request: queue([allowed, deny([SESSION, ROOT_A])], { principal: SESSION, ...withIam }), expect: 'explicitly-denied' },
    { name: 'NotPrincipal with Allow is not supported and grants nothing', source: SOURCE.notPrincipal, request: queue([{ Effect: 'Allow', NotPrincipal: { AWS: BOB }, Action: 'sqs:*', Resource: QUEUE }]), expect: 'implicitly-denied', reason: 'malformed-policy' },
  ];
}
