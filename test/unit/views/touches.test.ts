// The resources tree's targeted refresh: which parts a change makes stale, and that only the loaded nodes it touches
// are reset (outermost first, nothing twice), the rest of the tree staying as it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountChange, AccountChangeEvent } from '../../../src/session/account-changes';
import { ResourceNode } from '../../../src/views/nodes/resource-node';
import { grantsTouched, keyListTouched, principalListTouched, principalPoliciesTouched, tableListTouched, touchedNodes } from '../../../src/views/touches';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:123456789012:key/${KEY_ID}`;

function event(...changes: AccountChange[]): AccountChangeEvent {
  return { scope: { accountId: '123456789012', region: 'us-east-1' }, source: 'test', changes };
}

/** A node standing in for a tree node: touched when its predicate says so; its loaded children are given. */
class FakeNode extends ResourceNode {
  resets = 0;
  constructor(
    readonly name: string,
    private readonly touches: (event: AccountChangeEvent) => boolean,
    private readonly loaded: FakeNode[] = [],
  ) {
    super(undefined);
  }
  getTreeItem(): never {
    throw new Error('not rendered in this test');
  }
  override loadedChildren(): readonly ResourceNode[] {
    return this.loaded;
  }
  override touchedBy(e: AccountChangeEvent): boolean {
    return this.touches(e);
  }
}

const never = () => false;

/** KMS keys > key > (Grants, Tables it protects); DynamoDB tables; Principals > Users > kms-lab-test-user. */
function tree() {
  const grants = new FakeNode('grants', (e) => grantsTouched(e, KEY_ID));
  const protectedTables = new FakeNode('protected tables', tableListTouched);
  const key = new FakeNode('key', never, [grants, protectedTables]);
  const keys = new FakeNode('KMS keys', keyListTouched, [key]);
  const tables = new FakeNode('DynamoDB tables', tableListTouched);
  const user = new FakeNode('kms-lab-test-user', (e) => principalPoliciesTouched(e, 'user', 'kms-lab-test-user'));
  const users = new FakeNode('Users', (e) => principalListTouched(e, 'user'), [user]);
  const roles = new FakeNode('Roles', (e) => principalListTouched(e, 'role'));
  const principals = new FakeNode('Principals', never, [users, roles]);
  return { roots: [keys, tables, principals], keys, grants, protectedTables, tables, users, user, roles };
}

const names = (nodes: ResourceNode[]) => nodes.map((n) => (n as FakeNode).name);

describe('the resources tree follows account changes', () => {
  it('a new key (step 1) touches the keys list only', () => {
    const t = tree();
    assert.deepEqual(names(touchedNodes(t.roots, event({ kind: 'key', keyId: KEY_ARN, aspects: ['created', 'alias'] }))), ['KMS keys']);
  });

  it('a new table (step 2) touches the tables list and each loaded "Tables it protects", not the keys list', () => {
    const t = tree();
    assert.deepEqual(names(touchedNodes(t.roots, event({ kind: 'table', tableName: 'kms-lab-table', aspects: ['created'] }))), ['protected tables', 'DynamoDB tables']);
  });

  it('items written (step 3) and a key policy saved (steps 6 and 8) touch nothing the tree shows', () => {
    const t = tree();
    assert.deepEqual(touchedNodes(t.roots, event({ kind: 'table', tableName: 'kms-lab-table', aspects: ['items'] })), []);
    assert.deepEqual(touchedNodes(t.roots, event({ kind: 'key', keyId: KEY_ID, aspects: ['policy'] })), []);
  });

  it('a new user (step 4) touches the users folder, not the roles folder, nor the user under it twice', () => {
    const t = tree();
    const change: AccountChange = { kind: 'principal', principalType: 'user', name: 'kms-lab-test-user', aspects: ['created', 'policies', 'credentials'] };
    assert.deepEqual(names(touchedNodes(t.roots, event(change))), ['Users']);
  });

  it('a policy attached to an existing user touches that user only; a group policy touches every loaded user', () => {
    const t = tree();
    assert.deepEqual(names(touchedNodes(t.roots, event({ kind: 'principal', principalType: 'user', name: 'kms-lab-test-user', aspects: ['policies'] }))), ['kms-lab-test-user']);
    assert.deepEqual(names(touchedNodes(t.roots, event({ kind: 'principal', principalType: 'user', name: 'someone-else', aspects: ['policies'] }))), []);
    assert.deepEqual(names(touchedNodes(t.roots, event({ kind: 'principal', principalType: 'group', name: 'readers', aspects: ['policies'] }))), ['kms-lab-test-user']);
  });

  it('a new grant touches the grants of its key only, by id or by ARN', () => {
    const t = tree();
    assert.deepEqual(names(touchedNodes(t.roots, event({ kind: 'key', keyId: KEY_ARN, aspects: ['grants'] }))), ['grants']);
    assert.deepEqual(touchedNodes(t.roots, event({ kind: 'key', keyId: 'another-key', aspects: ['grants'] })), []);
  });

  it('the clean-up (step 9) touches the keys list (so not its children again), the tables list and the users folder', () => {
    const t = tree();
    const touched = touchedNodes(
      t.roots,
      event(
        { kind: 'key', keyId: KEY_ARN, aspects: ['alias', 'state', 'deleted'] },
        { kind: 'table', tableName: 'kms-lab-table', aspects: ['deleted'] },
        { kind: 'principal', principalType: 'user', name: 'kms-lab-test-user', aspects: ['deleted'] },
      ),
    );
    assert.deepEqual(names(touched), ['KMS keys', 'DynamoDB tables', 'Users']);
  });

  it('a key scheduled for deletion also touches the tables lists: their tables become inaccessible', () => {
    assert.equal(tableListTouched(event({ kind: 'key', keyId: KEY_ID, aspects: ['state'] })), true);
    assert.equal(tableListTouched(event({ kind: 'key', keyId: KEY_ID, aspects: ['policy'] })), false);
  });
});
