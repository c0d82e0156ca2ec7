// The AWS layer's public face. No vscode import here or below, and SDK values load lazily through sdk.ts.
export * from './types';
export { silentLogger, type Logger } from './log';
export { AwsLayerError, toAwsLayerError, type AwsErrorKind, type AwsErrorContext } from './errors';
export { loadProfiles, configFilePaths, profileKind } from './profiles';
export { loadConfigFiles, type ParsedConfigFiles } from './config-files';
export { resolveEndpoint } from './endpoints';
export { ClientFactory, targetKey } from './client-factory';
export { AwsSession, type SessionOptions } from './session';
export type { KmsService } from './kms';
export type { DynamoService } from './dynamodb';
export type { IamService } from './iam';
export type { StsService } from './sts';
export type { DynamoData, Item, NewTable, TableState } from './dynamodb-data';
export type { IamUsers, IamUser, AccessKeyInfo } from './iam-users';
export type { KmsLifecycle } from './kms-lifecycle';
export type { CloudTrailActivity, KeyEvents, KeyEventsQuery } from './cloudtrail';
export { collectAccessSnapshot, collectPrincipalSnapshot, type AccessCollector, type CollectAccessOptions } from './access-snapshot';
