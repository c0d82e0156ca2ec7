// Managed policies as IAM shows them: AWS managed ones from the bundled data, customer managed ones from the state.
import type { XmlObject } from '../server/xml';
import { awsManagedPolicies, awsManagedPolicy, type AwsManagedPolicy } from '../data/managed-policies';
import { AWS_MANAGED_POLICY_PREFIX, customerPolicyArn } from './arns';
import { customerPolicyByArn } from './directory';
import { iamError } from './errors';
import type { CustomerPolicyRecord, IamState } from './model';

export type ManagedPolicy = { kind: 'aws'; policy: AwsManagedPolicy } | { kind: 'customer'; policy: CustomerPolicyRecord };

export function isAwsManagedArn(arn: string): boolean {
  return arn.startsWith(`${AWS_MANAGED_POLICY_PREFIX}/`);
}

/** IAM first parses an ARN (ValidationError when it cannot), then checks that it names a policy (InvalidInput). */
export function checkPolicyArn(arn: string): void {
  if (!/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$/.test(arn)) throw iamError.validation('Invalid ARN:  Could not be parsed!');
  if (!/^arn:aws:iam::(\d{12}|aws):policy\/[\u0021-\u007E]+$/.test(arn)) throw iamError.invalidInput(`ARN ${arn} is not valid.`);
}

export function findManagedPolicy(state: IamState, arn: string): ManagedPolicy {
  checkPolicyArn(arn);
  if (isAwsManagedArn(arn)) {
    const policy = awsManagedPolicy(arn);
    if (policy) return { kind: 'aws', policy };
  } else {
    const policy = customerPolicyByArn(state, arn);
    if (policy) return { kind: 'customer', policy };
  }
  throw iamError.noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
}

/** A customer managed policy to change or delete; one that does not exist "was not found". */
export function findCustomerPolicy(state: IamState, arn: string): CustomerPolicyRecord {
  checkPolicyArn(arn);
  if (isAwsManagedArn(arn)) {
    if (awsManagedPolicy(arn)) throw iamError.accessDenied(`Cannot modify the AWS managed policy ${arn}.`);
  } else {
    const policy = customerPolicyByArn(state, arn);
    if (policy) return policy;
  }
  throw iamError.noSuchEntity(`Policy ${arn} was not found.`);
}

export function arnOfCustomerPolicy(state: IamState, policy: CustomerPolicyRecord): string {
  return customerPolicyArn(state.accountId, policy.path, policy.name);
}

export function attachmentCount(state: IamState, arn: string): number {
  let count = 0;
  for (const holder of [...Object.values(state.users), ...Object.values(state.groups), ...Object.values(state.roles)]) {
    if (holder.attachedPolicies.includes(arn)) count++;
  }
  return count;
}

export function boundaryUsageCount(state: IamState, arn: string): number {
  let count = 0;
  for (const entity of [...Object.values(state.users), ...Object.values(state.roles)]) {
    if (entity.permissionsBoundary === arn) count++;
  }
  return count;
}

/** How many entities attach each managed policy, and how many users and roles use it as their boundary, in one pass. */
export interface PolicyUsage {
  attachments: Map<string, number>;
  boundaries: Map<string, number>;
}

export function policyUsage(state: IamState): PolicyUsage {
  const attachments = new Map<string, number>();
  const boundaries = new Map<string, number>();
  for (const holder of [...Object.values(state.users), ...Object.values(state.groups), ...Object.values(state.roles)]) {
    for (const arn of holder.attachedPolicies) attachments.set(arn, (attachments.get(arn) ?? 0) + 1);
  }
  for (const entity of [...Object.values(state.users), ...Object.values(state.roles)]) {
    const arn = entity.permissionsBoundary;
    if (arn !== undefined) boundaries.set(arn, (boundaries.get(arn) ?? 0) + 1);
  }
  return { attachments, boundaries };
}

/** The name of an attached policy as the attachment lists show it; undefined when it no longer exists. */
export function attachedPolicyXml(state: IamState, arn: string): XmlObject | undefined {
  if (isAwsManagedArn(arn)) {
    const policy = awsManagedPolicy(arn);
    return policy && { PolicyName: policy.name, PolicyArn: arn };
  }
  const policy = customerPolicyByArn(state, arn);
  return policy && { PolicyName: policy.name, PolicyArn: arn };
}

export function managedPolicyXml(state: IamState, found: ManagedPolicy, withTags: boolean, usage?: PolicyUsage): XmlObject {
  const attached = (arn: string) => (usage ? (usage.attachments.get(arn) ?? 0) : attachmentCount(state, arn));
  const bounding = (arn: string) => (usage ? (usage.boundaries.get(arn) ?? 0) : boundaryUsageCount(state, arn));
  if (found.kind === 'aws') {
    const policy = found.policy;
    return {
      PolicyName: policy.name,
      PolicyId: policy.id,
      Arn: policy.arn,
      Path: policy.path,
      DefaultVersionId: policy.defaultVersionId,
      AttachmentCount: attached(policy.arn),
      PermissionsBoundaryUsageCount: bounding(policy.arn),
      IsAttachable: true,
      CreateDate: new Date(policy.createDate),
      UpdateDate: new Date(policy.updateDate),
    };
  }
  const policy = found.policy;
  const arn = arnOfCustomerPolicy(state, policy);
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: attached(arn),
    PermissionsBoundaryUsageCount: bounding(arn),
    IsAttachable: true,
    Description: policy.description,
    CreateDate: new Date(policy.createDate),
    UpdateDate: new Date(policy.updateDate),
    Tags: withTags && policy.tags.length > 0 ? policy.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })) : undefined,
  };
}

export function allManagedPolicies(state: IamState): ManagedPolicy[] {
  return [
    ...awsManagedPolicies().map((policy): ManagedPolicy => ({ kind: 'aws', policy })),
    ...Object.values(state.policies).map((policy): ManagedPolicy => ({ kind: 'customer', policy })),
  ];
}
