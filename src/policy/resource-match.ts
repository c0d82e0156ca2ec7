// The Resource element: wildcards stay inside one colon-separated segment of the ARN, except that a `*` ending a
// segment may run on past its colons (IAM User Guide, "IAM JSON policy elements: Resource").
import type { VariableLookup } from './context-types';
import { piecesKey, resolveToPieces, type Template } from './variables';
import type { PatternPiece } from './wildcard';

const SPECIALS = /[.+^${}()|[\]\\/*?]/g;

function escape(text: string): string {
  return text.replace(SPECIALS, '\\$&');
}

/** Regular expression source for a resource pattern. */
export function resourceRegExpSource(pieces: PatternPiece[]): string {
  let source = '^';
  let segment = 0;
  pieces.forEach((piece, i) => {
    if ('literal' in piece) {
      for (const ch of piece.literal) {
        if (ch === ':' && segment < 5) segment++;
        source += escape(ch);
      }
      return;
    }
    const next = pieces[i + 1];
    const endsSegment = next === undefined || ('literal' in next && next.literal.startsWith(':'));
    const free = segment >= 5 || (piece.wildcard === '*' && endsSegment);
    if (piece.wildcard === '*') source += free ? '[\\s\\S]*' : '[^:]*';
    else source += segment >= 5 ? '[\\s\\S]' : '[^:]';
  });
  return source + '$';
}

const cache = new Map<string, RegExp>();

function regexOf(pieces: PatternPiece[]): RegExp {
  const key = piecesKey(pieces);
  let regex = cache.get(key);
  if (!regex) {
    regex = new RegExp(resourceRegExpSource(pieces), 'u');
    if (cache.size > 4096) cache.clear();
    cache.set(key, regex);
  }
  return regex;
}

export function resourceMatcher(template: Template): (value: string, lookup: VariableLookup) => boolean {
  if (!template.hasVariables) {
    if (template.source === '*') return () => true;
    if (!/[*?]/.test(template.source)) return (value) => value === template.source;
    const regex = regexOf(resolveToPieces(template, () => undefined));
    return (value) => regex.test(value);
  }
  return (value, lookup) => regexOf(resolveToPieces(template, lookup)).test(value);
}
