// What a request claims about its SigV4 signature, from its Authorization header or (presigned) its query string,
// checked in the order AWS checks it, with AWS's words: both or neither, the parameters, the date and its window,
// the headers that must be signed, the algorithm, the credential and its scope. Nothing here needs the body or a key.
import {
  foundBothAuthorizations,
  incompleteSignature,
  invalidSignature,
  missingAuthenticationToken,
} from './front-errors';
import type { ErrorFamily } from './protocol';
import type { RequestHead } from './received-request';

export const CLOCK_WINDOW_MS = 15 * 60 * 1000;
export const ALGORITHM_IDENTIFIER = 'AWS4-HMAC-SHA256';
const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60;

export interface SignatureClaim {
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  date: string;
  region: string;
  service: string;
  /** The request's date, `YYYYMMDDTHHMMSSZ`. */
  longDate: string;
  signedHeaders: string[];
  signature: string;
  /** Signed in the query string (a presigned URL) rather than in the Authorization header. */
  presigned: boolean;
  securityToken: string | undefined;
}

/** The scope a request must be signed for: its service (one of), and its region (one of) when that is checked. */
export interface ExpectedScope {
  services: readonly string[];
  regions?: readonly string[];
}

/** `YYYYMMDDTHHMMSSZ` (or an HTTP date) → Date; undefined when unreadable. */
export function parseRequestDate(value: string): Date | undefined {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const date = basic
    ? new Date(Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!))
    : /^\d+$/.test(value)
      ? undefined
      : new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

const BASIC_DATE = /^\d{8}T\d{6}Z$/;

export function basicFormat(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function queryValue(head: RequestHead, name: string): string | undefined {
  const value = Object.hasOwn(head.query, name) ? head.query[name] : undefined;
  return Array.isArray(value) ? value[0] : value;
}

/** `AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=x;y, Signature=…` → its parameters (spaces or commas apart). */
function headerParameters(header: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const part of header.split(/[, ]/).slice(1)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq > 0) parameters.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return parameters;
}

const HEADER_SPELLING: Record<string, string> = {
  'x-amz-date': 'X-Amz-Date',
  date: 'Date',
  'x-amz-target': 'X-Amz-Target',
  'x-amz-security-token': 'X-Amz-Security-Token',
  'content-type': 'Content-Type',
};

/**
 * Headers that decide what a request does, and so must be covered by its signature: the date it was signed at (a
 * header only when not presigned), the operation (X-Amz-Target), the session token, and the content type of the JSON
 * protocols. Otherwise a captured request could be replayed as another operation.
 */
function headersThatMustBeSigned(head: RequestHead, family: ErrorFamily, dateHeader: string | undefined): string[] {
  const names = dateHeader ? [dateHeader] : [];
  for (const name of ['x-amz-target', 'x-amz-security-token']) if (head.headers[name] !== undefined) names.push(name);
  if (family !== 'query' && head.headers['content-type'] !== undefined) names.push('content-type');
  return names;
}

function parameterProblems(head: RequestHead, header: string | undefined, parameters: Map<string, string> | undefined): string {
  if (header !== undefined && parameters !== undefined) {
    let message = ['Credential', 'Signature', 'SignedHeaders']
      .filter((name) => !parameters.get(name))
      .map((name) => `Authorization header requires '${name}' parameter. `)
      .join('');
    if (head.headers['x-amz-date'] === undefined && head.headers['date'] === undefined) {
      message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    return message ? `${message}Authorization=${header}` : '';
  }
  const message = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date']
    .filter((name) => !queryValue(head, name))
    .map((name) => `AWS query-string parameters must include '${name}'. `)
    .join('');
  return message ? `${message}Re-examine the query-string parameters.` : '';
}

function checkWindow(family: ErrorFamily, requestDate: Date, longDate: string, now: Date, expiresSeconds: number | undefined): void {
  const skew = requestDate.getTime() - now.getTime();
  const earliestMs = expiresSeconds === undefined ? now.getTime() - CLOCK_WINDOW_MS : now.getTime() - expiresSeconds * 1000;
  if (requestDate.getTime() < earliestMs) {
    const limit = expiresSeconds === undefined ? '15 min.' : `${expiresSeconds} sec.`;
    throw invalidSignature(family, `Signature expired: ${longDate} is now earlier than ${basicFormat(new Date(earliestMs))} (${basicFormat(now)} - ${limit})`);
  }
  if (skew > CLOCK_WINDOW_MS) {
    const latest = basicFormat(new Date(now.getTime() + CLOCK_WINDOW_MS));
    throw invalidSignature(family, `Signature not yet current: ${longDate} is still later than ${latest} (${basicFormat(now)} + 15 min.)`);
  }
}

/** Reads and checks the signature a request claims, or throws the AwsError AWS would answer. */
export function readSignatureClaim(head: RequestHead, family: ErrorFamily, expected: ExpectedScope, now: Date): SignatureClaim {
  const header = head.headers['authorization'];
  const presigned = Object.hasOwn(head.query, 'X-Amz-Algorithm');
  if (header !== undefined && presigned) throw foundBothAuthorizations(family);
  if ((header === undefined && !presigned) || (header !== undefined && !header.trim().startsWith('AWS4-'))) throw missingAuthenticationToken(family);

  const parameters = header !== undefined ? headerParameters(header) : undefined;
  const problems = parameterProblems(head, header, parameters);
  if (problems) throw incompleteSignature(family, problems);
  const dateHeader = header === undefined ? undefined : head.headers['x-amz-date'] !== undefined ? 'x-amz-date' : 'date';
  const dateValue = dateHeader ? head.headers[dateHeader]! : queryValue(head, 'X-Amz-Date')!;
  const requestDate = parseRequestDate(dateValue);
  if (!requestDate || (presigned && !BASIC_DATE.test(dateValue))) {
    throw incompleteSignature(family, `Date must be in ISO-8601 'basic format'. Got '${dateValue.slice(0, 64)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  const longDate = basicFormat(requestDate);
  let expiresSeconds: number | undefined;
  if (presigned) {
    const expires = queryValue(head, 'X-Amz-Expires');
    if (expires !== undefined) {
      if (!/^\d{1,7}$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_PRESIGNED_SECONDS) {
        throw incompleteSignature(family, `X-Amz-Expires must be a number of seconds from 1 to ${MAX_PRESIGNED_SECONDS}. Got '${expires.slice(0, 20)}'.`);
      }
      expiresSeconds = Number(expires);
    }
  }
  checkWindow(family, requestDate, longDate, now, expiresSeconds);

  const signedHeaders = (parameters ? parameters.get('SignedHeaders')! : queryValue(head, 'X-Amz-SignedHeaders')!).split(';');
  const signed = new Set(signedHeaders.map((name) => name.toLowerCase()));
  if (!signed.has('host')) throw incompleteSignature(family, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const unsigned = headersThatMustBeSigned(head, family, dateHeader).find((name) => !signed.has(name));
  if (unsigned !== undefined) throw incompleteSignature(family, `'${HEADER_SPELLING[unsigned] ?? unsigned}' must be a 'SignedHeader' in the AWS Authorization.`);

  const algorithm = header !== undefined ? header.trim().split(/[ ,]/)[0]! : queryValue(head, 'X-Amz-Algorithm')!;
  if (algorithm !== ALGORITHM_IDENTIFIER) {
    throw incompleteSignature(family, `Unsupported AWS 'algorithm': '${algorithm.slice(0, 64)}' (only ${ALGORITHM_IDENTIFIER} for now). `);
  }
  const credential = parameters ? parameters.get('Credential')! : queryValue(head, 'X-Amz-Credential')!;
  const scope = credential.replace(/\/+$/, '').split('/');
  if (scope.length !== 5) {
    throw incompleteSignature(family, `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential.slice(0, 256)}'`);
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  let mismatch = '';
  if (expected.regions !== undefined && !expected.regions.includes(region)) mismatch += `Credential should be scoped to a valid region, not '${region.slice(0, 64)}'. `;
  if (!expected.services.includes(service)) mismatch += `Credential should be scoped to correct service: '${expected.services.join("' or '")}'. `;
  if (terminator !== 'aws4_request') mismatch += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator.slice(0, 64)}'. `;
  if (date !== longDate.slice(0, 8)) {
    mismatch += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date.slice(0, 64)}' != '${longDate.slice(0, 8)}', from '${longDate}'.`;
  }
  if (mismatch) throw invalidSignature(family, mismatch.trim());

  const signature = parameters ? parameters.get('Signature')! : queryValue(head, 'X-Amz-Signature')!;
  const securityToken = presigned ? queryValue(head, 'X-Amz-Security-Token') : head.headers['x-amz-security-token'];
  return { accessKeyId, date, region, service, longDate, signedHeaders, signature, presigned, securityToken };
}

/** The access key a request names, if its Authorization header or query string is shaped well enough to say. */
export function claimedAccessKey(head: RequestHead): string | undefined {
  const header = head.headers['authorization'];
  const credential = header !== undefined ? headerParameters(header).get('Credential') : queryValue(head, 'X-Amz-Credential');
  const id = credential?.split('/')[0];
  return id || undefined;
}
