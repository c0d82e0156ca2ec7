// How long the lab waits for what is not yet applied everywhere: on AWS, its documented delays; in the local sandbox
// keeping AWS's timing (kmsLab.sandbox.awsTiming), those delays scaled by its factor; in the instant sandbox, little.
import type { LabBackend } from './backend';
import { WAIT } from './defaults';

export { jittered } from '../aws/backoff';

/** DynamoDB keeps a caller's table key for up to five minutes (How DynamoDB uses AWS KMS). */
export const TABLE_KEY_CACHE_MS = 5 * 60_000;

export interface LabWaits {
  newAccessKeyMs: number;
  policyChangeMs: number;
  /** Throttling and other transient refusals. */
  transientMs: number;
  /** How long a revoke can take to reach a reader through DynamoDB's cached table key; undefined where it is instant. */
  tableKeyCacheMs?: number;
  /** The sandbox keeps AWS's timing: the lab waits for the cache to expire and shows it. */
  scaled: boolean;
}

export function labWaits(backend: LabBackend): LabWaits {
  if (backend.kind === 'aws') {
    return { newAccessKeyMs: WAIT.newAccessKeyMs.aws, policyChangeMs: WAIT.policyChangeMs.aws, transientMs: 30_000, tableKeyCacheMs: TABLE_KEY_CACHE_MS, scaled: false };
  }
  const factor = backend.awsTiming ?? 0;
  if (factor > 0) {
    return {
      newAccessKeyMs: Math.max(WAIT.newAccessKeyMs.other, WAIT.newAccessKeyMs.aws * factor),
      policyChangeMs: Math.max(5_000, WAIT.policyChangeMs.aws * factor),
      transientMs: Math.max(5_000, 30_000 * factor),
      tableKeyCacheMs: TABLE_KEY_CACHE_MS * factor,
      scaled: true,
    };
  }
  return { newAccessKeyMs: WAIT.newAccessKeyMs.other, policyChangeMs: WAIT.policyChangeMs.other, transientMs: 5_000, scaled: false };
}
