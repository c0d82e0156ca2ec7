// The table panel's messages, both ways. Types only: the webview bundle imports this file, and the host checks every
// message that comes from the webview at run time (incoming.ts), because the webview is untrusted input.
import type { AttributeValueJson, EncryptionKind, ItemJson, ItemRead, KeyAttributeType } from '../aws/types';

export type { AttributeValueJson, ItemJson, KeyAttributeType };

export const PANEL_VIEW_TYPE = 'kmsLab.tablePanel';

/** The identity a pane reads as: the status bar's ("primary") or the "Read as" one beside it ("secondary"). */
export type PaneId = 'primary' | 'secondary';

export interface IdentityView {
  /** "Local sandbox", a profile name, "kms-lab-test-user". */
  label: string;
  /** The caller's ARN, once sts:GetCallerIdentity has answered. */
  arn?: string;
  region: string;
  /** Why the identity could not be used, e.g. an expired SSO session. */
  problem?: string;
}

export interface TableView {
  name: string;
  arn: string;
  region: string;
  status: string;
  encryption: EncryptionKind;
  kmsKeyArn?: string;
  keySchema: { name: string; type: 'HASH' | 'RANGE' }[];
  keyTypes: Record<string, KeyAttributeType>;
  itemCount?: number;
  problem?: string;
}

/** A read of the table, as the webview asks for it; the host adds the key types from the table's schema. */
export type ReadRequest =
  | { kind: 'scan' }
  | {
      kind: 'query';
      partitionValue: string;
      sort?: { operator: SortOperator; value: string; value2?: string };
    };

export type SortOperator = NonNullable<Extract<ItemRead, { kind: 'query' }>['sortKey']>['operator'];

export const SORT_OPERATORS: readonly SortOperator[] = ['=', '<', '<=', '>', '>=', 'begins_with', 'between'];

export const PAGE_SIZES = [25, 100, 500, 1000] as const;

/** Why a read failed, in words for the pane, with the policy engine's explanation when it is a denial. */
export interface ReadFailure {
  kind: 'access-denied' | 'not-found' | 'invalid-credentials' | 'sso-expired' | 'endpoint-unreachable' | 'invalid-input' | 'other';
  /** Our sentence: what failed, for whom, and what to do. */
  message: string;
  /** AWS's own error code and message, as returned. */
  awsCode?: string;
  awsMessage?: string;
  explanation?: DenialExplanation;
  /** Buttons the pane offers, e.g. signing in again. */
  actions?: PaneAction[];
}

export interface DenialExplanation {
  state: 'loading' | 'ready' | 'unavailable';
  /** The principal the explanation is about. */
  principal?: string;
  /** Plain sentences: the table lock, then the key lock. */
  sentences: string[];
  /** When unavailable: why (e.g. the admin may not read IAM). */
  problem?: string;
}

export type PaneAction = { kind: 'ssoLogin'; profile: string } | { kind: 'switchProfile' } | { kind: 'retry' };

/** What a pane has on screen, as the webview reports it after drawing: read by tests through the extension's API. */
export type PaneShown =
  | { kind: 'reading' }
  | { kind: 'items'; rows: number; complete: boolean }
  | { kind: 'failure'; failure: ReadFailure['kind']; title: string; explanation: 'none' | DenialExplanation['state']; lines: string[] };

/** The key policy side. */
export type PolicyView =
  | { state: 'none'; reason: string }
  | { state: 'loading'; keyArn: string }
  | { state: 'failed'; keyArn: string; message: string }
  | {
      state: 'loaded';
      keyArn: string;
      keyLabel: string;
      keyManager: 'AWS' | 'CUSTOMER';
      keyState: string;
      /** The live policy as it was loaded, pretty-printed: the diff's left side. */
      liveText: string;
      /** What the editor shows: the live text, or the person's unsaved draft. */
      text: string;
      editable: boolean;
      readOnlyReason?: string;
      loadedAt: string;
      /** Set when `text` is a draft kept from before (a reload, or a closed panel). */
      restoredDraft?: { savedAt: string };
      /** Set when the policy could not be read again (e.g. as another identity): the view shows the last one read. */
      problem?: string;
    };

export interface PolicyMarker {
  from: number;
  to: number;
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  statementIndex?: number;
}

export interface KeyRolesView {
  administrators: string[];
  users: string[];
  iamDelegation: boolean;
  administratorsCanDelete: boolean;
}

export type KeyRoleEdit = 'addUser' | 'removeUser' | 'addAdministrator' | 'removeAdministrator';

export interface HistoryEntryView {
  id: string;
  savedAt: string;
  replacedBy?: string;
  text: string;
}

export type SaveOutcome =
  | { kind: 'saved'; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'lockout'; message: string }
  | { kind: 'conflict'; message: string; theirs: string }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

export interface ReadAsOption {
  id: string;
  label: string;
  description: string;
}

/** What the webview keeps with vscode.setState, so a reload loses nothing. */
export interface PersistedState {
  subject: PanelSubject;
  readAs?: string;
  /** The unsaved key policy text, and the live text it was written against (`base`), so a reload keeps both. */
  draft?: { keyArn: string; text: string; base: string; savedAt?: string };
  plainJson?: boolean;
  hiddenColumns?: string[];
  pageSize?: number;
  leftTab?: 'items' | 'access';
}

/** What a panel is about: a table, or (opened from a key that protects no table) only a key. */
export interface PanelSubject {
  region: string;
  tableName?: string;
  keyArn?: string;
}

// ---- host → webview ----

export type HostMessage =
  | {
      type: 'init';
      subject: PanelSubject;
      readAs?: string;
      readAsOptions: ReadAsOption[];
      /** Whether another tab can edit the policy ("Open in Editor"). */
      canOpenInEditor: boolean;
    }
  | { type: 'identity'; pane: PaneId; identity?: IdentityView }
  | { type: 'table'; table?: TableView; problem?: string }
  | { type: 'items'; pane: PaneId; requestId: number; items: ItemJson[]; lastEvaluatedKey?: ItemJson; append: boolean; scannedCount: number }
  | { type: 'readFailed'; pane: PaneId; requestId: number; failure: ReadFailure }
  | { type: 'explanation'; pane: PaneId; requestId: number; explanation: DenialExplanation }
  | { type: 'readAsOptions'; options: ReadAsOption[]; selected?: string }
  | { type: 'policy'; policy: PolicyView }
  | { type: 'policyChecked'; version: number; markers: PolicyMarker[]; roles?: KeyRolesView; bytes: number }
  | { type: 'policyText'; text: string; note?: string }
  | { type: 'policyEditFailed'; message: string }
  | { type: 'saveOutcome'; outcome: SaveOutcome }
  | { type: 'history'; entries: HistoryEntryView[]; problem?: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string }
  | { type: 'access'; access: AccessView }
  | { type: 'accessPreview'; version: number; preview: AccessPreview }
  | { type: 'verification'; state: 'running' | 'done'; results: VerificationView[]; problem?: string }
  /** Shows the Access view (from "Who can read?"). */
  | { type: 'showAccess' }
  /** Highlights a statement of the key policy (the range in the editor's current text). */
  | { type: 'revealStatement'; from: number; to: number };

// ---- webview → host ----

export type WebviewMessage =
  | { type: 'ready'; state?: PersistedState }
  | { type: 'read'; pane: PaneId; requestId: number; request: ReadRequest; startKey?: ItemJson; limit?: number }
  | { type: 'checkPolicy'; version: number; text: string }
  | { type: 'editKeyRoles'; edit: KeyRoleEdit; text: string; arn?: string }
  | { type: 'savePolicy'; text: string; overwriteConflict?: boolean }
  | { type: 'discardDraft' }
  | { type: 'reloadPolicy' }
  | { type: 'loadHistory' }
  | { type: 'restoreHistory'; entryId: string }
  | { type: 'openInEditor' }
  | { type: 'setReadAs'; id?: string }
  | { type: 'copy'; text: string; what: string }
  | { type: 'runAction'; action: PaneAction; pane: PaneId }
  | { type: 'rendered'; pane: PaneId; rows: number }
  | { type: 'paneShown'; pane: PaneId; shown: PaneShown }
  | { type: 'whoCanRead' }
  | { type: 'previewAccess'; version: number; text: string }
  | { type: 'verifyAccess' }
  | { type: 'exportAccess'; format: 'markdown' | 'json' }
  | { type: 'showStatement'; statementIndex: number; text: string };

// ---- the Access view (who can read this table) ----

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
  /** The plain-words sentence. */
  reason: string;
  /** How the lock opens, in words, e.g. "the key policy delegates to IAM, and an IAM policy allows it". */
  via?: string;
  statements: AccessStatementView[];
  grants: string[];
  /** The policy engine's explanation, sentence by sentence. */
  explanation: string[];
  conditions: string[];
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
