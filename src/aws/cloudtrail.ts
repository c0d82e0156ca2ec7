// A key's CloudTrail events, as the activity model reads them: LookupEvents by the key's ARN, paged newest first over
// a time range, backing off when throttled (AWS allows two lookups a second per account and Region). The same code
// reads the sandbox's trail. On AWS, events appear up to about 15 minutes after the call.
import type { Event as SdkEvent } from '@aws-sdk/client-cloudtrail';
import { tableNameOf } from '../access/activity';
import type { TrailEvent, TrailRecord } from '../access/activity-types';
import type { ServiceCaller } from './call';
import { AwsLayerError } from './errors';

export interface KeyEventsQuery {
  /** The key's ARN: LookupEvents' ResourceName. */
  keyArn: string;
  /** Only events whose encryption context names this table, and those that name no table (the key's own changes). */
  tableName?: string;
  start?: Date;
  end?: Date;
  /** Stop after this many events; default 10,000. */
  limit?: number;
  /** Told after each page. */
  onProgress?: (progress: { pages: number; events: number }) => void;
  signal?: AbortSignal;
}

export interface KeyEvents {
  /** Newest first. */
  events: TrailEvent[];
  /** More events matched than `limit`. */
  truncated: boolean;
  pages: number;
  /** ISO 8601: when the lookup finished (events of the last ~15 minutes may still be missing on AWS). */
  readAt: string;
}

export interface CloudTrailOptions {
  /** Waits between retries of a throttled page; tests may pass a recorder. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Retries of one throttled page before giving up. Default 6 (about a minute in all). */
  retries?: number;
}

const PAGE_SIZE = 50;
const DEFAULT_LIMIT = 10_000;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** LookupEvents' Event as ours; undefined when it has no parsable record. */
export function toTrailEvent(event: SdkEvent): TrailEvent | undefined {
  if (!event.EventId || !event.CloudTrailEvent) return undefined;
  let record: TrailRecord;
  try {
    record = JSON.parse(event.CloudTrailEvent) as TrailRecord;
  } catch {
    return undefined;
  }
  return {
    eventId: event.EventId,
    eventName: event.EventName ?? record.eventName ?? '',
    eventSource: event.EventSource ?? record.eventSource ?? '',
    eventTime: event.EventTime?.toISOString() ?? record.eventTime ?? '',
    ...(event.Username ? { username: event.Username } : {}),
    record,
  };
}

export class CloudTrailActivity {
  private readonly sleep: NonNullable<CloudTrailOptions['sleep']>;
  private readonly retries: number;

  constructor(
    private readonly caller: ServiceCaller<'cloudtrail'>,
    options: CloudTrailOptions = {},
  ) {
    this.sleep = options.sleep ?? defaultSleep;
    this.retries = options.retries ?? 6;
  }

  /** Every event naming the key in the range (for a table: those that concern it), newest first, up to the limit. */
  async keyEvents(query: KeyEventsQuery): Promise<KeyEvents> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const events: TrailEvent[] = [];
    let token: string | undefined;
    let pages = 0;
    let truncated = false;
    do {
      query.signal?.throwIfAborted();
      const page = await this.page(query, token);
      pages++;
      for (const sdkEvent of page.Events ?? []) {
        const event = toTrailEvent(sdkEvent);
        if (!event || (query.tableName !== undefined && !concernsTable(event.record, query.tableName))) continue;
        if (events.length === limit) {
          truncated = true;
          break;
        }
        events.push(event);
      }
      token = page.NextToken;
      query.onProgress?.({ pages, events: events.length });
    } while (token && !truncated);
    return { events, truncated, pages, readAt: new Date().toISOString() };
  }

  /** One page, retried with growing waits (0.5 s, 1 s, 2 s … 8 s, with jitter) while AWS throttles. */
  private async page(query: KeyEventsQuery, token: string | undefined) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.caller.send('cloudtrail:LookupEvents', (client, sdk) =>
          client.send(
            new sdk.cloudtrail.LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: query.keyArn }],
              StartTime: query.start,
              EndTime: query.end,
              MaxResults: PAGE_SIZE,
              NextToken: token,
            }),
            { abortSignal: query.signal },
          ),
        );
      } catch (error) {
        if (!(error instanceof AwsLayerError) || error.kind !== 'throttled' || attempt >= this.retries) throw error;
        const wait = Math.min(8000, 500 * 2 ** attempt);
        await this.sleep(wait / 2 + Math.random() * (wait / 2), query.signal);
      }
    }
  }
}

function concernsTable(record: TrailRecord, tableName: string): boolean {
  const named = tableNameOf(record);
  return named === undefined || named === tableName;
}
