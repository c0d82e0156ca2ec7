// CloudTrail helpers for sandbox tests: a client, every event LookupEvents returns (all pages), parsed records.
import { CloudTrailClient, paginateLookupEvents, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import type { Credentials } from './users';

export interface TrailTarget {
  endpoint: string;
  region: string;
}

export function trailClient(target: TrailTarget, credentials: Credentials): CloudTrailClient {
  return new CloudTrailClient({ endpoint: target.endpoint, region: target.region, credentials, maxAttempts: 1 });
}

export interface FoundEvent {
  EventId: string;
  EventName: string;
  Username?: string;
  ReadOnly: string;
  AccessKeyId: string;
  EventSource: string;
  EventTime: Date;
  Resources: { ResourceType?: string; ResourceName?: string }[];
  /** The CloudTrailEvent text. */
  text: string;
  record: any;
}

/** Every event LookupEvents returns for the attribute, newest first, paged 50 at a time. */
export async function lookupAll(client: CloudTrailClient, attribute?: LookupAttribute, extra: { StartTime?: Date; EndTime?: Date; pageSize?: number } = {}): Promise<FoundEvent[]> {
  const found: FoundEvent[] = [];
  const pages = paginateLookupEvents(
    { client, pageSize: extra.pageSize },
    { LookupAttributes: attribute ? [attribute] : undefined, StartTime: extra.StartTime, EndTime: extra.EndTime },
  );
  for await (const page of pages) {
    for (const event of page.Events ?? []) {
      found.push({
        EventId: event.EventId!,
        EventName: event.EventName!,
        Username: event.Username,
        ReadOnly: event.ReadOnly!,
        AccessKeyId: event.AccessKeyId!,
        EventSource: event.EventSource!,
        EventTime: event.EventTime!,
        Resources: event.Resources ?? [],
        text: event.CloudTrailEvent!,
        record: JSON.parse(event.CloudTrailEvent!),
      });
    }
  }
  return found;
}
