// The Activity feature on the real sandbox: the key's CloudTrail events for the table grouped by principal (the test
// user's refused read, then its allowed one, both asked by DynamoDB on its behalf), Who can read? joined with it
// (last read, "refused N times", "can read, never did"), a missing cloudtrail:LookupEvents named with the identity,
// and the page's messages checked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { silentLogger } from '../../../src/aws/log';
import { AwsSession } from '../../../src/aws/session';
import { AccessController } from '../../../src/panel/access-controller';
import { ActivityController } from '../../../src/panel/activity-controller';
import { activityInfo } from '../../../src/panel/activity-info';
import type { ActivityView } from '../../../src/panel/activity-protocol';
import { AWS_NOTE, emulatorNote, SANDBOX_NOTE } from '../../../src/panel/activity-views';
import { InvalidMessageError, parseWebviewMessage } from '../../../src/panel/incoming';
import { PanelScope } from '../../../src/panel/scope';
import { addKeyUser } from '../../../src/policy';
import { livePolicy, readAsTestUser, RecordingPage, ScriptedPanelUi, scopeOf, setKeyUser, startFixture, TABLE, target, USER, waitUntil, type Fixture } from './support';

const IDLE = 'activity-idle-reader';
let fixture: Fixture;
let idleArn: string;

async function readAsUser(): Promise<'allowed' | 'denied'> {
  const client = new DynamoDBClient({ region: fixture.sandbox.region, endpoint: fixture.sandbox.endpoint, credentials: fixture.user });
  try {
    await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'item-1' } } }));
    return 'allowed';
  } catch (error) {
    if ((error as Error).name === 'AccessDeniedException') return 'denied';
    throw error;
  } finally {
    client.destroy();
  }
}

before(async () => {
  fixture = await startFixture(1);
  const iam = new IAMClient({ region: fixture.sandbox.region, endpoint: fixture.sandbox.endpoint, credentials: fixture.sandbox.admin });
  idleArn = (await iam.send(new CreateUserCommand({ UserName: IDLE }))).User!.Arn!;
  await iam.send(new AttachUserPolicyCommand({ UserName: IDLE, PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  iam.destroy();
  // The idle reader can read (a key user with DynamoDB access) and never does.
  await fixture.kms.send(new PutKeyPolicyCommand({ KeyId: fixture.keyId, PolicyName: 'default', Policy: addKeyUser(await livePolicy(fixture), idleArn) }));
  assert.equal(await readAsUser(), 'denied');
  await setKeyUser(fixture, true);
  assert.equal(await readAsUser(), 'allowed');
});

after(async () => {
  await fixture?.stop();
});

type Ready = Extract<ActivityView, { state: 'ready' }>;

describe('activity controller', () => {
  it("lists the test user's refused then allowed read, asked by DynamoDB, and joins Who can read? with it", async () => {
    const page = new RecordingPage();
    page.ready = true;
    const scope = scopeOf(fixture, readAsTestUser(fixture));
    const activity = new ActivityController(page, scope, { log: silentLogger, isSandbox: () => true });
    const access = new AccessController(page, scope, { log: silentLogger, readAs: readAsTestUser(fixture), ui: new ScriptedPanelUi(), onReport: (report) => void activity.reportChanged(report) });
    scope.connect();
    try {
      await activity.show('hour');
      assert.equal(page.of('showActivity').length, 1);
      const view = activity.view as Ready;
      assert.equal(view.state, 'ready', JSON.stringify(activity.view));
      assert.equal(view.note, SANDBOX_NOTE);
      assert.equal(view.tableName, TABLE);
      const user = view.principals.find((p) => p.name === USER);
      assert.ok(user, `the test user is in the activity: ${view.principals.map((p) => p.name).join(', ')}`);
      assert.equal(user.readsRefused, 1);
      assert.ok(user.readsAllowed >= 1);
      const reads = user.entries.filter((e) => e.kind === 'read' || e.kind === 'read-refused').reverse();
      assert.equal(reads[0]?.kind, 'read-refused', 'the refused read came first');
      assert.equal(reads.at(-1)?.kind, 'read');
      for (const entry of reads) {
        assert.equal(entry.invokedBy, 'dynamodb.amazonaws.com');
        assert.equal(entry.tableName, TABLE);
        assert.equal(entry.eventName, 'Decrypt');
      }
      assert.match(reads[0]!.errorCode ?? '', /AccessDenied/);
      assert.match(user.refusalReasons.join(' '), /\S/);
      assert.ok(user.lastRead && Date.parse(user.lastRead) > Date.now() - 3_600_000);
      assert.ok(page.of('activity').some((m) => m.activity.state === 'loading'), 'progress was shown');
      // The key policy changes (made by the admin) are in the table's activity too.
      assert.ok(view.principals.some((p) => p.policyChanges >= 2));

      // Who can read? answered: each row gains its last read and flags.
      await access.show();
      const joined = await waitUntil(() => page.last('accessActivity'));
      const userRow = joined.rows.find((r) => r.principal === fixture.userArn);
      assert.equal(userRow?.lastRead, user.lastRead);
      assert.deepEqual(userRow?.flags.map((f) => f.words), ['refused 1 time']);
      const idleRow = joined.rows.find((r) => r.principal === idleArn);
      assert.deepEqual(idleRow?.flags.map((f) => f.words), ['can read, never did']);
      assert.equal(idleRow?.lastRead, undefined);
      const info = activityInfo(activity);
      assert.deepEqual(info.rows.find((r) => r.principal === idleArn)?.flags, ['can read, never did']);

      // A reloaded page gets it all again.
      page.clear();
      activity.onReady(undefined);
      assert.equal(page.of('showActivity').length, 1);
      assert.equal(page.last('activity')?.activity.state, 'ready');
      assert.ok(page.last('accessActivity'));
    } finally {
      activity.dispose();
      access.dispose();
      scope.dispose();
    }
  });

  it('says where the events came from: the embedded sandbox, or an endpoint that is not AWS', async () => {
    for (const [isSandbox, expected] of [[true, SANDBOX_NOTE], [false, emulatorNote(fixture.sandbox.endpoint)]] as const) {
      const page = new RecordingPage();
      page.ready = true;
      const scope = scopeOf(fixture, readAsTestUser(fixture));
      const activity = new ActivityController(page, scope, { log: silentLogger, isSandbox: () => isSandbox });
      scope.connect();
      try {
        await activity.show('hour');
        const view = activity.view as Ready;
        assert.equal(view.state, 'ready', JSON.stringify(activity.view));
        assert.equal(view.note, expected);
        assert.notEqual(view.note, AWS_NOTE);
      } finally {
        activity.dispose();
        scope.dispose();
      }
    }
  });

  it('names a missing cloudtrail:LookupEvents with the identity', async () => {
    const page = new RecordingPage();
    page.ready = true;
    const userTarget = target(fixture, USER, fixture.user);
    const session = new AwsSession(userTarget);
    const scope = new PanelScope({ region: fixture.sandbox.region, tableName: TABLE, keyArn: fixture.keyArn }, { log: silentLogger, connection: { target: userTarget, session }, readAs: readAsTestUser(fixture), openSession: (t) => new AwsSession(t) });
    const activity = new ActivityController(page, scope, { log: silentLogger, isSandbox: () => true });
    scope.connect();
    try {
      await activity.read('day');
      const view = activity.view;
      assert.equal(view.state, 'failed');
      assert.match(view.state === 'failed' ? view.message : '', /cloudtrail:LookupEvents/);
      assert.match(view.state === 'failed' ? view.message : '', new RegExp(USER));
    } finally {
      activity.dispose();
      scope.dispose();
      session.dispose();
    }
  });

  it('checks the page\'s activity messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'readActivity', range: '90d' }), { type: 'readActivity', range: '90d' });
    assert.throws(() => parseWebviewMessage({ type: 'readActivity', range: 'forever' }), InvalidMessageError);
    assert.throws(() => parseWebviewMessage({ type: 'readActivity' }), /readActivity\.range/);
  });
});
