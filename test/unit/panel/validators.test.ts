// Each feature's validator of webview messages, and the shell's routing to them: the webview is untrusted input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCESS_MESSAGE_TYPES, parseAccessMessage } from '../../../src/panel/access-incoming';
import { InvalidMessageError, routeWebviewMessage } from '../../../src/panel/incoming';
import { ITEMS_MESSAGE_TYPES, parseItemsMessage } from '../../../src/panel/items-incoming';
import { parsePolicyMessage, POLICY_MESSAGE_TYPES } from '../../../src/panel/policy-incoming';

const invalid = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (error: Error) => error instanceof InvalidMessageError && pattern.test(error.message));

describe('message routing', () => {
  it('sends each message type to exactly one feature', () => {
    const all = [...ITEMS_MESSAGE_TYPES, ...POLICY_MESSAGE_TYPES, ...ACCESS_MESSAGE_TYPES, 'ready', 'copy'];
    assert.equal(new Set(all).size, all.length, 'a message type belongs to two features');
    assert.equal(routeWebviewMessage({ type: 'read', pane: 'primary', requestId: 1, request: { kind: 'scan' } }).feature, 'items');
    assert.equal(routeWebviewMessage({ type: 'savePolicy', text: '{}' }).feature, 'policy');
    assert.equal(routeWebviewMessage({ type: 'whoCanRead' }).feature, 'access');
    assert.equal(routeWebviewMessage({ type: 'copy', text: 'x', what: 'cell' }).feature, 'shell');
    invalid(() => routeWebviewMessage({ type: '__proto__' }), /unknown message type "__proto__"/);
    invalid(() => routeWebviewMessage({ type: 'x'.repeat(65) }), /message\.type: longer than 64/);
  });
});

describe('items messages', () => {
  it('accepts what the page sends and reports', () => {
    assert.deepEqual(parseItemsMessage({ pane: 'secondary', shown: { kind: 'failure', failure: 'access-denied', title: 't', explanation: 'ready', lines: ['Table lock: open', 'Key lock: shut'] } }, 'paneShown'), {
      type: 'paneShown',
      pane: 'secondary',
      shown: { kind: 'failure', failure: 'access-denied', title: 't', explanation: 'ready', lines: ['Table lock: open', 'Key lock: shut'] },
    });
    assert.deepEqual(parseItemsMessage({ pane: 'primary', shown: { kind: 'items', rows: 3, complete: true } }, 'paneShown'), { type: 'paneShown', pane: 'primary', shown: { kind: 'items', rows: 3, complete: true } });
    assert.deepEqual(parseItemsMessage({ id: 'profile:dev' }, 'setReadAs'), { type: 'setReadAs', id: 'profile:dev' });
    assert.deepEqual(parseItemsMessage({}, 'setReadAs'), { type: 'setReadAs', id: undefined });
  });

  it('refuses what it does not know', () => {
    invalid(() => parseItemsMessage({ pane: 'primary', shown: { kind: 'failure', failure: 'pwned', title: 't', explanation: 'ready', lines: [] } }, 'paneShown'), /paneShown\.shown\.failure/);
    invalid(() => parseItemsMessage({ pane: 'primary', shown: { kind: 'failure', failure: 'other', title: 't', explanation: 'none', lines: Array(51).fill('x') } }, 'paneShown'), /at most 50/);
    invalid(() => parseItemsMessage({ pane: 'primary', rows: 1.5 }, 'rendered'), /rendered\.rows: expected an integer/);
    invalid(() => parseItemsMessage({ id: 7 }, 'setReadAs'), /setReadAs\.id: expected a string/);
  });

  it('takes a start key named __proto__ as an attribute, not as a prototype', () => {
    const message = parseItemsMessage(JSON.parse('{"pane":"primary","requestId":1,"request":{"kind":"scan"},"startKey":{"__proto__":{"S":"x"},"id":{"S":"a"}}}'), 'read');
    assert.ok(message.type === 'read' && message.startKey);
    assert.deepEqual(Object.keys(message.startKey), ['__proto__', 'id']);
    assert.deepEqual(message.startKey['__proto__'], { S: 'x' });
    assert.equal(({} as Record<string, unknown>).S, undefined, 'Object.prototype is untouched');
  });
});

describe('key policy messages', () => {
  it('accepts each of its messages', () => {
    assert.deepEqual(parsePolicyMessage({ text: '{}', overwriteConflict: true }, 'savePolicy'), { type: 'savePolicy', text: '{}', overwriteConflict: true });
    assert.deepEqual(parsePolicyMessage({ entryId: '1-abc' }, 'restoreHistory'), { type: 'restoreHistory', entryId: '1-abc' });
    assert.deepEqual(parsePolicyMessage({ statementIndex: 2, text: '{}' }, 'showStatement'), { type: 'showStatement', statementIndex: 2, text: '{}' });
    for (const type of ['discardDraft', 'reloadPolicy', 'loadHistory', 'openInEditor'] as const) assert.deepEqual(parsePolicyMessage({ extra: 1 }, type), { type });
  });

  it('refuses wrong fields', () => {
    invalid(() => parsePolicyMessage({ text: '{}', overwriteConflict: 'yes' }, 'savePolicy'), /savePolicy\.overwriteConflict: expected true or false/);
    invalid(() => parsePolicyMessage({ entryId: 'x'.repeat(257) }, 'restoreHistory'), /restoreHistory\.entryId: longer than 256/);
    invalid(() => parsePolicyMessage({ statementIndex: 10_001, text: '{}' }, 'showStatement'), /showStatement\.statementIndex/);
    invalid(() => parsePolicyMessage({ edit: 'addRoot', text: '{}' }, 'editKeyRoles'), /editKeyRoles\.edit/);
  });
});

describe('access messages', () => {
  it('accepts each of its messages and refuses wrong fields', () => {
    assert.deepEqual(parseAccessMessage({ format: 'json' }, 'exportAccess'), { type: 'exportAccess', format: 'json' });
    assert.deepEqual(parseAccessMessage({ version: 3, text: '{}' }, 'previewAccess'), { type: 'previewAccess', version: 3, text: '{}' });
    assert.deepEqual(parseAccessMessage({}, 'verifyAccess'), { type: 'verifyAccess' });
    invalid(() => parseAccessMessage({ format: 'html' }, 'exportAccess'), /exportAccess\.format: expected one of markdown, json/);
    invalid(() => parseAccessMessage({ version: -1, text: '{}' }, 'previewAccess'), /previewAccess\.version/);
  });
});
