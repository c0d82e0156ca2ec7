// Checks a key policy the way KMS would refuse it, plus warnings for what KMS accepts but is probably a mistake.
import { ACCOUNT_ID, parseArn } from './arn';
import { compileConditionBlock } from './conditions';
import { jsonc } from './jsonc';
import { isKnownKmsConditionKey, kmsActionsCovered } from './kms-data';
import { pathRangeFinder } from './parse';
import type { PolicyDocument, PolicyProblem, Severity } from './types';

export const KEY_POLICY_MAX_BYTES = 32768;

type Path = (string | number)[];

const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const DOCUMENT_FIELDS = new Set(['Version', 'Id', 'Statement']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

class Problems {
  readonly list: PolicyProblem[] = [];

  add(severity: Severity, code: string, message: string, path?: Path, statementIndex?: number): void {
    this.list.push({ severity, code, message, path, statementIndex });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "user/name", "role/path/name": a type, then path parts and a name made of IAM's name characters. */
function isUserOrRolePath(resource: string): boolean {
  const [type, ...parts] = resource.split('/');
  return (type === 'user' || type === 'role') && parts.length > 0 && parts.every((part) => /^[\w+=,.@-]+$/.test(part));
}

/** A principal value KMS accepts in {"AWS": ...}; undefined when valid, else why not. */
export function awsPrincipalProblem(value: string): string | undefined {
  if (value === '*' || ACCOUNT_ID.test(value)) return undefined;
  if (/^A[A-Z]{3}[A-Z0-9]{8,}$/.test(value)) return undefined;
  const arn = parseArn(value);
  if (!arn) return `"${value}" is neither an ARN, an account id nor "*"`;
  if (value.includes('*') || value.includes('?')) return `"${value}": a principal ARN cannot contain wildcards (use "*" with a condition on aws:PrincipalArn)`;
  if (!/^aws(-cn|-us-gov|-iso[a-z-]*)?$/.test(arn.partition)) return `"${value}": unknown partition "${arn.partition}"`;
  if (!ACCOUNT_ID.test(arn.account)) return `"${value}": the account must be 12 digits`;
  if (arn.region !== '') return `"${value}": IAM and STS principal ARNs have no region`;
  if (arn.service === 'iam' && (arn.resource === 'root' || isUserOrRolePath(arn.resource))) return undefined;
  if (arn.service === 'sts' && /^(assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|federated-user\/[\w+=,.@-]+)$/.test(arn.resource)) return undefined;
  if (arn.service === 'iam' && arn.resource.startsWith('group/')) return `"${value}": an IAM group cannot be a principal`;
  return `"${value}" is not a valid principal (expected a user, role, assumed-role session, federated user or account root)`;
}

function checkPrincipal(block: unknown, element: string, path: Path, index: number, out: Problems): void {
  if (block === '*') return;
  if (!isObject(block)) {
    out.add('error', 'invalid-principal', `${element} must be "*" or an object such as {"AWS": "<ARN>"}`, path, index);
    return;
  }
  const entries = Object.entries(block);
  if (entries.length === 0) out.add('error', 'invalid-principal', `${element} names no principal`, path, index);
  for (const [type, raw] of entries) {
    if (!PRINCIPAL_TYPES.has(type)) {
      out.add('error', 'invalid-principal', `Unknown principal type "${type}" (use AWS, Service, Federated or CanonicalUser)`, [...path, type], index);
      continue;
    }
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0) out.add('error', 'invalid-principal', `${element} ${type} is empty`, [...path, type], index);
    values.forEach((value, i) => {
      const valuePath = Array.isArray(raw) ? [...path, type, i] : [...path, type];
      if (typeof value !== 'string') {
        out.add('error', 'invalid-principal', `${element} ${type} values must be strings`, valuePath, index);
        return;
      }
      const problem = type === 'AWS' ? awsPrincipalProblem(value) : type === 'Service' && !/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$|^\*$/.test(value) ? `"${value}" is not a service principal such as "dynamodb.amazonaws.com"` : undefined;
      if (problem) out.add('error', 'invalid-principal', problem, valuePath, index);
    });
  }
}

function checkActions(statement: Record<string, unknown>, path: Path, index: number, out: Problems): void {
  const hasAction = 'Action' in statement;
  const hasNotAction = 'NotAction' in statement;
  if (hasAction && hasNotAction) out.add('error', 'action-and-notaction', 'A statement cannot have both Action and NotAction', path, index);
  if (!hasAction && !hasNotAction) out.add('error', 'missing-action', 'A statement needs Action or NotAction', path, index);
  const element = hasAction ? 'Action' : 'NotAction';
  if (!(element in statement)) return;
  const raw = statement[element];
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) out.add('error', 'empty-action', `${element} is empty`, [...path, element], index);
  values.forEach((value, i) => {
    const valuePath = Array.isArray(raw) ? [...path, element, i] : [...path, element];
    if (typeof value !== 'string') {
      out.add('error', 'invalid-action', `${element} values must be strings`, valuePath, index);
      return;
    }
    if (value === '*') return;
    const [service, name, ...rest] = value.split(':');
    if (name === undefined || rest.length > 0 || !service || !name) {
      out.add('error', 'invalid-action', `"${value}" is not an action: write service:Action, e.g. "kms:Decrypt"`, valuePath, index);
      return;
    }
    if (service.toLowerCase() !== 'kms') {
      out.add('warning', 'non-kms-action', `"${value}" is not a KMS action and means nothing in a key policy`, valuePath, index);
      return;
    }
    const covered = kmsActionsCovered(value);
    const hasWildcard = /[*?]/.test(value);
    if (covered.keyPolicy.length === 0 && covered.iamOnly.length === 0) {
      out.add(hasWildcard ? 'warning' : 'error', hasWildcard ? 'action-matches-nothing' : 'unknown-action',
        hasWildcard ? `"${value}" matches no KMS action` : `"${value}" is not a KMS action`, valuePath, index);
    } else if (covered.keyPolicy.length === 0) {
      out.add('warning', 'iam-only-action', `${covered.iamOnly.join(', ')} ${covered.iamOnly.length > 1 ? 'are' : 'is'} not about a particular key and can be allowed only in IAM policies; in a key policy ${covered.iamOnly.length > 1 ? 'they mean' : 'it means'} nothing`, valuePath, index);
    }
  });
}

function checkResources(statement: Record<string, unknown>, path: Path, index: number, out: Problems): void {
  const hasResource = 'Resource' in statement;
  const hasNotResource = 'NotResource' in statement;
  if (hasResource && hasNotResource) out.add('error', 'resource-and-notresource', 'A statement cannot have both Resource and NotResource', path, index);
  if (!hasResource && !hasNotResource) {
    out.add('error', 'missing-resource', 'A key policy statement needs "Resource": "*" (in a key policy, "*" means this key)', path, index);
    return;
  }
  const element = hasResource ? 'Resource' : 'NotResource';
  const raw = statement[element];
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) out.add('error', 'empty-resource', `${element} is empty`, [...path, element], index);
  values.forEach((value, i) => {
    const valuePath = Array.isArray(raw) ? [...path, element, i] : [...path, element];
    if (typeof value !== 'string') out.add('error', 'invalid-resource', `${element} values must be strings`, valuePath, index);
    else if (value !== '*' && !parseArn(value)) out.add('error', 'invalid-resource', `"${value}" is neither "*" nor an ARN`, valuePath, index);
    else if (value !== '*') out.add('info', 'resource-not-star', `In a key policy, "Resource": "*" means this key; "${value}" matches only if it names this key`, valuePath, index);
  });
}

function checkConditions(statement: Record<string, unknown>, path: Path, index: number, out: Problems, variables: boolean): void {
  if (!('Condition' in statement)) return;
  const compiled = compileConditionBlock(statement.Condition, variables);
  for (const problem of compiled.problems) out.add('error', 'invalid-condition', problem, [...path, 'Condition'], index);
  for (const condition of compiled.conditions) {
    if (condition.keyLower.startsWith('kms:') && !isKnownKmsConditionKey(condition.key)) {
      out.add('warning', 'unknown-condition-key', `"${condition.key}" is not a KMS condition key`, [...path, 'Condition', condition.operator, condition.key], index);
    }
  }
}

function isPublic(statement: Record<string, unknown>): boolean {
  const p = statement.Principal;
  const wildcard = p === '*' || (isObject(p) && (p.AWS === '*' || (Array.isArray(p.AWS) && p.AWS.includes('*'))));
  return wildcard && statement.Effect === 'Allow' && (!isObject(statement.Condition) || Object.keys(statement.Condition).length === 0);
}

function checkStatement(raw: unknown, path: Path, index: number, out: Problems, sids: Map<string, number>, variables: boolean): void {
  if (!isObject(raw)) {
    out.add('error', 'invalid-statement', 'A statement must be a JSON object', path, index);
    return;
  }
  for (const field of Object.keys(raw)) {
    if (!STATEMENT_FIELDS.has(field)) out.add('error', 'unknown-element', `Unknown statement element "${field}"`, [...path, field], index);
  }
  if ('Sid' in raw) {
    if (typeof raw.Sid !== 'string') out.add('error', 'invalid-sid', 'Sid must be a string', [...path, 'Sid'], index);
    else if (sids.has(raw.Sid)) out.add('error', 'duplicate-sid', `Sid "${raw.Sid}" is already used by statement #${(sids.get(raw.Sid) as number) + 1}`, [...path, 'Sid'], index);
    else sids.set(raw.Sid, index);
  }
  if (!('Effect' in raw)) out.add('error', 'missing-effect', 'A statement needs "Effect": "Allow" or "Deny"', path, index);
  else if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') out.add('error', 'invalid-effect', `Effect must be "Allow" or "Deny" (case matters), not ${JSON.stringify(raw.Effect)}`, [...path, 'Effect'], index);
  const hasPrincipal = 'Principal' in raw;
  const hasNotPrincipal = 'NotPrincipal' in raw;
  if (hasPrincipal && hasNotPrincipal) out.add('error', 'principal-and-notprincipal', 'A statement cannot have both Principal and NotPrincipal', path, index);
  else if (!hasPrincipal && !hasNotPrincipal) out.add('error', 'missing-principal', 'A key policy statement needs a Principal', path, index);
  if (hasPrincipal) checkPrincipal(raw.Principal, 'Principal', [...path, 'Principal'], index, out);
  if (hasNotPrincipal) {
    checkPrincipal(raw.NotPrincipal, 'NotPrincipal', [...path, 'NotPrincipal'], index, out);
    if (raw.Effect === 'Allow') out.add('error', 'notprincipal-with-allow', 'NotPrincipal is supported only with "Effect": "Deny"', [...path, 'NotPrincipal'], index);
  }
  checkActions(raw, path, index, out);
  checkResources(raw, path, index, out);
  checkConditions(raw, path, index, out, variables);
  if (isPublic(raw)) {
    out.add('warning', 'public-key', 'This statement allows any principal, in any account, with no condition: the key is public', [...path, 'Principal'], index);
  }
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Property names that appear twice in one object (JSON.parse silently keeps the last). */
function duplicateKeys(text: string, out: Problems): void {
  const stack: Set<string>[] = [];
  jsonc().visit(text, {
    onObjectBegin: () => {
      stack.push(new Set());
    },
    onObjectEnd: () => {
      stack.pop();
    },
    onObjectProperty: (property, _o, _l, _sl, _sc, pathSupplier) => {
      const keys = stack[stack.length - 1];
      if (!keys) return;
      if (keys.has(property)) {
        const path = [...pathSupplier(), property];
        const index = path[0] === 'Statement' && typeof path[1] === 'number' ? path[1] : undefined;
        out.add('error', 'duplicate-key', `"${property}" appears twice in the same object`, path, index);
      }
      keys.add(property);
    },
  });
}

/**
 * Problems of a key policy, in document order. With `text`, the byte size is the text's and each problem carries
 * the text range of its element (for a missing element: of the statement or object that lacks it).
 */
export function validateKeyPolicy(doc: PolicyDocument | unknown, text?: string): PolicyProblem[] {
  const out = new Problems();
  const source = typeof text === 'string' ? text : JSON.stringify(doc) ?? '';
  const size = utf8Length(source);
  if (size > KEY_POLICY_MAX_BYTES) out.add('error', 'policy-too-large', `The key policy is ${size} bytes; KMS accepts at most ${KEY_POLICY_MAX_BYTES}`);
  if (typeof text === 'string') duplicateKeys(text, out);
  if (!isObject(doc)) {
    out.add('error', 'not-an-object', 'A key policy must be a JSON object');
    return withRanges(out.list, text);
  }
  for (const field of Object.keys(doc)) {
    if (!DOCUMENT_FIELDS.has(field)) out.add('error', 'unknown-element', `Unknown policy element "${field}"`, [field]);
  }
  if (!('Version' in doc)) out.add('warning', 'missing-version', 'Version is missing: AWS then reads the policy as version 2008-10-17, where policy variables are plain text. Add "Version": "2012-10-17"', []);
  else if (doc.Version === '2008-10-17') out.add('info', 'old-version', 'Version 2008-10-17 treats policy variables as plain text; "2012-10-17" is current', ['Version']);
  else if (doc.Version !== '2012-10-17') out.add('error', 'invalid-version', `Version must be "2012-10-17" (or the older "2008-10-17"), not ${JSON.stringify(doc.Version)}`, ['Version']);
  if ('Id' in doc && typeof doc.Id !== 'string') out.add('error', 'invalid-id', 'Id must be a string', ['Id']);
  const variables = doc.Version === '2012-10-17';
  if (!('Statement' in doc)) {
    out.add('error', 'missing-statement', 'A key policy needs a Statement', []);
  } else if (Array.isArray(doc.Statement)) {
    if (doc.Statement.length === 0) out.add('error', 'no-statements', 'The key policy has no statements: nobody could use or manage the key', ['Statement']);
    const sids = new Map<string, number>();
    doc.Statement.forEach((s, i) => checkStatement(s, ['Statement', i], i, out, sids, variables));
  } else {
    checkStatement(doc.Statement, ['Statement'], 0, out, new Map(), variables);
  }
  return withRanges(out.list, text);
}

function withRanges(problems: PolicyProblem[], text?: string): PolicyProblem[] {
  if (typeof text !== 'string') return problems;
  const find = pathRangeFinder(text);
  return problems.map((p) => {
    const range = find(p.path ?? []);
    return range ? { ...p, range } : p;
  });
}
