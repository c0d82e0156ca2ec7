// The Access feature's messages from the webview, checked before the host acts on them.
import type { AccessWebviewMessage } from './access-protocol';
import { integer, MAX_TEXT, oneOf, string, type Obj } from './validate';

export const ACCESS_MESSAGE_TYPES: readonly AccessWebviewMessage['type'][] = ['whoCanRead', 'previewAccess', 'verifyAccess', 'exportAccess'];

/** `o` is an object whose `type` is one of ACCESS_MESSAGE_TYPES; throws InvalidMessageError naming a wrong field. */
export function parseAccessMessage(o: Obj, type: AccessWebviewMessage['type']): AccessWebviewMessage {
  switch (type) {
    case 'previewAccess':
      return { type, version: integer(o.version, 'previewAccess.version'), text: string(o.text, 'previewAccess.text', MAX_TEXT) };
    case 'exportAccess':
      return { type, format: oneOf(o.format, ['markdown', 'json'] as const, 'exportAccess.format') };
    case 'whoCanRead':
    case 'verifyAccess':
      return { type };
  }
}
