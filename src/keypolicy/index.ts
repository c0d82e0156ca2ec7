// Key policies as editable documents: the store the editor tab and the table panel both save through.
export { KeyPolicyStore, AWS_MANAGED_REASON, type KeyPolicyDocument, type KeyPolicyStoreOptions, type SaveResult, type HistoryEntry, type FailureReason } from './store';
export { prettyPolicyText, samePolicy, policyProblems, describeProblem } from './policy-text';
