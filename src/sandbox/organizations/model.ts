// The sandbox's organization: a management account the sandbox never signs in as, a root, one OU ("Sandbox") that
// holds the sandbox account, and the policies attached to them. SCPs and RCPs are enabled, with AWS's
// FullAWSAccess and RCPFullAWSAccess attached everywhere, as Organizations does when a policy type is enabled.
import { randomBytes } from 'node:crypto';

export type ControlPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
export const POLICY_TYPES: readonly ControlPolicyType[] = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

export interface PolicyRecord {
  id: string;
  name: string;
  description: string;
  type: ControlPolicyType;
  awsManaged: boolean;
  content: string;
}

export interface OrganizationsState {
  organizationId: string;
  managementAccountId: string;
  accountId: string;
  rootId: string;
  ouId: string;
  ouName: string;
  policies: Record<string, PolicyRecord>;
  /** Target id (root, OU, account) → ids of the policies attached to it, in attachment order. */
  attachments: Record<string, string[]>;
}

export const FULL_AWS_ACCESS = 'p-FullAWSAccess';
export const RCP_FULL_AWS_ACCESS = 'p-RCPFullAWSAccess';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += LOWER_ALNUM[byte % LOWER_ALNUM.length];
  return out;
}

/** A management account that is not the sandbox's own. */
function managementAccountFor(accountId: string): string {
  return accountId === '999999999999' ? '999999999998' : '999999999999';
}

export function emptyOrganization(accountId: string): OrganizationsState {
  const root = randomId(4);
  const state: OrganizationsState = {
    organizationId: `o-${randomId(10)}`,
    managementAccountId: managementAccountFor(accountId),
    accountId,
    rootId: `r-${root}`,
    ouId: `ou-${root}-${randomId(8)}`,
    ouName: 'Sandbox',
    policies: {
      [FULL_AWS_ACCESS]: {
        id: FULL_AWS_ACCESS,
        name: 'FullAWSAccess',
        description: 'Allows access to every operation',
        type: 'SERVICE_CONTROL_POLICY',
        awsManaged: true,
        content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      },
      [RCP_FULL_AWS_ACCESS]: {
        id: RCP_FULL_AWS_ACCESS,
        name: 'RCPFullAWSAccess',
        description: 'Allows access to every operation',
        type: 'RESOURCE_CONTROL_POLICY',
        awsManaged: true,
        content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }),
      },
    },
    attachments: {},
  };
  for (const target of [state.rootId, state.ouId, accountId]) state.attachments[target] = [FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS];
  return state;
}

/** From the root down to the account. */
export function pathOf(state: OrganizationsState): { id: string; type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT' }[] {
  return [
    { id: state.rootId, type: 'ROOT' },
    { id: state.ouId, type: 'ORGANIZATIONAL_UNIT' },
    { id: state.accountId, type: 'ACCOUNT' },
  ];
}

export function policyArn(state: OrganizationsState, policy: PolicyRecord): string {
  if (policy.awsManaged) return `arn:aws:organizations::aws:policy/${policy.type.toLowerCase()}/${policy.id}`;
  return `arn:aws:organizations::${state.managementAccountId}:policy/${state.organizationId}/${policy.type.toLowerCase()}/${policy.id}`;
}

export function policySummary(state: OrganizationsState, policy: PolicyRecord): Record<string, unknown> {
  return { Id: policy.id, Arn: policyArn(state, policy), Name: policy.name, Description: policy.description, Type: policy.type, AwsManaged: policy.awsManaged };
}
