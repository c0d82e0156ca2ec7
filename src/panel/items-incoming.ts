// The items feature's messages from the webview, checked before the host acts on them. A start key is an item the
// webview sends back: every attribute value is checked, and its record has no prototype, so a name like "__proto__"
// is only a name.
import type { AttributeValueJson, ItemJson } from '../aws/types';
import { PAGE_SIZES, SORT_OPERATORS, type ItemsWebviewMessage, type PaneAction, type PaneId, type PaneShown, type ReadFailure, type ReadRequest } from './items-protocol';
import { boolean, fail, integer, object, oneOf, optionalString, string, stringList, type Obj } from './validate';

export const ITEMS_MESSAGE_TYPES: readonly ItemsWebviewMessage['type'][] = ['read', 'setReadAs', 'runAction', 'rendered', 'paneShown'];

const MAX_DEPTH = 32;
export const PANES: readonly PaneId[] = ['primary', 'secondary'];
const FAILURE_KINDS: readonly ReadFailure['kind'][] = ['access-denied', 'not-found', 'invalid-credentials', 'sso-expired', 'endpoint-unreachable', 'invalid-input', 'settling', 'other'];

function attributeValue(value: unknown, path: string, depth: number): AttributeValueJson {
  if (depth > MAX_DEPTH) fail(path, 'nested too deeply');
  const o = object(value, path);
  const keys = Object.keys(o);
  if (keys.length !== 1) fail(path, 'an attribute value has exactly one type field');
  const [type] = keys;
  const v = o[type];
  switch (type) {
    case 'S':
    case 'N':
    case 'B':
      return { [type]: string(v, `${path}.${type}`, 400 * 1024) } as AttributeValueJson;
    case 'BOOL':
      return { BOOL: boolean(v, `${path}.BOOL`) };
    case 'NULL':
      if (v !== true) fail(`${path}.NULL`, 'expected true');
      return { NULL: true };
    case 'SS':
    case 'NS':
    case 'BS':
      return { [type]: stringList(v, `${path}.${type}`, 10_000, 400 * 1024) } as AttributeValueJson;
    case 'M':
      return { M: item(v, `${path}.M`, depth + 1) };
    case 'L':
      if (!Array.isArray(v)) fail(`${path}.L`, 'expected a list');
      return { L: v.map((e, i) => attributeValue(e, `${path}.L[${i}]`, depth + 1)) };
    default:
      return fail(path, `unknown attribute type "${type.slice(0, 16)}"`);
  }
}

export function item(value: unknown, path: string, depth = 0): ItemJson {
  const o = object(value, path);
  const out = Object.create(null) as ItemJson;
  for (const [name, v] of Object.entries(o)) out[string(name, `${path} attribute name`, 255)] = attributeValue(v, `${path}.${name}`, depth);
  return out;
}

function readRequest(value: unknown, path: string): ReadRequest {
  const o = object(value, path);
  const kind = oneOf(o.kind, ['scan', 'query'] as const, `${path}.kind`);
  if (kind === 'scan') return { kind };
  const partitionValue = string(o.partitionValue, `${path}.partitionValue`, 2048);
  if (o.sort === undefined) return { kind, partitionValue };
  const sort = object(o.sort, `${path}.sort`);
  return {
    kind,
    partitionValue,
    sort: {
      operator: oneOf(sort.operator, SORT_OPERATORS, `${path}.sort.operator`),
      value: string(sort.value, `${path}.sort.value`, 1024),
      value2: optionalString(sort.value2, `${path}.sort.value2`, 1024),
    },
  };
}

function paneAction(value: unknown, path: string): PaneAction {
  const o = object(value, path);
  const kind = oneOf(o.kind, ['ssoLogin', 'switchProfile', 'retry'] as const, `${path}.kind`);
  if (kind === 'ssoLogin') return { kind, profile: string(o.profile, `${path}.profile`, 256) };
  return { kind };
}

function paneShown(value: unknown, path: string): PaneShown {
  const o = object(value, path);
  const kind = oneOf(o.kind, ['reading', 'items', 'failure'] as const, `${path}.kind`);
  if (kind === 'reading') return { kind };
  if (kind === 'items') return { kind, rows: integer(o.rows, `${path}.rows`), complete: boolean(o.complete, `${path}.complete`) };
  return {
    kind,
    failure: oneOf(o.failure, FAILURE_KINDS, `${path}.failure`),
    title: string(o.title, `${path}.title`),
    explanation: oneOf(o.explanation, ['none', 'loading', 'ready', 'unavailable'] as const, `${path}.explanation`),
    lines: stringList(o.lines, `${path}.lines`, 50),
  };
}

export function pageSize(value: unknown, path: string): number {
  const size = integer(value, path);
  if (!(PAGE_SIZES as readonly number[]).includes(size)) fail(path, `expected one of ${PAGE_SIZES.join(', ')}`);
  return size;
}

/** `o` is an object whose `type` is one of ITEMS_MESSAGE_TYPES; throws InvalidMessageError naming a wrong field. */
export function parseItemsMessage(o: Obj, type: ItemsWebviewMessage['type']): ItemsWebviewMessage {
  switch (type) {
    case 'read':
      return {
        type,
        pane: oneOf(o.pane, PANES, 'read.pane'),
        requestId: integer(o.requestId, 'read.requestId'),
        request: readRequest(o.request, 'read.request'),
        startKey: o.startKey === undefined ? undefined : item(o.startKey, 'read.startKey'),
        limit: o.limit === undefined ? undefined : integer(o.limit, 'read.limit', 1, 1000),
      };
    case 'setReadAs':
      return { type, id: optionalString(o.id, 'setReadAs.id', 1024) };
    case 'runAction':
      return { type, action: paneAction(o.action, 'runAction.action'), pane: oneOf(o.pane, PANES, 'runAction.pane') };
    case 'rendered':
      return { type, pane: oneOf(o.pane, PANES, 'rendered.pane'), rows: integer(o.rows, 'rendered.rows') };
    case 'paneShown':
      return { type, pane: oneOf(o.pane, PANES, 'paneShown.pane'), shown: paneShown(o.shown, 'paneShown.shown') };
  }
}
