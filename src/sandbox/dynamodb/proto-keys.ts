// dynalite's type checks build the cleaned request with `{}` and assignment, so a member named `__proto__` (an
// attribute name like any other to DynamoDB) would become the object's prototype instead of a member. Around those
// checks, such names travel under a stand-in and come back as own members.
const STAND_IN = '\u0000__proto__\u0000';

type Json = unknown;

function renamed(value: Record<string, Json>, from: string, to: string, walk: (v: Json) => Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key === from ? to : key, { value: walk(value[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function mapper(from: string, to: string): (value: Json) => Json {
  const walk = (value: Json): Json => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = walk(value[i]);
      return value;
    }
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, Json>;
    if (Object.hasOwn(record, from)) return renamed(record, from, to, walk);
    for (const key of Object.keys(record)) record[key] = walk(record[key]);
    return record;
  };
  return walk;
}

/** The request with every member named `__proto__` renamed to the stand-in (same order, in place where possible). */
export const hideProtoKeys = mapper('__proto__', STAND_IN);
/** The cleaned request with the stand-in renamed back to `__proto__`, an own member. */
export const restoreProtoKeys = mapper(STAND_IN, '__proto__');

export function restoreProtoText(text: string): string {
  return text.includes(STAND_IN) ? text.split(STAND_IN).join('__proto__') : text;
}
