// "What can this principal read?": the messages between its panel and its page. Every table of the region with the
// principal's read, both locks drawn as in the table panel's Access view (AccessLockView). Types only: the webview
// bundle imports this file; reverse-incoming.ts checks the page's messages at run time.
import type { AccessLockView, AccessRead } from './access-protocol';

export const REVERSE_VIEW_TYPE = 'kmsLab.reversePanel';

/** One table as the principal (or, for a group, one member) reads it. */
export interface ReverseTableView {
  tableName: string;
  tableArn: string;
  /** For a group: the member this row is about. */
  member?: string;
  /** "AWS owned key", "AWS managed key alias/aws/dynamodb", "customer managed key alias/kms-lab". */
  encryption: string;
  read: AccessRead;
  table: AccessLockView;
  /** Absent under an AWS owned key: there is no key lock. */
  key?: AccessLockView;
  opensWhen?: string;
  conditions: string[];
  unknowns: string[];
}

export type ReverseView =
  | { state: 'loading'; message: string; done?: number; total?: number }
  | { state: 'failed'; message: string }
  | {
      state: 'ready';
      principal: string;
      name: string;
      kind: string;
      /** For a group: its members' names. */
      members?: string[];
      accountId: string;
      region: string;
      collectedAt: string;
      tables: ReverseTableView[];
      organization?: string;
      notEvaluated: string[];
      missing: string[];
      /** The account changed since it was collected: it is being collected again (or will be, once shown). */
      stale?: boolean;
    };

/** `principal` is what the page keeps for VS Code to bring the panel back after a reload. */
export type ReverseHostMessage = { type: 'reverse'; view: ReverseView; principal: string };

/** The state a reverse page keeps across reloads (it came from the page: checked before use). */
export interface ReversePersistedState {
  principal: string;
}

export type ReverseWebviewMessage = { type: 'ready' } | { type: 'refresh' } | { type: 'export'; format: 'markdown' | 'json' };
