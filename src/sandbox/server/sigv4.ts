// Verifies the SigV4 signature of a received request against the sandbox's own access keys.
// The canonical request and signing key come from @smithy/signature-v4; only the parsing of the
// Authorization header and the policy (clock window, tokens, scope) are ours.
import { timingSafeEqual } from 'node:crypto';
import type { Caller } from '../contracts';
import type { CredentialRecord, CredentialResolver } from './credentials';
import {
  expiredToken,
  incompleteSignature,
  invalidSignature,
  missingAuthenticationToken,
  unrecognizedClient,
} from './front-errors';
import type { ErrorFamily } from './protocol';
import type { ReceivedRequest, RequestHead } from './received-request';
import { NodeSha256 } from './sha256';

export const CLOCK_WINDOW_MS = 15 * 60 * 1000;
const ALGORITHM_IDENTIFIER = 'AWS4-HMAC-SHA256';

export interface AuthorizationHeader {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export interface Authenticated {
  caller: Caller;
  accessKeyId: string;
  region: string;
  service: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`; returns a reason string when malformed. */
export function parseAuthorization(value: string): AuthorizationHeader | string {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM_IDENTIFIER) return `Unsupported AWS 'algorithm': '${algorithm.slice(0, 40)}'`;
  const parameters = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parameters.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !parameters.get(name));
  if (missing.length > 0) return missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' ');
  const scope = parameters.get('Credential')!.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((part) => part === '')) {
    return "Credential should be scoped to a valid region, service and date, and end in 'aws4_request'.";
  }
  const signature = parameters.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'Signature must be 64 lower-case hexadecimal characters.';
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: parameters.get('SignedHeaders')!.split(';'),
    signature,
  };
}

/** `YYYYMMDDTHHMMSSZ` (or an HTTP date) → Date; undefined when unreadable. */
function parseRequestDate(value: string): Date | undefined {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const date = basic
    ? new Date(Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!))
    : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function basicFormat(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

type SignatureV4Module = typeof import('@smithy/signature-v4');
type HttpRequest = Parameters<SignatureV4Module['getCanonicalHeaders']>[0];

interface Smithy {
  lib: SignatureV4Module;
  canonicalRequest(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string;
  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string>;
}

let smithy: Smithy | undefined;

/** @smithy/signature-v4 costs tens of milliseconds to load, so it loads on first use (or preload), not at start. */
function signatureV4(): Smithy {
  if (smithy) return smithy;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('@smithy/signature-v4') as SignatureV4Module;
  /** Exposes the protected canonical-request helpers of SignatureV4Base for verification. */
  class CanonicalSigner extends lib.SignatureV4Base {
    constructor() {
      super({ credentials: { accessKeyId: '', secretAccessKey: '' }, region: '', service: '', sha256: NodeSha256 });
    }

    canonicalRequest(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
      return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    }

    stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
      return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
    }
  }
  const signer = new CanonicalSigner();
  smithy = {
    lib,
    canonicalRequest: (request, headers, payloadHash) => signer.canonicalRequest(request, headers, payloadHash),
    stringToSign: (longDate, scope, canonical) => signer.stringToSign(longDate, scope, canonical),
  };
  return smithy;
}

/** Loads the signing library ahead of the first request. */
export function preloadSignatureV4(): void {
  signatureV4();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function expectedSignature(
  request: ReceivedRequest,
  auth: AuthorizationHeader,
  longDate: string,
  secretAccessKey: string,
): Promise<string> {
  const { lib, canonicalRequest, stringToSign: toSign } = signatureV4();
  const signed: Record<string, string> = Object.create(null);
  for (const name of auth.signedHeaders) signed[name] = request.headers[name] ?? '';
  const canonicalHeaders = lib.getCanonicalHeaders({ headers: signed } as unknown as HttpRequest, undefined, new Set(auth.signedHeaders));
  const payloadHash = await lib.getPayloadHash({ headers: {}, body: request.body } as unknown as HttpRequest, NodeSha256);
  const httpRequest = { method: request.method, path: request.path, query: request.query, headers: signed } as unknown as HttpRequest;
  let canonicalPath = request.path;
  try {
    canonicalPath = decodeURIComponent(request.path);
  } catch {
    // A path that is not valid percent-encoding is signed as received.
  }
  httpRequest.path = canonicalPath;
  const canonical = canonicalRequest(httpRequest, canonicalHeaders as Record<string, string>, payloadHash);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = await toSign(longDate, scope, canonical);
  const key = await lib.getSigningKey(NodeSha256, { accessKeyId: auth.accessKeyId, secretAccessKey }, auth.date, auth.region, auth.service);
  const mac = new NodeSha256(key);
  mac.update(stringToSign);
  return hex(await mac.digest());
}

const HEADER_SPELLING: Record<string, string> = {
  'x-amz-date': 'X-Amz-Date',
  date: 'Date',
  'x-amz-target': 'X-Amz-Target',
  'x-amz-security-token': 'X-Amz-Security-Token',
  'content-type': 'Content-Type',
};

/**
 * Headers that decide what a request does, and so must be covered by its signature: the date it was signed at, the
 * operation (X-Amz-Target), the session token, and the content type of the JSON protocols. Otherwise a captured
 * request could be replayed as another operation.
 */
function headersThatMustBeSigned(request: RequestHead, family: ErrorFamily, dateHeader: string): string[] {
  const names = [dateHeader];
  for (const name of ['x-amz-target', 'x-amz-security-token']) if (request.headers[name] !== undefined) names.push(name);
  if (family !== 'query' && request.headers['content-type'] !== undefined) names.push('content-type');
  return names;
}

/** What a request's headers present: a well-formed signature by a known, active key, within the clock window. */
export interface Presented {
  auth: AuthorizationHeader;
  longDate: string;
  record: CredentialRecord;
}

/**
 * The checks that need no body, in AWS's order: header shape, date and clock window, key lookup, session token.
 * Throws the AwsError the client would get from AWS. A request that passes them may have its body read.
 */
export function checkCredentials(request: RequestHead, family: ErrorFamily, credentials: CredentialResolver, now: Date): Presented {
  const header = request.headers['authorization'];
  if (header === undefined) throw missingAuthenticationToken(family);
  const auth = parseAuthorization(header);
  if (typeof auth === 'string') throw incompleteSignature(family, auth);
  const signedHeaders = new Set(auth.signedHeaders);
  if (!signedHeaders.has('host')) {
    throw incompleteSignature(family, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const dateHeader = request.headers['x-amz-date'] !== undefined ? 'x-amz-date' : 'date';
  const dateValue = request.headers[dateHeader];
  if (dateValue === undefined) {
    throw incompleteSignature(family, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const unsigned = headersThatMustBeSigned(request, family, dateHeader).find((name) => !signedHeaders.has(name));
  if (unsigned !== undefined) {
    throw incompleteSignature(family, `'${HEADER_SPELLING[unsigned] ?? unsigned}' must be a 'SignedHeader' in the AWS Authorization.`);
  }
  const requestDate = parseRequestDate(dateValue);
  if (!requestDate) throw incompleteSignature(family, `Date must be in ISO-8601 'basic format'. Got '${dateValue.slice(0, 40)}'.`);
  const longDate = basicFormat(requestDate);
  if (auth.date !== longDate.slice(0, 8)) {
    throw invalidSignature(
      family,
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date.slice(0, 8)}' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
    );
  }
  const skew = requestDate.getTime() - now.getTime();
  if (skew < -CLOCK_WINDOW_MS) {
    const earliest = basicFormat(new Date(now.getTime() - CLOCK_WINDOW_MS));
    throw invalidSignature(family, `Signature expired: ${longDate} is now earlier than ${earliest} (${basicFormat(now)} - 15 min.)`);
  }
  if (skew > CLOCK_WINDOW_MS) {
    const latest = basicFormat(new Date(now.getTime() + CLOCK_WINDOW_MS));
    throw invalidSignature(family, `Signature not yet current: ${longDate} is still later than ${latest} (${basicFormat(now)} + 15 min.)`);
  }

  const record = credentials.resolve(auth.accessKeyId);
  if (!record || !record.active) throw unrecognizedClient(family);
  if (record.sessionToken !== undefined) {
    const token = request.headers['x-amz-security-token'];
    if (token === undefined || !sameText(token, record.sessionToken)) throw unrecognizedClient(family);
    if (record.expiration && record.expiration.getTime() <= now.getTime()) throw expiredToken(family);
  }
  return { auth, longDate, record };
}

/** Checks the signature over the whole request, body included; throws InvalidSignature when it does not hold. */
export async function verifySignature(request: ReceivedRequest, presented: Presented, family: ErrorFamily): Promise<Authenticated> {
  const { auth, longDate, record } = presented;
  const declaredHash = request.headers['x-amz-content-sha256'];
  const expected = await expectedSignature(request, auth, longDate, record.secretAccessKey);
  if (!sameText(expected, auth.signature)) throw invalidSignature(family);
  if (declaredHash !== undefined && auth.signedHeaders.includes('x-amz-content-sha256')) {
    // The signature covers the declared hash; make sure the body is the one it declares.
    const actual = await signatureV4().lib.getPayloadHash({ headers: {}, body: request.body } as unknown as HttpRequest, NodeSha256);
    if (!sameText(declaredHash, actual)) throw invalidSignature(family);
  }
  return { caller: record.caller, accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}

/** Authenticates a request or throws the AwsError the client would get from AWS. */
export async function authenticate(
  request: ReceivedRequest,
  family: ErrorFamily,
  credentials: CredentialResolver,
  now: Date,
): Promise<Authenticated> {
  return verifySignature(request, checkCredentials(request, family, credentials, now), family);
}
