// Verifies the SigV4 signature of a received request (Authorization header or presigned query string) against the
// sandbox's own access keys. The canonical request and signing key come from @smithy/signature-v4; the claim's
// parsing and checks (auth-claim.ts) and the policy on keys and tokens are ours.
import { timingSafeEqual } from 'node:crypto';
import type { Caller } from '../contracts';
import type { CredentialRecord, CredentialResolver } from './credentials';
import { ALGORITHM_IDENTIFIER, readSignatureClaim, type ExpectedScope, type SignatureClaim } from './auth-claim';
import { expiredToken, invalidSignature, unrecognizedClient } from './front-errors';
import type { ErrorFamily } from './protocol';
import type { ReceivedRequest, RequestHead } from './received-request';
import { NodeSha256 } from './sha256';

export { CLOCK_WINDOW_MS } from './auth-claim';

export interface Authenticated {
  caller: Caller;
  accessKeyId: string;
  region: string;
  service: string;
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

export async function expectedSignature(request: ReceivedRequest, claim: SignatureClaim, secretAccessKey: string): Promise<string> {
  const { lib, canonicalRequest, stringToSign: toSign } = signatureV4();
  const signed: Record<string, string> = Object.create(null);
  for (const name of claim.signedHeaders) signed[name] = request.headers[name.toLowerCase()] ?? '';
  const canonicalHeaders = lib.getCanonicalHeaders({ headers: signed } as unknown as HttpRequest, undefined, new Set(claim.signedHeaders));
  const declared = request.headers['x-amz-content-sha256'];
  const payloadHash =
    declared !== undefined && claim.signedHeaders.includes('x-amz-content-sha256')
      ? declared
      : await lib.getPayloadHash({ headers: {}, body: request.body } as unknown as HttpRequest, NodeSha256);
  let canonicalPath = request.path;
  try {
    canonicalPath = decodeURIComponent(request.path);
  } catch {
    // A path that is not valid percent-encoding is signed as received.
  }
  // smithy leaves X-Amz-Signature out of the canonical query, as presigning requires.
  const httpRequest = { method: request.method, path: canonicalPath, query: request.query, headers: signed } as unknown as HttpRequest;
  const canonical = canonicalRequest(httpRequest, canonicalHeaders as Record<string, string>, payloadHash);
  const scope = `${claim.date}/${claim.region}/${claim.service}/aws4_request`;
  const stringToSign = await toSign(claim.longDate, scope, canonical);
  const key = await lib.getSigningKey(NodeSha256, { accessKeyId: claim.accessKeyId, secretAccessKey }, claim.date, claim.region, claim.service);
  const mac = new NodeSha256(key);
  mac.update(stringToSign);
  return hex(await mac.digest());
}

/** What a request's head presents: a well-formed signature claim by a known, active key (and its session token). */
export interface Presented {
  claim: SignatureClaim;
  record: CredentialRecord;
}

/**
 * The checks that need no body, in AWS's order (see auth-claim.ts), then the key and its session token.
 * Throws the AwsError the client would get from AWS. A request that passes them may have its body read.
 */
export function checkCredentials(head: RequestHead, family: ErrorFamily, credentials: CredentialResolver, now: Date, expected: ExpectedScope): Presented {
  const claim = readSignatureClaim(head, family, expected, now);
  const record = credentials.resolve(claim.accessKeyId);
  if (!record || !record.active) throw unrecognizedClient(family);
  if (record.sessionToken !== undefined) {
    if (claim.securityToken === undefined || !sameText(claim.securityToken, record.sessionToken)) throw unrecognizedClient(family);
    if (record.expiration && record.expiration.getTime() <= now.getTime()) throw expiredToken(family);
  }
  return { claim, record };
}

/** Checks the signature over the whole request, body included; throws InvalidSignature when it does not hold. */
export async function verifySignature(request: ReceivedRequest, presented: Presented, family: ErrorFamily): Promise<Authenticated> {
  const { claim, record } = presented;
  const expected = await expectedSignature(request, claim, record.secretAccessKey);
  if (!sameText(expected, claim.signature)) throw invalidSignature(family);
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && claim.signedHeaders.includes('x-amz-content-sha256')) {
    // The signature covers the declared hash; make sure the body is the one it declares.
    const actual = await signatureV4().lib.getPayloadHash({ headers: {}, body: request.body } as unknown as HttpRequest, NodeSha256);
    if (!sameText(declaredHash, actual)) throw invalidSignature(family);
  }
  return { caller: record.caller, accessKeyId: claim.accessKeyId, region: claim.region, service: claim.service };
}

/** Authenticates a request or throws the AwsError the client would get from AWS. */
export async function authenticate(
  request: ReceivedRequest,
  family: ErrorFamily,
  credentials: CredentialResolver,
  now: Date,
  expected: ExpectedScope = { services: ['kms', 'dynamodb', 'iam', 'sts'] },
): Promise<Authenticated> {
  return verifySignature(request, checkCredentials(request, family, credentials, now, expected), family);
}
