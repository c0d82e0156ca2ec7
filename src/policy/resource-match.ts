// The Resource element: wildcards stay inside one colon-separated segment of the ARN, except that a `*` ending a
// segment may run on past its colons (IAM User Guide, "IAM JSON policy elements: Resource").
import type { VariableLookup } from './context-types';
import { piecesKey, resolveToPieces, type Template } from './variables';
import type { PatternPiece } from './wildcard';
import { ANY_ONE, ANY_RUN, glob, globMatch, LITERAL, ONE_IN_SEGMENT, RUN_IN_SEGMENT, type Glob } from './glob';

/** The glob of a resource pattern: wildcards in the first five segments stay in their segment unless a `*` ends it. */
export function resourceGlob(pieces: PatternPiece[]): Glob {
  const kinds: number[] = [];
  const chars: string[] = [];
  let segment = 0;
  pieces.forEach((piece, i) => {
    if ('literal' in piece) {
      for (const ch of piece.literal) {
        if (ch === ':' && segment < 5) segment++;
        kinds.push(LITERAL);
        chars.push(ch);
      }
      return;
    }
    const next = pieces[i + 1];
    const endsSegment = next === undefined || ('literal' in next && next.literal.startsWith(':'));
    const free = segment >= 5 || (piece.wildcard === '*' && endsSegment);
    kinds.push(piece.wildcard === '*' ? (free ? ANY_RUN : RUN_IN_SEGMENT) : segment >= 5 ? ANY_ONE : ONE_IN_SEGMENT);
    chars.push('');
  });
  return glob(kinds, chars);
}

const cache = new Map<string, Glob>();

function globOf(pieces: PatternPiece[]): Glob {
  const key = piecesKey(pieces);
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = resourceGlob(pieces);
    if (cache.size > 4096) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

export function resourceMatcher(template: Template): (value: string, lookup: VariableLookup) => boolean {
  if (!template.hasVariables) {
    if (template.source === '*') return () => true;
    if (!/[*?]/.test(template.source)) return (value) => value === template.source;
    const compiled = globOf(resolveToPieces(template, () => undefined));
    return (value) => globMatch(compiled, value);
  }
  return (value, lookup) => globMatch(globOf(resolveToPieces(template, lookup)), value);
}
