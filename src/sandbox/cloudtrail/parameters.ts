// requestParameters and responseElements as CloudTrail writes them: the call's members in camelCase, never
// plaintext, ciphertext, item values, secret keys, session tokens or passwords.

/** CloudTrail's limit on requestParameters (100 KB). */
const MAX_PARAMETERS_CHARS = 100 * 1024;

/** Member names (in lower case) whose values never enter an event. */
const WITHHELD = new Set([
  'plaintext',
  'ciphertextblob',
  'ciphertextforrecipient',
  'sourceciphertextblob',
  'secretaccesskey',
  'sessiontoken',
  'password',
  'newpassword',
  'oldpassword',
  'tokencode',
  'granttoken',
  'granttokens',
  'privatekeyplaintext',
  'privatekeyciphertextblob',
  'keymaterial',
  'encryptedkeymaterial',
  'importtoken',
  'item',
  'items',
  'key',
  'keys',
  'expressionattributevalues',
  'exclusivestartkey',
  'lastevaluatedkey',
  'parameters',
  'statement',
  'samlassertion',
  'webidentitytoken',
]);

/** Members named "Key" are tag keys in KMS, IAM and STS; only DynamoDB's "Key" holds values. */
const WITHHELD_OUTSIDE_DYNAMODB = new Set(['key', 'keys']);

function camel(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

function withheld(name: string, dynamodb: boolean): boolean {
  const lower = name.toLowerCase();
  return WITHHELD.has(lower) && (dynamodb || !WITHHELD_OUTSIDE_DYNAMODB.has(lower));
}

function clean(value: unknown, dynamodb: boolean, depth: number): unknown {
  if (depth > 12) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) return value.map((entry) => clean(entry, dynamodb, depth + 1)).filter((entry) => entry !== undefined);
  if (typeof value !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    if (withheld(name, dynamodb)) continue;
    const cleaned = clean(member, dynamodb, depth + 1);
    // defineProperty: a member named `__proto__` stays a member.
    if (cleaned !== undefined) Object.defineProperty(out, camel(name), { value: cleaned, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A JSON service's input or output, cleaned; null when nothing is left. */
export function cleanMembers(members: unknown, options: { dynamodb?: boolean } = {}): Record<string, unknown> | null {
  const cleaned = clean(members, options.dynamodb ?? false, 0);
  if (!cleaned || typeof cleaned !== 'object' || Array.isArray(cleaned) || Object.keys(cleaned).length === 0) return null;
  return cleaned as Record<string, unknown>;
}

/**
 * awsQuery parameters (Tags.member.1.Key=…) as the nested members they stand for ({tags: [{key: …}]}), cleaned.
 * Action and Version are the call itself, not its parameters.
 */
export function queryMembers(params: Record<string, string>): Record<string, unknown> | null {
  // CloudTrail keeps at most 100 KB of requestParameters; a larger request is not worth building (it is dropped).
  let size = 0;
  for (const name of Object.keys(params)) {
    size += name.length + params[name]!.length;
    if (size > MAX_PARAMETERS_CHARS) return null;
  }
  // Parameter names are any text: `__proto__.x` must build a member, never reach Object.prototype.
  const root: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(params)) {
    if (name === 'Action' || name === 'Version') continue;
    const path = name.split('.').filter((part) => part !== 'member' && part !== 'entry');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const slot: string | number = Array.isArray(node) ? Number(part) - 1 : part;
      if (Array.isArray(node) && (!Number.isInteger(slot) || (slot as number) < 0 || (slot as number) > 1000)) break;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else {
        container[slot] ??= nextIsIndex ? [] : Object.create(null);
        node = container[slot] as Record<string, unknown> | unknown[];
        if (typeof node !== 'object' || node === null) break;
      }
    }
  }
  return cleanMembers(root);
}
