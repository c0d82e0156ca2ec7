// whoCan() shares work between principals (one parsed document per policy text, one decision for principals whose
// policies decide alike). Sharing must never change an answer: what depends on the principal (its name in a policy
// variable, its tags, its boundary, its ARN in a key policy or a grant) stays the principal's own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TABLE_READ_ACTIONS, whoCan, type AccessReport, type AccessRow } from '../../../src/access';
import { AlikePrincipals } from '../../../src/access/alike';
import { indexPrincipals } from '../../../src/access/principals';
import type { PolicyDocument } from '../../../src/policy';
import { ACCOUNT, consoleKeyPolicy, doc, dynamoGrant, KEY_ARN, localPolicyArn, REGION, roleArn, SnapshotBuilder, TABLE_ARN, userArn } from './support/snapshot';

function rowOf(report: AccessReport, principal: string): AccessRow {
  const row = report.rows.find((r) => r.principal === principal);
  assert.ok(row, `no row for ${principal}`);
  return row;
}

const READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const DECRYPT = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN };

describe('copies of one policy text', () => {
  test('an inline policy copied to several users decides each with its own ${aws:username}, and names each its own policy', () => {
    const b = new SnapshotBuilder();
    const own = doc({ Effect: 'Allow', Action: READ, Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/\${aws:username}` }, DECRYPT);
    const alice = b.user('alice', { inline: { 'own-table': own } });
    const bob = b.user('bob', { inline: { 'bobs-copy': own } });
    b.key();
    const table = b.table({ keyArn: KEY_ARN, name: 'alice' });
    const report = whoCan(b.build(), table);
    assert.equal(rowOf(report, alice).read, 'allowed');
    assert.deepEqual(rowOf(report, alice).table.deciding.map((s) => s.policy), ['own-table']);
    assert.equal(rowOf(report, bob).read, 'denied');
    assert.equal(rowOf(report, bob).table.decision, 'denied');
    assert.match(rowOf(report, bob).table.reason, /no policy of this user allows/);
    assert.deepEqual(rowOf(report, bob).key?.deciding.map((s) => s.policy), ['key policy', 'bobs-copy']);
  });

  test('copies of a policy with an aws:PrincipalTag condition allow only the principals whose tags match', () => {
    const b = new SnapshotBuilder();
    const team = doc({ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } });
    const users = Array.from({ length: 40 }, (_, i) => b.user(`u${i}`, { inline: { team }, tags: { team: i % 3 === 0 ? 'data' : 'ops' } }));
    b.key();
    const report = whoCan(b.build(), b.table({ keyArn: KEY_ARN }));
    users.forEach((arn, i) => assert.equal(rowOf(report, arn).read, i % 3 === 0 ? 'allowed' : 'denied', arn));
  });
});

describe('policies shared through groups', () => {
  test('each member has its groups\' policies under the group\'s name; a name taken gets a suffix; a managed policy counts once', () => {
    const b = new SnapshotBuilder();
    const read = b.managedPolicy(localPolicyArn('Read'), doc({ Effect: 'Allow', Action: READ, Resource: TABLE_ARN }));
    b.group('readers', { managed: [read], inline: { Decrypt: doc(DECRYPT) } });
    b.group('auditors', { inline: { Decrypt: doc({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }) } });
    const reader = b.user('reader', { managed: [read], inline: { 'readers/Decrypt': doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) } }, ['readers']);
    const both = b.user('both', {}, ['readers', 'auditors']);
    const plain = b.user('plain', {}, ['readers']);
    b.key();
    const report = whoCan(b.build(), b.table({ keyArn: KEY_ARN }));
    assert.deepEqual(rowOf(report, reader).key?.deciding.map((d) => [d.policy, d.source.type, d.source.group]), [
      ['key policy', 'key-policy', undefined],
      ['readers/Decrypt #2', 'group-inline', 'readers'],
    ]);
    assert.deepEqual(rowOf(report, reader).table.deciding.map((d) => [d.policy, d.source.type]), [['Read', 'managed']]);
    assert.deepEqual(rowOf(report, plain).table.deciding.map((d) => [d.policy, d.source.type, d.source.group]), [['Read', 'group-managed', 'readers']]);
    assert.deepEqual([rowOf(report, plain).read, rowOf(report, both).read], ['allowed', 'denied']);
    assert.deepEqual(rowOf(report, both).key?.deciding.map((d) => [d.policy, d.effect, d.source.group]), [['auditors/Decrypt', 'Deny', 'auditors']]);
  });
});

describe('principals with the same policies', () => {
  /** Two of each: the principals share their managed policies, and differ in one thing the test names. */
  function account(options: { keyPolicy?: PolicyDocument; tablePolicy?: PolicyDocument } = {}) {
    const b = new SnapshotBuilder();
    const read = b.managedPolicy(localPolicyArn('ReadLabTable'), doc({ Effect: 'Allow', Action: READ, Resource: TABLE_ARN }));
    const decrypt = b.managedPolicy(localPolicyArn('DecryptLabKey'), doc(DECRYPT));
    b.key({ policy: options.keyPolicy });
    b.table({ keyArn: KEY_ARN, resourcePolicy: options.tablePolicy });
    return { b, managed: [read, decrypt], read };
  }

  test('a permissions boundary that differs between two users with the same policies decides each user', () => {
    const { b, managed } = account();
    const dynamoOnly = b.managedPolicy(localPolicyArn('DynamoOnly'), doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }));
    const kmsOnly = b.managedPolicy(localPolicyArn('KmsOnly'), doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }));
    const free = b.user('free', { managed });
    const noKey = b.user('no-key', { managed, boundary: dynamoOnly });
    const noTable = b.user('no-table', { managed, boundary: kmsOnly });
    const noKeyToo = b.user('no-key-too', { managed, boundary: dynamoOnly });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.deepEqual([free, noKey, noTable, noKeyToo].map((arn) => [rowOf(report, arn).table.decision, rowOf(report, arn).key?.decision]), [
      ['allowed', 'allowed'],
      ['allowed', 'denied'],
      ['denied', 'allowed'],
      ['allowed', 'denied'],
    ]);
    assert.match(rowOf(report, noKeyToo).key?.reason ?? '', /the permissions boundary DynamoOnly does not allow kms:Decrypt/);
  });

  test('a key policy that names one of two users with the same policies opens the key lock for that one only', () => {
    const { b, read } = account({ keyPolicy: consoleKeyPolicy(ACCOUNT, { users: [userArn('named')] }) });
    const named = b.user('named', { managed: [read] });
    const other = b.user('other', { managed: [read] });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.equal(rowOf(report, named).read, 'allowed');
    assert.equal(rowOf(report, named).key?.via, 'key-policy');
    assert.equal(rowOf(report, other).read, 'denied');
    assert.match(rowOf(report, other).key?.reason ?? '', /does not name other, and it delegates to IAM, where no policy of this user allows kms:Decrypt/);
  });

  test('a grant to one of two roles with the same policies opens the key lock for that role only', () => {
    const b = new SnapshotBuilder();
    const read = b.managedPolicy(localPolicyArn('ReadLabTable'), doc({ Effect: 'Allow', Action: READ, Resource: TABLE_ARN }));
    const granted = b.role('granted', { managed: [read] });
    const other = b.role('other', { managed: [read] });
    b.key({ grants: [dynamoGrant(granted)] });
    b.table({ keyArn: KEY_ARN });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.deepEqual([rowOf(report, granted).read, rowOf(report, granted).key?.via], ['allowed', 'grant']);
    assert.equal(rowOf(report, other).read, 'denied');
  });

  test('a grant is looked up per principal: the first in the key\'s order for it or, for a session, for its role', () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/reader/s1`;
    const grantsFor = (order: 'role first' | 'session first') => {
      const b = new SnapshotBuilder();
      const read = b.managedPolicy(localPolicyArn('ReadLabTable'), doc({ Effect: 'Allow', Action: READ, Resource: TABLE_ARN }));
      const reader = b.role('reader', { managed: [read] });
      b.role('bystander', { managed: [read] });
      const encryptOnly = dynamoGrant(session, ['Encrypt'], undefined, 'encrypt-only');
      const forRole = dynamoGrant(reader, ['Decrypt'], undefined, 'role-grant');
      const forSession = dynamoGrant(session, ['Decrypt'], undefined, 'session-grant');
      b.key({ grants: order === 'role first' ? [encryptOnly, forRole, forSession] : [encryptOnly, forSession, forRole] });
      b.table({ keyArn: KEY_ARN });
      const report = whoCan(b.build(), TABLE_ARN, { principals: [session, reader, roleArn('bystander')] });
      return report.rows.map((r) => [r.principal.split(/[/:]/).slice(-2).join('/'), r.read, r.key?.grants.map((g) => g.name).join(',')]);
    };
    assert.deepEqual(grantsFor('role first'), [
      ['reader/s1', 'allowed', 'role-grant'],
      ['role/reader', 'allowed', 'role-grant'],
      ['role/bystander', 'denied', ''],
    ]);
    assert.deepEqual(grantsFor('session first')[0], ['reader/s1', 'allowed', 'session-grant']);
  });

  test('a table resource policy naming one of two roles with the same policies, and an aws:PrincipalArn condition', () => {
    const tablePolicy = doc({ Effect: 'Allow', Principal: { AWS: roleArn('reader') }, Action: READ, Resource: TABLE_ARN });
    const b = new SnapshotBuilder();
    const admins = b.managedPolicy(localPolicyArn('AdminsDecrypt'), doc({ ...DECRYPT, Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/admin-*` } } }));
    const reader = b.role('reader', { managed: [admins] });
    const admin = b.role('admin-1', { managed: [admins] });
    const bystander = b.role('bystander', { managed: [admins] });
    b.key();
    b.table({ keyArn: KEY_ARN, resourcePolicy: tablePolicy });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.deepEqual([reader, admin, bystander].map((arn) => [rowOf(report, arn).table.decision, rowOf(report, arn).key?.decision]), [
      ['allowed', 'denied'],
      ['denied', 'allowed'],
      ['denied', 'denied'],
    ]);
    assert.equal(rowOf(report, reader).table.via, 'resource-policy');
  });

  test('every row of a varied account is the row the principal gets when evaluated alone, words included', () => {
    const b = new SnapshotBuilder();
    const policies = [
      b.managedPolicy(localPolicyArn('Read'), doc({ Effect: 'Allow', Action: READ, Resource: TABLE_ARN })),
      b.managedPolicy(localPolicyArn('ReadFromOffice'), doc({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
      b.managedPolicy(localPolicyArn('Decrypt'), doc({ ...DECRYPT, Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com` } } })),
      b.managedPolicy(localPolicyArn('TeamDecrypt'), doc({ ...DECRYPT, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } })),
      b.managedPolicy(localPolicyArn('OwnTable'), doc({ Effect: 'Allow', Action: READ, Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/\${aws:username}*` })),
      b.managedPolicy(localPolicyArn('NoScanWithoutMfa'), doc({ Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })),
      b.awsManaged('AmazonDynamoDBReadOnlyAccess'),
    ];
    const boundary = b.managedPolicy(localPolicyArn('DynamoOnly'), doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }));
    b.group('data', { managed: [policies[3]] });
    // 72 principals of 12 kinds: each kind (policies, tags, boundary, group, user or role) is shared by six of them.
    const principals: string[] = [];
    const kinds = new Set<string>();
    for (let i = 0; i < 72; i++) {
      const k = i % 12;
      const managed = policies.filter((_, p) => (k >> (p % 4)) % 2 === 1 || p === k % policies.length);
      // Policies of their own for other things (a home folder by ${aws:username}, a queue) do not keep principals apart.
      const inline: Record<string, PolicyDocument> = { home: doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' }) };
      if (i % 2) inline[`queue-${i}`] = doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:queue-${i}` });
      const attach = { managed, inline, tags: k % 4 === 0 ? { team: 'data' } : { team: 'ops' }, boundary: k % 5 === 0 ? boundary : undefined };
      const name = i === 9 ? 'kms-lab-table' : i % 9 === 0 ? `kms-lab-table-${i}` : `principal-${i}`;
      principals.push(k % 3 === 2 ? b.role(name, attach) : b.user(name, attach, k % 6 === 0 ? ['data'] : []));
      kinds.add(String(k));
    }
    assert.equal(kinds.size, 12);
    b.key({ policy: consoleKeyPolicy(ACCOUNT, { users: [userArn('principal-1'), roleArn('principal-2')] }), grants: [dynamoGrant(roleArn('principal-14'))] });
    b.table({ keyArn: KEY_ARN });
    const snapshot = b.build();
    // Most principals share a class with others (OwnTable reads the name for the table's actions: those are decided alone).
    const alike = new AlikePrincipals();
    const entries = [...indexPrincipals(snapshot).byArn.values()];
    const classes = entries.map((entry) => alike.classOf(entry, { actions: TABLE_READ_ACTIONS, resource: TABLE_ARN }));
    const readsName = entries.map((entry) => entry.identity.some((p) => p.policy.name === 'OwnTable'));
    assert.deepEqual(classes.map((c) => c === undefined), readsName, 'decided alone exactly when a policy for the table reads the name');
    const shared = classes.filter((c) => c !== undefined);
    assert.ok(shared.length >= 24 && new Set(shared).size * 4 <= shared.length, `${shared.length} principals in ${new Set(shared).size} classes`);
    const report = JSON.parse(JSON.stringify(whoCan(snapshot, TABLE_ARN))) as AccessReport;
    const reads = new Set(report.rows.map((r) => r.read));
    assert.deepEqual([...reads].sort(), ['allowed', 'conditional', 'denied'], 'the account has every kind of answer');
    assert.ok(rowOf(report, userArn('kms-lab-table')).table.deciding.some((d) => d.policy === 'OwnTable'), 'its own name opens the table too');
    for (const arn of principals) {
      const row = whoCan(structuredClone(snapshot), TABLE_ARN, { principals: [arn] }).rows[0];
      assert.deepEqual(rowOf(report, arn), JSON.parse(JSON.stringify(row)), arn);
    }
  });
});
