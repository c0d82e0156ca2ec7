// Who can read this table, and why: an account snapshot in, one explained row per principal out.
// Pure: no vscode, no AWS SDK values (its types only).
export * from './types';
export { whoCan, TABLE_READ_ACTIONS } from './who-can';
export { diffReports } from './diff';
export { toMarkdown, principalToMarkdown } from './markdown';
export { whatCanRead, type PrincipalAccessReport, type TableAccess, type WhatCanReadOptions } from './reverse';
export { saveSnapshot, loadSnapshot } from './snapshot-file';
export { decodePolicyDocument } from './documents';
export { grantPermits, constraintsHold, isGrantee } from './grants';
export * from './activity-types';
export { summarizeActivity, tableNameOf, activityKindOf, principalOf, toActivityEntry } from './activity';
export { joinActivity, flagWords } from './activity-join';
