// What makes two transactions with the same ClientRequestToken "the same request": their members, whatever the
// order of the keys in their maps (an item's attributes, the request's own members). Lists keep their order.
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = canonical((value as Record<string, unknown>)[key]);
  return sorted;
}

export function requestHash(input: Record<string, unknown>): string {
  const { ClientRequestToken: _token, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex');
}
