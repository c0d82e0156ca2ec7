// The policy engine's public face: parse, validate, evaluate, explain and edit IAM and KMS key policies.
export * from './types';
export { evaluate } from './evaluate';
export { explain, type ExplainOptions } from './explain';
export * from './parse';
