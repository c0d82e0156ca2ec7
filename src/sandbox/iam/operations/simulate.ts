// SimulatePrincipalPolicy, answered by the policy engine from the principal's real policies, in the shape AWS
// answers: every identity policy is an "IAM Policy" (not the documented enum), each matched statement with its
// position in the policy text, the decision per resource, and the Organizations detail.
import { evaluate } from '../../../policy';
import type { ConditionContext, EvaluationResult, NamedPolicy } from '../../../policy/types';
import type { XmlObject } from '../../server/xml';
import { parseIamArn } from '../arns';
import { customerPolicyByArn } from '../directory';
import { findGroup, findRole, findUser } from '../entities';
import { iamError } from '../errors';
import type { IamState } from '../model';
import type { IamCall, IamHandlers } from '../operation';
import * as p from '../params';
import { checkPolicyDocument } from '../policy-documents';
import { isAwsManagedArn } from '../policies';
import { type StatementSpan, statementSpans } from '../statement-positions';

/** What AWS answers for the principal's own policies, and for the ones the request itself supplies. */
type SourcePolicyType = 'IAM Policy' | 'resource' | 'none';

interface TypedPolicy extends NamedPolicy {
  type: SourcePolicyType;
  /** The policy text as IAM keeps it, for the statements' positions. */
  text?: string;
}

const DECISION: Record<EvaluationResult['decision'], string> = {
  allowed: 'allowed',
  'explicitly-denied': 'explicitDeny',
  'implicitly-denied': 'implicitDeny',
};

/** The text IAM shows for a managed policy's default version (GetPolicyVersion). */
function managedPolicyText(state: IamState, arn: string, document: unknown): string | undefined {
  if (isAwsManagedArn(arn)) return JSON.stringify(document);
  const policy = customerPolicyByArn(state, arn);
  return policy?.versions[policy.defaultVersionId]?.document;
}

function holderPolicies(call: IamCall, state: IamState, holder: { inlinePolicies: Record<string, string>; attachedPolicies: string[] }, prefix: string): TypedPolicy[] {
  const policies: TypedPolicy[] = [];
  for (const [name, text] of Object.entries(holder.inlinePolicies)) policies.push({ name: `${prefix}${name}`, document: call.directory.document(text), type: 'IAM Policy', text });
  for (const arn of holder.attachedPolicies) {
    const managed = call.directory.managedPolicy(state, arn);
    if (managed) policies.push({ name: `${prefix}${managed.name}`, document: managed.document, type: 'IAM Policy', text: managedPolicyText(state, arn, managed.document) });
  }
  return policies;
}

/** The policies of the user, group or role named by PolicySourceArn, each with its SourcePolicyType, and its boundary. */
function sourcePolicies(call: IamCall, state: IamState, sourceArn: string): { policies: TypedPolicy[]; boundary?: NamedPolicy } {
  const parsed = parseIamArn(sourceArn);
  const invalid = () => iamError.validation('Invalid ARN:  Could not be parsed!');
  if (!parsed || parsed.accountId !== state.accountId) throw invalid();
  if (parsed.type === 'user') {
    const user = findUser(state, parsed.name);
    const policies = holderPolicies(call, state, user, '');
    for (const groupName of user.groups) {
      const group = state.groups[groupName.toLowerCase()];
      if (group) policies.push(...holderPolicies(call, state, group, `${group.name}/`));
    }
    return { policies, boundary: call.directory.boundaryOf(state, user) };
  }
  if (parsed.type === 'group') return { policies: holderPolicies(call, state, findGroup(state, parsed.name), '') };
  if (parsed.type === 'role') {
    const role = findRole(state, parsed.name);
    return { policies: holderPolicies(call, state, role, ''), boundary: call.directory.boundaryOf(state, role) };
  }
  throw invalid();
}

function contextEntries(call: IamCall): ConditionContext {
  const context: ConditionContext = Object.create(null);
  for (const entry of p.memberStructs(call.params, 'ContextEntries')) {
    const key = entry['ContextKeyName'];
    if (!key) throw iamError.invalidInput('ContextKeyName is required for every context entry.');
    const values: string[] = [];
    for (let i = 1; entry[`ContextKeyValues.member.${i}`] !== undefined; i++) values.push(entry[`ContextKeyValues.member.${i}`]!);
    const type = entry['ContextKeyType'] ?? 'string';
    context[key] = type.endsWith('List') ? values : values[0];
  }
  return context;
}

function matchedStatements(result: EvaluationResult, sources: Map<string, { type: SourcePolicyType; spans: () => StatementSpan[] }>): XmlObject[] {
  const seen = new Set<string>();
  const statements: XmlObject[] = [];
  for (const reason of result.reasons) {
    const ref = reason.statement;
    if (!ref || !['explicit-deny', 'allowed-by-identity', 'allowed-by-resource', 'resource-delegates-to-account'].includes(reason.kind)) continue;
    const id = ref.kind === 'resource' ? 'ResourcePolicy' : ref.policy;
    const key = `${id}#${ref.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const source = ref.kind === 'resource' ? undefined : sources.get(ref.policy);
    const span = source?.spans()[ref.index];
    statements.push({ SourcePolicyId: id, SourcePolicyType: ref.kind === 'resource' ? 'resource' : (source?.type ?? 'none'), ...span });
  }
  return statements;
}

export const simulateHandlers: IamHandlers = {
  async SimulatePrincipalPolicy(call) {
    const sourceArn = p.required(call.params, 'PolicySourceArn');
    const actions = p.memberList(call.params, 'ActionNames');
    if (actions.length === 0) p.required(call.params, 'ActionNames');
    const resources = p.memberList(call.params, 'ResourceArns');
    const resourcePolicy = p.optional(call.params, 'ResourcePolicy');
    const callerArn = p.optional(call.params, 'CallerArn');
    const context = contextEntries(call);
    const state = call.store.read();
    call.authorize('SimulatePrincipalPolicy', sourceArn);

    const source = sourcePolicies(call, state, sourceArn);
    const policies = source.policies;
    p.memberList(call.params, 'PolicyInputList').forEach((text, i) => {
      checkPolicyDocument(text, 'identity');
      policies.push({ name: `PolicyInputList.${i + 1}`, document: text, type: 'none', text });
    });
    // A boundary given here replaces the entity's own for the simulation.
    const boundaryInputs = p.memberList(call.params, 'PermissionsBoundaryPolicyInputList');
    if (boundaryInputs.length > 1) throw iamError.invalidInput('Only one permissions boundary policy can be simulated at a time.');
    if (boundaryInputs[0] !== undefined) checkPolicyDocument(boundaryInputs[0], 'identity');
    const boundary = boundaryInputs[0] !== undefined ? { name: 'PermissionsBoundaryPolicyInputList.1', document: boundaryInputs[0] } : source.boundary;
    if (resourcePolicy !== undefined) {
      try {
        JSON.parse(resourcePolicy);
      } catch {
        throw iamError.malformedPolicy('Syntax errors in policy.');
      }
    }
    const sources = new Map(
      policies.map((policy) => {
        let spans: StatementSpan[] | undefined;
        return [policy.name, { type: policy.type, spans: () => (spans ??= policy.text === undefined ? [] : statementSpans(policy.text)) }] as const;
      }),
    );
    const identityPolicies: NamedPolicy[] = policies.map(({ name, document }) => ({ name, document }));
    const results: XmlObject[] = [];
    for (const action of actions) {
      for (const resource of resources.length > 0 ? resources : ['*']) {
        const result = evaluate({
          principal: callerArn ?? sourceArn,
          action,
          resource,
          context,
          identityPolicies,
          permissionsBoundary: boundary,
          resourcePolicy: resourcePolicy === undefined ? undefined : { name: 'resource policy', document: resourcePolicy },
          now: call.ctx.now,
        });
        const decision = DECISION[result.decision];
        const matched = matchedStatements(result, sources);
        results.push({
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: decision,
          MatchedStatements: matched,
          MissingContextValues: [],
          OrganizationsDecisionDetail: { AllowedByOrganizations: true },
          EvalDecisionDetails: {},
          ResourceSpecificResults: [{ EvalResourceName: resource, EvalResourceDecision: decision, MatchedStatements: matched, MissingContextValues: [] }],
        });
      }
    }
    const page = p.paginate(call.params, results);
    return { EvaluationResults: page.items, IsTruncated: page.isTruncated, Marker: page.marker };
  },
};
