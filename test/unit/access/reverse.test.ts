// whatCanRead(): the reverse question, from the same snapshot and the same evaluation as whoCan().
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { principalToMarkdown, whatCanRead, whoCan } from '../../../src/access';
import { ACCOUNT, consoleKeyPolicy, KEY_ARN, PAGE, REGION, SnapshotBuilder } from './support/snapshot';

const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-8888-7777-6666-555544443333`;

/** The lab after step 6: the test user in the lab key's policy; a table under the AWS owned key; one under another key. */
function labAccount() {
  const b = new SnapshotBuilder();
  b.group('readers', { managed: [b.awsManaged('AmazonDynamoDBReadOnlyAccess')] });
  const tester = b.user('kms-lab-test-user', { managed: [b.awsManaged('AmazonDynamoDBFullAccess')] }, ['readers']);
  const colleague = b.user('colleague', {}, ['readers']);
  const outsider = b.user('outsider', { managed: [b.awsManaged('AdministratorAccess')] });
  b.key({ policy: consoleKeyPolicy(ACCOUNT, { users: [tester] }) });
  b.key({ arn: OTHER_KEY, alias: 'alias/other' });
  const lab = b.table({ keyArn: KEY_ARN, name: 'kms-lab-table' });
  const owned = b.table({ name: 'owned-table' });
  const other = b.table({ keyArn: OTHER_KEY, name: 'other-key-table' });
  return { snapshot: b.build(), tester, colleague, outsider, lab, owned, other };
}

describe('what can a principal read', () => {
  test(`a user: every table, each with both locks, as whoCan decides it (${PAGE.keyPolicies}, ${PAGE.ddbEncryption})`, () => {
    const { snapshot, tester, lab, owned, other } = labAccount();
    const report = whatCanRead(snapshot, tester);
    assert.equal(report.kind, 'user');
    assert.equal(report.name, 'kms-lab-test-user');
    assert.deepEqual(report.tables.map((t) => [t.tableName, t.row.read]), [
      ['kms-lab-table', 'allowed'],
      ['other-key-table', 'denied'],
      ['owned-table', 'allowed'],
    ]);
    const byArn = new Map(report.tables.map((t) => [t.tableArn, t]));
    assert.equal(byArn.get(owned)?.encryption, 'aws-owned');
    assert.equal(byArn.get(owned)?.row.key, undefined, 'the AWS owned key has no key lock: the table lock alone decides');
    const denied = byArn.get(other);
    assert.equal(denied?.row.table.decision, 'allowed');
    assert.equal(denied?.row.key?.decision, 'denied');
    assert.deepEqual(denied?.keyAliases, ['alias/other']);
    for (const entry of report.tables) {
      const alone = whoCan(snapshot, entry.tableArn, { principals: [tester] }).rows[0];
      assert.deepEqual(JSON.parse(JSON.stringify(entry.row)), JSON.parse(JSON.stringify(alone)), entry.tableName);
    }
    assert.equal(byArn.get(lab)?.keyArn, KEY_ARN);
  });

  test(`a group stands for its members, each decided with all of its own policies (${PAGE.groups})`, () => {
    const { snapshot, tester, colleague } = labAccount();
    const report = whatCanRead(snapshot, `arn:aws:iam::${ACCOUNT}:group/readers`);
    assert.equal(report.kind, 'group');
    assert.deepEqual(report.members, [tester, colleague]);
    assert.equal(report.tables.length, 6);
    const colleagueRows = report.tables.filter((t) => t.row.principal === colleague);
    assert.deepEqual(colleagueRows.map((t) => [t.tableName, t.row.read]), [
      ['kms-lab-table', 'denied'],
      ['other-key-table', 'denied'],
      ['owned-table', 'allowed'],
    ]);
  });

  test(`the status bar's identity may be a role session: it reads as its role, with the session's unknowns named (${PAGE.keyPolicies})`, () => {
    const b = new SnapshotBuilder();
    b.role('reader', { managed: [b.awsManaged('AmazonDynamoDBReadOnlyAccess')] });
    b.table({ name: 'owned-table' });
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/reader/alice`;
    const report = whatCanRead(b.build(), session);
    assert.equal(report.kind, 'assumed-role');
    assert.equal(report.name, 'reader/alice');
    assert.deepEqual(report.tables.map((t) => [t.tableName, t.row.read]), [['owned-table', 'allowed']]);
    assert.ok(report.tables[0].row.unknowns.some((u) => /session policies and session tags/.test(u)));
  });

  test('only the tables asked for; a group not in the snapshot is an error that names the groups there are', () => {
    const { snapshot, outsider, other } = labAccount();
    const report = whatCanRead(snapshot, outsider, { tables: [other] });
    assert.deepEqual(report.tables.map((t) => [t.tableName, t.row.read]), [['other-key-table', 'allowed']]);
    assert.throws(() => whatCanRead(snapshot, `arn:aws:iam::${ACCOUNT}:group/nope`), /Group nope is not in the account snapshot of 111122223333 \(groups in it: readers\)/);
  });

  test('principalToMarkdown: one line per table (per member and table for a group), and what was not evaluated', () => {
    const { snapshot, tester } = labAccount();
    const text = principalToMarkdown(whatCanRead(snapshot, tester));
    assert.match(text, /^## What kms-lab-test-user can read\n/);
    assert.match(text, /2 of 3 tables readable/);
    assert.match(text, /\| owned-table \| AWS owned key \(no key lock\) \| \*\*allowed\*\* \|/);
    assert.match(text, /\| other-key-table \| customer managed key alias\/other `arn:aws:kms:[^`]+` \| \*\*denied\*\* \|/);
    assert.match(text, /\*\*Not evaluated\*\*/);
    const group = principalToMarkdown(whatCanRead(snapshot, `arn:aws:iam::${ACCOUNT}:group/readers`));
    assert.match(group, /^## What the members of group readers can read\n/);
    assert.match(group, /Members: kms-lab-test-user, colleague\./);
    assert.equal(group.split('\n').filter((l) => l.startsWith('| colleague |')).length, 3);
  });
});
