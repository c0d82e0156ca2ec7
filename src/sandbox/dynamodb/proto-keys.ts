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

/**
 * Copy-on-write: the value itself when nothing in it is renamed, else a copy (the request is never changed). A value
 * met again on its own path (a cycle, which only a caller in this process can build) is left as it is.
 */
function mapper(from: string, to: string): (value: Json) => Json {
  return (root) => {
    const onPath = new Set<object>();
    const walk = (value: Json): Json => {
      if (value === null || typeof value !== 'object' || onPath.has(value)) return value;
      onPath.add(value);
      try {
        if (Array.isArray(value)) {
          let copy: Json[] | undefined;
          value.forEach((item, i) => {
            const walked = walk(item);
            if (walked !== item) (copy ??= value.slice())[i] = walked;
          });
          return copy ?? value;
        }
        const record = value as Record<string, Json>;
        if (Object.hasOwn(record, from)) return renamed(record, from, to, walk);
        for (const key of Object.keys(record)) if (walk(record[key]) !== record[key]) return renamed(record, from, to, walk);
        return record;
      } finally {
        onPath.delete(value);
      }
    };
    return walk(root);
  };
}

/** The request with every member named `__proto__` renamed to the stand-in (same order). */
export const hideProtoKeys = mapper('__proto__', STAND_IN);
/** The cleaned request with the stand-in renamed back to `__proto__`, an own member. */
export const restoreProtoKeys = mapper(STAND_IN, '__proto__');

export function restoreProtoText(text: string): string {
  return text.includes(STAND_IN) ? text.split(STAND_IN).join('__proto__') : text;
}

// dynalite's batch actions also collect their requests and answers in plain objects keyed by table name, where a table
// named `__proto__` would set a prototype and vanish. Such a batch runs with the stand-in as that table's name, on a
// store that reads the stand-in as `__proto__`, and its answer is keyed by the real name again.
const BATCHES = new Set(['BatchGetItem', 'BatchWriteItem']);
const TABLE_NAMED_STORE_CALLS = new Set(['getTable', 'getItemDb']);

export function hasProtoTable(operation: string, data: Record<string, any>): boolean {
  return BATCHES.has(operation) && data.RequestItems != null && Object.hasOwn(data.RequestItems, '__proto__');
}

export function hideProtoTable(data: Record<string, any>): Record<string, any> {
  return { ...data, RequestItems: renamed(data.RequestItems, '__proto__', STAND_IN, (v) => v) };
}

export function protoTableStore<S extends object>(store: S): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const member: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !TABLE_NAMED_STORE_CALLS.has(property)) return member;
      return (name: unknown, ...rest: unknown[]) => (member as (...args: unknown[]) => unknown).call(target, name === STAND_IN ? '__proto__' : name, ...rest);
    },
  });
}

export function restoreProtoTable(result: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...result };
  for (const member of ['Responses', 'UnprocessedKeys', 'UnprocessedItems']) {
    if (out[member]) out[member] = renamed(out[member], STAND_IN, '__proto__', (v) => v);
  }
  if (Array.isArray(out.ConsumedCapacity)) {
    out.ConsumedCapacity = out.ConsumedCapacity.map((c: { TableName?: string }) => (c.TableName === STAND_IN ? { ...c, TableName: '__proto__' } : c));
  }
  return out;
}
