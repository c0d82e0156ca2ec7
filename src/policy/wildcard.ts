// Wildcard matching as IAM does it: `*` is any run of characters (including none), `?` is exactly one character.
import { ANY_ONE, ANY_RUN, glob, globMatch, LITERAL, type Glob } from './glob';

export type Matcher = (value: string) => boolean;

/** Pieces of a pattern: literal text, or a wildcard. Policy variables such as ${*} produce literal '*' pieces. */
export type PatternPiece = { literal: string } | { wildcard: '*' | '?' };

export function piecesOf(pattern: string): PatternPiece[] {
  const pieces: PatternPiece[] = [];
  let literal = '';
  for (const ch of pattern) {
    if (ch === '*' || ch === '?') {
      if (literal) pieces.push({ literal });
      literal = '';
      pieces.push({ wildcard: ch });
    } else {
      literal += ch;
    }
  }
  if (literal) pieces.push({ literal });
  return pieces;
}

function globOf(pieces: PatternPiece[], ignoreCase: boolean): Glob {
  const kinds: number[] = [];
  const chars: string[] = [];
  for (const piece of pieces) {
    if ('wildcard' in piece) {
      kinds.push(piece.wildcard === '*' ? ANY_RUN : ANY_ONE);
      chars.push('');
      continue;
    }
    for (const ch of ignoreCase ? piece.literal.toLowerCase() : piece.literal) {
      kinds.push(LITERAL);
      chars.push(ch);
    }
  }
  return glob(kinds, chars);
}

function hasWildcard(pieces: PatternPiece[]): boolean {
  return pieces.some((p) => 'wildcard' in p);
}

/** Matcher for a list of pieces; fast paths for exact text, `*`, and `prefix*`. */
export function matcherOfPieces(pieces: PatternPiece[], ignoreCase: boolean): Matcher {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (!hasWildcard(pieces)) {
    const exact = fold(pieces.map((p) => ('literal' in p ? p.literal : '')).join(''));
    return (value) => fold(value) === exact;
  }
  if (pieces.length === 1 && 'wildcard' in pieces[0] && pieces[0].wildcard === '*') return () => true;
  const last = pieces[pieces.length - 1];
  if (pieces.length === 2 && 'literal' in pieces[0] && 'wildcard' in last && last.wildcard === '*') {
    const prefix = fold(pieces[0].literal);
    return (value) => fold(value).startsWith(prefix);
  }
  const pattern = globOf(pieces, ignoreCase);
  return (value) => globMatch(pattern, fold(value));
}

const matcherCache = new Map<string, Matcher>();
const MATCHER_CACHE_LIMIT = 4096;

/** Cached matcher for a plain wildcard pattern (no policy variables). */
export function wildcardMatcher(pattern: string, ignoreCase = false): Matcher {
  const key = (ignoreCase ? 'i:' : 's:') + pattern;
  let matcher = matcherCache.get(key);
  if (!matcher) {
    matcher = matcherOfPieces(piecesOf(pattern), ignoreCase);
    if (matcherCache.size >= MATCHER_CACHE_LIMIT) matcherCache.clear();
    matcherCache.set(key, matcher);
  }
  return matcher;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return wildcardMatcher(pattern, ignoreCase)(value);
}
