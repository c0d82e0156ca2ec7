// The items feature on the real sandbox: a denial, explained before the page is ready, reaches the page with its
// explanation; both panes read again when the key policy changes; the pane's own Scan or Query is what is read
// again; names, never ids, when the "Read as" identity is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src/aws/log';
import { ItemsController } from '../../../src/panel/items-controller';
import type { ItemsHostMessage } from '../../../src/panel/items-protocol';
import type { PanelScope } from '../../../src/panel/scope';
import { keyPolicyChange, readAsTestUser, RecordingPage, ScriptedPanelUi, scopeOf, setKeyUser, startFixture, USER, waitUntil, type Fixture } from './support';

let fixture: Fixture;

before(async () => {
  fixture = await startFixture();
});

after(async () => {
  await fixture?.stop();
});

type PageMessage = Extract<ItemsHostMessage, { type: 'items' | 'readFailed' }>;

function open(options: { gone?: () => boolean; readAs?: string; readAsLabel?: string; recheckAfterMs?: number } = {}): { page: RecordingPage; scope: PanelScope; items: ItemsController } {
  const page = new RecordingPage();
  const scope = scopeOf(fixture, readAsTestUser(fixture, { gone: options.gone }), { readAs: options.readAs ?? `lab:sandbox:${USER}`, readAsLabel: options.readAsLabel });
  const items = new ItemsController(page, scope, { log: silentLogger, readAs: readAsTestUser(fixture, { gone: options.gone }), ui: new ScriptedPanelUi(), openedAt: Date.now(), recheckAfterMs: options.recheckAfterMs });
  scope.connect();
  items.start();
  return { page, scope, items };
}

/** The last first-page answer the page got for a pane (requestId 0: read by the host). */
const firstPage = (page: RecordingPage, pane: 'primary' | 'secondary'): PageMessage | undefined =>
  page.received.filter((m): m is PageMessage => (m.type === 'items' || m.type === 'readFailed') && m.pane === pane && m.requestId === 0).at(-1);

describe('items controller', () => {
  it('a denial explained before the page is ready reaches the page with the denial, both locks named', async () => {
    const { page, scope, items } = open();
    try {
      // The denial, explained before it is posted, arrives while the page is still starting: VS Code would drop the message.
      await waitUntil(() => page.of('readFailed', page.dropped).some((m) => m.pane === 'secondary'));
      page.ready = true;
      await items.onReady(undefined);
      const denial = firstPage(page, 'secondary');
      assert.equal(denial?.type, 'readFailed');
      assert.ok(denial?.type === 'readFailed');
      assert.equal(denial.failure.kind, 'access-denied');
      assert.equal(denial.failure.message, `${USER} may not read panel-unit-table.`);
      assert.equal(denial.failure.awsCode, 'AccessDeniedException');
      const explanation = denial.failure.explanation;
      assert.equal(explanation?.state, 'ready', JSON.stringify(explanation));
      assert.deepEqual(
        explanation?.locks.map((l) => [l.name, l.what, l.state]),
        [
          ['Table lock', 'DynamoDB permissions', 'open'],
          ['Key lock', "kms:Decrypt on the table's key, asked by DynamoDB on your behalf", 'shut'],
        ],
      );
      // Each lock with what decides it: here the engine's own sentence names the statement already.
      assert.match(`${explanation!.locks[0].reason} ${explanation!.locks[0].deciding ?? ''}`, /AmazonDynamoDBFullAccess/);
      assert.match(explanation!.locks[1].reason, /key policy/);
      assert.equal(firstPage(page, 'primary')?.type, 'items');
      // People's names: the pane and the title name the user, never the identity's id.
      const identity = page.of('identity').filter((m) => m.pane === 'secondary').at(-1)?.identity;
      assert.equal(identity?.label, USER);
      assert.equal(scope.title(), `panel-unit-table as admin and ${USER}`);
    } finally {
      items.dispose();
      scope.dispose();
    }
  });

  it('reads both panes again when the key policy changes, and the test user then reads the items', async () => {
    const { page, scope, items } = open();
    try {
      page.ready = true;
      await items.onReady(undefined);
      await waitUntil(() => firstPage(page, 'secondary')?.type === 'readFailed');
      const before = items.info().reads;
      await setKeyUser(fixture, true);
      await scope.onAccountChange(keyPolicyChange(fixture));
      items.onAccountChange(keyPolicyChange(fixture));
      const granted = await waitUntil(() => {
        const message = firstPage(page, 'secondary');
        return message?.type === 'items' ? message : undefined;
      });
      assert.deepEqual(granted.items.map((i) => i.id).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [{ S: 'item-1' }, { S: 'item-2' }, { S: 'item-3' }]);
      assert.equal(items.info().reads.primary, before.primary + 1);
      assert.equal(items.info().reads.secondary, before.secondary + 1);

      await setKeyUser(fixture, false);
      items.onAccountChange(keyPolicyChange(fixture));
      await waitUntil(() => firstPage(page, 'secondary')?.type === 'readFailed');
    } finally {
      items.dispose();
      scope.dispose();
    }
  });

  it('shown again after a while, reads again: a change made outside KMS Lab (the console) shows up', async () => {
    const { page, scope, items } = open({ recheckAfterMs: 0 });
    try {
      page.ready = true;
      await items.onReady(undefined);
      await waitUntil(() => firstPage(page, 'secondary')?.type === 'readFailed');
      await setKeyUser(fixture, true);
      items.onVisible();
      await waitUntil(() => firstPage(page, 'secondary')?.type === 'items');
    } finally {
      items.dispose();
      scope.dispose();
      await setKeyUser(fixture, false);
    }
  });

  it('a change to another table, key or account is not its business', async () => {
    const { page, scope, items } = open();
    try {
      page.ready = true;
      await items.onReady(undefined);
      await waitUntil(() => firstPage(page, 'secondary'));
      const before = items.info().reads;
      items.onAccountChange({ scope: { region: fixture.sandbox.region }, changes: [{ kind: 'table', tableName: 'another-table', aspects: ['items'] }], source: 'a test' });
      items.onAccountChange({ scope: { region: fixture.sandbox.region }, changes: [{ kind: 'key', keyId: '00000000-0000-0000-0000-000000000000', aspects: ['policy'] }], source: 'a test' });
      assert.deepEqual(items.info().reads, before);
    } finally {
      items.dispose();
      scope.dispose();
    }
  });

  it("reads again with the pane's own Query, not a Scan", async () => {
    const { page, scope, items } = open({ readAs: '' });
    try {
      page.ready = true;
      await items.onReady(undefined);
      await items.handle({ type: 'read', pane: 'primary', requestId: 7, request: { kind: 'query', partitionValue: 'item-2' }, limit: 25 });
      const answer = page.last('items');
      assert.equal(answer?.requestId, 7);
      assert.deepEqual(answer?.items.map((i) => i.id), [{ S: 'item-2' }]);
      items.onAccountChange({ scope: { region: fixture.sandbox.region }, changes: [{ kind: 'table', tableName: 'panel-unit-table', aspects: ['items'] }], source: 'a test' });
      const again = await waitUntil(() => {
        const message = firstPage(page, 'primary');
        return message?.type === 'items' && message.request?.kind === 'query' ? message : undefined;
      });
      assert.deepEqual(again.items.map((i) => i.id), [{ S: 'item-2' }]);
    } finally {
      items.dispose();
      scope.dispose();
    }
  });

  it('names a "Read as" identity that is gone by its name, never by its id', async () => {
    let gone = false;
    const { page, scope, items } = open({ gone: () => gone, readAsLabel: USER });
    try {
      page.ready = true;
      await items.onReady(undefined);
      await waitUntil(() => firstPage(page, 'secondary'));
      gone = true;
      await scope.onAccountChange({ scope: { region: fixture.sandbox.region }, changes: [{ kind: 'everything', reason: 'sandbox-reset' }], source: 'a test' });
      items.onAccountChange({ scope: { region: fixture.sandbox.region }, changes: [{ kind: 'everything', reason: 'sandbox-reset' }], source: 'a test' });
      const failed = await waitUntil(() => {
        const message = firstPage(page, 'secondary');
        return message?.type === 'readFailed' && message.failure.kind === 'other' ? message : undefined;
      });
      assert.match(failed.failure.message, new RegExp(`Cannot read as ${USER}: KMS Lab holds no credentials for it here any more`));
      // What the page shows as text (identities, failures) and the title; ids travel only as the select's values.
      const shown = JSON.stringify([...page.of('identity'), ...page.of('readFailed'), scope.title()]);
      assert.ok(!shown.includes('lab:sandbox:'), `an id reached the page or the title: ${shown}`);
      assert.equal(scope.title(), `panel-unit-table as admin and ${USER}`);
    } finally {
      items.dispose();
      scope.dispose();
    }
  });
});
