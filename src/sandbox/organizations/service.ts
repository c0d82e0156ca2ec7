// The sandbox's AWS Organizations endpoint (awsJson1_1, AWSOrganizationsV20161128.<Op>): the organization, the
// account's place in it, and its service control and resource control policies. The sandbox account is a member
// account (so SCPs bound its principals) that is also the delegated administrator for policies, so it may read and
// manage them. Calls to this API are answered as the management account would answer them: no SCP bounds them, so an
// SCP can never lock the sandbox out of undoing it.
import { accessDeniedMessage, evaluate, serviceControlsFor, type ConditionContext, type NamedPolicy, type OrganizationView } from '../../policy';
import { AwsError, type Caller, type IdentityDirectory, type JsonService, type PrincipalFacts, type RequestContext } from '../contracts';
import { globalConditions } from '../request-conditions';
import type { JsonStore } from '../storage/json-store';
import { organizationsError as error } from './errors';
import { FULL_AWS_ACCESS, pathOf, policySummary, POLICY_TYPES, RCP_FULL_AWS_ACCESS, randomId, type ControlPolicyType, type OrganizationsState } from './model';

type Input = Record<string, unknown>;

/** Keys for callers without tags of their own: one object each, so that merged contexts are made once. */
const MEMBER: ConditionContext = {};
const OUTSIDER: ConditionContext = {};
type Handler = (input: Input, ctx: RequestContext) => Promise<unknown> | unknown;

/** Policy documents of SCPs and RCPs may hold at most this many characters (Organizations quotas). */
const MAX_POLICY_CHARACTERS = 5120;

function text(input: Input, name: string, required = true): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) throw error.invalidInput(`You provided a value that does not match the required pattern: ${name} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw error.invalidInput(`${name} must be a string.`);
  return value;
}

export class OrganizationsService implements JsonService {
  #view?: { state: string; view: OrganizationView };
  readonly #operations: Record<string, Handler> = {
    DescribeOrganization: () => this.describeOrganization(),
    ListRoots: () => this.listRoots(),
    ListParents: (input) => this.listParents(input),
    ListPoliciesForTarget: (input) => this.listPoliciesForTarget(input),
    ListPolicies: (input) => this.listPolicies(input),
    DescribePolicy: (input) => ({ Policy: this.policyOut(this.policy(text(input, 'PolicyId') as string)) }),
    CreatePolicy: (input) => this.createPolicy(input),
    DeletePolicy: (input) => this.deletePolicy(input),
    AttachPolicy: (input) => this.attach(input, true),
    DetachPolicy: (input) => this.attach(input, false),
  };

  constructor(
    private readonly store: JsonStore<OrganizationsState>,
    private readonly directory: IdentityDirectory,
  ) {}

  async handle(operation: string, input: Input, ctx: RequestContext): Promise<unknown> {
    const handler = Object.hasOwn(this.#operations, operation) ? this.#operations[operation] : undefined;
    if (!handler) throw new AwsError('UnknownOperationException', '', 400);
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new AwsError('SerializationException', 'Start of structure or map found where not expected');
    this.authorize(ctx, `organizations:${operation}`);
    return handler(input, ctx);
  }

  /** The organization as the policy engine reads it for the sandbox account (re-read after every change). */
  view(): OrganizationView {
    const state = this.store.read();
    const key = JSON.stringify(state.attachments) + Object.keys(state.policies).join(',');
    if (this.#view?.state === key) return this.#view.view;
    const policyCache = new Map<string, NamedPolicy>();
    const levels = (type: ControlPolicyType) =>
      pathOf(state).map(({ id }) =>
        (state.attachments[id] ?? [])
          .map((policyId) => state.policies[policyId])
          .filter((p) => p?.type === type)
          .map((p) => {
            let named = policyCache.get(p.id);
            if (!named) policyCache.set(p.id, (named = { name: p.name, document: p.content }));
            return named;
          }),
      );
    const view: OrganizationView = {
      organizationId: state.organizationId,
      managementAccountId: state.managementAccountId,
      accountId: state.accountId,
      serviceControlPolicies: levels('SERVICE_CONTROL_POLICY'),
      resourceControlPolicies: levels('RESOURCE_CONTROL_POLICY'),
    };
    this.#view = { state: key, view };
    return view;
  }

  /**
   * A caller's facts with what the organization adds: the SCPs that bound it, the view its resources' RCPs come from,
   * and the organization keys of the account's principals and resources (aws:PrincipalOrgID, aws:ResourceOrgID, ...).
   */
  factsFor(caller: Caller, own: PrincipalFacts): PrincipalFacts {
    const view = this.view();
    const facts: PrincipalFacts = { ...own, organization: view, tagConditions: this.withOrganizationKeys(own.tagConditions, caller.accountId === view.accountId) };
    const scps = serviceControlsFor(view, caller.arn);
    if (scps) facts.serviceControlPolicies = scps;
    return facts;
  }

  readonly #keys = new WeakMap<object, ConditionContext>();

  private withOrganizationKeys(conditions: ConditionContext | undefined, member: boolean): ConditionContext {
    const base = conditions ?? (member ? MEMBER : OUTSIDER);
    let merged = this.#keys.get(base);
    const s = this.store.read();
    const orgPath = `${s.organizationId}/${s.rootId}/${s.ouId}/`;
    if (!merged || merged['aws:ResourceOrgID'] !== s.organizationId) {
      merged = { ...base, 'aws:ResourceOrgID': s.organizationId, 'aws:ResourceOrgPaths': [orgPath] };
      if (member) Object.assign(merged, { 'aws:PrincipalOrgID': s.organizationId, 'aws:PrincipalOrgPaths': [orgPath] });
      this.#keys.set(base, merged);
    }
    return merged;
  }

  private authorize(ctx: RequestContext, action: string): void {
    if (ctx.caller.kind === 'root') return;
    const facts = this.directory.principalFacts(ctx.caller);
    const result = evaluate({
      principal: ctx.caller.arn,
      userId: ctx.caller.userId,
      action,
      resource: '*',
      context: globalConditions(ctx, facts),
      identityPolicies: facts.identityPolicies,
      permissionsBoundary: facts.permissionsBoundary,
      sessionPolicies: facts.sessionPolicies,
      now: ctx.now,
    });
    if (result.decision !== 'allowed') throw error.accessDenied(accessDeniedMessage(result));
  }

  private describeOrganization(): unknown {
    const s = this.store.read();
    return {
      Organization: {
        Id: s.organizationId,
        Arn: `arn:aws:organizations::${s.managementAccountId}:organization/${s.organizationId}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${s.managementAccountId}:account/${s.organizationId}/${s.managementAccountId}`,
        MasterAccountId: s.managementAccountId,
        MasterAccountEmail: 'management@example.com',
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    };
  }

  private listRoots(): unknown {
    const s = this.store.read();
    const PolicyTypes = POLICY_TYPES.map((Type) => ({ Type, Status: 'ENABLED' }));
    return { Roots: [{ Id: s.rootId, Arn: `arn:aws:organizations::${s.managementAccountId}:root/${s.organizationId}/${s.rootId}`, Name: 'Root', PolicyTypes }] };
  }

  private listParents(input: Input): unknown {
    const s = this.store.read();
    const child = text(input, 'ChildId') as string;
    if (child === s.accountId) return { Parents: [{ Id: s.ouId, Type: 'ORGANIZATIONAL_UNIT' }] };
    if (child === s.ouId) return { Parents: [{ Id: s.rootId, Type: 'ROOT' }] };
    throw error.childNotFound();
  }

  private target(id: string): void {
    if (!pathOf(this.store.read()).some((t) => t.id === id)) throw error.targetNotFound();
  }

  private policyType(input: Input, name: string): ControlPolicyType {
    const type = text(input, name) as ControlPolicyType;
    if (!POLICY_TYPES.includes(type)) throw error.invalidInput(`${name} must be SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY in this sandbox.`);
    return type;
  }

  private listPoliciesForTarget(input: Input): unknown {
    const s = this.store.read();
    const id = text(input, 'TargetId') as string;
    this.target(id);
    const type = this.policyType(input, 'Filter');
    const Policies = (s.attachments[id] ?? []).map((p) => s.policies[p]).filter((p) => p?.type === type).map((p) => policySummary(s, p));
    return { Policies };
  }

  private listPolicies(input: Input): unknown {
    const s = this.store.read();
    const type = this.policyType(input, 'Filter');
    return { Policies: Object.values(s.policies).filter((p) => p.type === type).map((p) => policySummary(s, p)) };
  }

  private policy(id: string) {
    const found = this.store.read().policies[id];
    if (!found) throw error.policyNotFound();
    return found;
  }

  private policyOut(p: ReturnType<OrganizationsService['policy']>): unknown {
    return { PolicySummary: policySummary(this.store.read(), p), Content: p.content };
  }

  private async createPolicy(input: Input): Promise<unknown> {
    const name = text(input, 'Name') as string;
    const content = text(input, 'Content') as string;
    const type = this.policyType(input, 'Type');
    checkContent(content, type);
    const created = await this.store.update((s) => {
      if (Object.values(s.policies).some((p) => p.name === name && p.type === type)) throw error.duplicatePolicy();
      const id = `p-${randomId(8)}`;
      s.policies[id] = { id, name, description: text(input, 'Description', false) ?? '', type, awsManaged: false, content };
      return s.policies[id];
    });
    return { Policy: this.policyOut(created) };
  }

  private async deletePolicy(input: Input): Promise<unknown> {
    const id = text(input, 'PolicyId') as string;
    await this.store.update((s) => {
      const p = s.policies[id];
      if (!p) throw error.policyNotFound();
      if (p.awsManaged) throw error.accessDenied('You cannot delete an AWS managed policy.');
      if (Object.values(s.attachments).some((list) => list.includes(id))) throw error.policyInUse();
      delete s.policies[id];
    });
    return {};
  }

  private async attach(input: Input, attach: boolean): Promise<unknown> {
    const policyId = text(input, 'PolicyId') as string;
    const targetId = text(input, 'TargetId') as string;
    this.policy(policyId);
    this.target(targetId);
    await this.store.update((s) => {
      const list = (s.attachments[targetId] ??= []);
      const index = list.indexOf(policyId);
      if (attach) {
        if (index >= 0) throw error.duplicateAttachment();
        list.push(policyId);
        return;
      }
      if (index < 0) throw error.policyNotAttached();
      const type = s.policies[policyId].type;
      if (policyId === RCP_FULL_AWS_ACCESS || list.filter((p) => s.policies[p]?.type === type).length === 1) throw error.constraintViolation(policyId === FULL_AWS_ACCESS || type === 'SERVICE_CONTROL_POLICY' ? 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' : 'CANNOT_DETACH_RCP_FULL_AWS_ACCESS');
      list.splice(index, 1);
    });
    return {};
  }
}

/** A policy document of the type: JSON with statements, within the size quota; an RCP denies only and names Principal "*". */
function checkContent(content: string, type: ControlPolicyType): void {
  if (content.length > MAX_POLICY_CHARACTERS) throw error.constraintViolation('MAX_POLICY_SIZE_EXCEEDED');
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(content) as { Statement?: unknown };
  } catch {
    throw error.malformedPolicy();
  }
  const statements = Array.isArray(document?.Statement) ? document.Statement : document?.Statement ? [document.Statement] : [];
  if (statements.length === 0) throw error.malformedPolicy();
  for (const raw of statements as Record<string, unknown>[]) {
    if (!raw || typeof raw !== 'object') throw error.malformedPolicy();
    if (type === 'RESOURCE_CONTROL_POLICY' && (raw.Effect !== 'Deny' || raw.Principal !== '*')) throw error.malformedPolicy();
    if (type === 'SERVICE_CONTROL_POLICY' && ('Principal' in raw || 'NotPrincipal' in raw)) throw error.malformedPolicy();
  }
}

