// Compares what the sandbox answered with what real AWS answered, after the recordings' normalisation:
// placeholders such as <key-id:1>, <uuid:2>, <partition> or <region> stand for any value, "datetime" for any
// timestamp, "ciphertext-blob" / "plaintext" for any bytes, and ResponseMetadata keeps only the HTTP status.
// Everything else must be equal: the same keys (none missing, none extra), types, values, codes and messages.

const ANY_DATETIME = new Set(['datetime', '<datetime>']);
const ANY_BYTES = new Set(['ciphertext-blob', 'plaintext']);
const PLACEHOLDER = /<[^<>]+>/g;

/** What the replay script writes for a timestamp and for bytes (see scenarios/common.py). */
const DATETIME_PREFIX = 'datetime:';
const BYTES = /^b['"]/;

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternOf(recorded) {
  const parts = recorded.split(PLACEHOLDER).map(escapeRegExp);
  return new RegExp(`^${parts.join('[\\s\\S]*?')}$`);
}

function stringMatches(recorded, actual) {
  if (typeof actual !== 'string') return false;
  if (ANY_DATETIME.has(recorded)) return actual.startsWith(DATETIME_PREFIX);
  if (ANY_BYTES.has(recorded)) return BYTES.test(actual);
  if (actual.startsWith(DATETIME_PREFIX)) return false;
  if (!recorded.includes('<')) return recorded === actual;
  return patternOf(recorded).test(actual);
}

/** The response metadata the recordings keep: the HTTP status alone. */
function trimMetadata(value) {
  if (value && typeof value === 'object' && !Array.isArray(value) && value.ResponseMetadata) {
    return { ...value, ResponseMetadata: { HTTPHeaders: {}, HTTPStatusCode: value.ResponseMetadata.HTTPStatusCode } };
  }
  return value;
}

/**
 * Differences between a recorded answer and the sandbox's, as "path: what" lines; empty when they match.
 */
export function differences(recorded, actual, path = '$') {
  actual = trimMetadata(actual);
  if (typeof recorded === 'string') {
    return stringMatches(recorded, actual) ? [] : [`${path}: expected ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`];
  }
  if (recorded === null || typeof recorded !== 'object') {
    return recorded === actual ? [] : [`${path}: expected ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(recorded)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${JSON.stringify(actual)}`];
    if (recorded.length !== actual.length) return [`${path}: expected ${recorded.length} entries, got ${actual.length}: ${JSON.stringify(actual).slice(0, 300)}`];
    return recorded.flatMap((entry, index) => differences(entry, actual[index], `${path}[${index}]`));
  }
  if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
  const found = [];
  const unmatched = new Set(Object.keys(actual));
  for (const [key, value] of Object.entries(recorded)) {
    let actualKey = Object.hasOwn(actual, key) ? key : undefined;
    if (actualKey === undefined && key.includes('<')) actualKey = [...unmatched].find((candidate) => stringMatches(key, candidate));
    if (actualKey === undefined) {
      found.push(`${path}.${key}: missing (expected ${JSON.stringify(value).slice(0, 200)})`);
      continue;
    }
    unmatched.delete(actualKey);
    found.push(...differences(value, actual[actualKey], `${path}.${key}`));
  }
  for (const key of unmatched) found.push(`${path}.${key}: extra (${JSON.stringify(actual[key]).slice(0, 200)})`);
  return found;
}
