// Turns a policy document into matchers once, so that evaluating it again costs only the matching.
// Compiled policies are cached by document object (WeakMap) and by text (bounded Map): treat documents as immutable.
import { compilePrincipal, type CompiledPrincipal } from './principal';
import { compileConditionBlock, type CompiledCondition } from './conditions';
import { resourceMatcher } from './resource-match';
import type { VariableLookup } from './context-types';
import { compileTemplate } from './variables';
import { wildcardMatcher, type Matcher } from './wildcard';
import type { PolicyDocument } from './types';

export type PolicyKind = 'identity' | 'resource';

export type ResourceTest = (value: string, lookup: VariableLookup) => boolean;

const ANY_RESOURCE: ResourceTest = () => true;

/** The statement's Resource / NotResource matchers, built on first use. */
export function resourceMatchersOf(statement: CompiledStatement): ResourceTest[] {
  return (statement.resourceMatchers ??= statement.resourcePatterns.map((p) => resourceMatcher(compileTemplate(p, statement.variables))));
}

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Non-empty when the statement is malformed: it then never matches. */
  problems: string[];
  principal?: CompiledPrincipal;
  principalNegated: boolean;
  actionPatterns: string[];
  actionMatchers: Matcher[];
  actionNegated: boolean;
  resourcePatterns: string[];
  /** Built on first use (resourceMatchersOf): most statements of a policy never meet the resource asked about. */
  resourceMatchers?: ResourceTest[];
  /** Whether policy variables are read in Resource (Version 2012-10-17). */
  variables: boolean;
  resourceNegated: boolean;
  conditions: CompiledCondition[];
}

export interface CompiledPolicy {
  kind: PolicyKind;
  version?: string;
  /** Document-level problems (not JSON, no Statement, bad Version): the whole policy then never matches. */
  problems: string[];
  statements: CompiledStatement[];
  /** Memo: action as requested → well-formed statements whose Action / NotAction covers it (matching ignores case). */
  byAction: Map<string, CompiledStatement[]>;
  /** Memo of analysis.ts: whether the policy reads nothing of the caller (see callerIndependent there). */
  callerIndependent?: boolean;
  /** Memo of equivalence.ts: action list → resource → the statements that can decide such requests (decidingStatements). */
  decidingFor?: Map<readonly string[], Map<string, readonly number[] | null>>;
  /** Memo of equivalence.ts: whether a statement reads the caller through a policy variable or a condition key. */
  readsCaller?: boolean;
  /** Memo of analysis.ts: whether a condition or policy variable may read the clock. */
  readsClock?: boolean;
  /** How often decision.ts met this caller-independent policy under a frozen context: its answers are kept once it is seen often. */
  quickUses?: number;
  /** Memo of decision.ts: action → resource → frozen context → what the policy's statements do (Effect bits). */
  quickBits?: Map<string, Map<string, WeakMap<object, number>>>;
  /** Memo of reasons.ts: whether neither the policy nor a statement has a problem. */
  wellFormed?: boolean;
  /** Whether some statement has a Condition element. */
  conditional?: boolean;
  /** Memo of equivalence.ts: action lists → whether they meet the same statements. */
  sameForActions?: Map<string, boolean>;
}

const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const DOCUMENT_FIELDS = new Set(['Version', 'Id', 'Statement']);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

function stringList(value: unknown, element: string, problems: string[]): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) problems.push(`${element} is empty`);
  const strings: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') strings.push(item);
    else problems.push(`${element} values must be strings`);
  }
  return strings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compileActions(statement: Record<string, unknown>, compiled: CompiledStatement): void {
  const hasAction = 'Action' in statement;
  const hasNotAction = 'NotAction' in statement;
  if (hasAction === hasNotAction) {
    compiled.problems.push(hasAction ? 'Action and NotAction cannot both be present' : 'Action or NotAction is required');
    return;
  }
  const element = hasAction ? 'Action' : 'NotAction';
  compiled.actionNegated = hasNotAction;
  compiled.actionPatterns = stringList(statement[element], element, compiled.problems);
  for (const pattern of compiled.actionPatterns) {
    if (pattern !== '*' && !/^[A-Za-z0-9*?-]+:[^:\s]*$/.test(pattern)) compiled.problems.push(`"${pattern}" is not an action (service:Action)`);
  }
  compiled.actionMatchers = compiled.actionPatterns.map((p) => wildcardMatcher(p, true));
}

function compileResources(statement: Record<string, unknown>, compiled: CompiledStatement, kind: PolicyKind, variables: boolean): void {
  const hasResource = 'Resource' in statement;
  const hasNotResource = 'NotResource' in statement;
  if (hasResource && hasNotResource) {
    compiled.problems.push('Resource and NotResource cannot both be present');
    return;
  }
  if (!hasResource && !hasNotResource) {
    // A resource policy applies to its own resource; trust policies carry no Resource at all.
    if (kind === 'identity') compiled.problems.push('Resource or NotResource is required');
    compiled.resourcePatterns = ['*'];
    compiled.resourceMatchers = [ANY_RESOURCE];
    return;
  }
  const element = hasResource ? 'Resource' : 'NotResource';
  compiled.resourceNegated = hasNotResource;
  compiled.resourcePatterns = stringList(statement[element], element, compiled.problems);
  compiled.variables = variables;
}

function compilePrincipals(statement: Record<string, unknown>, compiled: CompiledStatement, kind: PolicyKind): void {
  const hasPrincipal = 'Principal' in statement;
  const hasNotPrincipal = 'NotPrincipal' in statement;
  if (kind === 'identity') {
    if (hasPrincipal || hasNotPrincipal) compiled.problems.push('an identity policy cannot contain Principal or NotPrincipal');
    return;
  }
  if (hasPrincipal === hasNotPrincipal) {
    compiled.problems.push(hasPrincipal ? 'Principal and NotPrincipal cannot both be present' : 'Principal or NotPrincipal is required');
    return;
  }
  if (hasNotPrincipal && compiled.effect === 'Allow') compiled.problems.push('NotPrincipal is supported only with "Effect": "Deny"');
  compiled.principalNegated = hasNotPrincipal;
  compiled.principal = compilePrincipal(statement[hasPrincipal ? 'Principal' : 'NotPrincipal']);
  compiled.problems.push(...compiled.principal.problems);
}

function compileStatement(raw: unknown, index: number, kind: PolicyKind, variables: boolean): CompiledStatement {
  const compiled: CompiledStatement = {
    index,
    effect: 'Deny',
    problems: [],
    principalNegated: false,
    actionPatterns: [],
    actionMatchers: [],
    actionNegated: false,
    resourcePatterns: [],
    variables,
    resourceNegated: false,
    conditions: [],
  };
  if (!isObject(raw)) {
    compiled.problems.push('a statement must be an object');
    return compiled;
  }
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid === 'string') compiled.sid = raw.Sid;
    else compiled.problems.push('Sid must be a string');
  }
  if (raw.Effect === 'Allow' || raw.Effect === 'Deny') compiled.effect = raw.Effect;
  else compiled.problems.push(raw.Effect === undefined ? 'Effect is required' : `Effect must be "Allow" or "Deny", not ${JSON.stringify(raw.Effect)}`);
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) compiled.problems.push(`unknown element "${field}"`);
  compilePrincipals(raw, compiled, kind);
  compileActions(raw, compiled);
  compileResources(raw, compiled, kind, variables);
  const conditions = compileConditionBlock(raw.Condition, variables);
  compiled.conditions = conditions.conditions;
  compiled.problems.push(...conditions.problems);
  return compiled;
}

export function compilePolicy(document: unknown, kind: PolicyKind): CompiledPolicy {
  const policy: CompiledPolicy = { kind, problems: [], statements: [], byAction: new Map() };
  if (!isObject(document)) {
    policy.problems.push('the policy is not a JSON object');
    return policy;
  }
  const doc = document as PolicyDocument;
  if (doc.Version !== undefined) {
    if (typeof doc.Version === 'string' && VERSIONS.has(doc.Version)) policy.version = doc.Version;
    else policy.problems.push(`Version must be "2012-10-17" or "2008-10-17", not ${JSON.stringify(doc.Version)}`);
  }
  for (const field of Object.keys(doc)) if (!DOCUMENT_FIELDS.has(field)) policy.problems.push(`unknown element "${field}"`);
  if (doc.Id !== undefined && typeof doc.Id !== 'string') policy.problems.push('Id must be a string');
  if (doc.Statement === undefined) {
    policy.problems.push('Statement is required');
    return policy;
  }
  const variables = policy.version === '2012-10-17';
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  policy.statements = statements.map((s, i) => compileStatement(s, i, kind, variables));
  return policy;
}

/** Statements whose Action / NotAction covers the action, memoised per policy. */
export function statementsForAction(policy: CompiledPolicy, action: string): CompiledStatement[] {
  let list = policy.byAction.get(action);
  if (!list) {
    list = policy.problems.length > 0 ? [] : policy.statements.filter((s) => s.problems.length === 0 && actionMatches(s, action));
    if (policy.byAction.size > 512) policy.byAction.clear();
    policy.byAction.set(action, list);
  }
  return list;
}

function actionMatches(statement: CompiledStatement, action: string): boolean {
  const any = statement.actionMatchers.some((m) => m(action));
  return statement.actionNegated ? !any : any;
}

const byDocument: Record<PolicyKind, WeakMap<object, CompiledPolicy>> = { identity: new WeakMap(), resource: new WeakMap() };
const byText: Record<PolicyKind, Map<string, CompiledPolicy>> = { identity: new Map(), resource: new Map() };
const TEXT_CACHE_LIMIT = 256;

/** The compiled form of a document or its JSON text, cached. */
export function compiledPolicyOf(document: PolicyDocument | string | unknown, kind: PolicyKind): CompiledPolicy {
  if (typeof document === 'string') {
    const cache = byText[kind];
    let compiled = cache.get(document);
    if (!compiled) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(document);
      } catch (error) {
        compiled = { kind, problems: [`the policy is not valid JSON: ${(error as Error).message}`], statements: [], byAction: new Map() };
      }
      compiled ??= compilePolicy(parsed, kind);
      if (cache.size >= TEXT_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(document, compiled);
    }
    return compiled;
  }
  if (typeof document === 'object' && document !== null) {
    const cache = byDocument[kind];
    let compiled = cache.get(document);
    if (!compiled) {
      compiled = compilePolicy(document, kind);
      cache.set(document, compiled);
    }
    return compiled;
  }
  return compilePolicy(document, kind);
}
