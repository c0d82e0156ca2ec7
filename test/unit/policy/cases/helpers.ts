// Builders for the table-driven cases: small, explicit requests against real policy documents.
import type { ConditionContext, Decision, EvaluationRequest, NamedPolicy, PolicyDocument, PolicyStatement, Reason } from '../../../../src/policy';

export interface EvaluationCase {
  name: string;
  /** The AWS documentation page the expectation comes from. */
  source: string;
  request: EvaluationRequest;
  expect: Decision;
  /** A reason kind the result must carry. */
  reason?: Reason['kind'];
}

export const A = '111122223333';
export const B = '444455556666';
export const REGION = 'us-east-1';
export const KEY = `arn:aws:kms:${REGION}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KEY = `arn:aws:kms:${REGION}:${A}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
export const ALICE = `arn:aws:iam::${A}:user/alice`;
export const BOB = `arn:aws:iam::${A}:user/bob`;
export const ROOT_A = `arn:aws:iam::${A}:root`;
export const ROLE = `arn:aws:iam::${A}:role/Admin`;
export const SESSION = `arn:aws:sts::${A}:assumed-role/Admin/alice-session`;
export const EXTERNAL_USER = `arn:aws:iam::${B}:user/carol`;
export const ROOT_B = `arn:aws:iam::${B}:root`;
export const QUEUE = `arn:aws:sqs:${REGION}:${A}:orders`;

export function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function named(name: string, ...statements: PolicyStatement[]): NamedPolicy {
  return { name, document: doc(...statements) };
}

export const allowAll = named('AdministratorAccess', { Effect: 'Allow', Action: '*', Resource: '*' });

export function allowIdentity(action: string | string[], resource: string | string[] = '*', name = 'Inline'): NamedPolicy {
  return named(name, { Effect: 'Allow', Action: action, Resource: resource });
}

/** The CreateKey default: the root statement only. */
export const rootStatement: PolicyStatement = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: ROOT_A },
  Action: 'kms:*',
  Resource: '*',
};

/**
 * One condition block on an identity Allow for kms:Decrypt, evaluated with `context`:
 * the request is allowed exactly when the condition holds.
 */
export function conditionCase(
  name: string,
  source: string,
  condition: Record<string, Record<string, unknown>>,
  context: ConditionContext,
  holds: boolean,
  extra: Partial<EvaluationRequest> = {},
): EvaluationCase {
  return {
    name,
    source,
    request: {
      principal: ALICE,
      action: 'kms:Decrypt',
      resource: KEY,
      context,
      identityPolicies: [named('Conditional', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: condition as PolicyStatement['Condition'] })],
      resourcePolicy: doc(rootStatement),
      ...extra,
    },
    expect: holds ? 'allowed' : 'implicitly-denied',
  };
}
