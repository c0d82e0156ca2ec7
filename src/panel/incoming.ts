// Every message from the webview is checked here before the host acts on it: the webview is untrusted input.
import type { AttributeValueJson, ItemJson } from '../aws/types';
import { PAGE_SIZES, SORT_OPERATORS, type KeyRoleEdit, type PaneAction, type PaneId, type PaneShown, type PersistedState, type ReadFailure, type ReadRequest, type WebviewMessage } from './protocol';

export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** Policy text larger than this is refused before any work (KMS's own limit is 32 KB; leave room for a draft over it). */
const MAX_TEXT = 256 * 1024;
const MAX_STRING = 4096;
const MAX_DEPTH = 32;

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new InvalidMessageError(`${path}: ${what}`);
}

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected an object');
  return value as Obj;
}

function string(value: unknown, path: string, max = MAX_STRING): string {
  if (typeof value !== 'string') fail(path, 'expected a string');
  if (value.length > max) fail(path, `longer than ${max} characters`);
  return value;
}

function optionalString(value: unknown, path: string, max = MAX_STRING): string | undefined {
  return value === undefined ? undefined : string(value, path, max);
}

function integer(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(path, `expected an integer from ${min} to ${max}`);
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'expected true or false');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) fail(path, `expected one of ${allowed.join(', ')}`);
  return value as T;
}

function stringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.length > 10_000) fail(path, 'expected a list of strings');
  return value.map((v, i) => string(v, `${path}[${i}]`));
}

const PANES: readonly PaneId[] = ['primary', 'secondary'];

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
      return { [type]: stringList(v, `${path}.${type}`) } as AttributeValueJson;
    case 'M':
      return { M: item(v, `${path}.M`, depth + 1) };
    case 'L':
      if (!Array.isArray(v)) fail(`${path}.L`, 'expected a list');
      return { L: v.map((e, i) => attributeValue(e, `${path}.L[${i}]`, depth + 1)) };
    default:
      return fail(path, `unknown attribute type "${type}"`);
  }
}

function item(value: unknown, path: string, depth = 0): ItemJson {
  const o = object(value, path);
  const out: ItemJson = {};
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

function persistedState(value: unknown, path: string): PersistedState {
  const o = object(value, path);
  const subject = object(o.subject, `${path}.subject`);
  const state: PersistedState = {
    subject: {
      region: string(subject.region, `${path}.subject.region`, 64),
      tableName: optionalString(subject.tableName, `${path}.subject.tableName`, 255),
      keyArn: optionalString(subject.keyArn, `${path}.subject.keyArn`, 2048),
    },
    readAs: optionalString(o.readAs, `${path}.readAs`, 1024),
  };
  if (o.draft !== undefined) {
    const draft = object(o.draft, `${path}.draft`);
    state.draft = {
      keyArn: string(draft.keyArn, `${path}.draft.keyArn`, 2048),
      text: string(draft.text, `${path}.draft.text`, MAX_TEXT),
      base: string(draft.base, `${path}.draft.base`, MAX_TEXT),
      savedAt: optionalString(draft.savedAt, `${path}.draft.savedAt`, 64),
    };
  }
  if (o.plainJson !== undefined) state.plainJson = boolean(o.plainJson, `${path}.plainJson`);
  if (o.hiddenColumns !== undefined) state.hiddenColumns = stringList(o.hiddenColumns, `${path}.hiddenColumns`);
  if (o.pageSize !== undefined) {
    const size = integer(o.pageSize, `${path}.pageSize`);
    if (!(PAGE_SIZES as readonly number[]).includes(size)) fail(`${path}.pageSize`, `expected one of ${PAGE_SIZES.join(', ')}`);
    state.pageSize = size;
  }
  if (o.leftTab !== undefined) state.leftTab = oneOf(o.leftTab, ['items', 'access'] as const, `${path}.leftTab`);
  return state;
}

const FAILURE_KINDS: readonly ReadFailure['kind'][] = ['access-denied', 'not-found', 'invalid-credentials', 'sso-expired', 'endpoint-unreachable', 'invalid-input', 'other'];

function paneShown(value: unknown, path: string): PaneShown {
  const o = object(value, path);
  const kind = oneOf(o.kind, ['reading', 'items', 'failure'] as const, `${path}.kind`);
  if (kind === 'reading') return { kind };
  if (kind === 'items') return { kind, rows: integer(o.rows, `${path}.rows`), complete: boolean(o.complete, `${path}.complete`) };
  if (!Array.isArray(o.lines) || o.lines.length > 50) fail(`${path}.lines`, 'expected a list of at most 50 lines');
  return {
    kind,
    failure: oneOf(o.failure, FAILURE_KINDS, `${path}.failure`),
    title: string(o.title, `${path}.title`),
    explanation: oneOf(o.explanation, ['none', 'loading', 'ready', 'unavailable'] as const, `${path}.explanation`),
    lines: o.lines.map((line, i) => string(line, `${path}.lines[${i}]`)),
  };
}

const ROLE_EDITS: readonly KeyRoleEdit[] = ['addUser', 'removeUser', 'addAdministrator', 'removeAdministrator'];

/** The message, checked field by field; throws InvalidMessageError naming the first field that is wrong. */
export function parseWebviewMessage(raw: unknown): WebviewMessage {
  const o = object(raw, 'message');
  const type = string(o.type, 'message.type', 64);
  switch (type) {
    case 'ready':
      return { type, state: o.state === undefined ? undefined : persistedState(o.state, 'ready.state') };
    case 'read':
      return {
        type,
        pane: oneOf(o.pane, PANES, 'read.pane'),
        requestId: integer(o.requestId, 'read.requestId'),
        request: readRequest(o.request, 'read.request'),
        startKey: o.startKey === undefined ? undefined : item(o.startKey, 'read.startKey'),
        limit: o.limit === undefined ? undefined : integer(o.limit, 'read.limit', 1, 1000),
      };
    case 'checkPolicy':
      return { type, version: integer(o.version, 'checkPolicy.version'), text: string(o.text, 'checkPolicy.text', MAX_TEXT) };
    case 'editKeyRoles':
      return {
        type,
        edit: oneOf(o.edit, ROLE_EDITS, 'editKeyRoles.edit'),
        text: string(o.text, 'editKeyRoles.text', MAX_TEXT),
        arn: optionalString(o.arn, 'editKeyRoles.arn', 2048),
      };
    case 'savePolicy':
      return {
        type,
        text: string(o.text, 'savePolicy.text', MAX_TEXT),
        overwriteConflict: o.overwriteConflict === undefined ? undefined : boolean(o.overwriteConflict, 'savePolicy.overwriteConflict'),
      };
    case 'restoreHistory':
      return { type, entryId: string(o.entryId, 'restoreHistory.entryId', 256) };
    case 'setReadAs':
      return { type, id: optionalString(o.id, 'setReadAs.id', 1024) };
    case 'copy':
      return { type, text: string(o.text, 'copy.text', 16 * 1024 * 1024), what: string(o.what, 'copy.what', 64) };
    case 'runAction':
      return { type, action: paneAction(o.action, 'runAction.action'), pane: oneOf(o.pane, PANES, 'runAction.pane') };
    case 'rendered':
      return { type, pane: oneOf(o.pane, PANES, 'rendered.pane'), rows: integer(o.rows, 'rendered.rows') };
    case 'paneShown':
      return { type, pane: oneOf(o.pane, PANES, 'paneShown.pane'), shown: paneShown(o.shown, 'paneShown.shown') };
    case 'previewAccess':
      return { type, version: integer(o.version, 'previewAccess.version'), text: string(o.text, 'previewAccess.text', MAX_TEXT) };
    case 'showStatement':
      return { type, statementIndex: integer(o.statementIndex, 'showStatement.statementIndex', 0, 10_000), text: string(o.text, 'showStatement.text', MAX_TEXT) };
    case 'exportAccess':
      return { type, format: oneOf(o.format, ['markdown', 'json'] as const, 'exportAccess.format') };
    case 'discardDraft':
    case 'reloadPolicy':
    case 'loadHistory':
    case 'openInEditor':
    case 'whoCanRead':
    case 'verifyAccess':
      return { type };
    default:
      return fail('message.type', `unknown message type "${type.slice(0, 64)}"`);
  }
}
