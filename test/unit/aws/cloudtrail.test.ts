// The AWS layer's CloudTrail reader on the local sandbox: a key's (and a table's) events paged newest first over a
// time range, a limit, backing off when LookupEvents is throttled, and a missing cloudtrail:LookupEvents named with
// the profile.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CloudTrailActivity } from '../../../src/aws/cloudtrail';
import { ServiceCaller } from '../../../src/aws/call';
import { SessionCore } from '../../../src/aws/session-core';
import { AwsSession } from '../../../src/aws/session';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';
import { createUserWithKey } from '../sandbox/helpers/users';
import { ini, makeAwsFiles } from './support/aws-files';
import { rejection } from './support/sessions';
import { waitForActive } from '../sandbox/helpers/tables';

const READS = 60;
let dataDir: string;
let sandbox: RunningSandbox;
let admin: AwsSession;
let keyArn: string;
let otherKeyArn: string;
let started: Date;
const files = makeAwsFiles();

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-aws-trail-'));
  sandbox = await startSandbox({ dataDir });
  admin = new AwsSession({ kind: 'static', label: 'Local sandbox', region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  started = new Date(Date.now() - 1000);
  const raw = { region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin };
  const kms = new KMSClient(raw);
  const ddb = new DynamoDBClient(raw);
  keyArn = (await kms.send(new CreateKeyCommand({ Description: 'activity' }))).KeyMetadata!.Arn!;
  otherKeyArn = (await kms.send(new CreateKeyCommand({ Description: 'elsewhere' }))).KeyMetadata!.Arn!;
  for (const name of ['reads', 'others']) {
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
      }),
    );
    await waitForActive(ddb, name);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: '1' } } }));
  }
  for (let i = 0; i < READS; i++) await ddb.send(new GetItemCommand({ TableName: 'reads', Key: { id: { S: '1' } } }));
  await ddb.send(new GetItemCommand({ TableName: 'others', Key: { id: { S: '1' } } }));
  kms.destroy();
  ddb.destroy();
});

after(async () => {
  admin?.dispose();
  await sandbox?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  files.remove();
});

describe("a key's events", () => {
  it('pages through all of them, newest first, telling progress', async () => {
    const progress: number[] = [];
    const found = await admin.cloudtrail.keyEvents({ keyArn, onProgress: (p) => progress.push(p.pages) });
    const decrypts = found.events.filter((event) => event.eventName === 'Decrypt');
    assert.equal(decrypts.length, READS + 3, 'every GetItem and PutItem, through DynamoDB');
    assert.ok(found.pages >= 2 && progress.length === found.pages, `${found.pages} pages`);
    assert.equal(found.truncated, false);
    const times = found.events.map((event) => event.eventTime);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.ok(found.events.every((event) => event.record.resources?.some((resource) => resource.ARN === keyArn)));
    assert.ok(!found.events.some((event) => event.record.resources?.some((resource) => resource.ARN === otherKeyArn)));
  });

  it("for a table: its reads, and the key's events that name no table; another table's reads are left out", async () => {
    const found = await admin.cloudtrail.keyEvents({ keyArn, tableName: 'others' });
    const tables = new Set(found.events.map((event) => (event.record.requestParameters?.['encryptionContext'] as Record<string, string> | undefined)?.['aws:dynamodb:tableName']));
    assert.deepEqual([...tables].filter(Boolean), ['others']);
    assert.equal(found.events.filter((event) => event.eventName === 'Decrypt').length, 2);
    assert.ok(found.events.some((event) => event.eventName === 'CreateKey'), 'the key itself');
  });

  it('a limit truncates; a time range after the calls finds nothing, one around them finds them', async () => {
    const limited = await admin.cloudtrail.keyEvents({ keyArn, limit: 10 });
    assert.equal(limited.events.length, 10);
    assert.equal(limited.truncated, true);
    const later = await admin.cloudtrail.keyEvents({ keyArn, start: new Date(Date.now() + 60_000) });
    assert.deepEqual(later.events, []);
    const around = await admin.cloudtrail.keyEvents({ keyArn, start: started, end: new Date(Date.now() + 1000) });
    assert.ok(around.events.length >= READS);
  });
});

it('backs off while LookupEvents is throttled, and gets every page', async () => {
  const throttledDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-aws-trail-throttled-'));
  // One lookup every 20 s: more than the SDK's own retries can wait for a throttle (four retries of at most 1, 2, 4
  // and 8 s), so the reader's backoff must do the rest.
  const slow = await startSandbox({ dataDir: throttledDir, trail: { lookupsPerSecond: 0.05 } });
  const core = new SessionCore({ kind: 'static', label: 'throttled', region: slow.region, endpoint: slow.endpoint, credentials: slow.admin }, {});
  const waits: number[] = [];
  const reader = new CloudTrailActivity(new ServiceCaller('cloudtrail', core), {
    sleep: (ms) => {
      waits.push(ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
  try {
    const kms = new KMSClient({ region: slow.region, endpoint: slow.endpoint, credentials: slow.admin });
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const { DescribeKeyCommand } = await import('@aws-sdk/client-kms');
    for (let i = 0; i < 55; i++) await kms.send(new DescribeKeyCommand({ KeyId: key }));
    kms.destroy();
    const found = await reader.keyEvents({ keyArn: key });
    assert.equal(found.pages, 2);
    assert.equal(found.events.length, 56);
    assert.ok(waits.length >= 1, 'the reader waited before retrying a throttled page');
  } finally {
    core.dispose();
    await slow.stop();
    rmSync(throttledDir, { recursive: true, force: true });
  }
});

it('a missing cloudtrail:LookupEvents is named with the profile', async () => {
  const iam = new IAMClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  const user = await createUserWithKey(iam, 'no-trail', { policies: ['arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess'] });
  iam.destroy();
  files.write(
    ini(`
      [profile lab-tester]
      region = ${sandbox.region}
      endpoint_url = ${sandbox.endpoint}
    `),
    ini(`
      [lab-tester]
      aws_access_key_id = ${user.accessKeyId}
      aws_secret_access_key = ${user.secretAccessKey}
    `),
  );
  const session = new AwsSession({ kind: 'profile', profile: 'lab-tester', region: sandbox.region }, { env: files.env });
  try {
    const error = await rejection(session.cloudtrail.keyEvents({ keyArn }));
    assert.equal(error.kind, 'access-denied');
    assert.equal(error.message, `Access denied: cloudtrail:LookupEvents is not allowed for arn:aws:iam::${sandbox.accountId}:user/no-trail (profile lab-tester)`);
  } finally {
    session.dispose();
  }
});
