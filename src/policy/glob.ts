// Wildcard matching without regular expressions, in time linear in the value, so that no pattern a policy can hold
// makes matching slow:
// - patterns whose wildcards are all free `*` (the common case) match their literal pieces leftmost-first, each found
//   with a Knuth-Morris-Pratt search: O(value + pattern);
// - patterns with `?`, or with wildcards that must not cross a colon (the first five segments of an ARN), run a
//   bit-parallel NFA: O(value × ⌈pattern / 32⌉), the pattern's length being bounded by AWS's policy size limits.

export const LITERAL = 0;
export const ANY_ONE = 1;
/** `?` that does not match ':' (inside the first five segments of an ARN). */
export const ONE_IN_SEGMENT = 2;
export const ANY_RUN = 3;
/** `*` that does not cross ':' (inside the first five segments of an ARN). */
export const RUN_IN_SEGMENT = 4;

type Text = string | string[];

export interface Glob {
  kinds: number[];
  /** The character of each LITERAL token (a whole code point). */
  chars: string[];
  /** True when some wildcard must stay inside an ARN segment. */
  segmentBound: boolean;
  /** How the glob is matched, compiled on first use. */
  plan?: Plan;
}

type Plan = { kind: 'segments'; pieces: Piece[] } | { kind: 'nfa'; nfa: Nfa };

export function glob(kinds: number[], chars: string[]): Glob {
  return { kinds, chars, segmentBound: kinds.some((k) => k === ONE_IN_SEGMENT || k === RUN_IN_SEGMENT) };
}

const SURROGATE = /[\uD800-\uDFFF]/;

function charsOf(value: string): Text {
  return SURROGATE.test(value) ? Array.from(value) : value;
}

export function globMatch(pattern: Glob, value: string): boolean {
  pattern.plan ??= planOf(pattern);
  const text = charsOf(value);
  return pattern.plan.kind === 'segments' ? segmentsMatch(pattern.plan.pieces, text) : nfaMatch(pattern.plan.nfa, text);
}

function planOf({ kinds, chars }: Glob): Plan {
  const onlyFreeRuns = kinds.every((kind) => kind === LITERAL || kind === ANY_RUN);
  return onlyFreeRuns ? { kind: 'segments', pieces: piecesBetweenRuns(kinds, chars) } : { kind: 'nfa', nfa: compileNfa(kinds, chars) };
}

// ---- Literal pieces between `*`: leftmost-first, each found by KMP ----

interface Piece {
  chars: string[];
  /** KMP failure function of chars. */
  failure: Int32Array;
}

function pieceOf(chars: string[]): Piece {
  const failure = new Int32Array(chars.length);
  for (let i = 1, k = 0; i < chars.length; i++) {
    while (k > 0 && chars[i] !== chars[k]) k = failure[k - 1]!;
    if (chars[i] === chars[k]) k++;
    failure[i] = k;
  }
  return { chars, failure };
}

/** [prefix, middle…, suffix] around the `*` runs; with no `*` at all, a single piece that must equal the value. */
function piecesBetweenRuns(kinds: number[], chars: string[]): Piece[] {
  const pieces: Piece[] = [];
  let current: string[] = [];
  kinds.forEach((kind, i) => {
    if (kind === ANY_RUN) {
      pieces.push(pieceOf(current));
      current = [];
    } else {
      current.push(chars[i]!);
    }
  });
  pieces.push(pieceOf(current));
  return pieces;
}

function occursAt(piece: Piece, text: Text, at: number): boolean {
  for (let j = 0; j < piece.chars.length; j++) if (text[at + j] !== piece.chars[j]) return false;
  return true;
}

/** The first index ≥ from where piece occurs wholly before `end`, or -1. */
function find(piece: Piece, text: Text, from: number, end: number): number {
  const { chars, failure } = piece;
  const m = chars.length;
  if (m === 0) return from;
  for (let i = from, k = 0; i < end; i++) {
    while (k > 0 && text[i] !== chars[k]) k = failure[k - 1]!;
    if (text[i] === chars[k]) k++;
    if (k === m) return i - m + 1;
  }
  return -1;
}

function segmentsMatch(pieces: Piece[], text: Text): boolean {
  const first = pieces[0]!;
  if (pieces.length === 1) return text.length === first.chars.length && occursAt(first, text, 0);
  const last = pieces[pieces.length - 1]!;
  const end = text.length - last.chars.length;
  if (end < first.chars.length || !occursAt(first, text, 0) || !occursAt(last, text, end)) return false;
  let at = first.chars.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = find(pieces[i]!, text, at, end);
    if (found < 0) return false;
    at = found + pieces[i]!.chars.length;
  }
  return true;
}

// ---- Bit-parallel NFA: state j means "the first j tokens matched" ----

interface Nfa {
  /** Number of tokens; states are 0..size. */
  size: number;
  words: number;
  /** Tokens that consume the character and advance: per literal character, and for any other character. */
  advanceOn: Map<string, Uint32Array>;
  advanceOther: Uint32Array;
  advanceColon: Uint32Array;
  /** Stars that stay on the character: any character but ':', and ':'. */
  stayOther: Uint32Array;
  stayColon: Uint32Array;
  stars: Uint32Array;
  /** Tokens that consume exactly one character: no shorter value can match. */
  minLength: number;
  /** The last token is a `*` that may cross a colon. */
  endsInFreeRun: boolean;
}

/** Consecutive `*` become one; it may cross a colon if any of them may. */
function collapseRuns(kinds: number[], chars: string[]): { kinds: number[]; chars: string[] } {
  const outKinds: number[] = [];
  const outChars: string[] = [];
  kinds.forEach((kind, i) => {
    const previous = outKinds[outKinds.length - 1];
    const isRun = kind === ANY_RUN || kind === RUN_IN_SEGMENT;
    if (isRun && (previous === ANY_RUN || previous === RUN_IN_SEGMENT)) {
      if (kind === ANY_RUN) outKinds[outKinds.length - 1] = ANY_RUN;
      return;
    }
    outKinds.push(kind);
    outChars.push(chars[i]!);
  });
  return { kinds: outKinds, chars: outChars };
}

function compileNfa(rawKinds: number[], rawChars: string[]): Nfa {
  const { kinds, chars } = collapseRuns(rawKinds, rawChars);
  const size = kinds.length;
  const words = (size >>> 5) + 1;
  const mask = () => new Uint32Array(words);
  const set = (bits: Uint32Array, j: number) => (bits[j >>> 5]! |= 1 << (j & 31));
  const anyOne = mask();
  const oneInSegment = mask();
  const stayOther = mask();
  const stayColon = mask();
  const stars = mask();
  const literals = new Map<string, Uint32Array>();
  kinds.forEach((kind, j) => {
    if (kind === LITERAL) {
      let bits = literals.get(chars[j]!);
      if (!bits) literals.set(chars[j]!, (bits = mask()));
      set(bits, j);
    } else if (kind === ANY_ONE) set(anyOne, j);
    else if (kind === ONE_IN_SEGMENT) set(oneInSegment, j);
    else {
      set(stars, j);
      set(stayOther, j);
      if (kind === ANY_RUN) set(stayColon, j);
    }
  });
  const union = (...masks: Uint32Array[]) => {
    const out = mask();
    for (const m of masks) for (let w = 0; w < words; w++) out[w]! |= m[w]!;
    return out;
  };
  const advanceOther = union(anyOne, oneInSegment);
  const advanceColon = union(anyOne, literals.get(':') ?? mask());
  const advanceOn = new Map<string, Uint32Array>();
  for (const [ch, bits] of literals) advanceOn.set(ch, ch === ':' ? advanceColon : union(bits, advanceOther));
  const minLength = kinds.filter((kind) => kind !== ANY_RUN && kind !== RUN_IN_SEGMENT).length;
  const endsInFreeRun = kinds[size - 1] === ANY_RUN;
  return { size, words, advanceOn, advanceOther, advanceColon, stayOther, stayColon, stars, minLength, endsInFreeRun };
}

/** out = (bits << 1) | out, across words. */
function orShiftedLeft(bits: Uint32Array, out: Uint32Array, words: number): void {
  let carry = 0;
  for (let w = 0; w < words; w++) {
    const word = bits[w]!;
    out[w]! |= (word << 1) | carry;
    carry = word >>> 31;
  }
}

function nfaMatch(nfa: Nfa, text: Text): boolean {
  const { words, stars, size } = nfa;
  if (text.length < nfa.minLength) return false;
  const lastWord = size >>> 5;
  const lastBit = 1 << (size & 31);
  let current = new Uint32Array(words);
  let next = new Uint32Array(words);
  current[0] = 1;
  closeOverStars(current, stars, next, words);
  next.fill(0);
  // States only move forward, at most two per character (over the character, then past a `*`): words above `high`
  // are still all clear, and `high` moves up a word once a state nears its top.
  let high = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const advance = nfa.advanceOn.get(c) ?? (c === ':' ? nfa.advanceColon : nfa.advanceOther);
    const stay = c === ':' ? nfa.stayColon : nfa.stayOther;
    if (high < lastWord && current[high]! >>> 30 !== 0) high++;
    let alive = 0;
    let moveCarry = 0;
    let starCarry = 0;
    // One pass per character: stay on a `*`, advance over the character, then step past any `*` just reached
    // (runs were collapsed, so the state after a `*` is never a `*` itself).
    for (let w = 0; w <= high; w++) {
      const states = current[w]!;
      const moving = states & advance[w]!;
      let after = (states & stay[w]!) | (moving << 1) | moveCarry;
      moveCarry = moving >>> 31;
      const onStar = after & stars[w]!;
      after |= (onStar << 1) | starCarry;
      starCarry = onStar >>> 31;
      next[w] = after;
      alive |= after;
    }
    if (alive === 0) return false;
    [current, next] = [next, current];
    // A pattern ending in a free `*` has matched once its last state is reached: the run takes the rest.
    if (nfa.endsInFreeRun && (current[lastWord]! & lastBit) !== 0) return true;
  }
  return (current[lastWord]! & lastBit) !== 0;
}

/** A state on a `*` also stands after it (the run may be empty); runs were collapsed, so one step suffices. */
function closeOverStars(states: Uint32Array, stars: Uint32Array, scratch: Uint32Array, words: number): void {
  for (let w = 0; w < words; w++) scratch[w] = states[w]! & stars[w]!;
  orShiftedLeft(scratch, states, words);
}
