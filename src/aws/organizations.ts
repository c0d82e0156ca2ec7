// The account's organization policies for the access snapshot: DescribeOrganization, then the account's path up to the
// root (ListParents), the SCPs and RCPs attached at each level (ListPoliciesForTarget) and their documents
// (DescribePolicy). Outside the management account these calls need delegated administration; a refusal is noted in
// the snapshot and the policies are then named as not evaluated, never guessed.
import type { Organization, PolicySummary } from '@aws-sdk/client-organizations';
import type { MissingData, OrganizationLevel, OrganizationSnapshot } from '../access/types';
import type { ServiceCaller } from './call';
import { AwsLayerError } from './errors';
import { allPages } from './iam';

export interface OrganizationSteps {
  plan(count: number): void;
  done(what: string): void;
  check(): void;
  missing(entry: MissingData): void;
}

const POLICY_TYPES = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] as const;

/** Deeper than any organization can be (the root, five levels of OUs, the account). */
const MAX_DEPTH = 8;

/** A refusal, an endpoint without Organizations, or an account outside the organization's administration. */
function unreadable(error: unknown): error is AwsLayerError {
  if (!(error instanceof AwsLayerError)) return false;
  if (error.kind === 'access-denied' || error.kind === 'not-found') return true;
  return /UnknownOperation|NotImplemented|not (yet )?implemented|AccessDenied|UnsupportedAPIEndpoint|Unrecognized.*(operation|action)/i.test(`${error.code ?? ''} ${error.message}`);
}

export class OrganizationCollector {
  constructor(
    private readonly organizations: ServiceCaller<'organizations'>,
    private readonly steps: OrganizationSteps,
  ) {}

  /** The snapshot's organization part, or undefined when it could not be read (the reason is noted). */
  async collect(accountId: string): Promise<OrganizationSnapshot | undefined> {
    let action = 'organizations:DescribeOrganization';
    try {
      const organization = await this.describeOrganization();
      if (!organization) return { Path: [], Policies: [] };
      action = 'organizations:ListParents';
      const path = await this.path(accountId);
      action = 'organizations:ListPoliciesForTarget';
      for (const level of path) level.Policies = await this.policiesFor(level.Id);
      action = 'organizations:DescribePolicy';
      const ids = [...new Set(path.flatMap((level) => level.Policies.map((p) => p.Id ?? '')).filter(Boolean))];
      const Policies = await Promise.all(ids.map((id) => this.describePolicy(id)));
      return { Organization: organization, Path: path, Policies };
    } catch (error) {
      if (!unreadable(error)) throw error;
      this.steps.missing({ action: error.action ?? action, what: "the account's service control policies and resource control policies", reason: error.message });
      return undefined;
    }
  }

  private async send<T>(action: string, what: string, request: Parameters<ServiceCaller<'organizations'>['send']>[1]): Promise<T> {
    this.steps.check();
    this.steps.plan(1);
    const out = (await this.organizations.send(action, request)) as T;
    this.steps.done(what);
    return out;
  }

  /** Undefined when the account is in no organization. */
  private async describeOrganization(): Promise<Organization | undefined> {
    try {
      const out = await this.send<{ Organization?: Organization }>('organizations:DescribeOrganization', 'the organization', (c, sdk) => c.send(new sdk.organizations.DescribeOrganizationCommand({})));
      return out.Organization;
    } catch (error) {
      if (error instanceof AwsLayerError && error.code === 'AWSOrganizationsNotInUseException') return undefined;
      throw error;
    }
  }

  /** From the root down to the account. */
  private async path(accountId: string): Promise<OrganizationLevel[]> {
    const levels: OrganizationLevel[] = [{ Id: accountId, Type: 'ACCOUNT', Policies: [] }];
    let child = accountId;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const out = await this.send<{ Parents?: { Id?: string; Type?: string }[] }>('organizations:ListParents', 'the place in the organization', (c, sdk) => c.send(new sdk.organizations.ListParentsCommand({ ChildId: child })));
      const parent = out.Parents?.[0];
      if (!parent?.Id) break;
      levels.unshift({ Id: parent.Id, Type: parent.Type === 'ROOT' ? 'ROOT' : 'ORGANIZATIONAL_UNIT', Policies: [] });
      if (parent.Type === 'ROOT') break;
      child = parent.Id;
    }
    return levels;
  }

  private async policiesFor(TargetId: string): Promise<PolicySummary[]> {
    const lists = await Promise.all(
      POLICY_TYPES.map((Filter) =>
        allPages(async (NextToken) => {
          const out = await this.send<{ Policies?: PolicySummary[]; NextToken?: string }>('organizations:ListPoliciesForTarget', `the policies of ${TargetId}`, (c, sdk) =>
            c.send(new sdk.organizations.ListPoliciesForTargetCommand({ TargetId, Filter, NextToken })),
          );
          return { items: out.Policies ?? [], marker: out.NextToken };
        }).catch((error: unknown) => {
          // A policy type that is not enabled has nothing attached.
          if (error instanceof AwsLayerError && error.code === 'PolicyTypeNotEnabledException') return [];
          throw error;
        }),
      ),
    );
    return lists.flat();
  }

  private async describePolicy(PolicyId: string): Promise<{ PolicySummary?: PolicySummary; Content?: string }> {
    const out = await this.send<{ Policy?: { PolicySummary?: PolicySummary; Content?: string } }>('organizations:DescribePolicy', `policy ${PolicyId}`, (c, sdk) => c.send(new sdk.organizations.DescribePolicyCommand({ PolicyId })));
    return { PolicySummary: out.Policy?.PolicySummary, Content: out.Policy?.Content };
  }
}
