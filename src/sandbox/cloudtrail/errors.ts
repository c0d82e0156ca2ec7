// CloudTrail's errors, as its JSON 1.1 endpoint names them.
import { AwsError } from '../contracts';

export const cloudTrailError = {
  invalidLookupAttributes: (message: string) => new AwsError('InvalidLookupAttributesException', message),
  invalidTimeRange: (message = 'Start time must be before end time.') => new AwsError('InvalidTimeRangeException', message),
  invalidMaxResults: (value: unknown) => new AwsError('InvalidMaxResultsException', `MaxResults value ${JSON.stringify(value)} is not valid: specify an integer from 1 to 50.`),
  invalidNextToken: () => new AwsError('InvalidNextTokenException', 'Invalid NextToken: it is malformed, or was issued for different lookup parameters.'),
  invalidEventCategory: (value: unknown) => new AwsError('InvalidEventCategoryException', `EventCategory ${JSON.stringify(value)} is not valid; the only category is "insight".`),
  serialization: (message: string) => new AwsError('SerializationException', message),
  throttling: () => new AwsError('ThrottlingException', 'Rate exceeded'),
  accessDenied: (message: string) => new AwsError('AccessDeniedException', message),
  unknownOperation: (operation: string) => new AwsError('UnknownOperationException', `Operation ${operation} is not supported by the sandbox's CloudTrail.`),
};
