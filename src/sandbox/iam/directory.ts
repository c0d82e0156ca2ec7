// The account's IAM view used by every service: whose policies apply to a caller, which principals exist,
// and which access keys belong to which user.
import type { NamedPolicy, PolicyDocument } from '../../policy/types';
import type { Caller, IdentityDirectory, PrincipalFacts } from '../contracts';
import { principalTagConditions } from '../request-conditions';
import { awsManagedPolicy } from '../data/managed-policies';
import type { CredentialRecord } from '../server/credentials';
import { AWS_MANAGED_POLICY_PREFIX, parseIamArn, userArn } from './arns';
import { stateGeneration } from '../storage/state-generation';
import { nameKey, type CustomerPolicyRecord, type IamState, type RoleRecord, type UserRecord } from './model';

const MAX_PARSED = 4096;
const NOTHING_ALLOWED: PolicyDocument = { Version: '2012-10-17', Statement: [] };

export class IamDirectory implements IdentityDirectory {
  /** Parsed documents by their text, so the policy engine sees the same object (and its compiled cache) each time. */
  private readonly parsed = new Map<string, PolicyDocument | string>();

  /** Facts by caller while no account state has changed (none when the state is a view that changes by itself). */
  private readonly facts = new Map<string, { generation: number; facts: PrincipalFacts }>();

  constructor(
    private readonly state: () => IamState,
    /** False when state() can change without a write (a lagging view): facts are then worked out every time. */
    private readonly keepFacts = true,
  ) {}

  get accountId(): string {
    return this.state().accountId;
  }

  /** What the organization adds to a caller's facts (its SCPs, aws:PrincipalOrgID, ...); set by the sandbox's Organizations. */
  organizationFacts?: (caller: Caller, own: PrincipalFacts) => PrincipalFacts;

  principalFacts(caller: Caller): PrincipalFacts {
    if (!this.keepFacts) return this.freshFacts(caller);
    const id = `${caller.accessKeyId} ${caller.arn}`;
    const generation = stateGeneration();
    const kept = this.facts.get(id);
    if (kept?.generation === generation) return kept.facts;
    const facts = this.freshFacts(caller);
    if (this.facts.size >= 1024) this.facts.clear();
    this.facts.set(id, { generation, facts });
    return facts;
  }

  private freshFacts(caller: Caller): PrincipalFacts {
    const own = this.ownFacts(caller);
    return this.organizationFacts ? this.organizationFacts(caller, own) : own;
  }

  private ownFacts(caller: Caller): PrincipalFacts {
    const state = this.state();
    if (caller.accountId !== state.accountId) return { identityPolicies: [] };
    if (caller.kind === 'user') {
      const user = state.users[nameKey(caller.name)];
      if (!user) return { identityPolicies: [] };
      return {
        identityPolicies: this.userPolicies(state, user),
        permissionsBoundary: this.boundaryOf(state, user),
        tagConditions: principalTagConditions(user.tags),
      };
    }
    if (caller.kind === 'assumed-role') {
      const role = state.roles[nameKey(caller.name)];
      if (!role) return { identityPolicies: [], sessionPolicies: caller.sessionPolicies };
      return {
        identityPolicies: this.holderPolicies(state, role, ''),
        permissionsBoundary: this.boundaryOf(state, role),
        sessionPolicies: caller.sessionPolicies,
        tagConditions: principalTagConditions(role.tags, caller.sessionTags),
      };
    }
    return { identityPolicies: [] };
  }

  /** The permissions boundary of a user or role, named by its policy's name. */
  boundaryOf(state: IamState, entity: { permissionsBoundary?: string }): NamedPolicy | undefined {
    if (entity.permissionsBoundary === undefined) return undefined;
    const policy = this.managedPolicy(state, entity.permissionsBoundary);
    // A boundary whose policy is gone allows nothing, as an empty boundary would.
    return policy ? { name: policy.name, document: policy.document } : { name: entity.permissionsBoundary, document: NOTHING_ALLOWED };
  }

  /** Policies of a user: its own inline and attached ones, then those of each of its groups. */
  userPolicies(state: IamState, user: UserRecord): NamedPolicy[] {
    const policies = this.holderPolicies(state, user, '');
    for (const groupName of user.groups) {
      const group = state.groups[nameKey(groupName)];
      if (group) policies.push(...this.holderPolicies(state, group, `${group.name}/`));
    }
    return policies;
  }

  holderPolicies(state: IamState, holder: { inlinePolicies: Record<string, string>; attachedPolicies: string[] }, prefix: string): NamedPolicy[] {
    const policies: NamedPolicy[] = [];
    for (const [name, text] of Object.entries(holder.inlinePolicies)) policies.push({ name: `${prefix}${name}`, document: this.document(text) });
    for (const arn of holder.attachedPolicies) {
      const policy = this.managedPolicy(state, arn);
      if (policy) policies.push({ name: `${prefix}${policy.name}`, document: policy.document });
    }
    return policies;
  }

  managedPolicyByArn(arn: string): { name: string; document: PolicyDocument | string } | undefined {
    return this.managedPolicy(this.state(), arn);
  }

  /** An attached policy's name and default document, AWS managed or customer managed. */
  managedPolicy(state: IamState, arn: string): { name: string; document: PolicyDocument | string } | undefined {
    if (arn.startsWith(`${AWS_MANAGED_POLICY_PREFIX}/`)) {
      const policy = awsManagedPolicy(arn);
      return policy && { name: policy.name, document: policy.document };
    }
    const policy = customerPolicyByArn(state, arn);
    const version = policy?.versions[policy.defaultVersionId];
    return policy && version && { name: policy.name, document: this.document(version.document) };
  }

  document(text: string): PolicyDocument | string {
    let document = this.parsed.get(text);
    if (document === undefined) {
      try {
        document = JSON.parse(text) as PolicyDocument;
      } catch {
        document = text; // the engine reports malformed documents itself
      }
      if (this.parsed.size >= MAX_PARSED) this.parsed.clear();
      this.parsed.set(text, document);
    }
    return document;
  }

  principalExists(arn: string): boolean {
    const state = this.state();
    if (arn === '*') return true;
    if (/^\d{12}$/.test(arn)) return true;
    const parsed = parseIamArn(arn);
    if (!parsed) return false;
    if (parsed.type === 'root') return true;
    if (parsed.accountId !== state.accountId) return false;
    if (parsed.type === 'user') return matchesPath(state.users[nameKey(parsed.name)], parsed.path);
    if (parsed.type === 'role') return matchesPath(state.roles[nameKey(parsed.name)], parsed.path);
    if (parsed.type === 'assumed-role') return state.roles[nameKey(parsed.name)] !== undefined;
    return false;
  }

  /** The user behind a long-term access key, as the front needs it. */
  resolveAccessKey(accessKeyId: string): CredentialRecord | undefined {
    const state = this.state();
    const key = state.accessKeys[accessKeyId];
    const user = key && state.users[key.userKey];
    if (!key || !user) return undefined;
    return {
      secretAccessKey: key.secretAccessKey,
      active: key.status === 'Active',
      createdAt: new Date(key.createDate),
      caller: {
        arn: userArn(state.accountId, user.path, user.name),
        accountId: state.accountId,
        userId: user.id,
        kind: 'user',
        name: user.name,
        accessKeyId,
      },
    };
  }

  role(name: string): RoleRecord | undefined {
    return this.state().roles[nameKey(name)];
  }
}

function matchesPath(entity: { path: string; name: string } | undefined, path: string): boolean {
  return entity !== undefined && entity.path === path;
}

export function customerPolicyByArn(state: IamState, arn: string): CustomerPolicyRecord | undefined {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.type !== 'policy' || parsed.accountId !== state.accountId) return undefined;
  const policy = state.policies[nameKey(parsed.name)];
  return policy && policy.path === parsed.path ? policy : undefined;
}
