// The Activity feature's messages from the webview, checked before the host acts on them.
import { ACTIVITY_RANGES, type ActivityWebviewMessage } from './activity-protocol';
import { oneOf, type Obj } from './validate';

export const ACTIVITY_MESSAGE_TYPES: readonly ActivityWebviewMessage['type'][] = ['readActivity'];

/** `o` is an object whose `type` is one of ACTIVITY_MESSAGE_TYPES; throws InvalidMessageError naming a wrong field. */
export function parseActivityMessage(o: Obj, type: ActivityWebviewMessage['type']): ActivityWebviewMessage {
  switch (type) {
    case 'readActivity':
      return { type, range: oneOf(o.range, ACTIVITY_RANGES, 'readActivity.range') };
  }
}
