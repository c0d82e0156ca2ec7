// Service control policies and resource control policies in the engine, and which of them bound a request.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accessDeniedMessage, evaluate, explain, resourceControlsFor, serviceControlsFor, type EvaluationRequest, type NamedPolicy, type OrganizationView, type PolicyDocument } from '../../../src/policy';

const ORGS = 'https://docs.aws.amazon.com/organizations/latest/userguide';
const PAGE = {
  scp: `${ORGS}/orgs_manage_policies_scps.html`,
  scpEvaluation: `${ORGS}/orgs_manage_policies_scps_evaluation.html`,
  rcp: `${ORGS}/orgs_manage_policies_rcps.html`,
  kmsRcp: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html',
  evaluation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html',
};
const ACCOUNT = '111122223333';
const MANAGEMENT = '999988887777';
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const doc = (...Statement: object[]): PolicyDocument => ({ Version: '2012-10-17', Statement: Statement as PolicyDocument['Statement'] });
const named = (name: string, document: PolicyDocument): NamedPolicy => ({ name, document });
const FULL = named('FullAWSAccess', doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
const RCP_FULL = named('RCPFullAWSAccess', doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }));
const ADMIN = named('AdministratorAccess', doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
const ROOT_KEY_POLICY = named('key policy', doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }));

function decrypt(extra: Partial<EvaluationRequest>): EvaluationRequest {
  return { principal: USER, action: 'kms:Decrypt', resource: KEY, identityPolicies: [ADMIN], resourcePolicy: ROOT_KEY_POLICY, context: Object.freeze({ 'aws:RequestedRegion': 'us-east-1' }), ...extra };
}

describe('service control policies', () => {
  test(`an SCP denying kms:Decrypt outside us-east-1 denies it there, even to an administrator (${PAGE.scp})`, () => {
    const regionOnly = named('RegionOnly', doc({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } } }));
    const levels = [[FULL], [FULL, regionOnly], [FULL]];
    assert.equal(evaluate(decrypt({ serviceControlPolicies: levels })).decision, 'allowed');
    for (const explaining of [false, true]) {
      const denied = evaluate(decrypt({ serviceControlPolicies: levels, context: Object.freeze({ 'aws:RequestedRegion': 'eu-west-1' }) }), { explaining });
      assert.equal(denied.decision, 'explicitly-denied');
      assert.match(accessDeniedMessage(denied) ?? '', /with an explicit deny in a service control policy$/);
      assert.deepEqual(denied.details?.denies.map((d) => [d.policy, d.kind]), [['RegionOnly', 'scp']]);
    }
  });

  test(`every level must allow: an OU whose only SCP allows s3:* leaves kms:Decrypt implicitly denied (${PAGE.scpEvaluation})`, () => {
    const s3Only = named('S3Only', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    for (const explaining of [false, true]) {
      const result = evaluate(decrypt({ serviceControlPolicies: [[FULL], [s3Only], [FULL]] }), { explaining });
      assert.equal(result.decision, 'implicitly-denied');
      assert.equal(accessDeniedMessage(result), `User: ${USER} is not authorized to perform: kms:Decrypt on resource: ${KEY} because no service control policy allows the kms:Decrypt action`);
    }
    const sentences = explain(evaluate(decrypt({ serviceControlPolicies: [[FULL], [s3Only], [FULL]] })));
    assert.match(sentences[0], /service control policies of account 111122223333 \(FullAWSAccess, S3Only\) do not allow kms:Decrypt at every level/);
  });
});

describe('resource control policies', () => {
  const orgOnly = named('KeysInOrg', doc({
    Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*',
    Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
  }));
  const levels = [[RCP_FULL, orgOnly], [RCP_FULL]];

  test(`an RCP limiting the key to the organization denies a principal outside it, whatever the key policy says (${PAGE.rcp}, ${PAGE.kmsRcp})`, () => {
    const partner = 'arn:aws:iam::444455556666:user/partner';
    const open = named('key policy', doc({ Effect: 'Allow', Principal: { AWS: partner }, Action: 'kms:Decrypt', Resource: '*' }, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }));
    const outside = evaluate(decrypt({ principal: partner, resourcePolicy: open, resourceControlPolicies: levels, context: Object.freeze({ 'aws:PrincipalOrgID': 'o-other' }) }), { explaining: true });
    assert.equal(outside.decision, 'explicitly-denied');
    assert.match(accessDeniedMessage(outside) ?? '', /with an explicit deny in a resource control policy$/);
    const inside = evaluate(decrypt({ resourcePolicy: open, resourceControlPolicies: levels, context: Object.freeze({ 'aws:PrincipalOrgID': 'o-abc123' }) }));
    assert.equal(inside.decision, 'allowed');
  });
});

describe('which organization policies apply', () => {
  const org: OrganizationView = { organizationId: 'o-abc123', managementAccountId: MANAGEMENT, accountId: ACCOUNT, serviceControlPolicies: [[FULL]], resourceControlPolicies: [[RCP_FULL]] };

  test(`SCPs bound a member account's users, roles and sessions, not the management account nor service-linked roles (${PAGE.scp})`, () => {
    assert.deepEqual(serviceControlsFor(org, USER), [[FULL]]);
    assert.deepEqual(serviceControlsFor(org, `arn:aws:sts::${ACCOUNT}:assumed-role/ops/s1`), [[FULL]]);
    assert.equal(serviceControlsFor({ ...org, accountId: MANAGEMENT }, `arn:aws:iam::${MANAGEMENT}:user/admin`), undefined);
    assert.equal(serviceControlsFor(org, `arn:aws:iam::${ACCOUNT}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable`), undefined);
    assert.equal(serviceControlsFor(org, 'arn:aws:iam::444455556666:user/partner'), undefined, "another account's SCPs are not these");
    assert.equal(serviceControlsFor(undefined, USER), undefined);
  });

  test(`RCPs bound the account's KMS keys, not its DynamoDB tables, AWS managed keys or the management account's resources (${PAGE.rcp}, ${PAGE.kmsRcp})`, () => {
    assert.deepEqual(resourceControlsFor(org, USER, 'kms:Decrypt', KEY), [[RCP_FULL]]);
    assert.equal(resourceControlsFor(org, USER, 'dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t`), undefined);
    assert.equal(resourceControlsFor(org, USER, 'kms:Decrypt', KEY, { awsManagedKey: true }), undefined);
    assert.equal(resourceControlsFor({ ...org, accountId: MANAGEMENT }, USER, 'kms:Decrypt', KEY.replace(ACCOUNT, MANAGEMENT)), undefined);
  });
});
