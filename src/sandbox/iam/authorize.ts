// Authorization of IAM and STS actions with the policy engine, against the caller's identity policies
// (and, for sts:AssumeRole, the role's trust policy).
import { accessDeniedMessage, evaluate } from '../../policy';
import type { ConditionContext, EvaluationResult, PolicyDocument } from '../../policy/types';
import type { RequestContext } from '../contracts';
import { globalConditions, principalPolicies, resourceControls } from '../request-conditions';
import type { IamDirectory } from './directory';
import { iamError } from './errors';

export interface AuthorizeOptions {
  resourcePolicy?: PolicyDocument | string;
  resourcePolicyName?: string;
  /** The resource policy alone must allow, or delegate to the caller's account (as a role's trust policy does). */
  resourcePolicyRequired?: boolean;
  context?: ConditionContext;
}

export function decide(directory: IamDirectory, ctx: RequestContext, action: string, resource: string, options: AuthorizeOptions = {}): EvaluationResult {
  const facts = directory.principalFacts(ctx.caller);
  return evaluate({
    principal: ctx.caller.arn,
    userId: ctx.caller.userId,
    action,
    resource,
    // IAM resources live in this account, or are AWS managed policies (account "aws"), which every account may use.
    resourceAccount: ctx.accountId,
    context: Object.assign(globalConditions(ctx, facts), options.context),
    ...principalPolicies(facts),
    ...resourceControls(facts, ctx.caller.arn, action, resource),
    resourcePolicy:
      options.resourcePolicy === undefined
        ? undefined
        : { name: options.resourcePolicyName ?? 'resource policy', document: options.resourcePolicy },
    resourcePolicyRequired: options.resourcePolicyRequired,
    now: ctx.now,
  });
}

/** Throws IAM's AccessDenied unless the caller may perform action on resource. */
export function authorize(directory: IamDirectory, ctx: RequestContext, action: string, resource: string, options: AuthorizeOptions = {}): void {
  if (ctx.caller.kind === 'root') return;
  const result = decide(directory, ctx, action, resource, options);
  if (result.decision === 'allowed') return;
  throw iamError.accessDenied(accessDeniedMessage(result) ?? `User: ${ctx.caller.arn} is not authorized to perform: ${action} on resource: ${resource}`);
}
