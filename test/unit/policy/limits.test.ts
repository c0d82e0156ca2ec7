// What a denial by a permissions boundary or a session policy says: AWS's AccessDenied wording
// (IAM User Guide, "Troubleshoot access denied error messages") and explain()'s plain words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessDeniedMessage, defaultKeyPolicy, evaluate, explain, type EvaluationRequest } from '../../../src/policy';
import { A, ALICE, allowIdentity, doc, KEY, named, ROLE, SESSION } from './cases/helpers';
import { s3OnlyBoundary, TABLE } from './cases/limits.cases';
import { SOURCE } from './cases/sources';

const dynamoFull = allowIdentity('dynamodb:*', '*', 'AmazonDynamoDBFullAccess');
const scan = (partial: Partial<EvaluationRequest>): EvaluationRequest => ({ principal: ALICE, action: 'dynamodb:Scan', resource: TABLE, identityPolicies: [dynamoFull], ...partial });
const head = (who: string, action = 'dynamodb:Scan', resource = TABLE) => `User: ${who} is not authorized to perform: ${action} on resource: ${resource}`;

test(`a boundary that leaves the action out: "because no permissions boundary allows" (${SOURCE.accessDeniedMessages})`, () => {
  const result = evaluate(scan({ permissionsBoundary: s3OnlyBoundary }));
  assert.equal(result.details?.noAllowIn, 'boundary');
  assert.equal(accessDeniedMessage(result), `${head(ALICE)} because no permissions boundary allows the dynamodb:Scan action`);
});

test('a Deny in the boundary: "with an explicit deny in a permissions boundary"', () => {
  const boundary = named('Guard', { Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoScan', Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' });
  const result = evaluate(scan({ permissionsBoundary: boundary }));
  assert.equal(accessDeniedMessage(result), `${head(ALICE)} with an explicit deny in a permissions boundary`);
  assert.deepEqual(explain(result), ["The permissions boundary Guard explicitly denies dynamodb:Scan to user/alice in its statement 'NoScan'. An explicit deny overrides every allow."]);
  assert.equal(result.reasons[0].statement?.kind, 'boundary');
});

test('session policies: "because no session policy allows" and "with an explicit deny in a session policy"', () => {
  const none = evaluate(scan({ principal: SESSION, sessionPolicies: [named('ReadS3', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })] }));
  assert.equal(accessDeniedMessage(none), `${head(SESSION)} because no session policy allows the dynamodb:Scan action`);
  const denied = evaluate(scan({ principal: SESSION, sessionPolicies: [named('NoScan', { Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' })] }));
  assert.equal(accessDeniedMessage(denied), `${head(SESSION)} with an explicit deny in a session policy`);
});

test('explain() says in plain words that the permissions boundary does not allow the action', () => {
  const result = evaluate(scan({ permissionsBoundary: s3OnlyBoundary }));
  const sentences = explain(result, { principalLabel: 'kms-lab-test-user', resourceLabel: 'kms-lab' });
  assert.equal(sentences.length, 1);
  assert.match(sentences[0], /^kms-lab-test-user's IAM policy AmazonDynamoDBFullAccess \(statement #1\) allows dynamodb:Scan, but the permissions boundary S3OnlyBoundary does not allow dynamodb:Scan/);
  assert.ok(result.reasons.some((r) => r.kind === 'boundary-does-not-allow' && r.message.includes('S3OnlyBoundary')));
});

test('explain() of a key whose root statement delegates, capped by the boundary, names both steps', () => {
  const result = evaluate({ principal: ALICE, action: 'kms:Decrypt', resource: KEY, resourcePolicy: defaultKeyPolicy(A), identityPolicies: [allowIdentity('kms:Decrypt', '*', 'UseKeys')], permissionsBoundary: s3OnlyBoundary });
  assert.equal(result.decision, 'implicitly-denied');
  assert.deepEqual(explain(result, { resourceLabel: 'alias/kms-lab' }), [
    "The key policy of alias/kms-lab lets IAM policies grant access (statement 'Enable IAM User Permissions'), and user/alice's IAM policy UseKeys (statement #1) allows kms:Decrypt, but the permissions boundary S3OnlyBoundary does not allow kms:Decrypt, and that caps what IAM policies can grant.",
  ]);
});

test('explain() of a grant to the role that the session policies cut off', () => {
  const result = evaluate({
    principal: SESSION, action: 'kms:Decrypt', resource: KEY, identityPolicies: [],
    resourcePolicy: doc({ Sid: 'RoleUse', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' }),
    sessionPolicies: [named('OnlyS3', { Effect: 'Allow', Action: 's3:*', Resource: '*' })],
  });
  assert.equal(result.decision, 'implicitly-denied');
  assert.deepEqual(result.details?.resourceRoleAllows?.map((r) => r.sid), ['RoleUse']);
  const [sentence] = explain(result, { resourceLabel: 'alias/kms-lab' });
  assert.match(sentence, /allows kms:Decrypt to the role in its statement 'RoleUse', but a grant that names the role \(not this session\) is limited too, and no session policy of this session \(OnlyS3\) allows kms:Decrypt/);
});

test('allowed by a grant naming the user directly, explain() says the boundary does not limit it', () => {
  const result = evaluate(scan({ identityPolicies: [], permissionsBoundary: s3OnlyBoundary, resourcePolicy: doc({ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'dynamodb:Scan', Resource: TABLE }) }));
  assert.equal(result.decision, 'allowed');
  const sentences = explain(result);
  assert.match(sentences.at(-1) ?? '', /The permissions boundary S3OnlyBoundary does not allow dynamodb:Scan, but it does not limit a grant that names user\/alice directly/);
});

test('allowed within a boundary: the details name the boundary statement that allowed', () => {
  const result = evaluate(scan({ permissionsBoundary: named('DynamoBoundary', { Sid: 'Dynamo', Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }) }));
  assert.equal(result.decision, 'allowed');
  assert.equal(result.details?.boundaryName, 'DynamoBoundary');
  assert.deepEqual(result.details?.boundaryAllows?.map((r) => r.sid), ['Dynamo']);
  assert.match(explain(result).at(-1) ?? '', /within the permissions boundary DynamoBoundary \(statement 'Dynamo'\)/);
});
