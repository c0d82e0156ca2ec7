// Authorization of IAM and STS actions with the policy engine, against the caller's identity policies
// (and, for sts:AssumeRole, the role's trust policy).
import { evaluate } from '../../policy';
import type { ConditionContext, EvaluationResult, PolicyDocument } from '../../policy/types';
import type { RequestContext } from '../contracts';
import type { IamDirectory } from './directory';
import { iamError } from './errors';

/** Condition keys every request carries. */
export function globalConditions(ctx: RequestContext): ConditionContext {
  return {
    'aws:SourceIp': ctx.sourceIp.replace(/^::ffff:/, ''),
    'aws:SecureTransport': 'false',
    'aws:RequestedRegion': ctx.region,
  };
}

export interface AuthorizeOptions {
  resourcePolicy?: PolicyDocument | string;
  resourcePolicyName?: string;
  context?: ConditionContext;
}

export function decide(directory: IamDirectory, ctx: RequestContext, action: string, resource: string, options: AuthorizeOptions = {}): EvaluationResult {
  return evaluate({
    principal: ctx.caller.arn,
    userId: ctx.caller.userId,
    action,
    resource,
    // IAM resources live in this account, or are AWS managed policies (account "aws"), which every account may use.
    resourceAccount: ctx.accountId,
    context: { ...globalConditions(ctx), ...options.context },
    identityPolicies: directory.identityPoliciesFor(ctx.caller),
    resourcePolicy:
      options.resourcePolicy === undefined
        ? undefined
        : { name: options.resourcePolicyName ?? 'resource policy', document: options.resourcePolicy },
    now: ctx.now,
  });
}

/** Throws IAM's AccessDenied unless the caller may perform action on resource. */
export function authorize(directory: IamDirectory, ctx: RequestContext, action: string, resource: string, options: AuthorizeOptions = {}): void {
  if (ctx.caller.kind === 'root') return;
  const result = decide(directory, ctx, action, resource, options);
  if (result.decision === 'allowed') return;
  throw iamError.accessDenied(denialMessage(ctx, action, resource, result, options.resourcePolicy !== undefined));
}

export function denialMessage(ctx: RequestContext, action: string, resource: string, result: EvaluationResult, hasResourcePolicy: boolean): string {
  let because: string;
  if (result.decision === 'explicitly-denied') {
    const deny = result.reasons.find((reason) => reason.kind === 'explicit-deny');
    because = `with an explicit deny in ${deny?.statement?.kind === 'resource' ? 'a resource-based' : 'an identity-based'} policy`;
  } else {
    const delegates = result.reasons.some((reason) => reason.kind === 'resource-delegates-to-account');
    because = `because no ${hasResourcePolicy && !delegates ? 'resource-based' : 'identity-based'} policy allows the ${action} action`;
  }
  return `User: ${ctx.caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${because}`;
}
