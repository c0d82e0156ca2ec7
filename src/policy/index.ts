// The policy engine's public face: parse, validate, evaluate, explain and edit IAM and KMS key policies.
export * from './types';
export { evaluate } from './evaluate';
export { explain, type ExplainOptions } from './explain';
export * from './parse';
export { validateKeyPolicy, awsPrincipalProblem, KEY_POLICY_MAX_BYTES } from './validate';
export { KEY_POLICY_ACTIONS, IAM_ONLY_ACTIONS, isKnownKmsAction } from './kms-data';
