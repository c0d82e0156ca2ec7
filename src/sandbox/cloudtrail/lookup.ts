// LookupEvents over the stored events: one lookup attribute at most, a time range, pages of up to 50, newest first.
import { createHash } from 'node:crypto';
import { cloudTrailError } from './errors';
import type { EventStore, StoredEvent } from './store';

export const LOOKUP_ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

const MAX_RESULTS = 50;
/** The API reference's limit; '_', ' ', ',' and '\n' count twice. */
const MAX_VALUE_LENGTH = 2000;

export interface LookupEventsOutput {
  Events: {
    EventId: string;
    EventName: string;
    ReadOnly: string;
    AccessKeyId: string;
    /** Seconds since the epoch, as the JSON protocol carries timestamps. */
    EventTime: number;
    EventSource: string;
    Username?: string;
    Resources: { ResourceType: string; ResourceName: string }[];
    CloudTrailEvent: string;
  }[];
  NextToken?: string;
}

interface Filter {
  key: LookupAttributeKey;
  value: string;
}

function valueLength(value: string): number {
  return value.length + (value.match(/[_ ,\n]/g)?.length ?? 0);
}

function filterOf(input: Record<string, unknown>): Filter | undefined {
  const attributes = input['LookupAttributes'];
  if (attributes === undefined || attributes === null) return undefined;
  if (!Array.isArray(attributes)) throw cloudTrailError.serialization('LookupAttributes must be a list');
  if (attributes.length === 0) return undefined;
  if (attributes.length > 1) throw cloudTrailError.invalidLookupAttributes('You cannot specify more than one lookup attribute.');
  const attribute = attributes[0] as Record<string, unknown> | null;
  const key = attribute?.['AttributeKey'];
  const value = attribute?.['AttributeValue'];
  if (typeof key !== 'string' || !(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    throw cloudTrailError.invalidLookupAttributes(`AttributeKey ${JSON.stringify(key ?? null)} is not valid; use one of ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}.`);
  }
  if (typeof value !== 'string' || value === '') throw cloudTrailError.invalidLookupAttributes(`AttributeValue for ${key} is required.`);
  if (valueLength(value) > MAX_VALUE_LENGTH) throw cloudTrailError.invalidLookupAttributes(`AttributeValue for ${key} is longer than ${MAX_VALUE_LENGTH} characters.`);
  return { key: key as LookupAttributeKey, value };
}

function matches(event: StoredEvent, filter: Filter | undefined): boolean {
  if (!filter) return true;
  const { value } = filter;
  switch (filter.key) {
    case 'EventId':
      return event.id === value;
    case 'EventName':
      return event.name === value;
    case 'ReadOnly':
      return event.readOnly === value;
    case 'Username':
      return event.username === value;
    case 'ResourceType':
      return event.resources.some((resource) => resource.type === value);
    case 'ResourceName':
      return event.resources.some((resource) => resource.names.includes(value));
    case 'EventSource':
      return event.source === value;
    case 'AccessKeyId':
      return event.accessKeyId === value;
  }
}

/** Epoch seconds (what SDKs send) as ms; absent stays undefined. */
function timeOf(input: Record<string, unknown>, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw cloudTrailError.serialization(`${name} must be a timestamp`);
  return value * 1000;
}

function maxResultsOf(input: Record<string, unknown>): number {
  const value = input['MaxResults'];
  if (value === undefined || value === null) return MAX_RESULTS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RESULTS) throw cloudTrailError.invalidMaxResults(value);
  return value;
}

interface Token {
  /** The event the next page starts with. */
  id: string;
  time: number;
  fingerprint: string;
}

function encodeToken(token: Token): string {
  return Buffer.from(JSON.stringify({ v: 1, i: token.id, t: token.time, f: token.fingerprint })).toString('base64url');
}

function decodeToken(text: unknown, fingerprint: string): Token {
  if (typeof text !== 'string' || text === '') throw cloudTrailError.invalidNextToken();
  let parsed: { v?: unknown; i?: unknown; t?: unknown; f?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw cloudTrailError.invalidNextToken();
  }
  if (parsed?.v !== 1 || typeof parsed.i !== 'string' || typeof parsed.t !== 'number' || parsed.f !== fingerprint) throw cloudTrailError.invalidNextToken();
  return { id: parsed.i, time: parsed.t, fingerprint };
}

/** Index of the last event whose time is ≤ time (-1 when none). */
function lastAtOrBefore(store: EventStore, time: number): number {
  let low = 0;
  let high = store.size - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (store.at(middle).time <= time) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** Where a page starts, scanning towards older events: the token's event, or the newest at or before EndTime. */
function startIndex(store: EventStore, token: Token | undefined, end: number | undefined): number {
  if (!token) return end === undefined ? store.size - 1 : lastAtOrBefore(store, end);
  let index = lastAtOrBefore(store, token.time);
  for (let i = index; i >= 0 && store.at(i).time === token.time; i--) {
    if (store.at(i).id === token.id) return i;
  }
  // The token's event has been dropped since: go on with what is older than it.
  while (index >= 0 && store.at(index).time >= token.time) index--;
  return index;
}

export function lookupEvents(store: EventStore, input: Record<string, unknown>): LookupEventsOutput {
  const filter = filterOf(input);
  const start = timeOf(input, 'StartTime');
  const end = timeOf(input, 'EndTime');
  if (start !== undefined && end !== undefined && start > end) throw cloudTrailError.invalidTimeRange();
  const maxResults = maxResultsOf(input);
  const category = input['EventCategory'];
  if (category !== undefined && category !== null && category !== 'insight') throw cloudTrailError.invalidEventCategory(category);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([filter ?? null, start ?? null, end ?? null, category ?? null]))
    .digest('base64url')
    .slice(0, 16);
  const token = input['NextToken'] === undefined || input['NextToken'] === null ? undefined : decodeToken(input['NextToken'], fingerprint);
  // No trail here has Insights: an Insights lookup finds nothing.
  if (category === 'insight') return { Events: [] };

  const page: StoredEvent[] = [];
  let next: StoredEvent | undefined;
  for (let i = startIndex(store, token, end); i >= 0; i--) {
    const event = store.at(i);
    if (start !== undefined && event.time < start) break;
    if (end !== undefined && event.time > end) continue;
    if (!matches(event, filter)) continue;
    if (page.length === maxResults) {
      next = event;
      break;
    }
    page.push(event);
  }
  return {
    Events: page.map((event) => ({
      EventId: event.id,
      EventName: event.name,
      ReadOnly: event.readOnly,
      AccessKeyId: event.accessKeyId,
      EventTime: event.time / 1000,
      EventSource: event.source,
      ...(event.username !== undefined ? { Username: event.username } : {}),
      Resources: event.resources.map((resource) => ({ ResourceType: resource.type, ResourceName: resource.ARN })),
      CloudTrailEvent: event.line,
    })),
    ...(next ? { NextToken: encodeToken({ id: next.id, time: next.time, fingerprint }) } : {}),
  };
}
