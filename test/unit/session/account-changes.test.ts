import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountChanges, keyIdOf, sameScope, touchesKey, touchesPrincipals, touchesTable, type AccountChangeEvent } from '../../../src/session/account-changes';

const scope = { accountId: '123456789012', region: 'us-east-1' };
const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';

test('account changes: a listener hears each announcement until it unsubscribes', () => {
  const changes = new AccountChanges();
  const heard: AccountChangeEvent[] = [];
  const subscription = changes.subscribe((event) => heard.push(event));
  const event: AccountChangeEvent = { scope, source: 'test', changes: [{ kind: 'table', tableName: 't', aspects: ['items'] }] };
  changes.announce(event);
  subscription.dispose();
  changes.announce(event);
  assert.deepEqual(heard, [event]);
});

test('account changes: an empty announcement reaches no one, and a failing listener does not stop the others', () => {
  const errors: unknown[] = [];
  const changes = new AccountChanges((error) => errors.push(error));
  let calls = 0;
  changes.subscribe(() => {
    throw new Error('boom');
  });
  changes.subscribe(() => calls++);
  changes.announce({ scope, source: 'test', changes: [] });
  assert.equal(calls, 0);
  changes.announce({ scope, source: 'test', changes: [{ kind: 'everything', reason: 'refresh' }] });
  assert.equal(calls, 1);
  assert.equal(errors.length, 1);
});

test('account changes: a key is matched by id or ARN, a table by name, everything by all', () => {
  const arn = `arn:aws:kms:us-east-1:123456789012:key/${keyId}`;
  assert.equal(keyIdOf(arn), keyId);
  const keyEvent: AccountChangeEvent = { scope, source: 'test', changes: [{ kind: 'key', keyId: arn, aspects: ['policy'] }] };
  assert.ok(touchesKey(keyEvent, keyId));
  assert.ok(!touchesKey(keyEvent, 'another'));
  assert.ok(!touchesTable(keyEvent, 't'));
  assert.ok(!touchesPrincipals(keyEvent));
  const all: AccountChangeEvent = { scope, source: 'test', changes: [{ kind: 'everything', reason: 'sandbox-reset' }] };
  assert.ok(touchesKey(all, keyId) && touchesTable(all, 't') && touchesPrincipals(all));
});

test('account changes: scopes differ by region, and by account only when both are known', () => {
  assert.ok(sameScope(scope, { region: 'us-east-1' }));
  assert.ok(!sameScope(scope, { region: 'eu-west-1', accountId: '123456789012' }));
  assert.ok(!sameScope(scope, { region: 'us-east-1', accountId: '210987654321' }));
});
