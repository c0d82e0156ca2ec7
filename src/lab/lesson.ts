// The lab's lesson in one set of words: a read of the table's data passes two locks, the table lock (DynamoDB
// permissions) and then the key lock (kms:Decrypt on the table's key, which DynamoDB asks for on the caller's
// behalf). Notifications, tree rows and reports name them in this order and with these words; AWS's own error
// comes second ("AWS said: …").
import type { ObservedRead } from './record';

export type LockName = 'table' | 'key';
export type LockVerdict = 'allowed' | 'denied' | 'conditional' | 'unknown';

/** One lock's answer: its verdict and the statement (or missing statement) that decides it, in plain words. */
export interface LockSummary {
  verdict: LockVerdict;
  reason: string;
}

export interface Locks {
  table: LockSummary;
  /** Absent when the table is encrypted with an AWS owned key: there is no key lock. */
  key?: LockSummary;
}

export const LOCK_TITLES: Record<LockName, string> = { table: 'Table lock', key: 'Key lock' };

export const LOCK_MEANINGS: Record<LockName, string> = {
  table: 'DynamoDB permissions',
  key: "kms:Decrypt on the table's key, asked by DynamoDB on your behalf",
};

export const NO_KEY_LOCK = 'No key lock: the table is encrypted with an AWS owned key, which no key policy guards.';

const STATES: Record<LockVerdict, string> = { allowed: 'open', denied: 'shut', conditional: 'open only under conditions', unknown: 'not known' };

/** "open", "shut", … */
export function lockState(verdict: LockVerdict): string {
  return STATES[verdict];
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** "Table lock (DynamoDB permissions): open — AmazonDynamoDBFullAccess (statement #1) allows … ." */
export function lockSentence(name: LockName, lock: LockSummary): string {
  return `${LOCK_TITLES[name]} (${LOCK_MEANINGS[name]}): ${lockState(lock.verdict)} — ${sentence(lock.reason)}`;
}

/** Both locks, table lock first. */
export function locksText(locks: Locks): string {
  return [lockSentence('table', locks.table), locks.key ? lockSentence('key', locks.key) : NO_KEY_LOCK].join(' ');
}

/** A tree row for a lock: the verdict visible in the label, what the lock is and why in the description. */
export function lockRow(name: LockName, lock: LockSummary): { label: string; description: string; tooltip: string } {
  return {
    label: `${LOCK_TITLES[name]}: ${lockState(lock.verdict)}`,
    description: `${LOCK_MEANINGS[name]} · ${lock.reason}`,
    tooltip: lockSentence(name, lock),
  };
}

/** "AWS said: AccessDeniedException: …", for a read AWS refused or failed; undefined when AWS returned the items. */
export function awsSaid(observed: Pick<ObservedRead, 'code' | 'message'>): string | undefined {
  if (!observed.message && !observed.code) return undefined;
  const code = observed.code && !observed.message?.startsWith(observed.code) ? `${observed.code}: ` : '';
  return `AWS said: ${code}${observed.message ?? ''}`.trim();
}
