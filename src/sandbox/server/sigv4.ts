// Verifies the SigV4 signature of a received request (Authorization header or presigned query string) against the
// sandbox's own access keys. The canonical request comes from @smithy/signature-v4; the string to sign and the
// signing key (SigV4's chain of HMACs, kept per key and day) are node:crypto's; the claim's parsing and checks
// (auth-claim.ts) and the policy on keys and tokens are ours.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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
}

let smithy: Smithy | undefined;

/** @smithy/signature-v4 costs tens of milliseconds to load, so it loads on first use (or preload), not at start. */
function signatureV4(): Smithy {
  if (smithy) return smithy;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('@smithy/signature-v4') as SignatureV4Module;
  /** Exposes the protected canonical-request helper of SignatureV4Base for verification. */
  class CanonicalSigner extends lib.SignatureV4Base {
    constructor() {
      super({ credentials: { accessKeyId: '', secretAccessKey: '' }, region: '', service: '', sha256: NodeSha256 });
    }

    canonicalRequest(request: HttpRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
      return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    }
  }
  const signer = new CanonicalSigner();
  smithy = {
    lib,
    canonicalRequest: (request, headers, payloadHash) => signer.canonicalRequest(request, headers, payloadHash),
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

/** Signing keys derived lately (four HMACs each), kept as AWS's SDKs keep theirs: by key, day, region and service. */
const signingKeys = new Map<string, { secretAccessKey: string; key: Buffer }>();
const SIGNING_KEYS_KEPT = 64;

function signingKey(claim: SignatureClaim, secretAccessKey: string): Buffer {
  const id = `${claim.accessKeyId}/${claim.date}/${claim.region}/${claim.service}`;
  const kept = signingKeys.get(id);
  if (kept && kept.secretAccessKey === secretAccessKey) return kept.key;
  let key = hmac(`AWS4${secretAccessKey}`, claim.date);
  for (const part of [claim.region, claim.service, 'aws4_request']) key = hmac(key, part);
  if (signingKeys.size >= SIGNING_KEYS_KEPT) signingKeys.delete(signingKeys.keys().next().value!);
  signingKeys.set(id, { secretAccessKey, key });
  return key;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function payloadHashOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export async function expectedSignature(request: ReceivedRequest, claim: SignatureClaim, secretAccessKey: string): Promise<string> {
  const { lib, canonicalRequest } = signatureV4();
  const signed: Record<string, string> = Object.create(null);
  for (const name of claim.signedHeaders) signed[name] = request.headers[name.toLowerCase()] ?? '';
  const canonicalHeaders = lib.getCanonicalHeaders({ headers: signed } as unknown as HttpRequest, undefined, new Set(claim.signedHeaders));
  const declared = request.headers['x-amz-content-sha256'];
  const payloadHash = declared !== undefined && claim.signedHeaders.includes('x-amz-content-sha256') ? declared : payloadHashOf(request.body);
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
  const stringToSign = `${ALGORITHM_IDENTIFIER}\n${claim.longDate}\n${scope}\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
  return createHmac('sha256', signingKey(claim, secretAccessKey)).update(stringToSign, 'utf8').digest('hex');
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
    const actual = payloadHashOf(request.body);
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
