// What one request meets in its policies: the statements that allow, deny, nearly allow, or do not apply.
// Pure facts, no sentences; decide() and reasons.ts turn them into a decision and its explanation.
import { ACCOUNT_ID, parseArn } from './arn';
import { describeCaller, type CallerIdentityInfo } from './caller';
import { compiledPolicyOf, resourceMatchersOf, statementsForAction, type CompiledPolicy, type CompiledStatement } from './compile';
import { conditionHolds, type CompiledCondition } from './conditions';
import { buildContext, variableLookup } from './context';
import type { RequestContextView, VariableLookup } from './context-types';
import { isCrossAccountKmsAction } from './kms-data';
import { childOf } from './memo';
import { matchPrincipal, principalChainListed, type PrincipalMatch } from './principal';
import type { Decision, EvaluationRequest, NamedPolicy, PolicyDocument, PolicyType } from './types';
import { UnresolvedVariableError } from './variables';

export interface PolicyUnderTest {
  name: string;
  kind: PolicyType;
  compiled: CompiledPolicy;
  /** How often it was scanned with a frozen context: its scans are shared only once it is seen often. */
  sharedUses?: number;
  /** Its shared scans, by action, resource and frozen context object. */
  sharedScans?: Map<string, Map<string, WeakMap<object, Scan>>>;
}

/** Scans before a policy's results are kept for sharing; a principal's own policy rarely gets there. */
export const SHARE_AFTER = 16;

export interface Hit {
  policy: PolicyUnderTest;
  statement: CompiledStatement;
  principal?: PrincipalMatch;
}

export interface NearMiss extends Hit {
  failed: CompiledCondition;
}

export interface Scan {
  allows: Hit[];
  denies: Hit[];
  nearMisses: NearMiss[];
  otherPrincipals: Hit[];
  unresolved: (Hit & { variable: string })[];
}

export interface Analysis {
  request: EvaluationRequest;
  caller: CallerIdentityInfo;
  action: string;
  resource: string;
  resourceAccount: string;
  crossAccount: boolean;
  isKmsKey: boolean;
  resourcePolicyRequired: boolean;
  crossAccountActionUnsupported: boolean;
  identityPolicies: PolicyUnderTest[];
  resourcePolicy?: PolicyUnderTest;
  permissionsBoundary?: PolicyUnderTest;
  sessionPolicies: PolicyUnderTest[];
  /** Service control and resource control policies, one entry per level of the organization. */
  scpLevels: ControlLevel[];
  rcpLevels: ControlLevel[];
  identity: Scan;
  onResource: Scan;
  boundary: Scan;
  session: Scan;
}

export interface Matching {
  caller: CallerIdentityInfo;
  action: string;
  resource: string;
  userId?: string;
  context: RequestContextView;
  lookup: VariableLookup;
  /** A NotPrincipal Deny always applies to a caller with a permissions boundary ("Permissions boundaries for IAM entities"). */
  hasBoundary: boolean;
  /** The request's context when it is frozen, so that scans of caller-independent policies can be shared. */
  sharedContext?: object;
}

export interface ResourceFacts {
  isKmsKey: boolean;
  isRole: boolean;
  account: string;
}

const resourceFacts = new Map<string, ResourceFacts>();

function factsOf(resource: string): ResourceFacts {
  let facts = resourceFacts.get(resource);
  if (!facts) {
    const arn = parseArn(resource);
    facts = {
      isKmsKey: !!arn && arn.service === 'kms' && arn.resource.startsWith('key/'),
      isRole: !!arn && arn.service === 'iam' && arn.resource.startsWith('role/'),
      account: arn && ACCOUNT_ID.test(arn.account) ? arn.account : '',
    };
    if (resourceFacts.size > 4096) resourceFacts.clear();
    resourceFacts.set(resource, facts);
  }
  return facts;
}

export function isNamedPolicy(value: unknown): value is NamedPolicy {
  return typeof value === 'object' && value !== null && 'document' in value && 'name' in value;
}

// Most scans find little: share one empty list until something is found, to spare the garbage collector.
const NONE: never[] = [];

function emptyScan(): Scan {
  return { allows: NONE, denies: NONE, nearMisses: NONE, otherPrincipals: NONE, unresolved: NONE };
}

/** The scan of a policy that is not there: shared, never recorded into. */
const NOTHING_FOUND: Scan = Object.freeze(emptyScan());

function record<K extends keyof Scan>(scan: Scan, list: K, item: Scan[K][number]): void {
  if (scan[list] === NONE) scan[list] = [] as unknown as Scan[K];
  (scan[list] as Scan[K][number][]).push(item);
}

export function resourceMatches(statement: CompiledStatement, m: Matching): boolean {
  let any = false;
  for (const matcher of resourceMatchersOf(statement)) {
    if (matcher(m.resource, m.lookup)) {
      any = true;
      break;
    }
  }
  return any !== statement.resourceNegated;
}

export function principalOf(statement: CompiledStatement, m: Matching): PrincipalMatch | undefined | 'n/a' {
  if (!statement.principal) return 'n/a';
  if (statement.principalNegated) {
    if (m.hasBoundary && statement.effect === 'Deny') return 'direct';
    return principalChainListed(statement.principal, m.caller, m.userId) ? undefined : 'direct';
  }
  return matchPrincipal(statement.principal, m.caller, m.userId);
}

export function failedCondition(statement: CompiledStatement, m: Matching): CompiledCondition | undefined {
  for (const condition of statement.conditions) if (!conditionHolds(condition, m.context, m.lookup)) return condition;
  return undefined;
}

function scanStatement(policy: PolicyUnderTest, statement: CompiledStatement, m: Matching, into: Scan): void {
  if (!resourceMatches(statement, m)) return;
  const principal = principalOf(statement, m);
  if (principal === undefined) {
    if (statement.effect === 'Allow') record(into, 'otherPrincipals', { policy, statement });
    return;
  }
  const hit: Hit = { policy, statement, principal: principal === 'n/a' ? undefined : principal };
  const failed = statement.conditions.length > 0 ? failedCondition(statement, m) : undefined;
  if (failed) {
    if (statement.effect === 'Allow') record(into, 'nearMisses', { ...hit, failed });
    return;
  }
  record(into, statement.effect === 'Deny' ? 'denies' : 'allows', hit);
}

/** Condition keys whose value the engine derives from the caller or the clock, not from the request's context. */
const CALLER_KEYS = new Set(['aws:principalaccount', 'aws:principalarn', 'aws:principaltype', 'aws:username', 'aws:userid', 'aws:principalservicename', 'kms:calleraccount', 'aws:currenttime', 'aws:epochtime']);

/**
 * True when a policy without principals reads nothing of the caller: no policy variable and no condition on a key the
 * engine derives from the caller or the clock. Its statements then match alike for every caller of one request.
 */
export function callerIndependent(compiled: CompiledPolicy): boolean {
  return (compiled.callerIndependent ??= compiled.statements.every((s) => !s.principal && !readsCallerKeys(s)));
}

/** A policy variable, or a condition on a key the engine derives from the caller or the clock. */
export function readsCallerKeys(s: CompiledStatement): boolean {
  return s.resourcePatterns.some((p) => p.includes('${')) || s.conditions.some((c) => c.usesVariables || CALLER_KEYS.has(c.keyLower));
}

const CLOCK_KEYS = new Set(['aws:currenttime', 'aws:epochtime']);
const CLOCK_VARIABLE = /\$\{\s*aws:(currenttime|epochtime)\b/i;

/** True when a policy may read the clock: a condition on the time, or a policy variable that names it or may. */
export function readsClock(compiled: CompiledPolicy): boolean {
  return (compiled.readsClock ??= compiled.statements.some(
    (s) => s.resourcePatterns.some((p) => CLOCK_VARIABLE.test(p)) || s.conditions.some((c) => c.usesVariables || CLOCK_KEYS.has(c.keyLower)),
  ));
}

function merge(from: Scan, into: Scan): void {
  for (const list of ['allows', 'denies', 'nearMisses', 'otherPrincipals', 'unresolved'] as const) {
    for (const item of from[list]) record(into, list, item);
  }
}

/**
 * A policy's statements against the request. When many callers share one request (the same frozen context object,
 * action and resource), a caller-independent policy is scanned once for all of them.
 */
function scan(policy: PolicyUnderTest, m: Matching, into: Scan): void {
  const context = m.sharedContext;
  if (!context || policy.kind === 'resource' || (policy.sharedUses = (policy.sharedUses ?? 0) + 1) <= SHARE_AFTER || !callerIndependent(policy.compiled)) {
    scanStatements(policy, m, into);
    return;
  }
  const byResource = childOf(policy.sharedScans ??= new Map(), m.action, Map<string, WeakMap<object, Scan>>);
  const byContext = childOf(byResource, m.resource, WeakMap<object, Scan>);
  let own = byContext.get(context);
  if (!own) {
    own = emptyScan();
    scanStatements(policy, m, own);
    byContext.set(context, own);
  }
  merge(own, into);
}

function scanStatements(policy: PolicyUnderTest, m: Matching, into: Scan): void {
  for (const statement of statementsForAction(policy.compiled, m.action)) {
    try {
      scanStatement(policy, statement, m, into);
    } catch (error) {
      // A policy variable without a value makes the statement invalid for this request.
      if (!(error instanceof UnresolvedVariableError)) throw error;
      record(into, 'unresolved', { policy, statement, variable: error.variable });
    }
  }
}

/** One level of an organization (the root, an OU, the account) with the control policies attached to it. */
export interface ControlLevel {
  policies: PolicyUnderTest[];
  scan: Scan;
}

type CallerSide = 'identity' | 'boundary' | 'session' | 'scp' | 'rcp';
const underTest: Record<CallerSide, WeakMap<object, PolicyUnderTest & { document: unknown }>> = {
  identity: new WeakMap(),
  boundary: new WeakMap(),
  session: new WeakMap(),
  scp: new WeakMap(),
  rcp: new WeakMap(),
};
const UNNAMED: Record<CallerSide, string> = { identity: 'identity policy', boundary: 'permissions boundary', session: 'session policy', scp: 'service control policy', rcp: 'resource control policy' };

/**
 * A compiled policy of the caller's side (identity policy, permissions boundary, session policy), reused while the
 * same NamedPolicy object comes back with the same name and document.
 */
export function callerPolicyOf(p: NamedPolicy | unknown, index: number, kind: CallerSide = 'identity'): PolicyUnderTest {
  if (!isNamedPolicy(p) || typeof p.name !== 'string') {
    return { name: `${UNNAMED[kind]} #${index + 1}`, kind, compiled: compiledPolicyOf(isNamedPolicy(p) ? p.document : p, kind === 'rcp' ? 'resource' : 'identity') };
  }
  const cache = underTest[kind];
  let cached = cache.get(p);
  if (!cached || cached.name !== p.name || cached.document !== p.document) {
    cached = { name: p.name, kind, compiled: compiledPolicyOf(p.document, kind === 'rcp' ? 'resource' : 'identity'), document: p.document };
    cache.set(p, cached);
  }
  return cached;
}

const resourceUnderTest = new WeakMap<object, PolicyUnderTest & { document: unknown }>();

/** The compiled resource policy; reused while the same NamedPolicy object comes back with the same name and document. */
export function resourcePolicyOf(req: EvaluationRequest, isKmsKey: boolean, isTrust: boolean): PolicyUnderTest {
  const given = req.resourcePolicy;
  const name = resourcePolicyName(req, isKmsKey, isTrust);
  const document = isNamedPolicy(given) ? given.document : (given as PolicyDocument | string);
  if (!isNamedPolicy(given)) return { name, kind: 'resource', compiled: compiledPolicyOf(document, 'resource') };
  let cached = resourceUnderTest.get(given);
  if (!cached || cached.name !== name || cached.document !== document) {
    cached = { name, kind: 'resource', compiled: compiledPolicyOf(document, 'resource'), document };
    resourceUnderTest.set(given, cached);
  }
  return cached;
}

function resourcePolicyName(req: EvaluationRequest, isKmsKey: boolean, isTrust: boolean): string {
  if (isNamedPolicy(req.resourcePolicy) && typeof req.resourcePolicy.name === 'string') return req.resourcePolicy.name;
  return isKmsKey ? 'key policy' : isTrust ? 'trust policy' : 'resource policy';
}

/** What a request is apart from its policies' statements: the caller, the resource, and how they relate. */
export interface Frame {
  caller: CallerIdentityInfo;
  action: string;
  resource: string;
  userId?: string;
  facts: ResourceFacts;
  isTrust: boolean;
  resourceAccount: string;
  crossAccount: boolean;
  hasResourcePolicy: boolean;
  hasBoundary: boolean;
  resourcePolicyRequired: boolean;
  crossAccountActionUnsupported: boolean;
}

export function frameOf(req: EvaluationRequest): Frame {
  const principal = typeof req?.principal === 'string' ? req.principal : '';
  const action = typeof req?.action === 'string' ? req.action : '';
  const resource = typeof req?.resource === 'string' ? req.resource : '';
  const caller = describeCaller(principal);
  const facts = factsOf(resource);
  const isTrust = facts.isRole && /^sts:AssumeRole/i.test(action);
  const resourceAccount = (typeof req.resourceAccount === 'string' && req.resourceAccount) || facts.account || caller.account;
  const crossAccount = !!caller.account && !!resourceAccount && caller.account !== resourceAccount;
  const hasResourcePolicy = req.resourcePolicy !== undefined && req.resourcePolicy !== null;
  return {
    caller,
    action,
    resource,
    userId: typeof req.userId === 'string' ? req.userId : undefined,
    facts,
    isTrust,
    resourceAccount,
    crossAccount,
    hasResourcePolicy,
    hasBoundary: req.permissionsBoundary !== undefined && req.permissionsBoundary !== null,
    resourcePolicyRequired: hasResourcePolicy && (req.resourcePolicyRequired ?? (facts.isKmsKey || isTrust)),
    crossAccountActionUnsupported: facts.isKmsKey && crossAccount && !isCrossAccountKmsAction(action),
  };
}

export function matchingOf(req: EvaluationRequest, f: Frame): Matching {
  const context = buildContext(req, f.caller);
  const m: Matching = { caller: f.caller, action: f.action, resource: f.resource, userId: f.userId, context, lookup: variableLookup(context), hasBoundary: f.hasBoundary };
  if (req.context && typeof req.context === 'object' && Object.isFrozen(req.context)) m.sharedContext = req.context;
  return m;
}

export function analyse(req: EvaluationRequest): Analysis {
  const f = frameOf(req);
  const m = matchingOf(req, f);
  const { caller, action, resource, facts, isTrust, resourceAccount, crossAccount, hasResourcePolicy, hasBoundary } = f;

  const identityPolicies: PolicyUnderTest[] = [];
  if (Array.isArray(req.identityPolicies)) {
    for (let i = 0; i < req.identityPolicies.length; i++) identityPolicies.push(callerPolicyOf(req.identityPolicies[i], i));
  }
  const permissionsBoundary = hasBoundary ? callerPolicyOf(req.permissionsBoundary, 0, 'boundary') : undefined;
  const sessionPolicies: PolicyUnderTest[] = [];
  if (Array.isArray(req.sessionPolicies)) {
    for (let i = 0; i < req.sessionPolicies.length; i++) sessionPolicies.push(callerPolicyOf(req.sessionPolicies[i], i, 'session'));
  }
  const resourcePolicy: PolicyUnderTest | undefined = hasResourcePolicy ? resourcePolicyOf(req, facts.isKmsKey, isTrust) : undefined;

  const identity = emptyScan();
  for (const policy of identityPolicies) scan(policy, m, identity);
  const onResource = emptyScan();
  if (resourcePolicy) scan(resourcePolicy, m, onResource);
  const boundary = permissionsBoundary ? emptyScan() : NOTHING_FOUND;
  if (permissionsBoundary) scan(permissionsBoundary, m, boundary);
  const session = sessionPolicies.length > 0 ? emptyScan() : NOTHING_FOUND;
  for (const policy of sessionPolicies) scan(policy, m, session);
  const scpLevels = controlLevels(req.serviceControlPolicies, 'scp', m);
  const rcpLevels = controlLevels(req.resourceControlPolicies, 'rcp', m);

  return {
    request: req,
    caller,
    action,
    resource,
    resourceAccount,
    crossAccount,
    isKmsKey: facts.isKmsKey,
    resourcePolicyRequired: f.resourcePolicyRequired,
    crossAccountActionUnsupported: f.crossAccountActionUnsupported,
    identityPolicies,
    resourcePolicy,
    permissionsBoundary,
    sessionPolicies,
    scpLevels,
    rcpLevels,
    identity,
    onResource,
    boundary,
    session,
  };
}

function controlLevels(levels: NamedPolicy[][] | undefined, kind: 'scp' | 'rcp', m: Matching): ControlLevel[] {
  if (!Array.isArray(levels)) return [];
  return levels.map((list) => {
    const policies = (Array.isArray(list) ? list : []).map((p, i) => callerPolicyOf(p, i, kind));
    const found = emptyScan();
    for (const policy of policies) scan(policy, m, found);
    return { policies, scan: found };
  });
}
