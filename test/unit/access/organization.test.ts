// whoCan() with the account's organization policies: SCPs bound its principals, RCPs its KMS keys.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { whoCan, type AccessReport, type AccessRow, type OrganizationSnapshot } from '../../../src/access';
import { awsManagedDynamoKeyPolicy, type PolicyDocument } from '../../../src/policy';
import { ACCOUNT, consoleKeyPolicy, defaultKeyPolicy, doc, KEY_ARN, MANAGED_KEY_ARN, OTHER_ACCOUNT, REGION, SnapshotBuilder, TABLE_ARN } from './support/snapshot';

const ORGS = 'https://docs.aws.amazon.com/organizations/latest/userguide';
const PAGE = { scp: `${ORGS}/orgs_manage_policies_scps.html`, rcp: `${ORGS}/orgs_manage_policies_rcps.html`, kmsRcp: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-control-policies.html' };
const ORG_ID = 'o-abc123defg';
const MANAGEMENT = '999988887777';
const READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const FULL = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
const RCP_FULL = doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });

interface Attached { id: string; name: string; type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'; document: PolicyDocument; at: 'root' | 'ou' | 'account' }

/** The account in an OU under the root; FullAWSAccess and RCPFullAWSAccess everywhere, plus the policies given. */
function organization(extra: Attached[] = [], management = MANAGEMENT): OrganizationSnapshot {
  const all: Attached[] = [];
  for (const at of ['root', 'ou', 'account'] as const) {
    all.push({ id: 'p-FullAWSAccess', name: 'FullAWSAccess', type: 'SERVICE_CONTROL_POLICY', document: FULL, at });
    all.push({ id: 'p-RCPFullAWSAccess', name: 'RCPFullAWSAccess', type: 'RESOURCE_CONTROL_POLICY', document: RCP_FULL, at });
  }
  all.push(...extra);
  const ids = { root: 'r-ab12', ou: 'ou-ab12-11111111', account: ACCOUNT };
  const types = { root: 'ROOT', ou: 'ORGANIZATIONAL_UNIT', account: 'ACCOUNT' } as const;
  return {
    Organization: { Id: ORG_ID, Arn: `arn:aws:organizations::${management}:organization/${ORG_ID}`, MasterAccountId: management, FeatureSet: 'ALL' },
    Path: (['root', 'ou', 'account'] as const).map((at) => ({
      Id: ids[at],
      Type: types[at],
      Policies: all.filter((p) => p.at === at).map((p) => ({ Id: p.id, Name: p.name, Type: p.type, Arn: `arn:aws:organizations::${management}:policy/${ORG_ID}/${p.type.toLowerCase()}/${p.id}` })),
    })),
    Policies: [...new Map(all.map((p) => [p.id, { PolicySummary: { Id: p.id, Name: p.name, Type: p.type }, Content: JSON.stringify(p.document) }])).values()],
  };
}

function rowOf(report: AccessReport, principal: string): AccessRow {
  const row = report.rows.find((r) => r.principal === principal);
  assert.ok(row, `no row for ${principal}`);
  return row;
}

function account(keyPolicy: PolicyDocument = defaultKeyPolicy(ACCOUNT)) {
  const b = new SnapshotBuilder();
  const admin = b.user('admin', { managed: [b.awsManaged('AdministratorAccess')] });
  b.key({ policy: keyPolicy });
  b.table({ keyArn: KEY_ARN });
  return { b, admin };
}

describe('service control policies', () => {
  test(`an SCP denying dynamodb:Scan closes Scan for the account's principals; GetItem and Query still read (${PAGE.scp})`, () => {
    const { b, admin } = account();
    const noScan: Attached = { id: 'p-noscan', name: 'NoScan', type: 'SERVICE_CONTROL_POLICY', document: doc({ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*' }), at: 'ou' };
    const report = whoCan(b.build({ organization: organization([noScan]) }), TABLE_ARN);
    const row = rowOf(report, admin);
    assert.deepEqual(row.table.actions.map((a) => a.decision), ['allowed', 'allowed', 'denied']);
    assert.equal(row.read, 'allowed');
    assert.deepEqual(report.organization, { organizationId: ORG_ID, managementAccountId: MANAGEMENT, serviceControlPolicies: ['FullAWSAccess', 'NoScan'], resourceControlPolicies: ['RCPFullAWSAccess'] });
    assert.ok(!report.notEvaluated.some((n) => n.includes('SCPs')), 'the organization policies were evaluated');
  });

  test(`an SCP denying every read names itself as the deciding statement, with where it is attached (${PAGE.scp})`, () => {
    const { b, admin } = account();
    const noReads: Attached = { id: 'p-noreads', name: 'NoTableReads', type: 'SERVICE_CONTROL_POLICY', document: doc({ Sid: 'NoReads', Effect: 'Deny', Action: READ, Resource: '*' }), at: 'account' };
    const row = rowOf(whoCan(b.build({ organization: organization([noReads]) }), TABLE_ARN), admin);
    assert.equal(row.read, 'denied');
    assert.deepEqual(row.table.deciding.map((d) => [d.policy, d.policyType, d.source.type, d.source.target]), [['NoTableReads', 'scp', 'scp', ACCOUNT]]);
    assert.match(row.table.reason, /the service control policy NoTableReads \(statement 'NoReads'\) explicitly denies/);
  });

  test(`an SCP denying kms:Decrypt outside eu-west-1 closes the key lock of a table in ${REGION} (${PAGE.scp})`, () => {
    const { b, admin } = account();
    const regionOnly: Attached = { id: 'p-region', name: 'EuOnly', type: 'SERVICE_CONTROL_POLICY', document: doc({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }), at: 'root' };
    const row = rowOf(whoCan(b.build({ organization: organization([regionOnly]) }), TABLE_ARN), admin);
    assert.equal(row.table.decision, 'allowed');
    assert.equal(row.key?.decision, 'denied');
    assert.equal(row.read, 'denied');
  });

  test(`the management account's principals are not bounded by SCPs, and the report says so (${PAGE.scp})`, () => {
    const { b, admin } = account();
    const noReads: Attached = { id: 'p-noreads', name: 'NoTableReads', type: 'SERVICE_CONTROL_POLICY', document: doc({ Effect: 'Deny', Action: READ, Resource: '*' }), at: 'root' };
    const report = whoCan(b.build({ organization: organization([noReads], ACCOUNT) }), TABLE_ARN);
    assert.equal(rowOf(report, admin).read, 'allowed');
    assert.ok(report.notEvaluated.some((n) => /is the management account of organization o-abc123defg: its SCPs and RCPs do not apply/.test(n)));
  });

  test('Organizations that could not be read are named, as before; an account in no organization has nothing to say', () => {
    const { b } = account();
    const refused = whoCan(b.build({ missing: [{ action: 'organizations:ListParents', what: 'the account\'s place in its organization', reason: 'AccessDeniedException' }] }), TABLE_ARN);
    assert.ok(refused.notEvaluated.some((n) => n.includes('SCPs') && n.includes('could not be read (organizations:ListParents: AccessDeniedException)')));
    const alone = whoCan(b.build({ organization: { Path: [], Policies: [] } }), TABLE_ARN);
    assert.ok(!alone.notEvaluated.some((n) => n.includes('SCPs')));
    assert.equal(alone.organization, undefined);
  });
});

describe('resource control policies', () => {
  const keysInOrg: Attached = {
    id: 'p-keysinorg', name: 'KeysInOrg', type: 'RESOURCE_CONTROL_POLICY', at: 'root',
    document: doc({ Sid: 'OnlyOrg', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG_ID }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } } }),
  };

  test(`an RCP limiting the key to the organization closes it to a partner the key policy names, not to the account's principals (${PAGE.rcp}, ${PAGE.kmsRcp})`, () => {
    const partner = `arn:aws:iam::${OTHER_ACCOUNT}:user/partner`;
    const { b, admin } = account(consoleKeyPolicy(ACCOUNT, { users: [partner] }));
    const report = whoCan(b.build({ organization: organization([keysInOrg]) }), TABLE_ARN);
    assert.equal(rowOf(report, admin).key?.decision, 'allowed');
    const outside = rowOf(report, partner);
    assert.equal(outside.key?.decision, 'denied');
    assert.deepEqual(outside.key?.deciding.map((d) => [d.policy, d.policyType]), [['KeysInOrg', 'rcp']]);
    assert.ok(outside.unknowns.some((u) => u.includes(`whether account ${OTHER_ACCOUNT} belongs to organization ${ORG_ID} is not known`)));
  });

  test(`RCPs do not apply to AWS managed keys (${PAGE.kmsRcp})`, () => {
    const b = new SnapshotBuilder();
    const admin = b.user('admin', { managed: [b.awsManaged('AdministratorAccess')] });
    b.key({ arn: MANAGED_KEY_ARN, manager: 'AWS', alias: 'alias/aws/dynamodb', policy: awsManagedDynamoKeyPolicy(ACCOUNT, REGION) });
    b.table({ keyArn: MANAGED_KEY_ARN });
    const denyAll: Attached = { id: 'p-nokms', name: 'NoKms', type: 'RESOURCE_CONTROL_POLICY', at: 'root', document: doc({ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' }) };
    assert.equal(rowOf(whoCan(b.build({ organization: organization([denyAll]) }), TABLE_ARN), admin).read, 'allowed');
  });
});
