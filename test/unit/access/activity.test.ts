// The activity model on CloudTrail records shaped as AWS's guides show them: who an event is about, what kind of
// activity it is, a table's share of a key's events, and the flags' words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activityKindOf, flagWords, principalOf, summarizeActivity, tableNameOf, type AccessRowActivity, type TrailEvent, type TrailRecord } from '../../../src/access';

const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-west-2:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const user = (name: string) => ({ type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, accountId: ACCOUNT, userName: name });
const context = (table: string) => ({ 'aws:dynamodb:tableName': table, 'aws:dynamodb:subscriberId': ACCOUNT });

let n = 0;
function event(time: string, record: TrailRecord): TrailEvent {
  n++;
  return {
    eventId: `e-${n}`,
    eventName: record.eventName!,
    eventSource: 'kms.amazonaws.com',
    eventTime: time,
    record: { resources: [{ ARN: KEY, type: 'AWS::KMS::Key', accountId: ACCOUNT }], ...record, eventTime: time, eventID: `e-${n}` },
  };
}

describe('one record', () => {
  it('names the principal as Who can read? does: users, roles for sessions, root, services', () => {
    assert.deepEqual(principalOf({ userIdentity: user('alice') }), { principal: `arn:aws:iam::${ACCOUNT}:user/alice`, name: 'alice', kind: 'user' });
    const session = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/bob`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/Admin`, userName: 'Admin' } },
    };
    assert.deepEqual(principalOf({ userIdentity: session }), { principal: `arn:aws:iam::${ACCOUNT}:role/Admin`, name: 'Admin', kind: 'role', session: 'bob' });
    assert.deepEqual(principalOf({ userIdentity: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root` } }), { principal: `arn:aws:iam::${ACCOUNT}:root`, name: 'root', kind: 'root' });
    assert.deepEqual(principalOf({ userIdentity: { type: 'AWSService', invokedBy: 'dynamodb.amazonaws.com' } }), { principal: 'dynamodb.amazonaws.com', name: 'dynamodb.amazonaws.com', kind: 'service' });
  });

  it('tells reads, refusals, policy changes, grants and key changes apart', () => {
    assert.equal(activityKindOf({ eventName: 'Decrypt' }), 'read');
    assert.equal(activityKindOf({ eventName: 'Decrypt', errorCode: 'AccessDenied' }), 'read-refused');
    assert.equal(activityKindOf({ eventName: 'Decrypt', errorCode: 'DisabledException' }), 'read-refused');
    assert.equal(activityKindOf({ eventName: 'PutKeyPolicy' }), 'policy-change');
    assert.equal(activityKindOf({ eventName: 'RetireGrant' }), 'grant');
    assert.equal(activityKindOf({ eventName: 'ScheduleKeyDeletion' }), 'key-change');
    assert.equal(activityKindOf({ eventName: 'DescribeKey' }), 'other');
  });

  it("finds the table in a call's encryption context or a grant's constraints", () => {
    assert.equal(tableNameOf({ requestParameters: { encryptionContext: context('Books') } }), 'Books');
    assert.equal(tableNameOf({ requestParameters: { constraints: { encryptionContextSubset: context('Books') } } }), 'Books');
    assert.equal(tableNameOf({ requestParameters: { keyId: KEY } }), undefined);
    assert.equal(tableNameOf({ requestParameters: null }), undefined);
  });
});

describe("a table's share of the key's events", () => {
  const events = [
    event('2026-01-02T10:00:05Z', { eventName: 'Decrypt', userIdentity: { ...user('alice'), invokedBy: 'dynamodb.amazonaws.com' }, requestParameters: { encryptionContext: context('Books') } }),
    event('2026-01-02T10:00:01Z', { eventName: 'Decrypt', userIdentity: user('alice'), requestParameters: { encryptionContext: context('Movies') } }),
    event('2026-01-02T10:00:09Z', { eventName: 'Decrypt', userIdentity: user('carol'), errorCode: 'DisabledException', requestParameters: { encryptionContext: context('Books') } }),
    event('2026-01-02T10:00:03Z', { eventName: 'PutKeyPolicy', userIdentity: user('admin'), requestParameters: { keyId: KEY, policyName: 'default' } }),
    event('2026-01-02T10:00:04Z', { eventName: 'DescribeKey', userIdentity: user('admin'), requestParameters: { keyId: KEY } }),
    // A record that names the key by id only (no resources), and one for another key.
    { ...event('2026-01-02T10:00:06Z', { eventName: 'DisableKey', userIdentity: user('admin') }), record: { eventName: 'DisableKey', userIdentity: user('admin'), requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' } } },
    event('2026-01-02T10:00:07Z', { eventName: 'Decrypt', userIdentity: user('alice'), requestParameters: { encryptionContext: context('Books') }, resources: [{ ARN: `${KEY}-other` }] }),
  ];
  const summary = summarizeActivity(events, { keyArn: KEY, tableName: 'Books' });

  it("keeps the table's reads and the key's changes, newest first; drops other tables, other keys and mere reads of the key", () => {
    assert.deepEqual(
      summary.timeline.map((entry) => [entry.time.slice(17, 19), entry.eventName]),
      [['09', 'Decrypt'], ['06', 'DisableKey'], ['05', 'Decrypt'], ['03', 'PutKeyPolicy']],
    );
    assert.equal(summary.from, '2026-01-02T10:00:03Z');
    assert.equal(summary.to, '2026-01-02T10:00:09Z');
  });

  it('a refusal without a message is explained by its error code', () => {
    const carol = summary.principals.find((activity) => activity.name === 'carol')!;
    assert.deepEqual(carol.refusalReasons, ['DisabledException']);
    assert.equal(carol.lastRefused, '2026-01-02T10:00:09Z');
    assert.equal(carol.lastRead, undefined);
  });

  it('the whole key: every table, still not the other key', () => {
    const all = summarizeActivity(events, { keyArn: KEY });
    assert.equal(all.timeline.length, 6);
    assert.equal(all.principals.find((activity) => activity.name === 'alice')!.readsAllowed, 2);
  });
});

it('says the flags in words', () => {
  const row = { readsRefused: 3 } as AccessRowActivity;
  assert.equal(flagWords('refused', row), 'refused 3 times');
  assert.equal(flagWords('refused', { readsRefused: 1 } as AccessRowActivity), 'refused 1 time');
  assert.equal(flagWords('can-read-never-did', row), 'can read, never did');
});
