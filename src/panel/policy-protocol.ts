// The key policy feature's messages, both ways: the policy as loaded (or the person's draft), problems as they type,
// the console's view of key administrators and users, Save and its outcomes, and the local history.
// Types only (the webview bundle imports this file); policy-incoming.ts checks at run time.

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

export const KEY_ROLE_EDITS: readonly KeyRoleEdit[] = ['addUser', 'removeUser', 'addAdministrator', 'removeAdministrator'];

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

// ---- host → webview ----

export type PolicyHostMessage =
  | { type: 'policy'; policy: PolicyView }
  /** Whether another tab can edit the policy ("Open in Editor"). */
  | { type: 'policyEditor'; canOpenInEditor: boolean }
  | { type: 'policyChecked'; version: number; markers: PolicyMarker[]; roles?: KeyRolesView; bytes: number }
  | { type: 'policyText'; text: string; note?: string }
  | { type: 'policyEditFailed'; message: string }
  | { type: 'saveOutcome'; outcome: SaveOutcome }
  | { type: 'history'; entries: HistoryEntryView[]; problem?: string }
  /** Highlights a statement of the key policy (the range in the editor's current text). */
  | { type: 'revealStatement'; from: number; to: number };

// ---- webview → host ----

export type PolicyWebviewMessage =
  | { type: 'checkPolicy'; version: number; text: string }
  | { type: 'editKeyRoles'; edit: KeyRoleEdit; text: string; arn?: string }
  | { type: 'savePolicy'; text: string; overwriteConflict?: boolean }
  | { type: 'discardDraft' }
  | { type: 'reloadPolicy' }
  | { type: 'loadHistory' }
  | { type: 'restoreHistory'; entryId: string }
  | { type: 'openInEditor' }
  | { type: 'showStatement'; statementIndex: number; text: string };
