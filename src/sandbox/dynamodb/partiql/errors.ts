// The ValidationExceptions DynamoDB answers PartiQL statements with.
import { AwsError } from '../../contracts';
import { VALIDATION } from '../errors';

/** Syntax the parser cannot read. */
export function malformed(detail: string): AwsError {
  return new AwsError(VALIDATION, `Statement wasn't well formed, can't be processed: ${detail}`);
}

/** Valid PartiQL that DynamoDB does not run (joins, aggregates, subqueries, …). */
export function unsupported(detail: string): AwsError {
  return new AwsError(VALIDATION, `Unsupported operation: ${detail}`);
}

export function invalid(detail: string): AwsError {
  return new AwsError(VALIDATION, detail);
}
