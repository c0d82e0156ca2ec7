// DynamoDB's errors (awsJson1_0: full __type ids), including the ones DynamoDB raises for KMS on a caller's behalf.
import { randomUUID } from 'node:crypto';
import type { DynaliteError } from 'dynalite/db';
import { AwsError } from '../contracts';

export const ACCESS_DENIED = 'com.amazon.coral.service#AccessDeniedException';
export const VALIDATION = 'com.amazon.coral.validate#ValidationException';
export const UNKNOWN_OPERATION = 'com.amazon.coral.service#UnknownOperationException';
export const SERIALIZATION = 'com.amazon.coral.service#SerializationException';
export const RESOURCE_NOT_FOUND = 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException';
export const RESOURCE_IN_USE = 'com.amazonaws.dynamodb.v20120810#ResourceInUseException';

/** How the AWS Java SDK inside DynamoDB renders a KMS error it received. */
function kmsServiceError(exception: string, message: string, errorCode: string): string {
  return `com.amazonaws.services.kms.model.${exception}: ${message} (Service: AWSKMS; Status Code: 400; Error Code: ${errorCode}; Request ID: ${randomUUID()}; Proxy: null)`;
}

/**
 * dynalite's errors carry an AWS body, passed on member for member (its "Message" or "message" as the engine wrote
 * it); anything else is a real failure and stays as it is.
 */
export function toAwsError(error: unknown): unknown {
  const failure = error as DynaliteError;
  if (failure && typeof failure === 'object' && failure.statusCode && failure.body?.__type) {
    const { __type: code, ...members } = failure.body as Record<string, unknown> & { __type: string };
    const message = members.message ?? members.Message ?? '';
    return new AwsError(code, typeof message === 'string' ? message : String(message), failure.statusCode, 'Sender', members);
  }
  return error;
}

/**
 * DynamoDB names the message member "Message" for the coral service's access and serialization errors, and
 * "message" for everything else.
 */
function capitalisedMessage(code: string, message: string, status = 400): AwsError {
  return new AwsError(code, message, status, 'Sender', { Message: message });
}

export const dynamoError = {
  accessDenied: (message: string) => capitalisedMessage(ACCESS_DENIED, message),

  /** The caller may not use the table's key (kms:Decrypt through DynamoDB). */
  kmsKeyAccessDenied: () =>
    capitalisedMessage(
      ACCESS_DENIED,
      `KMS key access denied error: ${kmsServiceError(
        'AWSKMSException',
        'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
        'AccessDeniedException',
      )}`,
    ),

  /** The table's key is disabled or pending deletion (the table is INACCESSIBLE_ENCRYPTION_CREDENTIALS). */
  kmsKeyUnusable: (keyArn: string, state: 'Disabled' | 'PendingDeletion') =>
    capitalisedMessage(
      ACCESS_DENIED,
      `KMS key access denied error: ${
        state === 'Disabled'
          ? kmsServiceError('DisabledException', `${keyArn} is disabled.`, 'DisabledException')
          : kmsServiceError('KMSInvalidStateException', `${keyArn} is pending deletion.`, 'KMSInvalidStateException')
      }`,
    ),

  /** CreateTable / UpdateTable naming a key KMS refuses: KMS's own exception, wrapped. */
  kmsValidation: (kmsCode: string, kmsMessage: string) =>
    new AwsError(VALIDATION, `KMS validation error: ${kmsServiceError(kmsCode === 'AccessDeniedException' ? 'AWSKMSException' : kmsCode, kmsMessage, kmsCode)}`),

  /** CreateTable / UpdateTable by a caller who may not describe the key or create DynamoDB's grant on it. */
  kmsCreateDenied: (kmsMessage: string) =>
    capitalisedMessage(ACCESS_DENIED, `KMS key access denied error: ${kmsServiceError('AWSKMSException', kmsMessage, 'AccessDeniedException')}`),

  validation: (message: string) => new AwsError(VALIDATION, message),
  /** A table may not change while it is being created (dynalite's wording for DeleteTable, used for every change). */
  beingCreated: (tableName: string) => new AwsError(RESOURCE_IN_USE, `Attempt to change a resource which is still in use: Table is being created: ${tableName}`),
  unknownOperation: () => new AwsError(UNKNOWN_OPERATION, ''),
  serialization: (message: string) => capitalisedMessage(SERIALIZATION, message),
};
