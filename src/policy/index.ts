// The policy engine's public face: parse, validate, evaluate, explain and edit IAM and KMS key policies.
// Pure TypeScript: no vscode, no AWS SDK.
export * from './types';
export { evaluate, type EvaluateOptions } from './evaluate';
export { explain, type ExplainOptions } from './explain';
export { accessDeniedMessage } from './denial';
export { parsePolicy, rangeOfPath } from './parse';
export { validateKeyPolicy, awsPrincipalProblem, KEY_POLICY_MAX_BYTES } from './validate';
export { KEY_POLICY_ACTIONS, IAM_ONLY_ACTIONS, isKnownKmsAction } from './kms-data';
export { addKeyUser, removeKeyUser, addKeyAdministrator, removeKeyAdministrator, type AdministratorOptions } from './edit';
export { keyUsersAndAdministrators } from './key-roles';
export { wouldLockOut, type LockoutOptions } from './lockout';
export {
  defaultKeyPolicy,
  consoleKeyPolicy,
  awsManagedDynamoKeyPolicy,
  type ConsoleKeyPolicyOptions,
  SID_ROOT,
  SID_ADMINISTRATORS,
  SID_USE,
  SID_PERSISTENT_RESOURCES,
  ADMINISTRATOR_ACTIONS,
  ADMINISTRATOR_DELETION_ACTIONS,
  USER_ACTIONS,
  PERSISTENT_RESOURCE_ACTIONS,
} from './defaults';
export { wildcardMatch } from './wildcard';
export { sameStatementsForActions, readsCaller, alikeCaller, decidingStatements, type PolicyOfKind } from './equivalence';
export { dependentConditions, statementDependentKeys, type KnownKey } from './dependent-conditions';
export { conditionHolds, type CompiledCondition } from './conditions';
export { parseCidr, parseIp, cidrContains, type Cidr } from './ip';
export { parseDate } from './operators';
export { RCP_SERVICES, isServiceLinkedRole, resourceControlsFor, serviceControlsFor, type OrganizationView } from './organization';
export { callerVariables } from './context';
export { resolvedValue } from './variables';
export type { VariableLookup } from './context-types';
