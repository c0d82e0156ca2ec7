// What kind of event a served call is: its source, whether it only reads, whether it is a data event (which
// LookupEvents never returns), and the errorCode CloudTrail writes for its failure.

export type TrailServiceName = 'kms' | 'dynamodb' | 'iam' | 'sts' | 'cloudtrail' | 'organizations';

export function eventSourceOf(service: TrailServiceName): string {
  return `${service}.amazonaws.com`;
}

/** IAM and Organizations are global: their events are recorded in us-east-1 whichever region the call named. */
export function eventRegionOf(service: TrailServiceName, region: string): string {
  return service === 'iam' || service === 'organizations' ? 'us-east-1' : region;
}

const READ_ONLY =
  /^(Get|List|Describe|Lookup|Decrypt|Encrypt|ReEncrypt|GenerateDataKey|GenerateRandom|GenerateMac|VerifyMac|Sign|Verify|Simulate|Query|Scan|BatchGet|TransactGet|AssumeRole)/;

export function isReadOnly(operation: string): boolean {
  return READ_ONLY.test(operation);
}

/** DynamoDB's item-level operations: data events, delivered only to trails that select them. */
const DYNAMODB_DATA_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

export function isDataEvent(service: TrailServiceName, operation: string): boolean {
  return service === 'dynamodb' && DYNAMODB_DATA_OPERATIONS.has(operation);
}

/**
 * CloudTrail's errorCode: the short error name, with "AccessDenied" for every access denial (as KMS and DynamoDB
 * events show it), and IAM's query error codes as their exception names (NoSuchEntity → NoSuchEntityException).
 */
export function trailErrorCode(service: TrailServiceName, code: string): string {
  const short = code.slice(code.lastIndexOf('#') + 1);
  if (short === 'AccessDeniedException' || short === 'AccessDenied') return 'AccessDenied';
  if (service === 'iam' && !short.endsWith('Exception')) return `${short}Exception`;
  return short;
}
