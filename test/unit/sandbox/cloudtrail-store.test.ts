// The sandbox's event history is durable and bounded: an acknowledged call's events survive kill -9; the last
// 90 days and at most maxEvents are kept, oldest dropped first; a torn last line is cut away; time ranges select.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { CloudTrailRecord } from '../../../src/sandbox/cloudtrail';
import { lookupEvents } from '../../../src/sandbox/cloudtrail/lookup';
import { EventStore } from '../../../src/sandbox/cloudtrail/store';
import { startCli, type CliProcess } from './helpers/cli-process';
import { lookupAll as lookupAllOverHttp, trailClient } from './helpers/trail';
import { waitForActive } from './helpers/tables';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kms-lab-trail-'));
  dirs.push(dir);
  return path.join(dir, 'events.jsonl');
}

const DAY = 24 * 60 * 60 * 1000;

function record(n: number, time: Date, name = 'DescribeKey'): CloudTrailRecord {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::123456789012:user/u', accountId: '123456789012', accessKeyId: 'AKIAEXAMPLE', userName: 'u' },
    eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'kms.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: 'test',
    requestParameters: { n },
    responseElements: null,
    requestID: `request-${n}`,
    eventID: `event-${n}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
  };
}

const numbers = (store: EventStore) => lookupAll(store).map((event) => JSON.parse(event.CloudTrailEvent).requestParameters.n as number);

/** Every page of lookupEvents, newest first. */
function lookupAll(store: EventStore, input: Record<string, unknown> = {}) {
  const events = [];
  let token: string | undefined;
  do {
    const page = lookupEvents(store, { ...input, NextToken: token });
    events.push(...page.Events);
    token = page.NextToken;
  } while (token);
  return events;
}

describe('bounds', () => {
  test('at most maxEvents: the oldest go first, in memory and, after reopening, on disk', async () => {
    const file = await tempFile();
    const start = Date.parse('2026-03-01T00:00:00Z');
    const now = () => new Date(start + 100_000);
    const store = await EventStore.open(file, { maxEvents: 8, now });
    for (let n = 0; n < 30; n++) store.append(record(n, new Date(start + n * 1000)));
    await store.settled();
    assert.deepEqual(numbers(store), [29, 28, 27, 26, 25, 24, 23, 22]);
    await store.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.ok(lines.length < 30, `the file was compacted: ${lines.length} lines`);
    const reopened = await EventStore.open(file, { maxEvents: 8, now });
    assert.deepEqual(numbers(reopened), [29, 28, 27, 26, 25, 24, 23, 22]);
    await reopened.close();
  });

  test('the last 90 days: older events are never returned and are dropped', async () => {
    const file = await tempFile();
    let now = Date.parse('2026-06-01T00:00:00Z');
    const store = await EventStore.open(file, { now: () => new Date(now) });
    store.append(record(1, new Date(now - 91 * DAY)));
    store.append(record(2, new Date(now - 89 * DAY)));
    store.append(record(3, new Date(now - DAY)));
    await store.settled();
    assert.deepEqual(numbers(store), [3, 2]);
    now += 2 * DAY;
    assert.deepEqual(numbers(store), [3], 'a day later, the 89-day-old event is past 90 days');
    await store.close();
    const reopened = await EventStore.open(file, { now: () => new Date(now) });
    assert.equal(reopened.size, 1);
    await reopened.close();
  });

  test('a torn last line (a crash mid-append) is cut away, and appending goes on cleanly', async () => {
    const file = await tempFile();
    const time = new Date();
    await writeFile(file, [record(1, time), record(2, time)].map((r) => JSON.stringify(r)).join('\n') + '\n');
    await appendFile(file, JSON.stringify(record(3, time)).slice(0, 80));
    const store = await EventStore.open(file);
    assert.deepEqual(numbers(store), [2, 1]);
    store.append(record(4, time));
    await store.close();
    const text = await readFile(file, 'utf8');
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(text.trim().split('\n').map((line) => JSON.parse(line).requestParameters.n), [1, 2, 4]);
  });
});

test('StartTime and EndTime select events at or between them (seconds, inclusive)', async () => {
  const file = await tempFile();
  const start = Date.parse('2026-03-01T00:00:00Z');
  const store = await EventStore.open(file, { now: () => new Date(start + DAY) });
  for (let n = 0; n < 10; n++) store.append(record(n, new Date(start + n * 60_000)));
  const seconds = (minute: number) => (start + minute * 60_000) / 1000;
  const between = (input: Record<string, unknown>) => lookupAll(store, input).map((event) => JSON.parse(event.CloudTrailEvent).requestParameters.n);
  assert.deepEqual(between({ StartTime: seconds(3), EndTime: seconds(5) }), [5, 4, 3]);
  assert.deepEqual(between({ StartTime: seconds(7.5) }), [9, 8]);
  assert.deepEqual(between({ EndTime: seconds(1) - 0.5 }), [0]);
  assert.deepEqual(between({ StartTime: seconds(3), EndTime: seconds(5), MaxResults: 1 }), [5, 4, 3], 'paged one by one');
  await store.close();
});

describe('durability', () => {
  let cli: CliProcess | undefined;
  after(async () => {
    if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  });

  test("kill -9 under load: every acknowledged call's event, and DynamoDB's Decrypt of every acknowledged read, survive", async () => {
    const dataDir = path.join(path.dirname(await tempFile()), 'data');
    cli = await startCli(['--data', dataDir, '--port', '0']);
    const config = { endpoint: cli.endpoint, region: cli.region, credentials: { ...cli.credentials }, maxAttempts: 1 };
    const kms = new KMSClient(config);
    const ddb = new DynamoDBClient(config);
    const key = (await kms.send(new CreateKeyCommand({ Description: 'durable' }))).KeyMetadata!.Arn!;
    await ddb.send(
      new CreateTableCommand({
        TableName: 'durable',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key },
      }),
    );
    await waitForActive(ddb, 'durable');
    await ddb.send(new PutItemCommand({ TableName: 'durable', Item: { id: { S: 'a' } } }));
    const acknowledged = new Set<string>();
    let reads = 0;
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        try {
          if (i % 2 === 0) {
            const out = await kms.send(new EncryptCommand({ KeyId: key, Plaintext: Buffer.from(`w${w}`) }));
            acknowledged.add(out.$metadata.requestId!);
          } else {
            await ddb.send(new GetItemCommand({ TableName: 'durable', Key: { id: { S: 'a' } } }));
            reads++;
          }
          if (acknowledged.size + reads >= 200 && !killed) {
            killed = true;
            cli!.child.kill('SIGKILL');
          }
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
    assert.equal((await cli.exited).signal, 'SIGKILL');

    cli = await startCli(['--data', dataDir, '--port', '0']);
    const events = await lookupAllOverHttp(trailClient({ endpoint: cli.endpoint, region: cli.region }, cli.credentials));
    const recorded = new Set(events.map((event) => event.record.requestID));
    const lost = [...acknowledged].filter((id) => !recorded.has(id));
    assert.deepEqual(lost, [], 'acknowledged Encrypt calls missing from the trail');
    const decrypts = events.filter((event) => event.EventName === 'Decrypt' && event.record.userIdentity.invokedBy === 'dynamodb.amazonaws.com');
    // The PutItem before the load made one more.
    assert.ok(decrypts.length >= reads + 1, `${decrypts.length} Decrypt events for ${reads} acknowledged reads`);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0);
  });
});

