// What every authorization in the sandbox hands the policy engine about the caller and the request: the caller's
// policies (identity, permissions boundary, session policies) and the global condition keys AWS puts in every request
// context. aws:CurrentTime and aws:EpochTime come from the request time the engine is given (`now`).
import { resourceControlsFor, type ResourceFacts } from '../policy/organization';
import type { ConditionContext, EvaluationRequest } from '../policy/types';
import type { PrincipalFacts, RequestContext } from './contracts';

/** The parts of an EvaluationRequest that describe the caller's own policies. */
export function principalPolicies(facts: PrincipalFacts): Pick<EvaluationRequest, 'identityPolicies' | 'permissionsBoundary' | 'sessionPolicies' | 'serviceControlPolicies'> {
  return { identityPolicies: facts.identityPolicies, permissionsBoundary: facts.permissionsBoundary, sessionPolicies: facts.sessionPolicies, serviceControlPolicies: facts.serviceControlPolicies };
}

/** The organization's RCPs that bound this request on the account's resource (none for services RCPs do not cover). */
export function resourceControls(facts: PrincipalFacts, principal: string, action: string, resource: string, resourceFacts?: ResourceFacts): Pick<EvaluationRequest, 'resourceControlPolicies'> {
  const levels = resourceControlsFor(facts.organization, principal, action, resource, resourceFacts);
  return levels ? { resourceControlPolicies: levels } : {};
}

/** Keys of a request the caller sends directly: network, transport, region, and the caller's tags. */
export function globalConditions(ctx: RequestContext, facts?: PrincipalFacts): ConditionContext {
  const conditions: ConditionContext = {
    'aws:SourceIp': ctx.sourceIp.replace(/^::ffff:/, ''),
    'aws:SecureTransport': 'false',
    'aws:RequestedRegion': ctx.region,
    'aws:ViaAWSService': 'false',
  };
  return facts?.tagConditions ? Object.assign(conditions, facts.tagConditions) : conditions;
}

/** Adds the caller's aws:PrincipalTag keys to a context built elsewhere (e.g. the forward-access context of KMS through DynamoDB). */
export function withPrincipalTags(conditions: ConditionContext, facts: PrincipalFacts): ConditionContext {
  return facts.tagConditions ? { ...conditions, ...facts.tagConditions } : conditions;
}

const tagCache = new WeakMap<object, ConditionContext>();

/** aws:PrincipalTag/<key> for each tag; later lists win for the same key (case-insensitive), as session tags over role tags. */
export function principalTagConditions(...tagLists: ({ Key: string; Value: string }[] | undefined)[]): ConditionContext | undefined {
  const lists = tagLists.filter((list): list is { Key: string; Value: string }[] => list !== undefined && list.length > 0);
  if (lists.length === 0) return undefined;
  if (lists.length === 1) {
    const cached = tagCache.get(lists[0]!);
    if (cached) return cached;
  }
  const byKey = new Map<string, { Key: string; Value: string }>();
  for (const list of lists) for (const tag of list) byKey.set(tag.Key.toLowerCase(), tag);
  const conditions: ConditionContext = {};
  for (const tag of byKey.values()) conditions[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
  if (lists.length === 1) tagCache.set(lists[0]!, conditions);
  return conditions;
}
