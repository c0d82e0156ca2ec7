// Checks of policy documents as IAM makes them on write, with IAM's MalformedPolicyDocument wording.
import type { PolicyDocument, PolicyStatement } from '../../policy/types';
import { iamError } from './errors';

export type DocumentUse = 'identity' | 'trust';

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

/** IAM counts policy size without whitespace. */
export function policySize(text: string): number {
  return text.replace(/\s+/g, '').length;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Parses and checks a document; returns it parsed. `principalExists` vets trust-policy principals. */
export function checkPolicyDocument(text: string, use: DocumentUse, principalExists?: (principal: string) => boolean): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw iamError.malformedPolicy('This policy contains invalid Json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw iamError.malformedPolicy('Syntax errors in policy.');
  const document = parsed as PolicyDocument;
  if (document.Version !== undefined && !VERSIONS.has(String(document.Version))) {
    throw iamError.malformedPolicy('The policy must contain a valid version string');
  }
  const statements = asList(document.Statement);
  if (statements.length === 0) throw iamError.malformedPolicy('Syntax errors in policy.');
  const sids = new Set<string>();
  for (const raw of statements) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw iamError.malformedPolicy('Syntax errors in policy.');
    const statement = raw as PolicyStatement;
    checkStatement(statement, use, principalExists);
    if (typeof statement.Sid === 'string' && statement.Sid !== '') {
      if (sids.has(statement.Sid)) throw iamError.malformedPolicy('Statement IDs (SID) in a single policy must be unique.');
      sids.add(statement.Sid);
    }
  }
  return document;
}

function checkStatement(statement: PolicyStatement, use: DocumentUse, principalExists?: (principal: string) => boolean): void {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw iamError.malformedPolicy(statement.Effect === undefined ? 'Missing required field Effect' : `Invalid effect: ${String(statement.Effect)}`);
  }
  if (statement.Action === undefined && statement.NotAction === undefined) throw iamError.malformedPolicy('Policy statement must contain actions.');
  for (const action of [...asList(statement.Action), ...asList(statement.NotAction)]) {
    if (typeof action !== 'string') throw iamError.malformedPolicy('Syntax errors in policy.');
    if (action !== '*' && !/^[A-Za-z0-9-]+:[\w*?-]*$/.test(action)) {
      throw iamError.malformedPolicy('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    }
  }
  for (const resource of [...asList(statement.Resource), ...asList(statement.NotResource)]) {
    if (typeof resource !== 'string') throw iamError.malformedPolicy('Syntax errors in policy.');
    if (resource !== '*' && !resource.startsWith('arn:')) throw iamError.malformedPolicy(`Resource ${resource} must be in ARN format or "*".`);
  }
  if (statement.Condition !== undefined && (statement.Condition === null || typeof statement.Condition !== 'object' || Array.isArray(statement.Condition))) {
    throw iamError.malformedPolicy('Syntax errors in policy.');
  }
  const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
  if (use === 'identity') {
    if (hasPrincipal) throw iamError.malformedPolicy('Policy document should not specify a principal.');
    if (statement.Resource === undefined && statement.NotResource === undefined) throw iamError.malformedPolicy('Policy statement must contain resources.');
    return;
  }
  if (!hasPrincipal) throw iamError.malformedPolicy('Missing required field Principal');
  if (statement.Resource !== undefined || statement.NotResource !== undefined) throw iamError.malformedPolicy('Has prohibited field Resource');
  checkTrustPrincipals(statement.Principal ?? statement.NotPrincipal, principalExists);
}

function checkTrustPrincipals(block: unknown, principalExists?: (principal: string) => boolean): void {
  if (block === '*') return;
  if (block === null || typeof block !== 'object' || Array.isArray(block)) throw iamError.malformedPolicy('Syntax errors in policy.');
  for (const [type, value] of Object.entries(block as Record<string, unknown>)) {
    for (const principal of asList(value)) {
      if (typeof principal !== 'string') throw iamError.malformedPolicy('Syntax errors in policy.');
      const invalid = () => iamError.malformedPolicy(`Invalid principal in policy: "${type}":"${principal}"`);
      if (type === 'AWS') {
        if (principal === '*') continue;
        if (principalExists && !principalExists(principal)) throw invalid();
      } else if (type === 'Service') {
        if (!/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal)) throw invalid();
      } else if (type !== 'Federated' && type !== 'CanonicalUser') {
        throw iamError.malformedPolicy(`Invalid principal in policy: "${type}"`);
      }
    }
  }
}

/** Policy documents travel URL-encoded in IAM responses; clients decode them. */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text);
}
