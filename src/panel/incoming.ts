// Every message from the webview is checked before the host acts on it: the webview is untrusted input. The shell's
// own messages are checked here; each feature's by its own validator, which this file routes to by type.
import { ACCESS_MESSAGE_TYPES, parseAccessMessage } from './access-incoming';
import type { AccessWebviewMessage } from './access-protocol';
import { ACTIVITY_MESSAGE_TYPES, parseActivityMessage } from './activity-incoming';
import type { ActivityWebviewMessage } from './activity-protocol';
import { ITEMS_MESSAGE_TYPES, pageSize, parseItemsMessage } from './items-incoming';
import type { ItemsWebviewMessage } from './items-protocol';
import { parsePolicyMessage, POLICY_MESSAGE_TYPES } from './policy-incoming';
import type { PolicyWebviewMessage } from './policy-protocol';
import type { PersistedState, ShellWebviewMessage, WebviewMessage } from './protocol';
import { boolean, fail, MAX_TEXT, object, oneOf, optionalString, string, stringList } from './validate';

export { InvalidMessageError } from './validate';

/** A checked message and the feature it belongs to. */
export type RoutedMessage =
  | { feature: 'shell'; message: ShellWebviewMessage }
  | { feature: 'items'; message: ItemsWebviewMessage }
  | { feature: 'policy'; message: PolicyWebviewMessage }
  | { feature: 'access'; message: AccessWebviewMessage }
  | { feature: 'activity'; message: ActivityWebviewMessage };

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
    readAsLabel: optionalString(o.readAsLabel, `${path}.readAsLabel`, 256),
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
  if (o.pageSize !== undefined) state.pageSize = pageSize(o.pageSize, `${path}.pageSize`);
  if (o.leftTab !== undefined) state.leftTab = oneOf(o.leftTab, ['items', 'access', 'activity'] as const, `${path}.leftTab`);
  return state;
}

const has = <T extends string>(types: readonly T[], type: string): type is T => (types as readonly string[]).includes(type);

/** The message, checked field by field, with its feature; throws InvalidMessageError naming the first wrong field. */
export function routeWebviewMessage(raw: unknown): RoutedMessage {
  const o = object(raw, 'message');
  const type = string(o.type, 'message.type', 64);
  if (type === 'ready') return { feature: 'shell', message: { type, state: o.state === undefined ? undefined : persistedState(o.state, 'ready.state') } };
  if (type === 'copy') return { feature: 'shell', message: { type, text: string(o.text, 'copy.text', 16 * 1024 * 1024), what: string(o.what, 'copy.what', 64) } };
  if (has(ITEMS_MESSAGE_TYPES, type)) return { feature: 'items', message: parseItemsMessage(o, type) };
  if (has(POLICY_MESSAGE_TYPES, type)) return { feature: 'policy', message: parsePolicyMessage(o, type) };
  if (has(ACCESS_MESSAGE_TYPES, type)) return { feature: 'access', message: parseAccessMessage(o, type) };
  if (has(ACTIVITY_MESSAGE_TYPES, type)) return { feature: 'activity', message: parseActivityMessage(o, type) };
  return fail('message.type', `unknown message type "${type}"`);
}

/** The message alone, checked as routeWebviewMessage checks it. */
export function parseWebviewMessage(raw: unknown): WebviewMessage {
  return routeWebviewMessage(raw).message;
}
