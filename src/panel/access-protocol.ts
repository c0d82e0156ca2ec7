// The Access feature's messages, both ways: who can read this table, each principal's two locks and the statements
// that decide them, a preview of an unsaved key policy, and Verify (reading as every identity KMS Lab holds).
// Types only (the webview bundle imports this file); access-incoming.ts checks at run time.

export type AccessRead = 'allowed' | 'denied' | 'conditional';
export interface AccessStatementView {
  /** Policy name or ARN ("key policy" for the key's). */
  policy: string;
  sid?: string;
  index: number;
  effect: 'Allow' | 'Deny';
  /** True for a statement of the key policy: selecting it highlights it in the policy editor. */
  inKeyPolicy: boolean;
  /** Where it comes from, in words: "attached", "inline", "through group devs", "permissions boundary", … */
  source: string;
}

export interface AccessLockView {
  decision: AccessRead | 'unknown';
  /** The decision in the lab's words: open, shut, conditional, unknown. */
  state: 'open' | 'shut' | 'conditional' | 'unknown';
  /** The statement that decides it, in words. */
  deciding?: string;
  /** The plain-words sentence. */
  reason: string;
  /** How the lock opens, in words, e.g. "the key policy delegates to IAM, and an IAM policy allows it". */
  via?: string;
  statements: AccessStatementView[];
  grants: string[];
  /** The policy engine's explanation, sentence by sentence. */
  explanation: string[];
  conditions: string[];
  /** For a conditional lock: the requests that open it, e.g. "only from 10.0.0.0/8". */
  opensWhen?: string;
  /** When the read actions are not decided alike: each one's decision, e.g. "GetItem allowed, Query allowed, Scan denied". */
  actions?: string;
  /** True when a service control or resource control policy of the organization is among its deciding statements. */
  byOrganization?: boolean;
}

export interface AccessRowView {
  principal: string;
  kind: string;
  name: string;
  groups: string[];
  read: AccessRead;
  table: AccessLockView;
  /** Absent for a table under an AWS owned key: there is no key lock. */
  key?: AccessLockView;
  conditions: string[];
  /** For a conditional read: the requests that can read, e.g. "only from 10.0.0.0/8" or "only with MFA". */
  opensWhen?: string;
  unknowns: string[];
  /** Whether KMS Lab holds credentials for this principal (Verify can read as it). */
  verifiable: boolean;
}

export type AccessView =
  | { state: 'idle' }
  | { state: 'loading'; message: string; done?: number; total?: number }
  | { state: 'failed'; message: string }
  | {
      state: 'ready';
      tableName: string;
      tableArn: string;
      collectedAt: string;
      encryption: string;
      keyLabel?: string;
      rows: AccessRowView[];
      notEvaluated: string[];
      missing: string[];
      /** The organization whose SCPs and RCPs were evaluated, in words; absent when they could not be read. */
      organization?: string;
      /** The account changed since it was collected: it is being collected again (or will be, once the panel is shown). */
      stale?: boolean;
    };

export interface AccessPreview {
  gains: { principal: string; name: string; before: string }[];
  loses: { principal: string; name: string; after: string }[];
  changes: { principal: string; name: string; before: string; after: string }[];
  /** Set when the draft could not be evaluated (e.g. invalid JSON). */
  problem?: string;
}

export interface VerificationView {
  principal: string;
  /** The identity KMS Lab read as: a profile, the status bar identity, the lab's test user. */
  identity: string;
  predicted: AccessRead;
  observed: 'allowed' | 'denied' | 'error';
  detail: string;
  /** False when observed and predicted differ: shown loudly. A conditional prediction is never a disagreement. */
  agrees: boolean;
}

// ---- host → webview ----

export type AccessHostMessage =
  | { type: 'access'; access: AccessView }
  | { type: 'accessPreview'; version: number; preview: AccessPreview }
  | { type: 'verification'; state: 'running' | 'done'; results: VerificationView[]; problem?: string }
  /** Shows the Access view (from "Who can read?"). */
  | { type: 'showAccess' };

// ---- webview → host ----

export type AccessWebviewMessage =
  | { type: 'whoCanRead' }
  | { type: 'previewAccess'; version: number; text: string }
  | { type: 'verifyAccess' }
  | { type: 'exportAccess'; format: 'markdown' | 'json' };
