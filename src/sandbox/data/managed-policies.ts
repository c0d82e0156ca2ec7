// The AWS managed policies the sandbox offers, with their real documents (see generate.mjs).
// Loaded on first use: ReadOnlyAccess alone is about 90 KB.
import type { PolicyDocument } from '../../policy/types';

export interface AwsManagedPolicy {
  name: string;
  arn: string;
  path: string;
  id: string;
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  document: PolicyDocument;
}

let byArn: Map<string, AwsManagedPolicy> | undefined;

function load(): Map<string, AwsManagedPolicy> {
  if (!byArn) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const data = require('./managed-policies.json') as { policies: AwsManagedPolicy[] };
    byArn = new Map(data.policies.map((policy) => [policy.arn, policy]));
  }
  return byArn;
}

export function awsManagedPolicies(): AwsManagedPolicy[] {
  return [...load().values()];
}

export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return load().get(arn);
}

export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
