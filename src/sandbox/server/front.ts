// The HTTP front: one POST / endpoint for KMS, DynamoDB, IAM and STS. Every request is read with a bounded
// body, authenticated with SigV4, routed to its service and answered in its own protocol. Nothing thrown
// while handling one request can escape it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, type JsonService, type RequestContext } from '../contracts';
import { crc32 } from './crc32';
import type { CredentialResolver } from './credentials';
import {
  internalFailure,
  invalidSignature,
  requestTooLarge,
  serializationError,
  unknownOperation,
} from './front-errors';
import { parseJsonBody, renderJsonError, shortErrorName } from './json-protocol';
import { JSON_CONTENT_TYPES, errorFamilyOf, routeOf, type ErrorFamily, type JsonServiceName, type QueryServiceName } from './protocol';
import { queryParamsOf, renderQueryError, renderQueryResult, type QueryService } from './query-protocol';
import {
  BodyTooLargeError,
  DYNAMODB_MAX_BODY_BYTES,
  KMS_MAX_BODY_BYTES,
  MAX_BODY_BYTES,
  headersOf,
  readBody,
  splitTarget,
  type ReceivedRequest,
  type RequestHead,
} from './received-request';
import { newRequestId } from './request-id';
import { checkCredentials, verifySignature } from './sigv4';

export interface FrontOptions {
  accountId: string;
  /** The region KMS and DynamoDB serve; requests signed for another region are refused, as an AWS endpoint would. */
  region: string;
  credentials: CredentialResolver;
  query: Record<QueryServiceName, QueryService>;
  /** KMS and DynamoDB; may resolve later than the front starts. */
  json(service: JsonServiceName): Promise<JsonService>;
  log?: (line: string) => void;
  now?: () => Date;
}

interface Outcome {
  status: number;
  body: string;
  contentType: string;
  errorType?: string;
  crc32?: boolean;
  summary: string;
}

const QUERY_NAMESPACE: Record<QueryServiceName, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

/** What the log line says about one request; filled in as the request is understood. Never values or secrets. */
interface Trace {
  operation: string;
  caller: string;
}

export function createRequestListener(options: FrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const now = options.now ?? (() => new Date());
  return (req, res) => {
    const requestId = newRequestId();
    const started = Date.now();
    const trace: Trace = { operation: '-', caller: '-' };
    handle(options, req, requestId, now(), trace)
      .catch((error: unknown) => errorOutcome('query', undefined, error, requestId, options.log))
      .then(async (outcome) => {
        await send(req, res, outcome, requestId);
        options.log?.(`${trace.operation} ${outcome.summary} ${Date.now() - started}ms ${trace.caller}`);
      })
      .catch(() => res.destroy());
  };
}

async function handle(options: FrontOptions, req: IncomingMessage, requestId: string, now: Date, trace: Trace): Promise<Outcome> {
  const headers = headersOf(req);
  const route = routeOf(headers);
  const family = errorFamilyOf(route);
  // Until the signature is checked, the credential scope is only a hint of whose XML namespace an error gets.
  let queryService = /Credential=[^/,]+\/\d{8}\/[^/,]+\/(iam|sts)\//.exec(headers['authorization'] ?? '')?.[1] as QueryServiceName | undefined;
  if (route.protocol === 'json') trace.operation = `${route.service}:${route.operation}`;
  try {
    const { path, query } = splitTarget(req.url);
    const head: RequestHead = { method: req.method ?? 'GET', path, query, headers, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' };
    const limit = bodyLimitOf(family);
    const declared = declaredLength(headers);
    if (declared !== undefined && declared > limit) throw requestTooLarge(family, declared, limit);
    // Nothing of the body is read before the headers present a known key's well-formed, current signature.
    const presented = checkCredentials(head, family, options.credentials, now);
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw requestTooLarge(family, error.declaredOrSeen, error.limit);
      throw serializationError(family, (error as Error).message);
    }
    const request: ReceivedRequest = { ...head, body };
    const auth = await verifySignature(request, presented, family);
    trace.caller = auth.caller.arn;
    const ctx: RequestContext = {
      caller: auth.caller,
      region: auth.region,
      accountId: options.accountId,
      requestId,
      sourceIp: request.sourceIp,
      now,
    };

    if (route.protocol === 'json-unknown') throw unknownOperation(family, route.target);
    if (route.protocol === 'json') {
      if (auth.service !== route.service) throw invalidSignature(family, `Credential should be scoped to correct service: '${route.service}'. `);
      if (auth.region !== options.region) throw invalidSignature(family, 'Credential should be scoped to a valid region. ');
      const input = parseJsonBody(route.service, body);
      const service = await options.json(route.service);
      const result = await service.handle(route.operation, input, ctx);
      return {
        status: 200,
        body: JSON.stringify(result ?? {}),
        contentType: JSON_CONTENT_TYPES[route.service],
        crc32: route.service === 'dynamodb',
        summary: '200',
      };
    }

    if (auth.service !== 'iam' && auth.service !== 'sts') {
      throw invalidSignature(family, `Credential should be scoped to correct service: 'iam' or 'sts'. `);
    }
    queryService = auth.service;
    const service = options.query[auth.service];
    const params = queryParamsOf(request);
    const action = params['Action'];
    trace.operation = `${auth.service}:${action ?? '-'}`;
    if (!action || (params['Version'] !== undefined && params['Version'] !== service.version)) {
      throw unknownOperation('query', action ?? '(none)', params['Version']);
    }
    const result = await service.handle(action, params, ctx);
    return { status: 200, body: renderQueryResult(service, action, result, requestId), contentType: 'text/xml', summary: '200' };
  } catch (error) {
    return errorOutcome(family, queryService, error, requestId, options.log);
  }
}

function declaredLength(headers: Record<string, string>): number | undefined {
  const value = headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function bodyLimitOf(family: ErrorFamily): number {
  return family === 'dynamodb' ? DYNAMODB_MAX_BODY_BYTES : family === 'kms' ? KMS_MAX_BODY_BYTES : MAX_BODY_BYTES;
}

function errorOutcome(
  family: ErrorFamily,
  queryService: QueryServiceName | undefined,
  error: unknown,
  requestId: string,
  log: ((line: string) => void) | undefined,
): Outcome {
  let awsError: AwsError;
  if (error instanceof AwsError) {
    awsError = error;
  } else {
    // Deep code failed unexpectedly; say so in the log (message only) and answer as AWS would.
    log?.(`internal error ${requestId}: ${error instanceof Error ? error.message : String(error)}`);
    awsError = internalFailure(family);
  }
  if (family === 'query') {
    return {
      status: awsError.status,
      body: renderQueryError(QUERY_NAMESPACE[queryService ?? 'iam'], awsError, requestId),
      contentType: 'text/xml',
      summary: `${awsError.status} ${awsError.code}`,
    };
  }
  return {
    status: awsError.status,
    body: renderJsonError(awsError),
    contentType: JSON_CONTENT_TYPES[family],
    errorType: shortErrorName(awsError.code),
    crc32: family === 'dynamodb',
    summary: `${awsError.status} ${awsError.code}`,
  };
}

function send(req: IncomingMessage, res: ServerResponse, outcome: Outcome, requestId: string): Promise<void> {
  const body = Buffer.from(outcome.body, 'utf8');
  const headers: Record<string, string | number> = {
    'x-amzn-RequestId': requestId,
    'Content-Type': outcome.contentType,
    'Content-Length': body.length,
  };
  if (outcome.errorType) headers['x-amzn-ErrorType'] = outcome.errorType;
  if (outcome.crc32) headers['x-amz-crc32'] = crc32(body);
  // A request whose body was not read completely (refused as too large) cannot share its connection.
  if (!req.complete) headers['Connection'] = 'close';
  return new Promise((resolve) => {
    if (res.headersSent || res.destroyed) return resolve();
    res.writeHead(outcome.status, headers);
    res.end(body, () => resolve());
    res.once('close', () => resolve());
  });
}
