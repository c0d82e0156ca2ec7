// Steps 5 and 7 beside CloudTrail: the kms:Decrypt that DynamoDB asked of KMS on the test user's behalf when the
// step read the table, refused (step 5) or allowed (step 7), as CloudTrail recorded it. On the sandbox every read is
// recorded at once; on AWS the event arrives up to about 15 minutes later, and the step says where to look then.
import { toActivityEntry } from '../access/activity';
import type { LabContext } from './context';
import type { ReadOutcome } from './record';

/** What the read step found in CloudTrail: the event (its record as CloudTrail wrote it), or why there is none yet. */
export interface ReadTrail {
  /** The sentence the step shows beside observed and predicted. */
  sentence: string;
  event?: {
    eventId: string;
    time: string;
    eventName: string;
    refused: boolean;
    invokedBy?: string;
    tableName?: string;
    errorCode?: string;
    /** The record as CloudTrail wrote it, pretty-printed (no item value or secret is ever in it). */
    record: string;
  };
}

const LOOKUP_TIMEOUT_MS = 15_000;
/** Reads begin a little before the step says: clocks of the caller and the trail may differ by a moment. */
const SLACK_MS = 5_000;

function clock(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

/** The newest kms:Decrypt of the lab key for the lab table, by the test user, since the read began. */
export async function readTrail(ctx: LabContext, since: Date, outcome: ReadOutcome): Promise<ReadTrail | undefined> {
  const record = ctx.record;
  if (outcome === 'error' || !record.keyArn || ctx.backend.kind === 'emulator') return undefined;
  const user = record.testUserName;
  const refused = outcome === 'denied';
  const later = `CloudTrail records DynamoDB's kms:Decrypt for ${user} within about 15 minutes on AWS: the table panel's Activity shows it then.`;
  try {
    const found = await ctx.admin.cloudtrail.keyEvents({
      keyArn: record.keyArn,
      tableName: record.tableName,
      start: new Date(since.getTime() - SLACK_MS),
      limit: 500,
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
    const userArn = ctx.userArn();
    const entry = found.events.map(toActivityEntry).find((e) => e.principal === userArn && e.kind === (refused ? 'read-refused' : 'read'));
    if (!entry) return { sentence: ctx.backend.kind === 'aws' ? later : `CloudTrail has no kms:Decrypt for ${user} since the read began.` };
    const verdict = refused ? `KMS refused (${entry.errorCode ?? 'AccessDenied'})` : 'KMS allowed it';
    const by = entry.invokedBy ? `${entry.invokedBy === 'dynamodb.amazonaws.com' ? 'DynamoDB' : entry.invokedBy} asked KMS on ${user}'s behalf` : `${user} asked KMS`;
    return {
      sentence: `CloudTrail: ${by}; ${verdict} — kms:${entry.eventName} at ${clock(entry.time)}, table ${entry.tableName ?? record.tableName} in the encryption context.`,
      event: {
        eventId: entry.eventId,
        time: entry.time,
        eventName: entry.eventName,
        refused,
        ...(entry.invokedBy ? { invokedBy: entry.invokedBy } : {}),
        ...(entry.tableName ? { tableName: entry.tableName } : {}),
        ...(entry.errorCode ? { errorCode: entry.errorCode } : {}),
        record: JSON.stringify(entry.record, null, 2),
      },
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { sentence: `The CloudTrail record could not be read: ${why}` };
  }
}
