// The reverse panel's messages from its page, checked before the host acts on them: the page is untrusted input.
import type { ReverseWebviewMessage } from './reverse-protocol';
import { fail, object, oneOf } from './validate';

/** The page's message, checked: the page is untrusted input. */
export function parseReverseMessage(raw: unknown): ReverseWebviewMessage {
  const o = object(raw, 'message');
  switch (o.type) {
    case 'ready':
    case 'refresh':
      return { type: o.type };
    case 'export':
      return { type: 'export', format: oneOf(o.format, ['markdown', 'json'] as const, 'export.format') };
    default:
      return fail('message.type', `not a message of this panel (${JSON.stringify(String(o.type)).slice(0, 40)})`);
  }
}
