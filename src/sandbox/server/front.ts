// The HTTP front: one endpoint for KMS, DynamoDB, IAM and STS. Each request is routed by what its protocol sends
// (protocol.ts), checked in the order AWS checks it, authenticated with SigV4 before its body is read beyond a small
// amount, and answered in its service's own protocol. Nothing thrown while handling one request can escape it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, type JsonService, type RequestContext } from '../contracts';
import type { ExpectedScope } from './auth-claim';
import { crc32 } from './crc32';
import type { CredentialResolver } from './credentials';
import { internalFailure, requestTooLarge, serializationError, unknownOperation } from './front-errors';
import { parseJsonBody, renderJsonError, shortErrorName } from './json-protocol';
import { errorFamilyOf, JSON_CONTENT_TYPES, jsonContentType, routeOf, type ErrorFamily, type JsonServiceName, type QueryServiceName, type Route } from './protocol';
import { queryParamsOf, renderQueryError, renderQueryResult, type QueryService } from './query-protocol';
import { readLimitedBody, bodyLimitOf, declaredLength, hasBody, presentsKnownKey } from './request-body';
import { headersOf, splitTarget, type ReceivedRequest, type RequestHead } from './received-request';
import { newDynamoRequestId, newRequestId } from './request-id';
import { checkCredentials, verifySignature, type Authenticated } from './sigv4';
import type { ThrottledService } from '../timing/throttle';

export interface FrontOptions {
  accountId: string;
  /** The region KMS and DynamoDB serve; requests signed for another region are refused, as an AWS endpoint would. */
  region: string;
  credentials: CredentialResolver;
  query: Record<QueryServiceName, QueryService>;
  /** KMS and DynamoDB; may resolve later than the front starts. */
  json(service: JsonServiceName): Promise<JsonService>;
  /** The operations each JSON service has, so that an unknown one is refused before authentication, as AWS does. */
  operations?: Partial<Record<JsonServiceName, readonly string[]>>;
  log?: (line: string) => void;
  now?: () => Date;
  /** The throttling error to answer an authenticated request with, if it is to be throttled (--throttle-rate). */
  throttle?: (service: ThrottledService, operation: string) => AwsError | undefined;
}

interface Outcome {
  status: number;
  body: string;
  contentType?: string;
  errorType?: string;
  crc32?: boolean;
  /** Sent with Transfer-Encoding: chunked and no Content-Length (DynamoDB's 413). */
  chunked?: boolean;
  headers?: Record<string, string | number>;
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

interface Exchange {
  options: FrontOptions;
  req: IncomingMessage;
  head: RequestHead;
  route: Route;
  requestId: string;
  now: Date;
  trace: Trace;
}

export function createRequestListener(options: FrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const now = options.now ?? (() => new Date());
  const operations = new Map(Object.entries(options.operations ?? {}).map(([service, names]) => [service, new Set(names)]));
  return (req, res) => {
    const started = Date.now();
    const trace: Trace = { operation: '-', caller: '-' };
    const headers = headersOf(req);
    const { path, query } = splitTarget(req.url);
    const head: RequestHead = { method: req.method ?? 'GET', path, query, headers, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' };
    const route = routeOf(head.method, headers, query);
    const family = errorFamilyOf(route);
    const requestId = family === 'dynamodb' ? newDynamoRequestId() : newRequestId();
    const exchange: Exchange = { options, req, head, route, requestId, now: now(), trace };
    handle(exchange, operations)
      .catch((error: unknown) => errorOutcome(family, undefined, error, requestId, options.log, JSON_CONTENT_TYPES.dynamodb))
      .then(async (outcome) => {
        await send(req, res, outcome, requestId, headers['origin'] !== undefined);
        options.log?.(`${trace.operation} ${outcome.summary} ${Date.now() - started}ms ${trace.caller}`);
      })
      .catch(() => res.destroy());
  };
}

function handle(exchange: Exchange, operations: Map<string, Set<string>>): Promise<Outcome> {
  const { route, head, options } = exchange;
  switch (route.protocol) {
    case 'preflight':
      return Promise.resolve(preflight(head.headers));
    case 'health':
      return Promise.resolve(health(options.region));
    case 'query':
      return handleQuery(exchange);
    default:
      return handleJson(exchange, route.protocol === 'json' ? route : undefined, route.service, operations.get(route.service));
  }
}

/** A browser's CORS preflight, answered as DynamoDB answers it. */
function preflight(headers: Record<string, string>): Outcome {
  const allow: Record<string, string | number> = { 'Access-Control-Max-Age': 172800 };
  if (headers['access-control-request-headers'] !== undefined) allow['Access-Control-Allow-Headers'] = headers['access-control-request-headers'];
  if (headers['access-control-request-method'] !== undefined) allow['Access-Control-Allow-Methods'] = headers['access-control-request-method'];
  return { status: 200, body: '', headers: allow, summary: '200 preflight' };
}

function health(region: string): Outcome {
  return { status: 200, body: `healthy: dynamodb.${region}.amazonaws.com `, crc32: true, summary: '200 health' };
}

const NOT_FOUND: Outcome = { status: 404, body: '<UnknownOperationException/>\n', crc32: true, summary: '404' };

async function handleJson(
  exchange: Exchange,
  route: Extract<Route, { protocol: 'json' }> | undefined,
  service: JsonServiceName,
  known: Set<string> | undefined,
): Promise<Outcome> {
  const { req, head, options, trace, now, requestId } = exchange;
  if (route) trace.operation = `${service}:${route.operation}`;
  // The size first (AWS counts while it reads), then the method and the media type.
  const limit = bodyLimitOf(service);
  const declared = declaredLength(head.headers);
  if (declared !== undefined && declared > limit) return tooLarge(service, declared, limit, JSON_CONTENT_TYPES[service]);
  if (head.method !== 'POST') return NOT_FOUND;
  const contentType = jsonContentType(service, head.headers, hasBody(head.headers));
  if (contentType === undefined) return NOT_FOUND;
  try {
    // Without a known key, only a small body is read (for the checks AWS makes before authentication).
    const knownKey = presentsKnownKey(head, options.credentials);
    let body = await readLimitedBody(req, knownKey ? limit : undefined, service);
    let input = body !== undefined && body.length > 0 ? parseJsonBody(service, body) : undefined;
    if (!route || (known !== undefined && !known.has(route.operation))) throw unknownOperation(service, route?.operation ?? '');
    // Organizations is global: clients sign it for us-east-1 unless they were given the endpoint's region.
    const regions = service === 'organizations' ? [options.region, 'us-east-1'] : [options.region];
    const expected: ExpectedScope = { services: [service], regions };
    const presented = checkCredentials(head, service, options.credentials, now, expected);
    body ??= await readLimitedBody(req, limit, service);
    if (body === undefined) throw serializationError(service);
    const request: ReceivedRequest = { ...head, body };
    const auth = await verifySignature(request, presented, service);
    trace.caller = auth.caller.arn;
    input ??= parseJsonBody(service, body);
    const throttled = options.throttle?.(service, route.operation);
    if (throttled) throw throttled;
    const ctx = contextOf(exchange, auth);
    const result = await (await options.json(service)).handle(route.operation, input, ctx);
    return { status: 200, body: JSON.stringify(result ?? {}), contentType, crc32: service === 'dynamodb', summary: '200' };
  } catch (error) {
    if (error instanceof AwsError && error.status === 413 && service === 'dynamodb') return tooLarge(service, 0, 0, contentType);
    return errorOutcome(service, undefined, error, requestId, options.log, contentType);
  }
}

/** DynamoDB answers a body over its limit with an empty, chunked 413; KMS with its JSON error. */
function tooLarge(service: JsonServiceName, bytes: number, limit: number, contentType: string): Outcome {
  if (service === 'dynamodb') return { status: 413, body: '', chunked: true, summary: '413' };
  const error = requestTooLarge(service, bytes, limit);
  return { status: 413, body: renderJsonError(error), contentType, errorType: shortErrorName(error.code), summary: `413 ${error.code}` };
}

async function handleQuery(exchange: Exchange): Promise<Outcome> {
  const { req, head, options, trace, now, requestId } = exchange;
  // Until the signature is checked, the credential scope is only a hint of whose XML namespace an error gets.
  let queryService = /Credential=[^/,]+\/\d{8}\/[^/,]+\/(iam|sts)\//.exec(head.headers['authorization'] ?? '')?.[1] as QueryServiceName | undefined;
  try {
    const limit = bodyLimitOf('query');
    const declared = declaredLength(head.headers);
    if (declared !== undefined && declared > limit) throw requestTooLarge('query', declared, limit);
    const presented = checkCredentials(head, 'query', options.credentials, now, { services: ['iam', 'sts'] });
    const body = (await readLimitedBody(req, limit, 'query'))!;
    const request: ReceivedRequest = { ...head, body };
    const auth = await verifySignature(request, presented, 'query');
    trace.caller = auth.caller.arn;
    queryService = auth.service as QueryServiceName;
    const service = options.query[queryService];
    const params = queryParamsOf(request);
    const action = params['Action'];
    trace.operation = `${queryService}:${action ?? '-'}`;
    if (!action || (params['Version'] !== undefined && params['Version'] !== service.version)) {
      throw unknownOperation('query', action ?? '(none)', params['Version']);
    }
    const throttled = options.throttle?.(queryService, action);
    if (throttled) throw throttled;
    const ctx = contextOf(exchange, auth);
    const result = await service.handle(action, params, ctx);
    return { status: 200, body: renderQueryResult(service, action, result, requestId), contentType: 'text/xml', summary: '200' };
  } catch (error) {
    return errorOutcome('query', queryService, error, requestId, options.log, 'text/xml');
  }
}

function contextOf({ options, head, requestId, now }: Exchange, auth: Authenticated): RequestContext {
  return {
    caller: auth.caller,
    region: auth.region,
    accountId: options.accountId,
    requestId,
    sourceIp: head.sourceIp,
    userAgent: head.headers['user-agent'],
    now,
  };
}

function errorOutcome(
  family: ErrorFamily,
  queryService: QueryServiceName | undefined,
  error: unknown,
  requestId: string,
  log: ((line: string) => void) | undefined,
  contentType: string,
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
    contentType,
    errorType: shortErrorName(awsError.code),
    crc32: family === 'dynamodb',
    summary: `${awsError.status} ${awsError.code}`,
  };
}

/** What a browser may read of an answer (the SDKs read the request id and error type). */
const EXPOSED_HEADERS = 'x-amzn-RequestId, x-amzn-ErrorType, x-amz-crc32, Date';

function send(req: IncomingMessage, res: ServerResponse, outcome: Outcome, requestId: string, fromBrowser: boolean): Promise<void> {
  const body = Buffer.from(outcome.body, 'utf8');
  const headers: Record<string, string | number> = { 'x-amzn-RequestId': requestId, ...outcome.headers };
  if (outcome.contentType) headers['Content-Type'] = outcome.contentType;
  if (outcome.chunked) headers['Transfer-Encoding'] = 'chunked';
  else headers['Content-Length'] = body.length;
  if (outcome.errorType) headers['x-amzn-ErrorType'] = outcome.errorType;
  if (outcome.crc32) headers['x-amz-crc32'] = crc32(body);
  if (fromBrowser) {
    headers['Access-Control-Allow-Origin'] = '*';
    headers['Access-Control-Expose-Headers'] = EXPOSED_HEADERS;
  }
  // A request whose body was not read completely (refused early) cannot share its connection.
  if (!req.complete) headers['Connection'] = 'close';
  return new Promise((resolve) => {
    if (res.headersSent || res.destroyed) return resolve();
    res.writeHead(outcome.status, headers);
    res.end(body, () => resolve());
    res.once('close', () => resolve());
  });
}
