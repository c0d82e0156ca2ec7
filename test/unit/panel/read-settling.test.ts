// A refused read that is only AWS catching up is not shown as an answer: the rule on its own (which failures wait, and
// for how long), then the items controller on a sandbox keeping AWS's timing, reading as a user whose access key is
// seconds old: the pane says it waits for the key, never that the user is denied for it, and ends on the real answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AwsLayerError } from '../../../src/aws/errors';
import { silentLogger } from '../../../src/aws/log';
import { ItemsController } from '../../../src/panel/items-controller';
import type { DenialExplanation, ItemsHostMessage, LockLine } from '../../../src/panel/items-protocol';
import { SETTLE_WAITS, settling } from '../../../src/panel/read-settling';
import { readAsTestUser, RecordingPage, ScriptedPanelUi, scopeOf, startFixture, USER, waitUntil, type Fixture } from './support';

const lock = (name: 'table' | 'key', state: LockLine['state']): LockLine => ({ lock: name, name: `${name} lock`, what: name, state, reason: 'because' });
const explained = (...locks: LockLine[]): DenialExplanation => ({ state: 'ready', locks, notes: [] });
const ask = (error: unknown, elapsedMs: number, explanation?: DenialExplanation, newKeysMayLag = true) =>
  settling({ error, explanation, who: USER, tableName: 't', attempt: 2, elapsedMs, newKeysMayLag });

describe('read settling: which refusals wait', () => {
  const unknownKey = new AwsLayerError('invalid-credentials', 'rejected', { code: 'UnrecognizedClientException' });
  const denied = new AwsLayerError('access-denied', 'denied', { code: 'AccessDeniedException' });

  it('an access key DynamoDB does not know yet waits, for a bounded time, saying for what', () => {
    const waiting = ask(unknownKey, 1000);
    assert.equal(waiting?.kind, 'settling');
    assert.match(waiting!.message, new RegExp(`access key of ${USER}.*attempt 2, at most ${SETTLE_WAITS.newAccessKeyMs / 1000} s`));
    assert.equal(ask(unknownKey, SETTLE_WAITS.newAccessKeyMs), undefined);
  });

  it('where keys are known at once (an emulator, the instant sandbox), an unknown access key is the answer at once', () => {
    assert.equal(ask(unknownKey, 0, undefined, false), undefined);
  });

  it('credentials rejected for another reason (an expired session, a wrong secret) are the answer at once', () => {
    assert.equal(ask(new AwsLayerError('invalid-credentials', 'expired', { code: 'ExpiredTokenException' }), 0), undefined);
    assert.equal(ask(new AwsLayerError('invalid-credentials', 'bad', { code: 'InvalidSignatureException' }), 0), undefined);
  });

  it('a denial waits only while the policies open both locks, and never past its bound', () => {
    assert.equal(ask(denied, 0, explained(lock('table', 'open'), lock('key', 'open')))?.kind, 'settling');
    assert.equal(ask(denied, SETTLE_WAITS.policyChangeMs, explained(lock('table', 'open'), lock('key', 'open'))), undefined);
    assert.equal(ask(denied, 0, explained(lock('table', 'open'), lock('key', 'shut'))), undefined);
    assert.equal(ask(denied, 0, explained(lock('table', 'open'), lock('key', 'conditional'))), undefined);
    assert.equal(ask(denied, 0, { state: 'unavailable', locks: [], notes: [] }), undefined);
  });

  it('throttling beyond the SDK\'s own retries backs off and tries again', () => {
    assert.match(ask(new AwsLayerError('throttled', 'slow down', { code: 'ProvisionedThroughputExceededException' }), 0)?.message ?? '', /throttling/);
    assert.equal(ask(new AwsLayerError('not-found', 'gone'), 0), undefined);
  });
});

type PageMessage = Extract<ItemsHostMessage, { type: 'items' | 'readFailed' }>;

describe("read settling: the panel against a sandbox keeping AWS's timing", () => {
  let fixture: Fixture;

  before(async () => {
    // A new access key is refused for 3 s, IAM changes reach DynamoDB 3 s late; one request in ten is throttled.
    fixture = await startFixture(3, { awsTiming: 0.3, throttleRate: 0.1 });
  });

  after(async () => {
    await fixture?.stop();
  });

  it('reading as a user made seconds ago waits for its key, then shows the denial the policies predict', async () => {
    const page = new RecordingPage();
    page.ready = true;
    const scope = scopeOf(fixture, readAsTestUser(fixture), { readAs: `lab:sandbox:${USER}` });
    const items = new ItemsController(page, scope, { log: silentLogger, readAs: readAsTestUser(fixture), ui: new ScriptedPanelUi(), openedAt: Date.now() });
    try {
      scope.connect();
      items.start();
      const secondary = () => page.received.filter((m): m is PageMessage => (m.type === 'items' || m.type === 'readFailed') && m.pane === 'secondary');
      const answer = await waitUntil(() => secondary().find((m) => m.type === 'readFailed' && m.failure.kind !== 'settling'), 40_000);
      const before = secondary().slice(0, secondary().indexOf(answer));
      assert.ok(before.length > 0, 'the pane said it was waiting before it answered');
      for (const waiting of before) {
        assert.ok(waiting.type === 'readFailed' && waiting.failure.kind === 'settling', JSON.stringify(waiting));
        assert.match(waiting.failure.message, /Waiting for/);
      }
      assert.ok(before.some((m) => m.type === 'readFailed' && /access key of/.test(m.failure.message)), JSON.stringify(before));
      assert.ok(answer.type === 'readFailed');
      assert.equal(answer.failure.kind, 'access-denied');
      assert.deepEqual(answer.failure.explanation?.locks.map((l) => [l.lock, l.state]), [['table', 'open'], ['key', 'shut']]);
      const primary = await waitUntil(() => page.received.find((m): m is PageMessage => m.type === 'items' && m.pane === 'primary'));
      assert.ok(primary.type === 'items');
      assert.equal(primary.items.length, 3);
    } finally {
      items.dispose();
      scope.dispose();
    }
  });
});
