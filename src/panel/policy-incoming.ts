// The key policy feature's messages from the webview, checked before the host acts on them.
import { KEY_ROLE_EDITS, type PolicyWebviewMessage } from './policy-protocol';
import { boolean, integer, MAX_TEXT, oneOf, optionalString, string, type Obj } from './validate';

export const POLICY_MESSAGE_TYPES: readonly PolicyWebviewMessage['type'][] = [
  'checkPolicy',
  'editKeyRoles',
  'savePolicy',
  'discardDraft',
  'reloadPolicy',
  'loadHistory',
  'restoreHistory',
  'openInEditor',
  'showStatement',
];

/** `o` is an object whose `type` is one of POLICY_MESSAGE_TYPES; throws InvalidMessageError naming a wrong field. */
export function parsePolicyMessage(o: Obj, type: PolicyWebviewMessage['type']): PolicyWebviewMessage {
  switch (type) {
    case 'checkPolicy':
      return { type, version: integer(o.version, 'checkPolicy.version'), text: string(o.text, 'checkPolicy.text', MAX_TEXT) };
    case 'editKeyRoles':
      return {
        type,
        edit: oneOf(o.edit, KEY_ROLE_EDITS, 'editKeyRoles.edit'),
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
    case 'showStatement':
      return { type, statementIndex: integer(o.statementIndex, 'showStatement.statementIndex', 0, 10_000), text: string(o.text, 'showStatement.text', MAX_TEXT) };
    case 'discardDraft':
    case 'reloadPolicy':
    case 'loadHistory':
    case 'openInEditor':
      return { type };
  }
}
