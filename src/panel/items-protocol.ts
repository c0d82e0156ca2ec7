// The items feature's messages, both ways: who each pane reads as, the table, pages of items, and a refused read
// with both locks explained. Types only (the webview bundle imports this file); items-incoming.ts checks at run time.
import type { AttributeValueJson, EncryptionKind, ItemJson, ItemRead, KeyAttributeType } from '../aws/types';

export type { AttributeValueJson, ItemJson, KeyAttributeType };

/** The identity a pane reads as: the status bar's ("primary") or the "Read as" one beside it ("secondary"). */
export type PaneId = 'primary' | 'secondary';

export interface IdentityView {
  /** A person's name for the identity: the principal's name once known ("admin", "kms-lab-test-user"), else the profile's. */
  label: string;
  /** Where its credentials come from, when that differs from the label: "Local sandbox", "profile test-user". */
  via?: string;
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
  /** `settling`: not an answer yet; AWS has not applied a change everywhere (a new access key, a policy), and the read is tried again. */
  kind: 'access-denied' | 'not-found' | 'invalid-credentials' | 'sso-expired' | 'endpoint-unreachable' | 'invalid-input' | 'settling' | 'other';
  /** Our sentence: what failed, for whom, and what to do. */
  message: string;
  /** More of what is known, shown when the policies cannot explain a denial. */
  detail?: string;
  /** AWS's own error code and message, as returned: shown second ("AWS said: …"). */
  awsCode?: string;
  awsMessage?: string;
  explanation?: DenialExplanation;
  /** Buttons the pane offers, e.g. signing in again. */
  actions?: PaneAction[];
}

/** One of the two locks on a read of an encrypted table, in the words the lab teaches. */
export interface LockLine {
  lock: 'table' | 'key';
  /** "Table lock" / "Key lock". */
  name: string;
  /** "DynamoDB permissions" / "kms:Decrypt on the table's key, asked by DynamoDB on your behalf". */
  what: string;
  state: 'open' | 'shut' | 'conditional' | 'unknown';
  /** Why, in one sentence. */
  reason: string;
  /** The statement that decides it, e.g. 'Allow statement "Allow use of the key" of the key policy'. */
  deciding?: string;
}

export interface DenialExplanation {
  state: 'loading' | 'ready' | 'unavailable';
  /** The principal the explanation is about. */
  principal?: string;
  /** The table lock, then the key lock (absent under an AWS owned key). */
  locks: LockLine[];
  /** What else the answer depends on, and, when the policies predict a read AWS refused, why that can be. */
  notes: string[];
  /** When unavailable: why (e.g. the admin may not read IAM). */
  problem?: string;
}

export type PaneAction = { kind: 'ssoLogin'; profile: string } | { kind: 'switchProfile' } | { kind: 'retry' };

/** What a pane has on screen, as the webview reports it after drawing: read by tests through the extension's API. */
export type PaneShown =
  | { kind: 'reading' }
  | { kind: 'items'; rows: number; complete: boolean }
  | { kind: 'failure'; failure: ReadFailure['kind']; title: string; explanation: 'none' | DenialExplanation['state']; lines: string[] };

export interface ReadAsOption {
  id: string;
  label: string;
  description: string;
}

// ---- host → webview ----

export type ItemsHostMessage =
  | { type: 'identity'; pane: PaneId; identity?: IdentityView }
  | { type: 'table'; table?: TableView; problem?: string }
  /** requestId 0: a read the host started itself (on opening, or because the account changed); `request` is what it read. */
  | { type: 'items'; pane: PaneId; requestId: number; items: ItemJson[]; lastEvaluatedKey?: ItemJson; append: boolean; scannedCount: number; request?: ReadRequest }
  | { type: 'readFailed'; pane: PaneId; requestId: number; failure: ReadFailure; request?: ReadRequest }
  | { type: 'readAsOptions'; options: ReadAsOption[]; selected?: string };

// ---- webview → host ----

export type ItemsWebviewMessage =
  | { type: 'read'; pane: PaneId; requestId: number; request: ReadRequest; startKey?: ItemJson; limit?: number }
  | { type: 'setReadAs'; id?: string }
  | { type: 'runAction'; action: PaneAction; pane: PaneId }
  | { type: 'rendered'; pane: PaneId; rows: number }
  | { type: 'paneShown'; pane: PaneId; shown: PaneShown };
