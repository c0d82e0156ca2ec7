// The table panel's messages: what the shell itself says (ready, init, notices, copy), and the union of the three
// features' protocols (items-protocol.ts, policy-protocol.ts, access-protocol.ts). Types and constants only: the
// webview bundle imports these files, and the host checks every message from the webview at run time (incoming.ts).
import type { AccessHostMessage, AccessWebviewMessage } from './access-protocol';
import type { ActivityHostMessage, ActivityWebviewMessage } from './activity-protocol';
import type { ItemsHostMessage, ItemsWebviewMessage } from './items-protocol';
import type { PolicyHostMessage, PolicyWebviewMessage } from './policy-protocol';

export const PANEL_VIEW_TYPE = 'kmsLab.tablePanel';

/** What a panel is about: a table, or (opened from a key that protects no table) only a key. */
export interface PanelSubject {
  region: string;
  tableName?: string;
  keyArn?: string;
}

/** What the webview keeps with vscode.setState, so a reload loses nothing. */
export interface PersistedState {
  subject: PanelSubject;
  readAs?: string;
  /** The "Read as" identity's name, so a panel brought back after its identity is gone still names it. */
  readAsLabel?: string;
  /** The unsaved key policy text, and the live text it was written against (`base`), so a reload keeps both. */
  draft?: { keyArn: string; text: string; base: string; savedAt?: string };
  plainJson?: boolean;
  hiddenColumns?: string[];
  pageSize?: number;
  leftTab?: 'items' | 'access' | 'activity';
}

/** The two locks on a read of an encrypted table, named the same way everywhere the panel shows a read's result. */
export const LOCK_WORDS = {
  table: { name: 'Table lock', what: 'DynamoDB permissions' },
  key: { name: 'Key lock', what: "kms:Decrypt on the table's key, asked by DynamoDB on your behalf" },
} as const;

export type ShellHostMessage =
  | { type: 'init'; subject: PanelSubject; readAs?: string; readAsLabel?: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string };

export type ShellWebviewMessage = { type: 'ready'; state?: PersistedState } | { type: 'copy'; text: string; what: string };

export type HostMessage = ShellHostMessage | ItemsHostMessage | PolicyHostMessage | AccessHostMessage | ActivityHostMessage;

export type WebviewMessage = ShellWebviewMessage | ItemsWebviewMessage | PolicyWebviewMessage | AccessWebviewMessage | ActivityWebviewMessage;
