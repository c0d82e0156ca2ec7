// The parts of an HTTP request the front works with, read once, with the body size bounded.
import type { IncomingMessage } from 'node:http';

/** IAM and STS: a form of parameters, the largest being policy documents (at most 131,072 characters). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** DynamoDB takes larger requests (a transaction carries up to 4 MB of items; BatchWriteItem up to 16 MB). */
export const DYNAMODB_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** KMS: 4,096 bytes of plaintext, 8 KB of encryption context, 32 KB of key policy, base64 and JSON escapes around them. */
export const KMS_MAX_BODY_BYTES = 256 * 1024;

/** The request before its body is read. */
export type RequestHead = Omit<ReceivedRequest, 'body'>;

export interface ReceivedRequest {
  method: string;
  /** Path without the query string, as sent (still percent-encoded). */
  path: string;
  /** Decoded query parameters; repeated names become arrays. */
  query: Record<string, string | string[]>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string;
}

export class BodyTooLargeError extends Error {
  constructor(
    readonly declaredOrSeen: number,
    readonly limit = MAX_BODY_BYTES,
  ) {
    super(`Request body of ${declaredOrSeen} bytes exceeds the ${limit}-byte limit`);
  }
}

export class MalformedRequestError extends Error {}

export function splitTarget(url: string | undefined): { path: string; query: Record<string, string | string[]> } {
  const raw = url ?? '/';
  const mark = raw.indexOf('?');
  const path = mark < 0 ? raw : raw.slice(0, mark);
  const query: Record<string, string | string[]> = Object.create(null);
  if (mark >= 0) {
    for (const [name, value] of new URLSearchParams(raw.slice(mark + 1))) {
      const existing = query[name];
      if (existing === undefined) query[name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else query[name] = [existing, value];
    }
  }
  return { path: path || '/', query };
}

export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

/** Reads the body, refusing early when Content-Length (or the bytes seen so far) exceed the limit. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared)) return Promise.reject(new MalformedRequestError('Content-Length is not a number'));
    const length = Number(declared);
    if (length > limit) return Promise.reject(new BodyTooLargeError(length, limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, seen));
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) finish(new BodyTooLargeError(seen, limit));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish());
    req.once('error', (error) => finish(new MalformedRequestError(`Request body could not be read: ${error.message}`)));
    req.once('aborted', () => finish(new MalformedRequestError('Request aborted by the client')));
  });
}
