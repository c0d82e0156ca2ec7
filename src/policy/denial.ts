// The AccessDeniedException message AWS writes for a denied request, from an evaluation result.
import type { EvaluationResult, PolicyType } from './types';

const EXPLICIT: Record<PolicyType, string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
};

const IMPLICIT: Record<PolicyType, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
};

/**
 * "User: <arn> is not authorized to perform: <action> on resource: <arn> because no resource-based policy allows
 * the <action> action" and its variants (aws-behaviour.md, "KMS errors"; IAM User Guide, "Troubleshoot access denied
 * error messages"). Undefined when the request is allowed.
 * "no resource-based policy" means the resource policy neither names the caller nor delegates to their account;
 * "no identity-based policy" means it delegates (or there is none) but no identity policy allows;
 * "no permissions boundary" / "no session policy" means an allow elsewhere was cut off by the boundary or the session policies.
 */
export function accessDeniedMessage(result: EvaluationResult): string | undefined {
  if (result.decision === 'allowed') return undefined;
  const { principal, action, resource } = result.request;
  const head = `User: ${principal} is not authorized to perform: ${action} on resource: ${resource}`;
  const details = result.details;
  if (result.decision === 'explicitly-denied') {
    const kinds = new Set(details?.denies.map((d) => d.kind));
    const kind: PolicyType = (['rcp', 'scp', 'resource', 'boundary', 'session', 'identity'] as const).find((k) => kinds.has(k)) ?? 'identity';
    return `${head} with an explicit deny in ${EXPLICIT[kind]}`;
  }
  return `${head} because no ${IMPLICIT[details?.noAllowIn ?? 'identity']} allows the ${action} action`;
}
