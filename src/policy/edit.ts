// Editing key policies the way the KMS console does, on text so that untouched statements keep their formatting.
import type { FormattingOptions, JSONPath, Node } from 'jsonc-parser';
import {
  administratorsStatement,
  persistentResourcesStatement,
  SID_ADMINISTRATORS,
  SID_PERSISTENT_RESOURCES,
  SID_ROOT,
  SID_USE,
  useStatement,
} from './defaults';
import { jsonc } from './jsonc';
import { LineMap } from './parse';
import type { PolicyDocument, PolicyStatement } from './types';

const CONSOLE_ORDER = [SID_ROOT, SID_ADMINISTRATORS, SID_USE, SID_PERSISTENT_RESOURCES];

interface LoadedStatement {
  sid?: string;
  value: unknown;
}

interface LoadedPolicy {
  text: string;
  statements: LoadedStatement[];
  /** False when "Statement" is a single object rather than an array. */
  statementIsArray: boolean;
  hasStatement: boolean;
}

function load(text: string): LoadedPolicy {
  const errors: { error: number; offset: number; length: number }[] = [];
  const root = jsonc().parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const where = first ? new LineMap(text).range(first.offset, first.offset + first.length) : undefined;
    const what = first ? jsonc().printParseErrorCode(first.error as Parameters<ReturnType<typeof jsonc>['printParseErrorCode']>[0]) : 'empty text';
    throw new Error(`Cannot edit the key policy: it is not valid JSON (${what}${where ? ` at line ${where.line}, column ${where.column}` : ''})`);
  }
  if (root.type !== 'object') throw new Error('Cannot edit the key policy: it is not a JSON object');
  const statementNode: Node | undefined = jsonc().findNodeAtLocation(root, ['Statement']);
  const nodes = !statementNode ? [] : statementNode.type === 'array' ? (statementNode.children ?? []) : [statementNode];
  const statements = nodes.map((node) => {
    const value: unknown = jsonc().getNodeValue(node);
    const sid = typeof value === 'object' && value !== null && typeof (value as PolicyStatement).Sid === 'string' ? (value as PolicyStatement).Sid : undefined;
    return { sid, value };
  });
  return { text, statements, statementIsArray: statementNode?.type === 'array', hasStatement: !!statementNode };
}

function formattingOf(text: string): FormattingOptions | undefined {
  if (!text.includes('\n')) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

function apply(text: string, path: JSONPath, value: unknown, isArrayInsertion = false): string {
  const edits = jsonc().modify(text, path, value, { formattingOptions: formattingOf(text), isArrayInsertion });
  return jsonc().applyEdits(text, edits);
}

/**
 * Removes one array item with its separating comma. (jsonc-parser's own removal of a last item
 * leaves a stray character behind when the array is written on one line.)
 */
function removeArrayItem(text: string, arrayPath: JSONPath, index: number): string {
  const root = jsonc().parseTree(text);
  const array = root && jsonc().findNodeAtLocation(root, arrayPath);
  const items = array?.children ?? [];
  if (!array || array.type !== 'array' || index < 0 || index >= items.length) return text;
  let start: number;
  let end: number;
  if (items.length === 1) {
    start = array.offset + 1;
    end = array.offset + array.length - 1;
  } else if (index === items.length - 1) {
    start = items[index - 1].offset + items[index - 1].length;
    end = items[index].offset + items[index].length;
  } else {
    start = items[index].offset;
    end = items[index + 1].offset;
  }
  return text.slice(0, start) + text.slice(end);
}

function statementPath(policy: LoadedPolicy, index: number): JSONPath {
  return policy.statementIsArray ? ['Statement', index] : ['Statement'];
}

function insertionIndex(policy: LoadedPolicy, sid: string): number {
  const rank = CONSOLE_ORDER.indexOf(sid);
  let after = -1;
  policy.statements.forEach((s, i) => {
    const r = s.sid ? CONSOLE_ORDER.indexOf(s.sid) : -1;
    if (r >= 0 && r < rank) after = i;
  });
  if (after >= 0) return after + 1;
  const before = policy.statements.findIndex((s) => s.sid !== undefined && CONSOLE_ORDER.indexOf(s.sid) > rank);
  return before >= 0 ? before : policy.statements.length;
}

/** Whitespace between the start of the line and `offset`, or undefined when other text precedes it on its line. */
function indentationAt(text: string, offset: number): string | undefined {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  const before = text.slice(start, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * Inserts a statement into the Statement list, formatted like its neighbours, without touching them
 * (jsonc-parser's formatter would also reformat a neighbour that shares a line with the insertion).
 */
function insertStatement(policy: LoadedPolicy, statement: PolicyStatement): string {
  const { text } = policy;
  if (!policy.hasStatement) return apply(text, ['Statement'], [statement]);
  if (!policy.statementIsArray) return apply(text, ['Statement'], [policy.statements[0]?.value, statement]);
  const index = insertionIndex(policy, statement.Sid as string);
  const root = jsonc().parseTree(text);
  const items = (root && jsonc().findNodeAtLocation(root, ['Statement'])?.children) ?? [];
  const format = formattingOf(text);
  if (items.length === 0 || !format) return apply(text, ['Statement', index], statement, true);
  const neighbour = items[Math.min(index, items.length - 1)];
  const indent = indentationAt(text, neighbour.offset);
  const eol = format.eol ?? '\n';
  const unit = format.insertSpaces ? ' '.repeat(format.tabSize ?? 2) : '\t';
  const body = indent === undefined ? JSON.stringify(statement) : JSON.stringify(statement, null, unit).split('\n').join(eol + indent);
  const separator = indent === undefined ? ', ' : `,${eol}${indent}`;
  if (index >= items.length) {
    const last = items[items.length - 1];
    const at = last.offset + last.length;
    return text.slice(0, at) + separator + body + text.slice(at);
  }
  const at = items[index].offset;
  return text.slice(0, at) + body + separator + text.slice(at);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds `arn` to the AWS principals of the statement with `sid`, creating the statement when it is missing. */
function addPrincipal(text: string, sid: string, arn: string, create: (arn: string) => PolicyStatement): string {
  const policy = load(text);
  const index = policy.statements.findIndex((s) => s.sid === sid);
  if (index < 0) return insertStatement(policy, create(arn));
  const statement = policy.statements[index].value as PolicyStatement;
  const principal = statement.Principal;
  if (principal === '*') return text;
  if (!isObject(principal)) throw new Error(`Cannot add ${arn}: statement '${sid}' has no Principal object to add it to`);
  const path = [...statementPath(policy, index), 'Principal', 'AWS'];
  const aws = principal.AWS;
  if (aws === undefined) return apply(text, path, arn);
  if (typeof aws === 'string') return aws === arn || aws === '*' ? text : apply(text, path, [aws, arn]);
  if (Array.isArray(aws)) return aws.includes(arn) || aws.includes('*') ? text : apply(text, [...path, aws.length], arn, true);
  throw new Error(`Cannot add ${arn}: the AWS principals of statement '${sid}' are neither a string nor a list`);
}

/** Removes `arn` from the statement with `sid`; removes the statement when no principal is left. */
function removePrincipal(text: string, sid: string, arn: string): string {
  const policy = load(text);
  const index = policy.statements.findIndex((s) => s.sid === sid);
  if (index < 0) return text;
  const statement = policy.statements[index].value as PolicyStatement;
  const principal = statement.Principal;
  if (!isObject(principal)) return text;
  const aws = principal.AWS;
  const remaining = typeof aws === 'string' ? (aws === arn ? [] : [aws]) : Array.isArray(aws) ? aws.filter((a) => a !== arn) : undefined;
  if (remaining === undefined || (Array.isArray(aws) ? remaining.length === aws.length : remaining.length === 1)) return text;
  const path = [...statementPath(policy, index), 'Principal', 'AWS'];
  // One principal left goes back to a plain string, as it was before a second one was added.
  if (remaining.length === 1) return apply(text, path, remaining[0]);
  if (remaining.length > 1) {
    let next = text;
    for (let i = (aws as unknown[]).length - 1; i >= 0; i--) if ((aws as unknown[])[i] === arn) next = removeArrayItem(next, path, i);
    return next;
  }
  if (Object.keys(principal).length > 1) return apply(text, path, undefined);
  if (!policy.statementIsArray) return apply(text, ['Statement'], []);
  return removeArrayItem(text, ['Statement'], index);
}

function viaText(policy: string | PolicyDocument, edit: (text: string) => string): string | PolicyDocument {
  if (typeof policy === 'string') return edit(policy);
  return JSON.parse(edit(JSON.stringify(policy, null, 2))) as PolicyDocument;
}

/** A key user may use the key for cryptography and attach it to AWS resources (the console's two statements). */
export function addKeyUser(policy: string, arn: string): string;
export function addKeyUser(policy: PolicyDocument, arn: string): PolicyDocument;
export function addKeyUser(policy: string | PolicyDocument, arn: string): string | PolicyDocument {
  return viaText(policy, (text) =>
    addPrincipal(addPrincipal(text, SID_USE, arn, useStatement), SID_PERSISTENT_RESOURCES, arn, persistentResourcesStatement),
  );
}

export function removeKeyUser(policy: string, arn: string): string;
export function removeKeyUser(policy: PolicyDocument, arn: string): PolicyDocument;
export function removeKeyUser(policy: string | PolicyDocument, arn: string): string | PolicyDocument {
  return viaText(policy, (text) => removePrincipal(removePrincipal(text, SID_USE, arn), SID_PERSISTENT_RESOURCES, arn));
}

export interface AdministratorOptions {
  /** When the statement must be created: "Allow key administrators to delete this key" (default true). */
  allowDeletion?: boolean;
}

export function addKeyAdministrator(policy: string, arn: string, options?: AdministratorOptions): string;
export function addKeyAdministrator(policy: PolicyDocument, arn: string, options?: AdministratorOptions): PolicyDocument;
export function addKeyAdministrator(policy: string | PolicyDocument, arn: string, options: AdministratorOptions = {}): string | PolicyDocument {
  return viaText(policy, (text) => addPrincipal(text, SID_ADMINISTRATORS, arn, (a) => administratorsStatement(a, options.allowDeletion ?? true)));
}

export function removeKeyAdministrator(policy: string, arn: string): string;
export function removeKeyAdministrator(policy: PolicyDocument, arn: string): PolicyDocument;
export function removeKeyAdministrator(policy: string | PolicyDocument, arn: string): string | PolicyDocument {
  return viaText(policy, (text) => removePrincipal(text, SID_ADMINISTRATORS, arn));
}
