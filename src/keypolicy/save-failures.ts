// What KMS's refusals of a key policy mean to the person saving it.
import { AwsLayerError, type AwsErrorKind } from '../aws/errors';

/** Why a save failed, for callers that offer a way out (sign in, switch profile, …). */
export type FailureReason = AwsErrorKind | 'read-only' | 'too-large' | 'invalid-principal';

export type RefusalResult =
  | { kind: 'lockout'; message: string }
  | { kind: 'failed'; message: string; action?: string; reason?: FailureReason };

export const KMS_LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';
const INVALID_PRINCIPALS = /invalid principals/i;

/** AWS's own message: the SDK error's, not the wrapper's sentence around it. */
function awsMessage(error: AwsLayerError): string {
  const cause = error.cause as { message?: unknown } | undefined;
  return typeof cause?.message === 'string' && cause.message !== '' ? cause.message : error.message;
}

export function lockoutMessage(callerArn: string, keyArn: string, kmsSaid?: string): string {
  const start = kmsSaid ? `KMS refused the policy: "${kmsSaid}"` : `Not saved: this policy would lock you out (KMS would refuse it: "${KMS_LOCKOUT_MESSAGE}")`;
  return `${start} Under it, ${callerArn} could no longer call kms:PutKeyPolicy on ${keyArn}. Keep a statement that allows it, such as the "Enable IAM User Permissions" statement for the account root.`;
}

/** Maps a failure of PutKeyPolicy (or of the reads around it) to a result; `callerArn` names who was refused. */
export function refusalOf(error: unknown, context: { keyArn: string; callerArn?: string; partialPrecheck?: string }): RefusalResult {
  if (!(error instanceof AwsLayerError)) return { kind: 'failed', message: `Saving the key policy of ${context.keyArn} failed: ${(error as Error)?.message ?? String(error)}` };
  const said = awsMessage(error);
  const action = error.action;
  if (error.code === 'MalformedPolicyDocumentException') {
    if (said.includes('will not allow you to update the key policy')) {
      const partial = context.partialPrecheck ? ` (KMS Lab's own check was partial: ${context.partialPrecheck}.)` : '';
      return { kind: 'lockout', message: `${lockoutMessage(context.callerArn ?? 'the current identity', context.keyArn, said)}${partial}` };
    }
    if (INVALID_PRINCIPALS.test(said)) {
      return {
        kind: 'failed',
        reason: 'invalid-principal',
        action,
        message: `KMS refused the policy: "${said}" A principal must be an existing user or role (or an account); check the ARNs for typos and for users or roles that were deleted.`,
      };
    }
    return { kind: 'failed', action, message: `KMS refused the policy: "${said}"` };
  }
  if (error.code === 'ValidationException' && /length/i.test(said)) {
    return { kind: 'failed', reason: 'too-large', action, message: `KMS refused the policy as too large (at most 32768 bytes): ${said}` };
  }
  if (error.kind === 'access-denied') return { kind: 'failed', reason: 'access-denied', action, message: `${error.message}. The key policy of ${context.keyArn} was not changed.` };
  if (error.kind === 'not-found') return { kind: 'failed', reason: 'not-found', action, message: `The key ${context.keyArn} no longer exists (${said})` };
  return { kind: 'failed', reason: error.kind, action, message: error.message };
}
