// A parsed PartiQL statement, its parameters and its table's keys → the DynamoDB item request it stands for, written
// with ordinary expressions (#names and :values), so that dynalite, IAM and KMS treat it as any other item request.
//   SELECT → Query (equality on the partition key) or Scan      INSERT → PutItem if no item has that key
//   UPDATE → UpdateItem of an existing item                      DELETE → DeleteItem
import type { Condition, Operand, Path, Returning, SetValue, Statement, ValueNode } from './syntax-tree';
import type { ParsedStatement } from './parser';
import { invalid, malformed, unsupported } from './errors';
import { setOwn } from '../../storage/null-prototype';

export type AttributeValue = Record<string, unknown>;

export interface TableKeys {
  hashKey: string;
  rangeKey?: string;
  indexes: Map<string, { hashKey: string; rangeKey?: string }>;
}

export type PartiqlPlan =
  | {
      kind: 'read';
      table: string;
      index?: string;
      operation: 'Query' | 'Scan';
      request: Record<string, unknown>;
      /** Every key attribute of the table is fixed by an equality: at most one item. */
      singleItem?: { Key: Record<string, AttributeValue>; filtered: boolean };
    }
  | {
      kind: 'write';
      table: string;
      verb: 'Insert' | 'Update' | 'Delete';
      operation: 'PutItem' | 'UpdateItem' | 'DeleteItem';
      request: Record<string, unknown>;
      returning?: Returning;
    };

/** Placeholders for names and values, handed out in order of use so that every one is used. */
class Expressions {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly nameOf = new Map<string, string>();
  private valueCount = 0;

  name(text: string): string {
    let placeholder = this.nameOf.get(text);
    if (!placeholder) {
      placeholder = `#n${this.nameOf.size}`;
      this.nameOf.set(text, placeholder);
      this.names[placeholder] = text;
    }
    return placeholder;
  }

  value(value: AttributeValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  path(path: Path): string {
    let text = this.name(path.head);
    for (const step of path.steps) text += 'field' in step ? `.${this.name(step.field)}` : `[${step.index}]`;
    return text;
  }

  /** The request members, without empty maps (DynamoDB refuses those). */
  members(): Record<string, unknown> {
    const members: Record<string, unknown> = {};
    if (Object.keys(this.names).length > 0) members.ExpressionAttributeNames = this.names;
    if (Object.keys(this.values).length > 0) members.ExpressionAttributeValues = this.values;
    return members;
  }
}

function isAttributeValue(value: unknown): value is AttributeValue {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1;
}

export class Values {
  constructor(private readonly parameters: unknown[]) {}

  resolve(node: ValueNode): AttributeValue {
    switch (node.kind) {
      case 'param': {
        const value = this.parameters[node.index];
        if (!isAttributeValue(value)) throw invalid(`One or more parameter values were invalid: parameter ${node.index + 1} is not an AttributeValue`);
        return value;
      }
      case 'string':
        return { S: node.text };
      case 'number':
        if (!Number.isFinite(Number(node.text))) throw malformed(`${node.text} is not a number`);
        return { N: node.text };
      case 'bool':
        return { BOOL: node.value };
      case 'null':
        return { NULL: true };
      case 'list':
        return { L: node.items.map((item) => this.resolve(item)) };
      case 'map':
        return { M: Object.fromEntries(node.entries.map(([key, value]) => [key, this.resolve(value)])) };
      case 'set': {
        const items = node.items.map((item) => this.resolve(item));
        const type = items.length > 0 ? Object.keys(items[0]!)[0] : undefined;
        if (!type || !['S', 'N', 'B'].includes(type) || items.some((item) => Object.keys(item)[0] !== type)) {
          throw invalid('One or more parameter values were invalid: a set must hold at least one value, all strings, all numbers or all binaries');
        }
        return { [`${type}S`]: items.map((item) => item[type]) };
      }
    }
  }
}

function operandText(operand: Operand, x: Expressions, values: Values): string {
  if (operand.kind === 'path') return x.path(operand.path);
  if (operand.kind === 'size') return `size(${x.path(operand.path)})`;
  return x.value(values.resolve(operand.value));
}

function conditionText(condition: Condition, x: Expressions, values: Values): string {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return `(${conditionText(condition.left, x, values)}) ${condition.kind.toUpperCase()} (${conditionText(condition.right, x, values)})`;
    case 'not':
      return `NOT (${conditionText(condition.operand, x, values)})`;
    case 'compare':
      return `${operandText(condition.left, x, values)} ${condition.op} ${operandText(condition.right, x, values)}`;
    case 'between':
      return `${operandText(condition.operand, x, values)} BETWEEN ${operandText(condition.low, x, values)} AND ${operandText(condition.high, x, values)}`;
    case 'in':
      return `${operandText(condition.operand, x, values)} IN (${condition.values.map((value) => operandText(value, x, values)).join(', ')})`;
    case 'is': {
      const path = x.path(condition.path);
      if (condition.what === 'MISSING') return condition.negated ? `attribute_exists(${path})` : `attribute_not_exists(${path})`;
      const check = `attribute_type(${path}, ${x.value({ S: 'NULL' })})`;
      return condition.negated ? `NOT ${check}` : check;
    }
    case 'function':
      return `${condition.name}(${condition.args.map((arg) => operandText(arg, x, values)).join(', ')})`;
  }
}

function conjuncts(condition: Condition | undefined): Condition[] {
  if (!condition) return [];
  if (condition.kind === 'and') return [...conjuncts(condition.left), ...conjuncts(condition.right)];
  return [condition];
}

function isAttribute(operand: Operand, name: string): boolean {
  return operand.kind === 'path' && operand.path.head === name && operand.path.steps.length === 0;
}

/** `name = value` (either way round): the value, or undefined. */
function equalityOn(condition: Condition, name: string): ValueNode | undefined {
  if (condition.kind !== 'compare' || condition.op !== '=') return undefined;
  if (isAttribute(condition.left, name) && condition.right.kind === 'value') return condition.right.value;
  if (isAttribute(condition.right, name) && condition.left.kind === 'value') return condition.left.value;
  return undefined;
}

/** A condition a Query's key condition can carry on the sort key. */
function isSortKeyCondition(condition: Condition, name: string): boolean {
  if (condition.kind === 'compare' && condition.op !== '<>') {
    return (isAttribute(condition.left, name) && condition.right.kind === 'value') || (isAttribute(condition.right, name) && condition.left.kind === 'value');
  }
  if (condition.kind === 'between') return isAttribute(condition.operand, name) && condition.low.kind === 'value' && condition.high.kind === 'value';
  if (condition.kind === 'function' && condition.name === 'begins_with') return isAttribute(condition.args[0]!, name) && condition.args[1]?.kind === 'value';
  return false;
}

function andText(parts: string[]): string | undefined {
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : parts.map((part) => `(${part})`).join(' AND ');
}

function select(statement: Extract<Statement, { kind: 'select' }>, keys: TableKeys, values: Values): PartiqlPlan {
  const target = statement.index === undefined ? { hashKey: keys.hashKey, rangeKey: keys.rangeKey } : keys.indexes.get(statement.index);
  if (!target) throw invalid(`The table does not have the specified index: ${statement.index}`);
  const x = new Expressions();
  const request: Record<string, unknown> = { TableName: statement.table };
  if (statement.index !== undefined) request.IndexName = statement.index;
  if (statement.projection !== '*') request.ProjectionExpression = statement.projection.map((path) => x.path(path)).join(', ');

  const parts = conjuncts(statement.where);
  const hashAt = parts.findIndex((part) => equalityOn(part, target.hashKey) !== undefined);
  const canQuery = hashAt >= 0 && statement.where !== undefined && parts.length > 0;
  if (statement.orderBy) {
    if (!canQuery) throw invalid('Must have WHERE clause in the statement when using ORDER BY clause.');
    if (!target.rangeKey || !isAttribute({ kind: 'path', path: statement.orderBy.path }, target.rangeKey)) {
      throw invalid(`Variable reference ${statement.orderBy.path.head} must be the sort key of the table or index in ORDER BY clause.`);
    }
  }
  if (!canQuery) {
    if (statement.where) request.FilterExpression = conditionText(statement.where, x, values);
    return { kind: 'read', table: statement.table, index: statement.index, operation: 'Scan', request: { ...request, ...x.members() } };
  }
  const key: string[] = [];
  const filter: string[] = [];
  const keyValues: Record<string, AttributeValue> = {};
  let sortUsed = false;
  parts.forEach((part, at) => {
    if (at === hashAt) {
      setOwn(keyValues, target.hashKey, values.resolve(equalityOn(part, target.hashKey)!));
      key.push(conditionText(part, x, values));
    } else if (!sortUsed && target.rangeKey && isSortKeyCondition(part, target.rangeKey)) {
      sortUsed = true;
      const equal = equalityOn(part, target.rangeKey);
      if (equal) setOwn(keyValues, target.rangeKey, values.resolve(equal));
      key.push(conditionText(part, x, values));
    } else filter.push(conditionText(part, x, values));
  });
  request.KeyConditionExpression = andText(key);
  const filterText = andText(filter);
  if (filterText) request.FilterExpression = filterText;
  if (statement.orderBy?.descending) request.ScanIndexForward = false;
  const whole = statement.index === undefined && Object.keys(keyValues).length === (keys.rangeKey ? 2 : 1);
  return {
    kind: 'read',
    table: statement.table,
    index: statement.index,
    operation: 'Query',
    request: { ...request, ...x.members() },
    singleItem: whole ? { Key: keyValues, filtered: filter.length > 0 } : undefined,
  };
}

/** The item's full key from the WHERE clause, and the rest of the clause as a condition. */
function keyAndCondition(where: Condition | undefined, keys: TableKeys, values: Values, x: Expressions): { Key: Record<string, AttributeValue>; condition: string[] } {
  const parts = conjuncts(where);
  const Key: Record<string, AttributeValue> = {};
  const rest: string[] = [];
  for (const part of parts) {
    const name = [keys.hashKey, keys.rangeKey].find((keyName) => keyName !== undefined && !Object.hasOwn(Key, keyName) && equalityOn(part, keyName) !== undefined);
    if (name) setOwn(Key, name, values.resolve(equalityOn(part, name)!));
    else rest.push(conditionText(part, x, values));
  }
  if (!Object.hasOwn(Key, keys.hashKey) || (keys.rangeKey !== undefined && !Object.hasOwn(Key, keys.rangeKey))) {
    throw invalid('Where clause does not contain a mandatory equality on all key attributes');
  }
  return { Key, condition: rest };
}

function updateExpression(actions: Extract<Statement, { kind: 'update' }>['actions'], x: Expressions, values: Values): string {
  const clauses: Record<'SET' | 'REMOVE' | 'ADD' | 'DELETE', string[]> = { SET: [], REMOVE: [], ADD: [], DELETE: [] };
  for (const action of actions) {
    if (action.kind === 'remove') {
      clauses.REMOVE.push(x.path(action.path));
      continue;
    }
    const target = x.path(action.path);
    const value: SetValue = action.value;
    switch (value.kind) {
      case 'operand':
        clauses.SET.push(`${target} = ${operandText(value.operand, x, values)}`);
        break;
      case 'arith':
        clauses.SET.push(`${target} = ${operandText(value.left, x, values)} ${value.op} ${operandText(value.right, x, values)}`);
        break;
      case 'list_append':
        clauses.SET.push(`${target} = list_append(${operandText(value.left, x, values)}, ${operandText(value.right, x, values)})`);
        break;
      case 'set_add':
      case 'set_delete':
        if (x.path(value.path) !== target) throw unsupported(`${value.kind} must name the attribute it sets`);
        clauses[value.kind === 'set_add' ? 'ADD' : 'DELETE'].push(`${target} ${operandText(value.value, x, values)}`);
        break;
    }
  }
  return (Object.keys(clauses) as (keyof typeof clauses)[])
    .filter((clause) => clauses[clause].length > 0)
    .map((clause) => `${clause} ${clauses[clause].join(', ')}`)
    .join(' ');
}

export function translate(parsed: ParsedStatement, parameters: unknown[] | undefined, keys: TableKeys): PartiqlPlan {
  const given = parameters ?? [];
  if (given.length !== parsed.parameters) throw invalid("Number of parameters in request and statement don't match.");
  const values = new Values(given);
  const statement = parsed.statement;
  switch (statement.kind) {
    case 'select':
      return select(statement, keys, values);
    case 'insert': {
      const item = values.resolve(statement.item);
      if (!item.M || typeof item.M !== 'object') throw invalid('INSERT expects a tuple as its value');
      const x = new Expressions();
      const request = { TableName: statement.table, Item: item.M, ConditionExpression: `attribute_not_exists(${x.name(keys.hashKey)})`, ...x.members() };
      return { kind: 'write', table: statement.table, verb: 'Insert', operation: 'PutItem', request };
    }
    case 'update': {
      const x = new Expressions();
      const UpdateExpression = updateExpression(statement.actions, x, values);
      const { Key, condition } = keyAndCondition(statement.where, keys, values, x);
      // UPDATE changes an item that exists; it never creates one.
      const ConditionExpression = andText([`attribute_exists(${x.name(keys.hashKey)})`, ...condition]);
      const request: Record<string, unknown> = { TableName: statement.table, Key, UpdateExpression, ConditionExpression, ...x.members() };
      if (statement.returning) request.ReturnValues = statement.returning;
      return { kind: 'write', table: statement.table, verb: 'Update', operation: 'UpdateItem', request, returning: statement.returning };
    }
    case 'delete': {
      const x = new Expressions();
      const { Key, condition } = keyAndCondition(statement.where, keys, values, x);
      const request: Record<string, unknown> = { TableName: statement.table, Key, ...x.members() };
      const ConditionExpression = andText(condition);
      if (ConditionExpression) request.ConditionExpression = ConditionExpression;
      if (statement.returning) request.ReturnValues = statement.returning;
      return { kind: 'write', table: statement.table, verb: 'Delete', operation: 'DeleteItem', request, returning: statement.returning };
    }
  }
}
