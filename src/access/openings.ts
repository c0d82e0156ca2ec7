// Whether something opens in every request context, in none, or in some: then which request-dependent keys it truly
// depends on (changing that key alone changes the answer in some context), and the contexts that open it in words.
import { assignmentOf, contextCount, type RequestSpace } from './request-space';

export interface Opening {
  verdict: 'allowed' | 'denied' | 'conditional';
  /** The keys the answer depends on (empty unless conditional). */
  keys: string[];
  /** "only from 10.0.0.0/8 and with MFA" (conditional only). */
  text?: string;
}

const ALLOWED: Opening = Object.freeze({ verdict: 'allowed', keys: Object.freeze([]) as unknown as string[] });
const DENIED: Opening = Object.freeze({ verdict: 'denied', keys: Object.freeze([]) as unknown as string[] });

/** Terms of a disjunction written out before "…". */
const TERMS_SHOWN = 4;

/**
 * `open[n]` says whether context number n (see assignmentOf) opens; undefined for a context AWS never sends.
 * A single context (no request-dependent key) is allowed or denied.
 */
export function openingOf(space: RequestSpace, open: readonly (boolean | undefined)[]): Opening {
  let any = false;
  let all = true;
  for (const o of open) {
    if (o === undefined) continue;
    if (o) any = true;
    else all = false;
  }
  if (all && any) return ALLOWED;
  if (!any) return DENIED;
  // Rows of one space often open in the same contexts: their words are found once.
  let bySpace = memo.get(space);
  if (!bySpace) memo.set(space, (bySpace = new Map()));
  let pattern = '';
  for (const o of open) pattern += o === undefined ? '-' : o ? '1' : '0';
  let found = bySpace.get(pattern);
  if (!found) {
    found = Object.freeze(conditional(space, open));
    if (bySpace.size > 1024) bySpace.clear();
    bySpace.set(pattern, found);
  }
  return found;
}

const memo = new WeakMap<RequestSpace, Map<string, Opening>>();

function conditional(space: RequestSpace, open: readonly (boolean | undefined)[]): Opening {
  const count = contextCount(space);
  const relevant = space.map((_, i) => i).filter((i) => dependsOn(space, open, i, count));
  const allowed = new Map<string, number[]>();
  for (let n = 0; n < count; n++) {
    if (!open[n]) continue;
    const assignment = assignmentOf(space, n);
    const projected = relevant.map((i) => assignment[i]);
    allowed.set(projected.join(','), projected);
  }
  const terms = [...allowed.values()];
  return { verdict: 'conditional', keys: Object.freeze(relevant.map((i) => space[i].key)) as string[], text: `only ${wordsOf(space, relevant, terms)}` };
}

/** Some two possible contexts that differ only in key i differ in whether they open. */
function dependsOn(space: RequestSpace, open: readonly (boolean | undefined)[], i: number, count: number): boolean {
  let stride = 1;
  for (let j = space.length - 1; j > i; j--) stride *= space[j].classes.length;
  const size = space[i].classes.length;
  for (let n = 0; n < count; n++) {
    const own = Math.floor(n / stride) % size;
    if (own !== 0 || open[n] === undefined) continue;
    for (let c = 1; c < size; c++) {
      const other = open[n + c * stride];
      if (other !== undefined && other !== open[n]) return true;
    }
  }
  return false;
}

function wordsOf(space: RequestSpace, relevant: number[], terms: number[][]): string {
  const perKey = relevant.map((_, k) => [...new Set(terms.map((t) => t[k]))]);
  const productSize = perKey.reduce((size, classes) => size * classes.length, 1);
  if (productSize === terms.length) {
    return perKey.map((classes, k) => space[relevant[k]].describe(classes)).join(' and ');
  }
  const written = terms.slice(0, TERMS_SHOWN).map((t) => t.map((c, k) => space[relevant[k]].describe([c])).join(' and '));
  return `${written.join('; or ')}${terms.length > TERMS_SHOWN ? '; or …' : ''}`;
}
