// The AccessDeniedException message AWS writes for a denied request, from an evaluation result.
import type { EvaluationResult } from './types';

/**
 * "User: <arn> is not authorized to perform: <action> on resource: <arn> because no resource-based policy allows
 * the <action> action" and its variants (aws-behaviour.md, "KMS errors"). Undefined when the request is allowed.
 * "no resource-based policy" means the resource policy neither names the caller nor delegates to their account;
 * "no identity-based policy" means it delegates (or there is none) but no identity policy allows.
 */
export function accessDeniedMessage(result: EvaluationResult): string | undefined {
  if (result.decision === 'allowed') return undefined;
  const { principal, action, resource } = result.request;
  const head = `User: ${principal} is not authorized to perform: ${action} on resource: ${resource}`;
  const details = result.details;
  if (result.decision === 'explicitly-denied') {
    const inResource = details?.denies.some((d) => d.kind === 'resource') ?? false;
    return `${head} with an explicit deny in ${inResource ? 'a resource-based' : 'an identity-based'} policy`;
  }
  const resourceSideMissing =
    !!details &&
    (details.crossAccountActionUnsupported ||
      (!details.resourcePolicyName && details.crossAccount) ||
      (!!details.resourcePolicyName && (details.resourcePolicyRequired || details.crossAccount) && details.resourceAllows.length === 0 && details.resourceDelegations.length === 0));
  return `${head} because no ${resourceSideMissing ? 'resource-based' : 'identity-based'} policy allows the ${action} action`;
}
