// The sandbox's CloudTrail: events recorded in AWS's format, kept durably and bounded, and LookupEvents.
export { Trail, EVENTS_FILE, DYNAMODB_SERVICE, type TrailOptions, type DynamoDbKmsCalls } from './recorder';
export { RETENTION_DAYS, DEFAULT_MAX_EVENTS } from './store';
export type { CloudTrailRecord, UserIdentity } from './record';
export { LOOKUP_ATTRIBUTE_KEYS, type LookupAttributeKey } from './lookup';
