// whoCan() shares work between principals (one parsed document per policy text, one decision for principals whose
// policies decide alike). Sharing must never change an answer: what depends on the principal (its name in a policy
// variable, its tags, its boundary, its ARN in a key policy or a grant) stays the principal's own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { whoCan, type AccessReport, type AccessRow } from '../../../src/access';
import { ACCOUNT, doc, KEY_ARN, REGION, SnapshotBuilder } from './support/snapshot';

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
