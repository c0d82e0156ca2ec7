// The webview is untrusted: every message it sends is checked field by field before the host acts on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidMessageError, parseWebviewMessage } from '../../../src/panel/incoming';

const rejects = (raw: unknown, pattern: RegExp) => assert.throws(() => parseWebviewMessage(raw), (error: Error) => error instanceof InvalidMessageError && pattern.test(error.message));

describe('messages from the webview', () => {
  it('accepts each well-formed message and returns only the fields it knows', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'read', pane: 'primary', requestId: 3, request: { kind: 'scan' }, limit: 100, extra: 'dropped' }), {
      type: 'read',
      pane: 'primary',
      requestId: 3,
      request: { kind: 'scan' },
      startKey: undefined,
      limit: 100,
    });
    const query = parseWebviewMessage({ type: 'read', pane: 'secondary', requestId: 4, request: { kind: 'query', partitionValue: 'a', sort: { operator: 'between', value: '1', value2: '5' } }, startKey: { id: { S: 'x' }, n: { N: '1' } } });
    assert.ok(query.type === 'read' && query.startKey);
    // The start key's record has no prototype: an attribute's name is only ever a name.
    assert.equal(Object.getPrototypeOf(query.startKey), null);
    assert.deepEqual({ ...query, startKey: { ...query.startKey } }, {
      type: 'read',
      pane: 'secondary',
      requestId: 4,
      request: { kind: 'query', partitionValue: 'a', sort: { operator: 'between', value: '1', value2: '5' } },
      startKey: { id: { S: 'x' }, n: { N: '1' } },
      limit: undefined,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'editKeyRoles', edit: 'addUser', text: '{}', arn: 'arn:aws:iam::111122223333:user/a' }), { type: 'editKeyRoles', edit: 'addUser', text: '{}', arn: 'arn:aws:iam::111122223333:user/a' });
    assert.deepEqual(parseWebviewMessage({ type: 'runAction', pane: 'primary', action: { kind: 'ssoLogin', profile: 'dev' } }), { type: 'runAction', pane: 'primary', action: { kind: 'ssoLogin', profile: 'dev' } });
    assert.deepEqual(parseWebviewMessage({ type: 'verifyAccess' }), { type: 'verifyAccess' });
  });

  it('restores a saved state only when every field is what the panel wrote', () => {
    const state = { subject: { region: 'us-east-1', tableName: 't' }, readAs: 'profile:dev', readAsLabel: 'dev', draft: { keyArn: 'arn:k', text: '{}', base: '{}', savedAt: '2026-01-01T00:00:00.000Z' }, plainJson: true, hiddenColumns: ['a'], pageSize: 500, leftTab: 'access' };
    assert.deepEqual(parseWebviewMessage({ type: 'ready', state }), { type: 'ready', state: { ...state, subject: { region: 'us-east-1', tableName: 't', keyArn: undefined } } });
    rejects({ type: 'ready', state: { ...state, pageSize: 7 } }, /ready\.state\.pageSize: expected one of 25, 100, 500, 1000/);
    rejects({ type: 'ready', state: { ...state, draft: { keyArn: 'arn:k', text: '{}' } } }, /ready\.state\.draft\.base: expected a string/);
    rejects({ type: 'ready', state: { ...state, leftTab: 'secrets' } }, /leftTab: expected one of items, access/);
  });

  it('names the first field that is wrong', () => {
    rejects(null, /^message: expected an object/);
    rejects({ type: 'eval', code: 'x' }, /unknown message type "eval"/);
    rejects({ type: 'read', pane: 'third', requestId: 1, request: { kind: 'scan' } }, /read\.pane: expected one of primary, secondary/);
    rejects({ type: 'read', pane: 'primary', requestId: -1, request: { kind: 'scan' } }, /read\.requestId: expected an integer/);
    rejects({ type: 'read', pane: 'primary', requestId: 1, request: { kind: 'scan' }, limit: 5000 }, /read\.limit: expected an integer from 1 to 1000/);
    rejects({ type: 'read', pane: 'primary', requestId: 1, request: { kind: 'query', partitionValue: 'a', sort: { operator: 'LIKE', value: 'x' } } }, /sort\.operator/);
    rejects({ type: 'read', pane: 'primary', requestId: 1, request: { kind: 'scan' }, startKey: { id: { S: 'a', N: '1' } } }, /exactly one type field/);
    rejects({ type: 'read', pane: 'primary', requestId: 1, request: { kind: 'scan' }, startKey: { id: { X: 'a' } } }, /unknown attribute type "X"/);
    rejects({ type: 'checkPolicy', version: 1, text: 'x'.repeat(300 * 1024) }, /checkPolicy\.text: longer than/);
    rejects({ type: 'editKeyRoles', edit: 'makeAdmin', text: '{}' }, /editKeyRoles\.edit/);
    rejects({ type: 'runAction', pane: 'primary', action: { kind: 'runShell', command: 'rm -rf /' } }, /runAction\.action\.kind/);
    rejects({ type: 'copy', text: 1, what: 'cell' }, /copy\.text: expected a string/);
  });

  it('refuses a key nested beyond any real item, instead of recursing without end', () => {
    let value: unknown = { S: 'deep' };
    for (let i = 0; i < 40; i++) value = { M: { a: value } };
    rejects({ type: 'read', pane: 'primary', requestId: 1, request: { kind: 'scan' }, startKey: { id: value } }, /nested too deeply/);
  });
});
