// What the table panel hands its Access view ("who can read this table?") with each message.
import type { DynamoTable } from '../aws/types';
import type { KeyPolicyDocument } from '../keypolicy';
import type { PaneSource } from './pane-source';
import type { HostMessage, PanelSubject, WebviewMessage } from './protocol';

export interface AccessContext {
  post(message: HostMessage): void;
  /** The status bar's identity: it collects the account's policies. */
  admin: PaneSource | undefined;
  /** The "Read as" identity, which Verify can also read as. */
  readAs: PaneSource | undefined;
  table: DynamoTable | undefined;
  document: KeyPolicyDocument | undefined;
  subject: PanelSubject;
}

export type AccessMessage = Extract<WebviewMessage, { type: 'whoCanRead' | 'previewAccess' | 'verifyAccess' | 'exportAccess' }>;
