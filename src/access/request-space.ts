// The request contexts a row is decided in. A condition on a key that the request sets (aws:SourceIp,
// aws:MultiFactorAuthPresent, aws:CurrentTime, dynamodb:LeadingKeys, ...) is never guessed: for each such key, the values
// a request can carry are split into classes that every condition on the key treats alike (inside or outside each CIDR
// block, before or after each date, each literal or none of them, present or absent), one value standing for each class.
// Every combination of classes is a request context; a row is decided in each of them (IAM User Guide, "Condition
// operators": each operator compares the request's value with the policy's values, and a missing key fails every
// operator but ...IfExists, negated operators and Null).
import { conditionHolds, parseCidr, parseDate, resolvedValue, type Cidr, type CompiledCondition, type VariableLookup } from '../policy';
import { describerOf, OTHER_VALUE, type Candidate, type Describe, type Member } from './request-words';

/** One class of values of a key: the value that stands for it (undefined: the request has no such key). */
export interface ValueClass {
  value: string | string[] | undefined;
}

export interface KeySpace {
  /** The key as the first policy spelled it. */
  key: string;
  lower: string;
  classes: ValueClass[];
  /** Words for a union of its classes (by position), as they read after "only": "from 10.0.0.0/8", "with MFA". */
  describe: Describe;
}

/** The request-dependent keys of a row, each with its classes. Empty: the row is decided in one context. */
export type RequestSpace = readonly KeySpace[];

/** Keys that every request carries: they are never absent. */
const ALWAYS_PRESENT = new Set(['aws:currenttime', 'aws:epochtime', 'aws:securetransport']);

/** Keys that hold a list of values (IAM User Guide, "Single-valued vs. multivalued context keys"). */
const MULTI_VALUED = new Set(['aws:tagkeys', 'dynamodb:attributes', 'dynamodb:leadingkeys', 'aws:calledvia']);

/** Beyond this many value classes of a multivalued key, only single values and pairs with another value are tried. */
const SUBSETS_UP_TO = 4;

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** The first and last address of a block, and the addresses just outside it. */
function blockEdges(cidr: Cidr): string[] {
  const first = Uint8Array.from(cidr.bytes);
  const last = Uint8Array.from(cidr.bytes);
  for (let bit = cidr.prefix; bit < first.length * 8; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    first[byte] &= ~mask;
    last[byte] |= mask;
  }
  const step = (bytes: Uint8Array, delta: 1 | -1): Uint8Array | undefined => {
    const out = Uint8Array.from(bytes);
    for (let i = out.length - 1; i >= 0; i--) {
      const next = out[i] + delta;
      if (next >= 0 && next <= 255) {
        out[i] = next;
        return out;
      }
      out[i] = delta === 1 ? 0 : 255;
    }
    return undefined;
  };
  return [first, last, step(first, -1), step(last, 1)].filter((b): b is Uint8Array => b !== undefined).map(ipText);
}

const NO_VARIABLES: VariableLookup = () => undefined;

/** The values a condition names: as written, or for one with policy variables, as they resolve for the caller. */
function candidatesOf(condition: CompiledCondition, lookup: VariableLookup): Candidate[] {
  const out: Candidate[] = [];
  const literal = condition.values.flatMap((v) => {
    if (!condition.usesVariables || !v.includes('${')) return [v];
    const resolved = resolvedValue(v, lookup);
    return resolved === undefined ? [] : [resolved];
  });
  switch (condition.family) {
    case 'Bool':
      return [{ value: 'true', how: 'literal' }, { value: 'false', how: 'literal' }];
    case 'Null':
      return [{ value: OTHER_VALUE, how: 'other' }];
    case 'IpAddress':
      for (const v of literal) {
        const cidr = parseCidr(v);
        if (cidr) for (const edge of blockEdges(cidr)) out.push({ value: edge, how: 'literal' });
      }
      return out;
    case 'Numeric':
      for (const v of literal) {
        const n = Number(v.trim());
        if (!Number.isFinite(n)) continue;
        out.push({ value: String(n), how: 'literal' }, { value: String(n - 1), how: 'literal' }, { value: String(n + 1), how: 'literal' });
      }
      return out;
    case 'Date':
      for (const v of literal) {
        const t = parseDate(v);
        if (t === undefined) continue;
        out.push({ value: new Date(t).toISOString(), how: 'literal' }, { value: new Date(t - 1000).toISOString(), how: 'literal' }, { value: new Date(t + 1000).toISOString(), how: 'literal' });
      }
      return out;
    default:
      for (const v of literal) {
        if (/[*?]/.test(v) && condition.family !== 'Binary') {
          out.push({ value: v.replace(/\*/g, '').replace(/\?/g, 'x'), from: v, how: 'pattern' }, { value: v.replace(/[*?]/g, 'x'), from: v, how: 'pattern' });
        } else out.push({ value: v, from: v, how: 'literal' });
      }
      out.push({ value: OTHER_VALUE, how: 'other' });
      return out;
  }
}

/** Extra values every IP key is tried with: one IPv4 and one IPv6 address (outside most blocks a policy names). */
const IP_EXTRAS: Candidate[] = [
  { value: '198.51.100.77', how: 'other' },
  { value: '2001:db8::77', how: 'other' },
];

type Holds = (value: string | string[] | undefined) => string;

/** What each condition on the key makes of a value: values with the same answers are one class. */
function signatureOf(conditions: readonly CompiledCondition[], lookup: VariableLookup): Holds {
  return (value) => {
    const view = { get: () => value };
    let signature = '';
    for (const condition of conditions) {
      try {
        signature += conditionHolds(condition, view, lookup) ? '1' : '0';
      } catch {
        // A value with a policy variable that has no value here: the condition cannot be read, so keep the value apart.
        signature += `?${String(value)}`;
      }
    }
    return signature;
  };
}

/** Subsets of the element classes of a multivalued key (the empty list is the absent key). */
function subsetsOf(elements: string[]): string[][] {
  if (elements.length <= SUBSETS_UP_TO) {
    const all: string[][] = [];
    for (let mask = 1; mask < 1 << elements.length; mask++) all.push(elements.filter((_, i) => mask & (1 << i)));
    return all;
  }
  const others = elements.filter((e) => e !== OTHER_VALUE);
  return [...elements.map((e) => [e]), ...others.map((e) => [e, OTHER_VALUE])];
}

function keySpaceOf(key: string, lower: string, conditions: CompiledCondition[], lookup: VariableLookup): KeySpace {
  const isIp = conditions.some((c) => c.family === 'IpAddress');
  const candidates = [...conditions.flatMap((c) => candidatesOf(c, lookup)), ...(isIp ? IP_EXTRAS : [])];
  const multi = MULTI_VALUED.has(lower) || conditions.some((c) => c.set !== undefined);
  const holds = signatureOf(conditions, lookup);
  const groups = new Map<string, Member[]>();
  const add = (value: string | string[] | undefined, candidate: Candidate | undefined) => {
    const signature = holds(value);
    const group = groups.get(signature);
    if (group) group.push({ value, candidate });
    else groups.set(signature, [{ value, candidate }]);
  };
  if (multi) {
    const elementSignature = signatureOf(conditions.filter((c) => c.family !== 'Null').map((c) => ({ ...c, set: undefined, ifExists: false })), lookup);
    const elements = new Map<string, Candidate>();
    const bySignature = new Set<string>();
    for (const candidate of candidates) {
      const signature = elementSignature(candidate.value);
      if (bySignature.has(signature)) continue;
      bySignature.add(signature);
      elements.set(candidate.value, candidate);
    }
    for (const subset of subsetsOf([...elements.keys()])) add(subset, undefined);
  } else {
    for (const candidate of candidates) add(candidate.value, candidate);
  }
  if (!ALWAYS_PRESENT.has(lower)) add(undefined, undefined);
  const members = [...groups.values()];
  const describe = describerOf(key, lower, members, conditions);
  return { key, lower, classes: members.map((group) => ({ value: group[0].value })), describe };
}

/**
 * The space of a list of conditions (from every policy that decides a row), one entry per key, in first-seen order.
 * `lookup` gives the caller's policy variables, for conditions whose values use them (\${aws:userid}, ...).
 */
export function requestSpaceOf(conditions: readonly CompiledCondition[], lookup: VariableLookup = NO_VARIABLES): RequestSpace {
  if (conditions.length === 0) return [];
  const byKey = new Map<string, { key: string; conditions: CompiledCondition[] }>();
  for (const condition of conditions) {
    const entry = byKey.get(condition.keyLower);
    if (entry) {
      if (!entry.conditions.includes(condition)) entry.conditions.push(condition);
    } else byKey.set(condition.keyLower, { key: condition.key, conditions: [condition] });
  }
  return [...byKey].map(([lower, { key, conditions: list }]) => keySpaceOf(key, lower, list, lookup));
}

/** How many request contexts the space holds. */
export function contextCount(space: RequestSpace): number {
  let count = 1;
  for (const key of space) count *= key.classes.length;
  return count;
}

/** The class index of each key in context number `n` (mixed radix, the first key varying slowest). */
export function assignmentOf(space: RequestSpace, n: number): number[] {
  const out = new Array<number>(space.length);
  for (let i = space.length - 1; i >= 0; i--) {
    const size = space[i].classes.length;
    out[i] = n % size;
    n = Math.floor(n / size);
  }
  return out;
}

/**
 * Contexts AWS never sends: aws:MultiFactorAuthAge is present exactly when aws:MultiFactorAuthPresent is true
 * (IAM User Guide, "AWS global condition context keys").
 */
export function possible(space: RequestSpace, assignment: number[]): boolean {
  const present = space.findIndex((k) => k.lower === 'aws:multifactorauthpresent');
  const age = space.findIndex((k) => k.lower === 'aws:multifactorauthage');
  if (present < 0 || age < 0) return true;
  const mfa = space[present].classes[assignment[present]].value;
  const hasAge = space[age].classes[assignment[age]].value !== undefined;
  return hasAge === (typeof mfa === 'string' && mfa.toLowerCase() === 'true');
}

