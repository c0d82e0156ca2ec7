// The words of request contexts: each class of values of a request-dependent key ("from 10.0.0.0/8", "with MFA",
// "when aws:CurrentTime is before 2026-01-01"), and the contexts in which a read opens ("only from 10.0.0.0/8 and with
// MFA"), naming only the keys the answer truly depends on.
import { cidrContains, parseCidr, parseDate, parseIp, type Cidr, type CompiledCondition } from '../policy';

/** A value no policy names: it stands for "any other value". */
export const OTHER_VALUE = 'kmslab-another-value';

/** A value tried for a key, and where it comes from. */
export interface Candidate {
  value: string;
  how: 'literal' | 'pattern' | 'other';
  /** The policy value it was made from. */
  from?: string;
}

/** One value of a class of values: the value (undefined: the key is absent) and the candidate it came from. */
export interface Member {
  value: string | string[] | undefined;
  candidate?: Candidate;
}

const ABSENT: Record<string, string> = {
  'aws:sourceip': 'through a VPC endpoint (no aws:SourceIp)',
  'aws:multifactorauthpresent': 'with long-term access keys (no MFA information)',
  'aws:multifactorauthage': 'without MFA',
};

const BOOLEAN: Record<string, Record<string, string>> = {
  'aws:multifactorauthpresent': { true: 'with MFA', false: 'without MFA' },
  'aws:securetransport': { true: 'over HTTPS', false: 'without HTTPS' },
};

function listOf(items: string[], conjunction: 'and' | 'or'): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} ${conjunction} ${unique[unique.length - 1]}`;
}

type Family = 'ip' | 'bool' | 'numeric' | 'date' | 'string' | 'null';

function familyOf(conditions: readonly CompiledCondition[]): Family {
  const families = new Set(conditions.map((c) => c.family));
  if (families.has('IpAddress')) return 'ip';
  if (families.has('Bool')) return 'bool';
  if (families.has('Numeric')) return 'numeric';
  if (families.has('Date')) return 'date';
  if (families.size === 1 && families.has('Null')) return 'null';
  return 'string';
}

interface Region {
  text: string;
  /** It stands for every value the other classes do not name. */
  rest?: boolean;
  absent?: boolean;
}

interface Block {
  text: string;
  cidr: Cidr;
}

function blocksOf(conditions: readonly CompiledCondition[]): Block[] {
  const blocks: Block[] = [];
  for (const text of new Set(conditions.filter((c) => c.family === 'IpAddress').flatMap((c) => c.values))) {
    const cidr = parseCidr(text);
    if (cidr) blocks.push({ text, cidr });
  }
  return blocks;
}

const inside = (block: Block, value: string) => {
  const address = parseIp(value);
  return !!address && cidrContains(block.cidr, address);
};

const within = (inner: Block, outer: Block) => inner !== outer && inner.cidr.prefix > outer.cidr.prefix && cidrContains(outer.cidr, inner.cidr.bytes);

/**
 * The addresses of some classes in words: the widest blocks whose every address is in them, and for what is left the
 * narrowest block with its holes. The tried addresses stand for every region the blocks make (request-space.ts).
 */
function ipWords(blocks: Block[], chosen: string[], others: string[]): string[] {
  const full = blocks.filter((b) => !others.some((v) => inside(b, v)) && chosen.some((v) => inside(b, v)));
  const widest = full.filter((b) => !full.some((o) => within(b, o)));
  const texts = widest.map((b) => b.text);
  for (const value of chosen) {
    if (widest.some((b) => inside(b, value))) continue;
    const around = blocks.filter((b) => inside(b, value));
    if (around.length === 0) continue;
    const narrowest = around.reduce((a, b) => (b.cidr.prefix > a.cidr.prefix ? b : a));
    const holes = blocks.filter((b) => within(b, narrowest) && !inside(b, value));
    texts.push(holes.length ? `${narrowest.text} (not ${holes.map((h) => h.text).join(', ')})` : narrowest.text);
  }
  return [...new Set(texts)];
}

/** "below 3600", "3600", "between 100 and 3600", "above 3600"; dates with before / at / after. */
function intervalRegion(value: string, conditions: readonly CompiledCondition[], dates: boolean): Region {
  const parse = dates ? parseDate : (text: string) => (Number.isFinite(Number(text.trim())) ? Number(text.trim()) : undefined);
  const thresholds = new Map<number, string>();
  for (const condition of conditions) {
    if (condition.family !== (dates ? 'Date' : 'Numeric')) continue;
    for (const text of condition.values) {
      const n = parse(text);
      if (n !== undefined && !thresholds.has(n)) thresholds.set(n, text);
    }
  }
  const sorted = [...thresholds.keys()].sort((a, b) => a - b);
  const x = parse(value);
  if (x === undefined || sorted.length === 0) return { text: value };
  const [below, above] = dates ? ['before', 'after'] : ['below', 'above'];
  const name = (n: number) => thresholds.get(n) ?? String(n);
  if (thresholds.has(x)) return { text: dates ? `at ${name(x)}` : name(x) };
  if (x < sorted[0]) return { text: `${below} ${name(sorted[0])}` };
  if (x > sorted[sorted.length - 1]) return { text: `${above} ${name(sorted[sorted.length - 1])}` };
  const upper = sorted.findIndex((t) => t > x);
  return { text: `between ${name(sorted[upper - 1])} and ${name(sorted[upper])}` };
}

function quoted(value: string): string {
  return value === OTHER_VALUE ? 'another value' : `"${value}"`;
}

function regionOf(member: Member, family: Family, conditions: readonly CompiledCondition[]): Region {
  const { value, candidate } = member;
  if (value === undefined) return { text: '', absent: true };
  if (Array.isArray(value)) return { text: listOf(value.map(quoted), 'and') };
  switch (family) {
    case 'ip':
      return { text: value, rest: blocksOf(conditions).every((b) => !inside(b, value)) };
    case 'numeric':
      return intervalRegion(value, conditions, false);
    case 'date':
      return intervalRegion(value, conditions, true);
    case 'bool':
      return { text: value.toLowerCase() };
    case 'null':
      return { text: 'present' };
    default:
      if (candidate?.how === 'other') return { text: value, rest: true };
      return { text: candidate?.how === 'pattern' ? `like "${candidate.from}"` : `"${value}"` };
  }
}

function presentWords(key: string, lower: string, family: Family, texts: string[], multi: boolean): string {
  if (multi) return `when ${key} holds ${listOf(texts, 'or')}`;
  switch (family) {
    case 'ip':
      return `from ${listOf(texts, 'or')}`;
    case 'bool':
      return listOf(texts.map((t) => BOOLEAN[lower]?.[t] ?? `when ${key} is ${t}`), 'or');
    case 'null':
      return `with ${key}`;
    default:
      return `when ${key} is ${listOf(texts, 'or')}`;
  }
}

function restWords(key: string, family: Family, others: string[]): string {
  if (others.length === 0) return `whatever ${key} is`;
  return family === 'ip' ? `from outside ${others.join(', ')}` : `when ${key} is none of ${others.join(', ')}`;
}

/** Words for any union of a key's classes (given by their members): "from 10.0.0.0/8", "with MFA or without MFA". */
export type Describe = (classes: readonly number[]) => string;

export function describerOf(key: string, lower: string, classes: Member[][], conditions: readonly CompiledCondition[]): Describe {
  const family = familyOf(conditions);
  const multi = Array.isArray(classes[0]?.[0]?.value);
  // Built on the first words asked for: most spaces are only ever decided in, never described.
  let regions: Region[][] | undefined;
  let blocks: Block[] = [];
  return (selected) => {
    if (!regions) {
      regions = classes.map((members) => members.map((m) => regionOf(m, family, conditions)));
      if (family === 'ip') blocks = blocksOf(conditions);
    }
    const all = regions;
    const own = selected.flatMap((i) => all[i]);
    const rest = all.flatMap((r, i) => (selected.includes(i) ? [] : r.filter((x) => !x.absent)));
    const present = own.filter((r) => !r.absent);
    const parts: string[] = [];
    if (family === 'ip' && !multi && present.length > 0) {
      const values = (list: Region[]) => list.map((r) => r.text);
      parts.push(present.some((r) => r.rest) ? restWords(key, family, ipWords(blocks, values(rest), values(present))) : presentWords(key, lower, family, ipWords(blocks, values(present), values(rest)), false));
    } else if (present.some((r) => r.rest)) {
      parts.push(restWords(key, family, [...new Set(rest.filter((x) => !x.rest).map((x) => x.text))]));
    } else if (present.length > 0) {
      parts.push(presentWords(key, lower, family, present.map((r) => r.text), multi));
    }
    if (own.some((r) => r.absent)) parts.push(ABSENT[lower] ?? `without ${key}`);
    return parts.join(' or ');
  };
}
