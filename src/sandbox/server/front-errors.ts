// The errors the front itself raises (authentication, framing, routing), in each protocol's own words.
import { AwsError } from '../contracts';
import type { ErrorFamily } from './protocol';

const DYNAMODB_CORAL = 'com.amazon.coral.service#';

/** The JSON code for a coral-level error: bare for KMS, fully qualified for DynamoDB. */
function jsonCode(family: ErrorFamily, name: string): string {
  return family === 'dynamodb' ? `${DYNAMODB_CORAL}${name}` : name;
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';

export function unrecognizedClient(family: ErrorFamily): AwsError {
  return family === 'query'
    ? new AwsError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403)
    : new AwsError(jsonCode(family, 'UnrecognizedClientException'), INVALID_TOKEN_MESSAGE, 400);
}

export function expiredToken(family: ErrorFamily): AwsError {
  const message = 'The security token included in the request is expired';
  return family === 'query' ? new AwsError('ExpiredToken', message, 403) : new AwsError(jsonCode(family, 'ExpiredTokenException'), message, 400);
}

export function invalidSignature(family: ErrorFamily, message = SIGNATURE_MISMATCH_MESSAGE): AwsError {
  return family === 'query'
    ? new AwsError('SignatureDoesNotMatch', message, 403)
    : new AwsError(jsonCode(family, 'InvalidSignatureException'), message, 400);
}

export function incompleteSignature(family: ErrorFamily, message: string): AwsError {
  return family === 'query'
    ? new AwsError('IncompleteSignature', message, 400)
    : new AwsError(jsonCode(family, 'IncompleteSignatureException'), message, 400);
}

export function missingAuthenticationToken(family: ErrorFamily): AwsError {
  const message = 'Request is missing Authentication Token';
  return family === 'query'
    ? new AwsError('MissingAuthenticationToken', message, 403)
    : new AwsError(jsonCode(family, 'MissingAuthenticationTokenException'), message, 400);
}

export function foundBothAuthorizations(family: ErrorFamily): AwsError {
  return invalidSignature(family, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
}

/** A JSON body that is not JSON, or no body at all: coral answers with the type alone. */
export function serializationError(family: ErrorFamily, message = ''): AwsError {
  return family === 'query'
    ? new AwsError('MalformedQueryString', message, 400)
    : new AwsError(jsonCode(family, 'SerializationException'), message, 400);
}

export function unknownOperation(family: ErrorFamily, operation: string, version?: string): AwsError {
  return family === 'query'
    ? new AwsError('InvalidAction', `Could not find operation ${operation} for version ${version ?? 'NO_VERSION_SPECIFIED'}`, 400)
    : new AwsError(jsonCode(family, 'UnknownOperationException'), '', 400);
}

export function requestTooLarge(family: ErrorFamily, bytes: number, limit: number): AwsError {
  const message = `Request size ${bytes} exceeded ${limit} bytes`;
  return family === 'query'
    ? new AwsError('RequestEntityTooLarge', message, 413)
    : new AwsError(jsonCode(family, 'RequestEntityTooLargeException'), message, 413);
}

export function internalFailure(family: ErrorFamily): AwsError {
  const message = 'The request processing has failed because of an unknown error, exception or failure.';
  if (family === 'query') return new AwsError('ServiceFailure', message, 500, 'Receiver');
  if (family === 'kms') return new AwsError('KMSInternalException', message, 500, 'Receiver');
  if (family === 'organizations') return new AwsError('ServiceException', message, 500, 'Receiver');
  if (family === 'cloudtrail') return new AwsError('InternalFailure', message, 500, 'Receiver');
  return new AwsError('com.amazonaws.dynamodb.v20120810#InternalServerError', message, 500, 'Receiver');
}
