// The condition operators, family by family, as the IAM User Guide lists them ("Condition operators").
// Each operator turns the policy's values into a test of one request value.
import { arnSegments } from './arn';
import type { VariableLookup } from './context-types';
import { cidrContains, parseCidr, parseIp } from './ip';
import { compileTemplate, piecesKey, resolveToPieces, resolveToText, type Template } from './variables';
import { matcherOfPieces, type Matcher, type PatternPiece } from './wildcard';

export type Family = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

export interface OperatorSpec {
  family: Family;
  negated: boolean;
  build(values: string[], variables: boolean): ValueTest | string;
}

/** Tests one request value against the policy's values; a string result is a compile problem. */
export type ValueTest = (requestValue: string, lookup: VariableLookup) => boolean;

export const OPERATORS = new Map<string, OperatorSpec>();

function define(name: string, family: Family, negated: boolean, build: OperatorSpec['build']): void {
  OPERATORS.set(name.toLowerCase(), { family, negated, build });
}

// ---- String ----
function stringEquals(ignoreCase: boolean) {
  return (values: string[], variables: boolean): ValueTest => {
    const templates = values.map((v) => compileTemplate(v, variables));
    if (templates.every((t) => !t.hasVariables)) {
      const set = new Set(values.map((v) => (ignoreCase ? v.toLowerCase() : v)));
      return (r) => set.has(ignoreCase ? r.toLowerCase() : r);
    }
    return (r, lookup) => {
      const request = ignoreCase ? r.toLowerCase() : r;
      return templates.some((t) => {
        const text = resolveToText(t, lookup);
        return (ignoreCase ? text.toLowerCase() : text) === request;
      });
    };
  };
}

const resolvedMatchers = new Map<string, Matcher>();

function cachedMatcher(pieces: PatternPiece[], ignoreCase: boolean): Matcher {
  const key = (ignoreCase ? 'i' : 's') + piecesKey(pieces);
  let matcher = resolvedMatchers.get(key);
  if (!matcher) {
    matcher = matcherOfPieces(pieces, ignoreCase);
    if (resolvedMatchers.size > 4096) resolvedMatchers.clear();
    resolvedMatchers.set(key, matcher);
  }
  return matcher;
}

/** A wildcard pattern that may contain policy variables. */
export function templateMatcher(template: Template, ignoreCase: boolean): (value: string, lookup: VariableLookup) => boolean {
  if (!template.hasVariables) {
    const matcher = cachedMatcher(resolveToPieces(template, () => undefined), ignoreCase);
    return (value) => matcher(value);
  }
  return (value, lookup) => cachedMatcher(resolveToPieces(template, lookup), ignoreCase)(value);
}

function stringLike(values: string[], variables: boolean): ValueTest {
  const matchers = values.map((v) => templateMatcher(compileTemplate(v, variables), false));
  return (r, lookup) => matchers.some((m) => m(r, lookup));
}

define('StringEquals', 'String', false, stringEquals(false));
define('StringNotEquals', 'String', true, stringEquals(false));
define('StringEqualsIgnoreCase', 'String', false, stringEquals(true));
define('StringNotEqualsIgnoreCase', 'String', true, stringEquals(true));
define('StringLike', 'String', false, stringLike);
define('StringNotLike', 'String', true, stringLike);

// ---- Numeric ----
function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

function numeric(compare: (request: number, policy: number) => boolean) {
  return (values: string[]): ValueTest | string => {
    const numbers = values.map(parseNumber);
    const bad = values.find((_, i) => numbers[i] === undefined);
    if (bad !== undefined) return `"${bad}" is not a number`;
    return (r) => {
      const request = parseNumber(r);
      return request !== undefined && numbers.some((n) => compare(request, n as number));
    };
  };
}

define('NumericEquals', 'Numeric', false, numeric((a, b) => a === b));
define('NumericNotEquals', 'Numeric', true, numeric((a, b) => a === b));
define('NumericLessThan', 'Numeric', false, numeric((a, b) => a < b));
define('NumericLessThanEquals', 'Numeric', false, numeric((a, b) => a <= b));
define('NumericGreaterThan', 'Numeric', false, numeric((a, b) => a > b));
define('NumericGreaterThanEquals', 'Numeric', false, numeric((a, b) => a >= b));

// ---- Date ----
/** ISO 8601 (date, or date and time) or epoch seconds, as milliseconds since the epoch. */
export function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)) return undefined;
  const time = Date.parse(/T|\s/i.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed + 'Z' : trimmed);
  return Number.isNaN(time) ? undefined : time;
}

function date(compare: (request: number, policy: number) => boolean) {
  return (values: string[]): ValueTest | string => {
    const times = values.map(parseDate);
    const bad = values.find((_, i) => times[i] === undefined);
    if (bad !== undefined) return `"${bad}" is not a date`;
    return (r) => {
      const request = parseDate(r);
      return request !== undefined && times.some((t) => compare(request, t as number));
    };
  };
}

define('DateEquals', 'Date', false, date((a, b) => a === b));
define('DateNotEquals', 'Date', true, date((a, b) => a === b));
define('DateLessThan', 'Date', false, date((a, b) => a < b));
define('DateLessThanEquals', 'Date', false, date((a, b) => a <= b));
define('DateGreaterThan', 'Date', false, date((a, b) => a > b));
define('DateGreaterThanEquals', 'Date', false, date((a, b) => a >= b));

// ---- Bool (no policy variables: the IAM guide allows them only with String and ARN operators) ----
define('Bool', 'Bool', false, (values) => {
  const expected = new Set(values.map((v) => v.toLowerCase()));
  return (r) => expected.has(r.toLowerCase());
});

// ---- Binary ----
function normaliseBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('base64');
}

define('BinaryEquals', 'Binary', false, (values) => {
  const expected = values.map(normaliseBase64);
  const bad = values.find((_, i) => expected[i] === undefined);
  if (bad !== undefined) return `"${bad}" is not base64`;
  const set = new Set(expected);
  return (r) => {
    const request = normaliseBase64(r);
    return request !== undefined && set.has(request);
  };
});

// ---- IP address ----
const parsedAddresses = new Map<string, Uint8Array | null>();

/** Request addresses parsed once: many requests come from the same few addresses. */
function addressOf(text: string): Uint8Array | undefined {
  let address = parsedAddresses.get(text);
  if (address === undefined) {
    address = parseIp(text) ?? null;
    if (parsedAddresses.size > 1024) parsedAddresses.clear();
    parsedAddresses.set(text, address);
  }
  return address ?? undefined;
}

function ipAddress(values: string[]): ValueTest | string {
  const blocks = values.map(parseCidr);
  const bad = values.find((_, i) => blocks[i] === undefined);
  if (bad !== undefined) return `"${bad}" is not an IP address or CIDR block`;
  return (r) => {
    const address = addressOf(r);
    return address !== undefined && blocks.some((b) => b !== undefined && cidrContains(b, address));
  };
}

define('IpAddress', 'IpAddress', false, ipAddress);
define('NotIpAddress', 'IpAddress', true, ipAddress);

// ---- ARN ----
function arnLike(values: string[], variables: boolean): ValueTest {
  const matchers = values.map((v) => arnMatcher(compileTemplate(v, variables)));
  return (r, lookup) => matchers.some((m) => m(r, lookup));
}

/** ARN patterns match segment by segment: a wildcard never spans the colons of the first five segments. */
export function arnMatcher(template: Template): (value: string, lookup: VariableLookup) => boolean {
  const whole = templateMatcher(template, false);
  const segmentCount = template.source.split(':').length;
  if (segmentCount < 6) return whole;
  return (value, lookup) => {
    const pieces = resolveToPieces(template, lookup);
    const request = arnSegments(value);
    if (!request) return false;
    const segments = splitPiecesOnColon(pieces);
    if (segments.length !== 6) return whole(value, lookup);
    for (let i = 0; i < 6; i++) if (!cachedMatcher(segments[i], false)(request[i])) return false;
    return true;
  };
}

/** Splits pattern pieces at the first five colons of literal text. */
export function splitPiecesOnColon(pieces: PatternPiece[]): PatternPiece[][] {
  const segments: PatternPiece[][] = [[]];
  for (const piece of pieces) {
    if (!('literal' in piece)) {
      segments[segments.length - 1].push(piece);
      continue;
    }
    let text = piece.literal;
    while (segments.length < 6) {
      const colon = text.indexOf(':');
      if (colon < 0) break;
      if (colon > 0) segments[segments.length - 1].push({ literal: text.slice(0, colon) });
      segments.push([]);
      text = text.slice(colon + 1);
    }
    if (text) segments[segments.length - 1].push({ literal: text });
  }
  return segments;
}

define('ArnEquals', 'Arn', false, arnLike);
define('ArnLike', 'Arn', false, arnLike);
define('ArnNotEquals', 'Arn', true, arnLike);
define('ArnNotLike', 'Arn', true, arnLike);

// ---- Null ----
define('Null', 'Null', false, () => () => false);
