// Waits between retries of what AWS has not settled yet (a new access key, a policy change, a table being created):
// growing, capped, and jittered so that retries do not fall in step.

/** `ms` give or take a quarter, so that retries do not fall in step (backoff with jitter). */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (0.75 + random() * 0.5));
}

/** The pause before retry `attempt` (1-based): `firstMs` doubled each time up to `maxMs`, with jitter. */
export function backoffMs(attempt: number, firstMs: number, maxMs: number, random: () => number = Math.random): number {
  return jittered(Math.min(firstMs * 2 ** Math.max(0, attempt - 1), maxMs), random);
}
