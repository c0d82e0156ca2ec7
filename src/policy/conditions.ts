// The Condition element: compiling operator blocks, ...IfExists, ForAnyValue: / ForAllValues:, and the AND / OR rules.
import type { RequestContextView, VariableLookup } from './context-types';
import { OPERATORS, type Family } from './operators';

/** One key under one operator, e.g. "StringEquals": {"kms:ViaService": [...]}. */
export interface CompiledCondition {
  operator: string;
  key: string;
  keyLower: string;
  family: Family;
  /** The policy's values, as written. */
  values: readonly string[];
  negated: boolean;
  ifExists: boolean;
  set?: 'ForAnyValue' | 'ForAllValues';
  /** True when the request value matches at least one of the policy's values (before negation). */
  matchesAny(requestValue: string, lookup: VariableLookup): boolean;
  /** For Null: the policy's expectations ("true": absent, "false": present). */
  nullExpectations?: boolean[];
  /** True when a value holds a policy variable such as ${aws:username}. */
  usesVariables: boolean;
}

function conditionValueText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return undefined;
}

export interface ConditionCompileResult {
  conditions: CompiledCondition[];
  problems: string[];
}

/** Compiles a Condition element. `variables` is true for policies with Version 2012-10-17. */
export function compileConditionBlock(block: unknown, variables: boolean): ConditionCompileResult {
  const result: ConditionCompileResult = { conditions: [], problems: [] };
  if (block === undefined) return result;
  if (typeof block !== 'object' || block === null || Array.isArray(block)) {
    result.problems.push('Condition must be an object');
    return result;
  }
  for (const [operator, keys] of Object.entries(block as Record<string, unknown>)) {
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
      result.problems.push(`Condition operator ${operator} must map condition keys to values`);
      continue;
    }
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      const compiled = compileCondition(operator, key, raw, variables);
      if (typeof compiled === 'string') result.problems.push(compiled);
      else result.conditions.push(compiled);
    }
  }
  return result;
}

function compileCondition(operator: string, key: string, raw: unknown, variables: boolean): CompiledCondition | string {
  let name = operator;
  let set: CompiledCondition['set'];
  const qualifier = /^(ForAnyValue|ForAllValues):/i.exec(name);
  if (qualifier) {
    set = qualifier[1].toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
    name = name.slice(qualifier[0].length);
  }
  let ifExists = false;
  if (/IfExists$/i.test(name) && name.length > 'IfExists'.length) {
    ifExists = true;
    name = name.slice(0, -'IfExists'.length);
  }
  const spec = OPERATORS.get(name.toLowerCase());
  if (!spec) return `unknown condition operator "${operator}"`;
  if (spec.family === 'Null' && (ifExists || set)) return `"${operator}" is not a valid condition operator`;
  const rawValues = Array.isArray(raw) ? raw : [raw];
  const values: string[] = [];
  for (const v of rawValues) {
    const text = conditionValueText(v);
    if (text === undefined) return `condition ${operator} ${key}: values must be strings, numbers or booleans`;
    values.push(text);
  }
  if (values.length === 0) return `condition ${operator} ${key} has no values`;
  const usesVariables = variables && values.some((v) => v.includes('${'));
  const base = { operator, key, keyLower: key.toLowerCase(), family: spec.family, values, negated: spec.negated, ifExists, set, usesVariables };
  if (spec.family === 'Null') {
    const expectations = values.map((v) => v.toLowerCase());
    if (expectations.some((v) => v !== 'true' && v !== 'false')) return `condition Null ${key}: values must be true or false`;
    return { ...base, nullExpectations: expectations.map((v) => v === 'true'), matchesAny: () => false };
  }
  const test = spec.build(values, variables);
  if (typeof test === 'string') return `condition ${operator} ${key}: ${test}`;
  return { ...base, matchesAny: test };
}

/** Evaluates one condition against the request context, following AWS's rules for missing keys and sets. */
export function conditionHolds(condition: CompiledCondition, context: RequestContextView, lookup: VariableLookup): boolean {
  const raw = context.get(condition.keyLower);
  const requestValues = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  const present = requestValues.length > 0;
  if (condition.nullExpectations) return condition.nullExpectations.some((expectAbsent) => expectAbsent !== present);
  const single = (value: string) => condition.matchesAny(value, lookup) !== condition.negated;
  if (condition.set === 'ForAllValues') return requestValues.every(single);
  if (!present) return condition.ifExists || (condition.negated && !condition.set);
  if (condition.set === 'ForAnyValue') return requestValues.some(single);
  const anyMatch = requestValues.some((value) => condition.matchesAny(value, lookup));
  return anyMatch !== condition.negated;
}
