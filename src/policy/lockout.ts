// KMS's lockout safety check: a new key policy must still let the caller change the key policy later.
import { parseArn } from './arn';
import { describeCaller } from './caller';
import { evaluate } from './evaluate';
import type { ConditionContext, NamedPolicy, PolicyDocument } from './types';

export interface LockoutOptions {
  /** The key the policy is for, when known; a policy whose Resource names the key then matches. */
  keyArn?: string;
  /** The request context of the caller's PutKeyPolicy call (e.g. aws:SourceIp). */
  context?: ConditionContext;
  /** The caller's unique id, for policies that name it. */
  userId?: string;
}

/**
 * True when, under `newPolicy`, the caller could no longer call kms:PutKeyPolicy on the key
 * (KMS then refuses the policy unless BypassPolicyLockoutSafetyCheck is set).
 */
export function wouldLockOut(
  newPolicy: PolicyDocument | string,
  callerArn: string,
  callerIdentityPolicies: NamedPolicy[],
  accountId?: string,
  options: LockoutOptions = {},
): boolean {
  const caller = describeCaller(callerArn);
  const account = accountId ?? parseArn(options.keyArn ?? '')?.account ?? caller.account;
  const keyArn = options.keyArn ?? `arn:${caller.partition}:kms:us-east-1:${account}:key/00000000-0000-0000-0000-000000000000`;
  const result = evaluate({
    principal: callerArn,
    action: 'kms:PutKeyPolicy',
    resource: keyArn,
    resourceAccount: account,
    context: options.context,
    userId: options.userId,
    identityPolicies: callerIdentityPolicies,
    resourcePolicy: newPolicy,
  });
  return result.decision !== 'allowed';
}
