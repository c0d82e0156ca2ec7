// A refused read that is not an answer yet: AWS applies a change everywhere only after a while (a new access key is
// unknown to DynamoDB for a few seconds, a new IAM or key policy reaches DynamoDB and KMS late), and throttling is
// only a request to slow down. Such a read is tried again, within a bound, and the pane says what it waits for;
// only then is a refusal shown as one. Nothing here reports as denied what was only not yet consistent.
import { AwsLayerError } from '../aws/errors';
import type { DenialExplanation, ReadFailure } from './items-protocol';

/** How long a pane waits for each, from its first attempt: AWS documents no figure; seconds are common, tens happen. */
export const SETTLE_WAITS = { newAccessKeyMs: 30_000, policyChangeMs: 30_000, throttledMs: 30_000 } as const;

/** What an access key AWS does not know (yet) is refused with: IAM and STS, then KMS and DynamoDB. */
const UNKNOWN_KEY_CODES = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidAccessKeyId']);

export function isUnknownAccessKey(error: unknown): boolean {
  return error instanceof AwsLayerError && error.kind === 'invalid-credentials' && UNKNOWN_KEY_CODES.has(error.code ?? '');
}

/** The policies KMS Lab reads open both locks, yet AWS refused: a change has not reached every host yet. */
export function predictedAllowed(explanation: DenialExplanation | undefined): boolean {
  return explanation?.state === 'ready' && explanation.locks.length > 0 && explanation.locks.every((lock) => lock.state === 'open');
}

export interface SettleQuestion {
  error: unknown;
  /** For a denial: the policies' explanation of it. */
  explanation?: DenialExplanation;
  who: string;
  tableName: string;
  attempt: number;
  /** Since the first attempt. */
  elapsedMs: number;
  /** Where a new access key is refused for a while (AWS, the sandbox keeping AWS's timing); elsewhere a refused key is rejected. */
  newKeysMayLag: boolean;
}

/** The pane's "waiting" failure when the read should be tried again, or undefined when the failure is the answer. */
export function settling(question: SettleQuestion): ReadFailure | undefined {
  const { error, who, tableName, attempt, elapsedMs } = question;
  const waitFor = (budgetMs: number, what: string): ReadFailure | undefined =>
    elapsedMs < budgetMs
      ? { kind: 'settling', message: `Waiting for ${what} (attempt ${attempt}, at most ${Math.round(budgetMs / 1000)} s): ${who} reads ${tableName} again shortly.` }
      : undefined;
  if (isUnknownAccessKey(error)) return question.newKeysMayLag ? waitFor(SETTLE_WAITS.newAccessKeyMs, `AWS to know the access key of ${who}: a new access key is refused for a few seconds`) : undefined;
  if (error instanceof AwsLayerError && error.kind === 'throttled') return waitFor(SETTLE_WAITS.throttledMs, 'AWS to stop throttling the read, backing off');
  if (error instanceof AwsLayerError && error.kind === 'access-denied' && predictedAllowed(question.explanation)) {
    return waitFor(SETTLE_WAITS.policyChangeMs, `the policies that let ${who} read to reach DynamoDB and KMS: AWS refused, but both locks are open`);
  }
  return undefined;
}
