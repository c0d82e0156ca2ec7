// Permissions boundaries and session policies: what they cap, and the resource-policy grants they do not.
// The rules are those of "How AWS enforcement code logic evaluates requests" (SOURCE.denyAllow), "Policy evaluation
// for requests within a single account" (SOURCE.sameAccount), "Permissions boundaries for IAM entities"
// (SOURCE.boundaries) and "Session policies" (SOURCE.sessionPolicies).
import { defaultKeyPolicy, type EvaluationRequest, type NamedPolicy, type PolicyStatement } from '../../../../src/policy';
import { A, ALICE, allowAll, allowIdentity, B, doc, EXTERNAL_USER, KEY, named, REGION, ROLE, rootStatement, SESSION, type EvaluationCase } from './helpers';
import { SOURCE } from './sources';

export const TABLE = `arn:aws:dynamodb:${REGION}:${A}:table/kms-lab`;

/** A boundary that allows only S3: it leaves DynamoDB and KMS out. */
export const s3OnlyBoundary: NamedPolicy = named('S3OnlyBoundary', { Sid: 'S3Only', Effect: 'Allow', Action: 's3:*', Resource: '*' });
const dynamoBoundary = named('DynamoBoundary', { Sid: 'Dynamo', Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' });
const kmsBoundary = named('KmsBoundary', { Sid: 'Kms', Effect: 'Allow', Action: ['kms:*', 'dynamodb:*'], Resource: '*' });
const denyScanBoundary = named('NoScanBoundary', { Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoScan', Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' });
const scanOnly = named('ScanOnlySession', { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: '*' });
const s3Session = named('S3Session', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
const denyScanSession = named('NoScanSession', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' });

function scan(partial: Partial<EvaluationRequest>): EvaluationRequest {
  return { principal: ALICE, action: 'dynamodb:Scan', resource: TABLE, identityPolicies: [], ...partial };
}

function decrypt(partial: Partial<EvaluationRequest>): EvaluationRequest {
  return { principal: ALICE, action: 'kms:Decrypt', resource: KEY, identityPolicies: [], resourcePolicy: defaultKeyPolicy(A), ...partial };
}

const tablePolicy = (principal: PolicyStatement['Principal'], extra: Partial<PolicyStatement> = {}) =>
  doc({ Sid: 'TableRead', Effect: 'Allow', Principal: principal, Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: TABLE, ...extra });
const keyPolicyNaming = (principal: string) =>
  doc({ Sid: 'KeyUser', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' });
const keyPolicyNamingWithRoot = (principal: string) => doc(rootStatement, { Sid: 'KeyUser', Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' });
const dynamoFull = allowIdentity('dynamodb:*', '*', 'AmazonDynamoDBFullAccess');
const decryptAnyKey = allowIdentity('kms:Decrypt', '*', 'DecryptAnyKey');

export const limitCases: EvaluationCase[] = [
  // ---- Permissions boundaries and identity policies: the intersection ----
  { name: 'Boundary: identity and boundary both allow', source: SOURCE.boundaries, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: dynamoBoundary }), expect: 'allowed' },
  { name: 'Boundary: an identity Allow outside the boundary does not count', source: SOURCE.boundaries, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: s3OnlyBoundary }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: AdministratorAccess is capped by the boundary too', source: SOURCE.boundaries, request: scan({ identityPolicies: [allowAll], permissionsBoundary: s3OnlyBoundary }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: a boundary grants nothing by itself', source: SOURCE.boundaries, request: scan({ permissionsBoundary: dynamoBoundary }), expect: 'implicitly-denied', reason: 'identity-does-not-allow' },
  { name: 'Boundary: an explicit Deny in the boundary denies', source: SOURCE.denyAllow, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: denyScanBoundary }), expect: 'explicitly-denied', reason: 'explicit-deny' },
  { name: 'Boundary: a Deny in the boundary for another action leaves the allow', source: SOURCE.denyAllow, request: scan({ action: 'dynamodb:GetItem', identityPolicies: [dynamoFull], permissionsBoundary: denyScanBoundary }), expect: 'allowed' },
  { name: 'Boundary: its conditions are evaluated with the request', source: SOURCE.boundaries, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: named('OfficeBoundary', { Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }), context: { 'aws:SourceIp': '198.51.100.7' } }), expect: 'implicitly-denied', reason: 'would-allow' },
  { name: 'Boundary: the same condition holds from the office', source: SOURCE.boundaries, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: named('OfficeBoundary', { Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }), context: { 'aws:SourceIp': '203.0.113.9' } }), expect: 'allowed' },
  { name: 'Boundary: a malformed boundary allows nothing', source: SOURCE.boundaries, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: { name: 'Broken', document: '{"Statement": [' } }), expect: 'implicitly-denied', reason: 'malformed-policy' },
  { name: 'Boundary: it caps a role session as it caps the role', source: SOURCE.boundaries, request: scan({ principal: SESSION, identityPolicies: [dynamoFull], permissionsBoundary: s3OnlyBoundary }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },

  // ---- Resource-based policies and the boundary, same account ----
  { name: 'Boundary: a table policy naming the user ARN is not limited by an implicit deny in the boundary', source: SOURCE.denyAllow, request: scan({ permissionsBoundary: s3OnlyBoundary, resourcePolicy: tablePolicy({ AWS: ALICE }) }), expect: 'allowed', reason: 'allowed-by-resource' },
  { name: 'Boundary: a table policy naming the role ARN is limited by the role session\'s boundary', source: SOURCE.denyAllow, request: scan({ principal: SESSION, permissionsBoundary: s3OnlyBoundary, resourcePolicy: tablePolicy({ AWS: ROLE }) }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: a table policy naming the role ARN counts when the boundary allows, without an identity policy', source: SOURCE.denyAllow, request: scan({ principal: SESSION, permissionsBoundary: dynamoBoundary, resourcePolicy: tablePolicy({ AWS: ROLE }) }), expect: 'allowed', reason: 'allowed-by-resource' },
  { name: 'Boundary: a table policy naming the role session ARN is not limited by the boundary', source: SOURCE.denyAllow, request: scan({ principal: SESSION, permissionsBoundary: s3OnlyBoundary, resourcePolicy: tablePolicy({ AWS: SESSION }) }), expect: 'allowed' },
  { name: 'Boundary: a policy naming the role, evaluated for the role itself, is limited', source: SOURCE.denyAllow, request: scan({ principal: ROLE, permissionsBoundary: s3OnlyBoundary, resourcePolicy: tablePolicy({ AWS: ROLE }) }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: Principal "*" with an aws:PrincipalArn condition is not limited', source: SOURCE.denyAllow, request: scan({ principal: SESSION, permissionsBoundary: s3OnlyBoundary, resourcePolicy: tablePolicy('*', { Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } } }) }), expect: 'allowed' },
  { name: 'Boundary: a table policy naming the account delegates to identity policies, which the boundary caps', source: SOURCE.sameAccount, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: s3OnlyBoundary, resourcePolicy: tablePolicy({ AWS: A }) }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: an explicit Deny in the boundary beats a table policy naming the user', source: SOURCE.denyAllow, request: scan({ permissionsBoundary: denyScanBoundary, resourcePolicy: tablePolicy({ AWS: ALICE }) }), expect: 'explicitly-denied' },
  { name: 'Boundary: a NotPrincipal Deny always applies to a principal with a boundary', source: SOURCE.boundaries, request: scan({ identityPolicies: [dynamoFull], permissionsBoundary: dynamoBoundary, resourcePolicy: doc({ Effect: 'Deny', NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${A}:root`] }, Action: 'dynamodb:*', Resource: TABLE }) }), expect: 'explicitly-denied' },
  { name: 'Boundary: without a boundary the same NotPrincipal Deny spares the listed user', source: SOURCE.boundaries, request: scan({ identityPolicies: [dynamoFull], resourcePolicy: doc({ Effect: 'Deny', NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${A}:root`] }, Action: 'dynamodb:*', Resource: TABLE }) }), expect: 'allowed' },

  // ---- KMS key policies and the boundary ----
  { name: 'Boundary: a key policy naming the user is not limited by the boundary', source: SOURCE.denyAllow, request: decrypt({ permissionsBoundary: s3OnlyBoundary, resourcePolicy: keyPolicyNaming(ALICE) }), expect: 'allowed', reason: 'allowed-by-resource' },
  { name: 'Boundary: the root delegation is an identity path, so the boundary caps it', source: SOURCE.denyAllow, request: decrypt({ identityPolicies: [decryptAnyKey], permissionsBoundary: dynamoBoundary }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: the root delegation with a boundary that allows kms:Decrypt', source: SOURCE.denyAllow, request: decrypt({ identityPolicies: [decryptAnyKey], permissionsBoundary: kmsBoundary }), expect: 'allowed', reason: 'resource-delegates-to-account' },
  { name: 'Boundary: a key policy naming the role is limited by the role\'s boundary', source: SOURCE.denyAllow, request: decrypt({ principal: SESSION, permissionsBoundary: dynamoBoundary, resourcePolicy: keyPolicyNamingWithRoot(ROLE) }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: a key policy naming the role session is not limited', source: SOURCE.denyAllow, request: decrypt({ principal: SESSION, permissionsBoundary: dynamoBoundary, resourcePolicy: keyPolicyNaming(SESSION) }), expect: 'allowed' },

  // ---- Session policies ----
  { name: 'Session: identity and session policy both allow', source: SOURCE.sessionPolicies, request: scan({ principal: SESSION, identityPolicies: [dynamoFull], sessionPolicies: [scanOnly] }), expect: 'allowed' },
  { name: 'Session: a session policy cannot grant more than the role\'s policies', source: SOURCE.assumeRolePermissions, request: scan({ principal: SESSION, sessionPolicies: [scanOnly] }), expect: 'implicitly-denied', reason: 'identity-does-not-allow' },
  { name: 'Session: the role\'s Allow outside the session policies does not count', source: SOURCE.sessionPolicies, request: scan({ principal: SESSION, identityPolicies: [dynamoFull], sessionPolicies: [s3Session] }), expect: 'implicitly-denied', reason: 'session-policy-does-not-allow' },
  { name: 'Session: one of several session policies allowing is enough', source: SOURCE.sessionPolicies, request: scan({ principal: SESSION, identityPolicies: [dynamoFull], sessionPolicies: [s3Session, scanOnly] }), expect: 'allowed' },
  { name: 'Session: an explicit Deny in a session policy denies', source: SOURCE.denyAllow, request: scan({ principal: SESSION, identityPolicies: [dynamoFull], sessionPolicies: [denyScanSession] }), expect: 'explicitly-denied', reason: 'explicit-deny' },
  { name: 'Session: no session policy passed means no extra limit', source: SOURCE.denyAllow, request: scan({ principal: SESSION, identityPolicies: [dynamoFull], sessionPolicies: [] }), expect: 'allowed' },
  { name: 'Session: boundary and session policy must both allow', source: SOURCE.denyAllow, request: scan({ principal: SESSION, identityPolicies: [dynamoFull], permissionsBoundary: dynamoBoundary, sessionPolicies: [s3Session] }), expect: 'implicitly-denied', reason: 'session-policy-does-not-allow' },
  { name: 'Session: a table policy naming the role is limited by the session policies', source: SOURCE.denyAllow, request: scan({ principal: SESSION, sessionPolicies: [s3Session], resourcePolicy: tablePolicy({ AWS: ROLE }) }), expect: 'implicitly-denied', reason: 'session-policy-does-not-allow' },
  { name: 'Session: a table policy naming the session is not limited by the session policies', source: SOURCE.denyAllow, request: scan({ principal: SESSION, sessionPolicies: [s3Session], resourcePolicy: tablePolicy({ AWS: SESSION }) }), expect: 'allowed' },
  { name: 'Session: a key policy naming the role is limited by the session policies', source: SOURCE.denyAllow, request: decrypt({ principal: SESSION, sessionPolicies: [scanOnly], resourcePolicy: keyPolicyNaming(ROLE) }), expect: 'implicitly-denied', reason: 'session-policy-does-not-allow' },
  { name: 'Session: the key\'s root delegation is capped by the session policies', source: SOURCE.denyAllow, request: decrypt({ principal: SESSION, identityPolicies: [decryptAnyKey], sessionPolicies: [scanOnly] }), expect: 'implicitly-denied', reason: 'session-policy-does-not-allow' },
  { name: 'Session: a key policy naming the session ignores the session policies', source: SOURCE.denyAllow, request: decrypt({ principal: SESSION, sessionPolicies: [scanOnly], resourcePolicy: keyPolicyNaming(SESSION) }), expect: 'allowed' },

  // ---- Across accounts the boundary caps the identity side, which must allow ----
  { name: 'Boundary: cross-account, a resource policy naming the user still needs the capped identity side', source: SOURCE.crossAccount, request: scan({ principal: EXTERNAL_USER, identityPolicies: [dynamoFull], permissionsBoundary: s3OnlyBoundary, resourcePolicy: tablePolicy({ AWS: EXTERNAL_USER }) }), expect: 'implicitly-denied', reason: 'boundary-does-not-allow' },
  { name: 'Boundary: cross-account, allowed when the boundary allows', source: SOURCE.crossAccount, request: scan({ principal: EXTERNAL_USER, identityPolicies: [dynamoFull], permissionsBoundary: dynamoBoundary, resourcePolicy: tablePolicy({ AWS: `arn:aws:iam::${B}:root` }) }), expect: 'allowed' },
];
