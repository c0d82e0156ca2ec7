// Every failure that leaves the AWS layer is an AwsLayerError: a kind the UI can act on, and a message that says
// what failed, for whom, and what to do about it.
import { rawErrorBody } from './error-bodies';
import type { AwsService } from './types';

export type AwsErrorKind =
  | 'access-denied'
  | 'sso-expired'
  | 'unknown-profile'
  | 'endpoint-unreachable'
  | 'invalid-credentials'
  | 'mfa-cancelled'
  | 'not-found'
  | 'throttled'
  | 'other';

export interface AwsErrorContext {
  /** The IAM-style action that was called, e.g. "kms:ListKeys". */
  action: string;
  profile?: string;
  /** How to name a target that is not a profile in messages, e.g. "Local sandbox". */
  target?: string;
  service?: AwsService;
  endpoint?: string;
}

export class AwsLayerError extends Error {
  override readonly name = 'AwsLayerError';
  readonly kind: AwsErrorKind;
  readonly action?: string;
  readonly profile?: string;
  readonly service?: AwsService;
  /** The AWS error code, e.g. "AccessDeniedException", when there was one. */
  readonly code?: string;
  override readonly cause?: unknown;

  constructor(
    kind: AwsErrorKind,
    message: string,
    details: { action?: string; profile?: string; service?: AwsService; code?: string; cause?: unknown } = {},
  ) {
    super(message);
    this.kind = kind;
    this.action = details.action;
    this.profile = details.profile;
    this.service = details.service;
    this.code = details.code;
    this.cause = details.cause;
  }
}

const accessDeniedCodes = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'NotAuthorized',
]);

const invalidCredentialCodes = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'AuthFailure',
  'MissingAuthenticationToken',
]);

const notFoundCodes = new Set(['NotFoundException', 'ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException', 'TableNotFoundException']);

const throttledCodes = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

const networkCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  EPIPE: 'connection closed',
  ECONNABORTED: 'connection aborted',
  EPROTO: 'protocol error (is it http or https?)',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS error (is it http or https?)',
};

interface ErrorFacts {
  name?: string;
  code?: string;
  message: string;
  errno?: string;
  hostname?: string;
  address?: string;
  port?: number;
  status?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * An error body the SDK could not parse, e.g. the XML error moto sends for a JSON service when it denies access.
 * The SDK keeps the raw body on $response; read the code and message from it.
 */
function unparsedErrorBody(e: Record<string, unknown>): { code?: string; message?: string; status?: number } | undefined {
  const raw = rawErrorBody(e);
  if (!raw?.status || raw.status < 400) return undefined;
  const body = raw.text ?? '';
  const xmlCode = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  if (xmlCode) return { code: xmlCode, message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1], status: raw.status };
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    return { code: str(json.__type)?.split('#').pop() ?? str(json.code), message: str(json.message) ?? str(json.Message), status: raw.status };
  } catch {
    return { status: raw.status };
  }
}

function factsOf(err: unknown): ErrorFacts {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const e = err as Record<string, unknown>;
  const metadata = e.$metadata as { httpStatusCode?: number } | undefined;
  const facts: ErrorFacts = {
    name: str(e.name),
    code: str(e.Code) ?? str(e.__type)?.split('#').pop(),
    message: str(e.message) ?? str(e.Message) ?? '',
    errno: str(e.code),
    hostname: str(e.hostname),
    address: str(e.address),
    port: typeof e.port === 'number' ? e.port : undefined,
    status: metadata?.httpStatusCode,
  };
  const unparsed = facts.code ? undefined : unparsedErrorBody(e);
  if (unparsed?.code) return { ...facts, name: unparsed.code, code: unparsed.code, message: unparsed.message ?? facts.message, status: unparsed.status };
  return unparsed ? { ...facts, status: unparsed.status } : facts;
}

/** Node network errors sometimes hide inside an AggregateError (happy eyeballs) or as the cause. */
function networkErrno(err: unknown, depth = 0): { errno: string; facts: ErrorFacts } | undefined {
  if (depth > 3 || typeof err !== 'object' || err === null) return undefined;
  const facts = factsOf(err);
  if (facts.errno && networkCodes[facts.errno]) return { errno: facts.errno, facts };
  if (facts.name === 'TimeoutError' || facts.errno === 'TimeoutError') return { errno: 'ETIMEDOUT', facts };
  const e = err as { errors?: unknown[]; cause?: unknown };
  for (const inner of e.errors ?? []) {
    const found = networkErrno(inner, depth + 1);
    if (found) return found;
  }
  return networkErrno(e.cause, depth + 1);
}

const whoseSuffix = (profile?: string, target?: string): string => (profile ? ` (profile ${profile})` : target ? ` (${target})` : '');

/** "User: arn:aws:iam::1:user/x is not authorized to perform: ..." → the ARN. */
function callerArnFrom(message: string): string | undefined {
  return /\b(arn:aws[\w-]*:(?:iam|sts)::\d{12}:[^\s,]+)/.exec(message)?.[1];
}

/**
 * Names what was denied. The action AWS names can differ from the one called (CreateTable denied for kms:CreateGrant),
 * and DynamoDB reports a missing kms:Decrypt on the table's key as "KMS key access denied error".
 */
function accessDeniedMessage(awsMessage: string, action: string, suffix: string): string {
  const who = callerArnFrom(awsMessage) ?? 'the current identity';
  if (/KMS key access denied/i.test(awsMessage)) {
    return `Access denied: ${action} needs kms:Decrypt on the table's KMS key, which the key does not allow for ${who}${suffix}`;
  }
  const denied = /not authorized to perform:? ([\w-]+:[\w*]+)/.exec(awsMessage)?.[1];
  const what = denied && denied.toLowerCase() !== action.toLowerCase() ? `${denied} (needed by ${action})` : action;
  return `Access denied: ${what} is not allowed for ${who}${suffix}`;
}

function isSsoProblem(facts: ErrorFacts): boolean {
  return /sso login|SSO session|SSO token|sso_start_url|sso-session/i.test(facts.message);
}

function isCredentialsProviderError(facts: ErrorFacts): boolean {
  return facts.name === 'CredentialsProviderError' || facts.name === 'TokenProviderError';
}

export function ssoExpiredMessage(profile: string): string {
  return `The SSO session for profile ${profile} has expired or is missing. Run: aws sso login --profile ${profile}`;
}

/** Wraps anything thrown by the SDK (or by our credential code) into an AwsLayerError that names what failed. */
export function toAwsLayerError(err: unknown, context: AwsErrorContext): AwsLayerError {
  const { action, profile, service, endpoint } = context;
  const suffix = whoseSuffix(profile, context.target);
  const details = { action, profile, service, cause: err };

  if (err instanceof AwsLayerError) {
    if (err.action) return err;
    return new AwsLayerError(err.kind, err.message, { ...details, code: err.code, cause: err.cause ?? err });
  }

  const facts = factsOf(err);
  const code = facts.code ?? facts.name;
  const withCode = { ...details, code };

  if (isCredentialsProviderError(facts)) {
    if (isSsoProblem(facts)) return new AwsLayerError('sso-expired', ssoExpiredMessage(profile ?? 'default'), withCode);
    if (/multi-factor|MFA/i.test(facts.message)) {
      return new AwsLayerError('mfa-cancelled', `Profile ${profile ?? 'default'} needs an MFA code, and none was given`, withCode);
    }
    if (/Could not resolve credentials using profile|Profile .* was not found/i.test(facts.message)) {
      return new AwsLayerError('invalid-credentials', `Profile ${profile ?? 'default'} has no usable credentials: ${facts.message}`, withCode);
    }
    return new AwsLayerError('invalid-credentials', `Could not get credentials${suffix}: ${facts.message}`, withCode);
  }

  const network = networkErrno(err);
  if (network && !facts.status) {
    const where = endpoint ?? (network.facts.hostname ? `${network.facts.hostname}` : `the ${service ?? 'AWS'} endpoint`);
    return new AwsLayerError(
      'endpoint-unreachable',
      `Cannot reach ${where}${service ? ` (${service})` : ''}: ${networkCodes[network.errno] ?? network.errno}`,
      { ...details, code: network.errno },
    );
  }

  if (code && accessDeniedCodes.has(code)) return new AwsLayerError('access-denied', accessDeniedMessage(facts.message, action, suffix), withCode);
  if (code && invalidCredentialCodes.has(code)) {
    return new AwsLayerError(
      'invalid-credentials',
      `The credentials${suffix} were rejected by ${service ?? 'AWS'} (${code}) during ${action}: ${facts.message}`,
      withCode,
    );
  }
  if (code && notFoundCodes.has(code)) {
    return new AwsLayerError('not-found', `${action}: ${facts.message || 'not found'}`, withCode);
  }
  if ((code && throttledCodes.has(code)) || facts.status === 429) {
    return new AwsLayerError('throttled', `${action} was throttled by AWS${suffix}; try again in a moment`, withCode);
  }
  const label = code && code !== 'Error' ? `${code}: ` : '';
  return new AwsLayerError('other', `${action} failed${suffix}: ${label}${facts.message || 'unknown error'}`, withCode);
}
