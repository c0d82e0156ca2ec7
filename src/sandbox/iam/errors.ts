// IAM's own errors with AWS's codes, statuses and wording.
import { AwsError } from '../contracts';

export type EntityKind = 'user' | 'group' | 'role' | 'policy';

const ENTITY_LABEL: Record<EntityKind, string> = { user: 'user', group: 'group', role: 'role', policy: 'policy' };

export const iamError = {
  noSuchEntity: (message: string) => new AwsError('NoSuchEntity', message, 404),
  entityNotFound: (kind: EntityKind, name: string) =>
    new AwsError('NoSuchEntity', `The ${ENTITY_LABEL[kind]} with name ${name} cannot be found.`, 404),
  alreadyExists: (kind: EntityKind, name: string) =>
    new AwsError(
      'EntityAlreadyExists',
      kind === 'policy' ? `A policy called ${name} already exists. Duplicate names are not allowed.` : `${capitalise(kind)} with name ${name} already exists.`,
      409,
    ),
  deleteConflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicyDocument', message, 400),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  invalidInput: (message: string) => new AwsError('InvalidInput', message, 400),
  limitExceeded: (message: string) => new AwsError('LimitExceeded', message, 409),
  accessDenied: (message: string) => new AwsError('AccessDenied', message, 403),
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
