// Which parts of the resources tree an account change makes stale. Pure: the node classes ask these, and unit tests
// check them without VS Code.
import { keyIdOf, type AccountChangeEvent, type KeyAspect, type PrincipalType, type TableAspect } from '../session/account-changes';
import type { ResourceNode } from './nodes/resource-node';

const LISTED_KEY_ASPECTS: readonly KeyAspect[] = ['created', 'deleted', 'state', 'alias'];
const LISTED_TABLE_ASPECTS: readonly TableAspect[] = ['created', 'deleted', 'encryption'];
/** A key disabled or scheduled for deletion makes the tables it protects inaccessible: their status changes. */
const KEY_ASPECTS_SEEN_BY_TABLES: readonly KeyAspect[] = ['deleted', 'state'];

/** The list of keys: a key was created or deleted, or its state or aliases (its label) changed. */
export function keyListTouched(event: AccountChangeEvent): boolean {
  return event.changes.some((change) => change.kind === 'key' && change.aspects.some((aspect) => LISTED_KEY_ASPECTS.includes(aspect)));
}

/** The list of tables, and each key's "Tables it protects": a table came or went or changed key, or a key's state did. */
export function tableListTouched(event: AccountChangeEvent): boolean {
  return event.changes.some(
    (change) =>
      (change.kind === 'table' && change.aspects.some((aspect) => LISTED_TABLE_ASPECTS.includes(aspect))) ||
      (change.kind === 'key' && change.aspects.some((aspect) => KEY_ASPECTS_SEEN_BY_TABLES.includes(aspect))),
  );
}

/** The grants of one key. */
export function grantsTouched(event: AccountChangeEvent, keyIdOrArn: string): boolean {
  const id = keyIdOf(keyIdOrArn);
  return event.changes.some((change) => change.kind === 'key' && keyIdOf(change.keyId) === id && change.aspects.includes('grants'));
}

/** The users (or roles) folder: one was created or deleted. */
export function principalListTouched(event: AccountChangeEvent, principalType: PrincipalType): boolean {
  return event.changes.some(
    (change) => change.kind === 'principal' && change.principalType === principalType && (change.aspects.includes('created') || change.aspects.includes('deleted')),
  );
}

/** One principal's policies and groups; a group's policies reach every user. */
export function principalPoliciesTouched(event: AccountChangeEvent, principalType: PrincipalType, name: string): boolean {
  return event.changes.some(
    (change) =>
      change.kind === 'principal' &&
      change.aspects.includes('policies') &&
      ((change.principalType === principalType && change.name === name) || (change.principalType === 'group' && principalType === 'user')),
  );
}

/**
 * The loaded nodes the change touches, outermost first: a touched node is reset with its subtree, so nothing under it
 * is listed again.
 */
export function touchedNodes(roots: readonly ResourceNode[], event: AccountChangeEvent): ResourceNode[] {
  const touched: ResourceNode[] = [];
  const visit = (node: ResourceNode) => {
    if (node.touchedBy(event)) touched.push(node);
    else for (const child of node.loadedChildren()) visit(child);
  };
  for (const root of roots) visit(root);
  return touched;
}
