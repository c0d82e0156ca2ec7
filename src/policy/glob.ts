// Wildcard matching without regular expressions, so that a hostile pattern cannot make matching slow:
// the common case runs the classic two-pointer glob match, and patterns whose wildcards must not cross a colon
// run a small NFA. Both take at most O(pattern × value) steps.

export const LITERAL = 0;
export const ANY_ONE = 1;
/** `?` that does not match ':' (inside the first five segments of an ARN). */
export const ONE_IN_SEGMENT = 2;
export const ANY_RUN = 3;
/** `*` that does not cross ':' (inside the first five segments of an ARN). */
export const RUN_IN_SEGMENT = 4;

export interface Glob {
  kinds: number[];
  /** The character of each LITERAL token (a whole code point). */
  chars: string[];
  /** True when some wildcard must stay inside an ARN segment. */
  segmentBound: boolean;
}

export function glob(kinds: number[], chars: string[]): Glob {
  return { kinds, chars, segmentBound: kinds.some((k) => k === ONE_IN_SEGMENT || k === RUN_IN_SEGMENT) };
}

const SURROGATE = /[\uD800-\uDFFF]/;

function charsOf(value: string): string | string[] {
  return SURROGATE.test(value) ? Array.from(value) : value;
}

export function globMatch(pattern: Glob, value: string): boolean {
  const text = charsOf(value);
  return pattern.segmentBound ? nfaMatch(pattern, text) : twoPointerMatch(pattern, text);
}

function twoPointerMatch({ kinds, chars }: Glob, text: string | string[]): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < text.length) {
    if (j < kinds.length && (kinds[j] === ANY_ONE || (kinds[j] === LITERAL && chars[j] === text[i]))) {
      i++;
      j++;
    } else if (j < kinds.length && kinds[j] === ANY_RUN) {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < kinds.length && kinds[j] === ANY_RUN) j++;
  return j === kinds.length;
}

function closeOverRuns(kinds: number[], states: Uint8Array): void {
  for (let j = 0; j < kinds.length; j++) if (states[j] && (kinds[j] === ANY_RUN || kinds[j] === RUN_IN_SEGMENT)) states[j + 1] = 1;
}

function nfaMatch({ kinds, chars }: Glob, text: string | string[]): boolean {
  const m = kinds.length;
  let current = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  current[0] = 1;
  closeOverRuns(kinds, current);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    next.fill(0);
    let alive = false;
    for (let j = 0; j < m; j++) {
      if (!current[j]) continue;
      const kind = kinds[j];
      if ((kind === LITERAL && chars[j] === c) || kind === ANY_ONE || (kind === ONE_IN_SEGMENT && c !== ':')) {
        next[j + 1] = 1;
        alive = true;
      } else if (kind === ANY_RUN || (kind === RUN_IN_SEGMENT && c !== ':')) {
        next[j] = 1;
        alive = true;
      }
    }
    if (!alive) return false;
    closeOverRuns(kinds, next);
    [current, next] = [next, current];
  }
  return current[m] === 1;
}
