// The caller's own identity policies, for the lockout pre-check: what IAM says applies to the user or role
// behind the session. Reading them needs IAM read permissions the caller may not have; then the result says so.
import type { AwsSession } from '../aws/session';
import type { CallerIdentity, IamPrincipal } from '../aws/types';
import type { NamedPolicy } from '../policy';

export interface CallerPolicies {
  identity: CallerIdentity;
  policies: NamedPolicy[];
  /** Set when the identity policies could not all be read: the pre-check is then partial. */
  partialReason?: string;
}

/** The IAM user or role behind a caller ARN; undefined for the root user and federated users. */
export function principalOf(identity: CallerIdentity): IamPrincipal | undefined {
  const match = /^arn:([\w-]+):(iam|sts)::\d{12}:(.+)$/.exec(identity.arn);
  if (!match) return undefined;
  const [, partition, service, resource] = match;
  if (service === 'iam' && resource.startsWith('user/')) {
    return { kind: 'user', name: resource.split('/').pop() ?? '', arn: identity.arn, id: identity.userId };
  }
  if (service === 'iam' && resource.startsWith('role/')) {
    return { kind: 'role', name: resource.split('/').pop() ?? '', arn: identity.arn, id: identity.userId };
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const role = resource.split('/')[1] ?? '';
    return { kind: 'role', name: role, arn: `arn:${partition}:iam::${identity.account}:role/${role}`, id: identity.userId.split(':')[0] ?? '' };
  }
  return undefined;
}

export async function readCallerPolicies(session: AwsSession): Promise<CallerPolicies> {
  const identity = await session.sts.getCallerIdentity();
  if (/:root$/.test(identity.arn)) return { identity, policies: [] };
  const principal = principalOf(identity);
  if (!principal) return { identity, policies: [], partialReason: `KMS Lab cannot read the IAM policies of ${identity.arn}` };
  try {
    const details = await session.iam.principalDetails(principal);
    const policies = await Promise.all(
      details.policies.map(async (policy) => ({
        name: policy.group ? `${policy.group}/${policy.name}` : policy.name,
        document: await session.iam.policyDocument(details, policy),
      })),
    );
    return { identity, policies };
  } catch (error) {
    return { identity, policies: [], partialReason: `the IAM policies of ${identity.arn} could not be read (${(error as Error).message})` };
  }
}
