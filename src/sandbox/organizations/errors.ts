// AWS Organizations' errors, with its codes and wording (awsJson1_1: the bare name in __type).
import { AwsError } from '../contracts';

function withReason(code: string, message: string, reason: string): AwsError {
  return new AwsError(code, message, 400, 'Sender', { Reason: reason });
}

export const organizationsError = {
  accessDenied: (message = "You don't have permissions to access this resource.") => new AwsError('AccessDeniedException', message, 400),
  invalidInput: (message: string) => withReason('InvalidInputException', message, 'INVALID_INPUT'),
  childNotFound: () => new AwsError('ChildNotFoundException', "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.", 400),
  targetNotFound: () => new AwsError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.", 400),
  policyNotFound: () => new AwsError('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.", 400),
  duplicatePolicy: () => new AwsError('DuplicatePolicyException', 'A policy with the same name already exists.', 400),
  duplicateAttachment: () => new AwsError('DuplicatePolicyAttachmentException', 'The selected policy is already attached to the specified target.', 400),
  policyNotAttached: () => new AwsError('PolicyNotAttachedException', "The policy isn't attached to the specified target in the specified root.", 400),
  policyInUse: () => new AwsError('PolicyInUseException', 'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.', 400),
  malformedPolicy: () => new AwsError('MalformedPolicyDocumentException', "The provided policy document doesn't meet the requirements of the specified policy type.", 400),
  constraintViolation: (reason: string) => withReason('ConstraintViolationException', 'Performing this operation violates a minimum or maximum value limit.', reason),
};
