// KMS's errors, with AWS's codes (bare names: awsJson1_1) and messages.
import { AwsError } from '../contracts';

export const kmsError = {
  notFoundKey: (keyArn: string) => new AwsError('NotFoundException', `Key '${keyArn}' does not exist`),
  notFoundAlias: (aliasArn: string) => new AwsError('NotFoundException', `Alias ${aliasArn} is not found.`),
  invalidKeyId: (keyId: string) => new AwsError('NotFoundException', `Invalid keyId '${keyId}'`),
  disabled: (keyArn: string) => new AwsError('DisabledException', `${keyArn} is disabled.`),
  pendingDeletion: (keyArn: string) => new AwsError('KMSInvalidStateException', `${keyArn} is pending deletion.`),
  notPendingDeletion: (keyArn: string) => new AwsError('KMSInvalidStateException', `${keyArn} is not pending deletion.`),
  validation: (message: string) => new AwsError('ValidationException', message),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicyDocumentException', message),
  invalidCiphertext: () => new AwsError('InvalidCiphertextException', ''),
  incorrectKey: () =>
    new AwsError('IncorrectKeyException', 'The key ID in the request does not identify a KMS key that can perform this operation.'),
  notAuthorized: () => new AwsError('NotAuthorizedException', ''),
  alreadyExists: (message: string) => new AwsError('AlreadyExistsException', message),
  accessDenied: (message: string) => new AwsError('AccessDeniedException', message),
  unsupported: (message: string) => new AwsError('UnsupportedOperationException', message),
  invalidMarker: () => new AwsError('InvalidMarkerException', 'Invalid marker'),
  invalidGrantId: (grantId: string) => new AwsError('InvalidGrantIdException', `Grant ID ${grantId} not found`),
  invalidGrantToken: () => new AwsError('InvalidGrantTokenException', 'Invalid grant token'),
  invalidArn: (message: string) => new AwsError('InvalidArnException', message),
  tag: (message: string) => new AwsError('TagException', message),
  limitExceeded: (message: string) => new AwsError('LimitExceededException', message),
  unknownOperation: (operation: string) => new AwsError('UnknownOperationException', `Unknown operation ${operation}`),
};

export const POLICY_LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';
export const INVALID_PRINCIPALS_MESSAGE = 'Policy contains a statement with one or more invalid principals.';
