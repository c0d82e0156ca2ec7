// Throttling, offline: --throttle-rate <0..1> answers that share of authenticated requests with the error and HTTP
// status each service throttles with, so that clients' retries (the SDKs' own, and KMS Lab's) are exercised.
import { AwsError } from '../contracts';

const DYNAMODB_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** DynamoDB's data-plane operations answer ProvisionedThroughputExceededException; its control plane ThrottlingException. */
const DYNAMODB_DATA_OPERATIONS = new Set([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem',
  'TransactGetItems', 'TransactWriteItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction',
]);

export type ThrottledService = 'kms' | 'dynamodb' | 'iam' | 'sts' | 'cloudtrail' | 'organizations';

export function throttlingError(service: ThrottledService, operation: string): AwsError {
  switch (service) {
    case 'kms':
      return new AwsError('ThrottlingException', 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.', 400);
    case 'dynamodb':
      return DYNAMODB_DATA_OPERATIONS.has(operation)
        ? new AwsError(
            `${DYNAMODB_PREFIX}ProvisionedThroughputExceededException`,
            'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
            400,
          )
        : new AwsError(`${DYNAMODB_PREFIX}ThrottlingException`, 'Rate of requests exceeds the allowed throughput.', 400);
    case 'iam':
    case 'sts':
      return new AwsError('Throttling', 'Rate exceeded', 400);
    case 'cloudtrail':
      return new AwsError('ThrottlingException', 'Rate exceeded', 400);
    case 'organizations':
      return new AwsError('TooManyRequestsException', 'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.', 400);
  }
}

export function checkThrottleRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`The throttle rate must be a number from 0 to 1, got ${rate}`);
  return rate;
}

export class Throttle {
  private throttled = 0;
  private seen = 0;

  constructor(
    readonly rate = 0,
    private readonly random: () => number = Math.random,
  ) {
    checkThrottleRate(rate);
  }

  /** The error to answer this request with, or undefined to serve it. */
  check(service: ThrottledService, operation: string): AwsError | undefined {
    if (this.rate <= 0) return undefined;
    this.seen++;
    if (this.random() >= this.rate) return undefined;
    this.throttled++;
    return throttlingError(service, operation);
  }

  /** How many requests were weighed and how many were throttled. */
  get counts(): { seen: number; throttled: number } {
    return { seen: this.seen, throttled: this.throttled };
  }
}
