// Which AWS Organizations policies bound a request (AWS Organizations User Guide, "Service control policies",
// "Resource control policies"): the account's SCPs bound its principals, except in the management account and for
// service-linked roles; its RCPs bound its resources for the services that support them, except in the management
// account, for service-linked roles and for AWS managed KMS keys. The evaluation itself is the engine's
// (EvaluationRequest.serviceControlPolicies / resourceControlPolicies).
import { describeCaller } from './caller';
import type { NamedPolicy } from './types';

/**
 * Services whose resources RCPs apply to, as the Organizations User Guide lists them ("List of AWS services that
 * support RCPs": Amazon S3, AWS STS, AWS KMS, Amazon SQS, AWS Secrets Manager; Amazon ECR and Amazon OpenSearch
 * Serverless since June 2025). DynamoDB is not among them.
 */
export const RCP_SERVICES: ReadonlySet<string> = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager', 'ecr', 'aoss']);

/** One account's place in its organization, with the policies attached along its path. */
export interface OrganizationView {
  organizationId: string;
  managementAccountId: string;
  /** The account the levels belong to. */
  accountId: string;
  /** From the root to the account: the SCPs attached at each level; empty when SCPs are not enabled. */
  serviceControlPolicies: NamedPolicy[][];
  /** Likewise for RCPs. */
  resourceControlPolicies: NamedPolicy[][];
}

/** A service-linked role (path /aws-service-role/, names AWSServiceRoleFor…) or one of its sessions. */
export function isServiceLinkedRole(principal: string): boolean {
  const caller = describeCaller(principal);
  if (caller.kind !== 'role' && caller.kind !== 'assumed-role') return false;
  return principal.includes(':role/aws-service-role/') || /^AWSServiceRoleFor/.test(caller.name ?? '');
}

/** The SCP levels that bound this principal's requests, or undefined when none do. */
export function serviceControlsFor(org: OrganizationView | undefined, principal: string): NamedPolicy[][] | undefined {
  if (!org || org.serviceControlPolicies.length === 0) return undefined;
  const caller = describeCaller(principal);
  if (caller.account !== org.accountId || caller.account === org.managementAccountId) return undefined;
  if (caller.kind === 'service' || isServiceLinkedRole(principal)) return undefined;
  return org.serviceControlPolicies;
}

export interface ResourceFacts {
  /** The resource's account (default: from its ARN). */
  account?: string;
  /** The resource is an AWS managed KMS key. */
  awsManagedKey?: boolean;
}

/** The RCP levels that bound a request for this action on this resource, or undefined when none do. */
export function resourceControlsFor(org: OrganizationView | undefined, principal: string, action: string, resource: string, facts: ResourceFacts = {}): NamedPolicy[][] | undefined {
  if (!org || org.resourceControlPolicies.length === 0) return undefined;
  const account = facts.account ?? resource.split(':')[4] ?? '';
  if (account !== org.accountId || account === org.managementAccountId) return undefined;
  if (!RCP_SERVICES.has(action.split(':')[0].toLowerCase()) || facts.awsManagedKey) return undefined;
  if (isServiceLinkedRole(principal)) return undefined;
  return org.resourceControlPolicies;
}
