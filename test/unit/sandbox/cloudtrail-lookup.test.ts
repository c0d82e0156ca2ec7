// LookupEvents on the sandbox, with SDK v3 and boto3: each lookup attribute, newest first, paging, AWS's errors for
// bad input, and cloudtrail:LookupEvents authorizing it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudTrailClient, LookupEventsCommand, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { lookupAll, trailClient, type FoundEvent } from './helpers/trail';
import { createUserWithKey, type Credentials } from './helpers/users';

let sb: TestSandbox;
let admin: CloudTrailClient;
let viewer: Credentials;
let nobody: Credentials;
let firstKey: { id: string; arn: string };
let secondKey: { id: string; arn: string };
let all: FoundEvent[];

const LOOKUP_ONLY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 'kms:DescribeKey'], Resource: '*' }] });

before(async () => {
  sb = await startTestSandbox();
  admin = trailClient(sb, sb.credentials);
  const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 1 };
  const kms = new KMSClient(config);
  const keys = [];
  for (const description of ['first', 'second']) {
    const meta = (await kms.send(new CreateKeyCommand({ Description: description }))).KeyMetadata!;
    keys.push({ id: meta.KeyId!, arn: meta.Arn! });
  }
  [firstKey, secondKey] = keys as [typeof firstKey, typeof secondKey];
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/first', TargetKeyId: firstKey.id }));
  const iam = new IAMClient(config);
  viewer = await createUserWithKey(iam, 'viewer', { inline: LOOKUP_ONLY });
  nobody = await createUserWithKey(iam, 'nobody');
  await new KMSClient({ ...config, credentials: viewer }).send(new DescribeKeyCommand({ KeyId: 'alias/first' }));
  all = await lookupAll(admin);
});
after(() => sb?.stop());

const lookup = (key: LookupAttributeKey, value: string, client = admin) => lookupAll(client, { AttributeKey: key, AttributeValue: value });
const ids = (events: FoundEvent[]) => events.map((event) => event.EventId);

describe('each lookup attribute', () => {
  test('EventId: exactly that event', async () => {
    const target = all[3]!;
    assert.deepEqual(ids(await lookup('EventId', target.EventId)), [target.EventId]);
  });

  test('EventName: every CreateKey, the second key first (newest first)', async () => {
    const found = await lookup('EventName', 'CreateKey');
    assert.deepEqual(found.map((event) => event.record.responseElements.keyMetadata.arn), [secondKey.arn, firstKey.arn]);
  });

  test('ReadOnly: true and false split every event between them', async () => {
    const reads = await lookup('ReadOnly', 'true');
    const writes = await lookup('ReadOnly', 'false');
    assert.ok(reads.every((event) => event.ReadOnly === 'true' && event.record.readOnly === true));
    assert.ok(writes.every((event) => event.ReadOnly === 'false' && event.record.readOnly === false));
    assert.ok(reads.length > 0 && writes.length > 0);
    const union = new Set([...ids(reads), ...ids(writes)]);
    assert.equal(union.size, reads.length + writes.length, 'no event is both');
    assert.ok(ids(all).every((id) => union.has(id)), 'every event is one of them');
  });

  test("Username: the user's events only", async () => {
    const found = await lookup('Username', 'viewer');
    assert.deepEqual(found.map((event) => event.EventName), ['DescribeKey']);
    assert.equal(found[0]!.record.userIdentity.userName, 'viewer');
  });

  test('ResourceType and ResourceName: by key ARN or key id, the same events; an alias resolves to its key', async () => {
    const byArn = await lookup('ResourceName', firstKey.arn);
    const byId = await lookup('ResourceName', firstKey.id);
    assert.deepEqual(ids(byId), ids(byArn));
    assert.deepEqual(byArn.map((event) => event.EventName).sort(), ['CreateAlias', 'CreateKey', 'DescribeKey']);
    assert.ok(byArn.every((event) => event.Resources.some((resource) => resource.ResourceName === firstKey.arn && resource.ResourceType === 'AWS::KMS::Key')));
    const keyEvents = await lookup('ResourceType', 'AWS::KMS::Key');
    assert.deepEqual(new Set(ids(keyEvents)), new Set(ids(all.filter((event) => event.record.resources?.some((r: { type: string }) => r.type === 'AWS::KMS::Key')))));
    assert.ok(keyEvents.length >= 4);
  });

  test('EventSource and AccessKeyId', async () => {
    const iamEvents = await lookup('EventSource', 'iam.amazonaws.com');
    assert.ok(iamEvents.length >= 5 && iamEvents.every((event) => event.EventSource === 'iam.amazonaws.com'));
    const byKey = await lookup('AccessKeyId', viewer.accessKeyId);
    assert.ok(byKey.length >= 1 && byKey.every((event) => event.AccessKeyId === viewer.accessKeyId));
  });
});

describe('order and paging', () => {
  test('newest first, in the order the calls were served within a second', () => {
    const times = all.map((event) => event.EventTime.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const names = all.map((event) => event.EventName);
    assert.ok(names.indexOf('CreateAlias') < names.indexOf('CreateKey'), 'CreateAlias came after CreateKey');
  });

  test('pages of 3 cover every event once, in the same order, and the last page has no NextToken', async () => {
    const paged = await lookupAll(admin, undefined, { pageSize: 3 });
    // The lookups themselves are events too, recorded after `all` was read: compare what both saw.
    const seen = paged.filter((event) => ids(all).includes(event.EventId));
    assert.deepEqual(ids(seen), ids(all));
    assert.equal(new Set(ids(paged)).size, paged.length, 'no event twice');
    const first = await admin.send(new LookupEventsCommand({ MaxResults: 3, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }] }));
    assert.equal(first.Events?.length, 2);
    assert.equal(first.NextToken, undefined);
  });
});

describe("AWS's errors for bad input", () => {
  const fails = async (input: Record<string, unknown>, name: string) => {
    await assert.rejects(admin.send(new LookupEventsCommand(input as never)), (error: Error) => {
      assert.equal(error.name, name, error.message);
      return true;
    });
  };

  test('two lookup attributes, an unknown key, an empty value', async () => {
    await fails({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'A' }, { AttributeKey: 'Username', AttributeValue: 'B' }] }, 'InvalidLookupAttributesException');
    await fails({ LookupAttributes: [{ AttributeKey: 'Region', AttributeValue: 'A' }] }, 'InvalidLookupAttributesException');
    await fails({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] }, 'InvalidLookupAttributesException');
    await fails({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '_'.repeat(1001) }] }, 'InvalidLookupAttributesException');
  });

  test('a start after the end, MaxResults out of 1–50, a bad or foreign NextToken, an unknown category', async () => {
    await fails({ StartTime: new Date(2_000_000_000_000), EndTime: new Date(1_000_000_000_000) }, 'InvalidTimeRangeException');
    await fails({ MaxResults: 51 }, 'InvalidMaxResultsException');
    await fails({ MaxResults: 0 }, 'InvalidMaxResultsException');
    await fails({ NextToken: 'not-a-token' }, 'InvalidNextTokenException');
    const page = await admin.send(new LookupEventsCommand({ MaxResults: 1 }));
    assert.ok(page.NextToken);
    await fails({ MaxResults: 1, NextToken: page.NextToken, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }] }, 'InvalidNextTokenException');
    await fails({ EventCategory: 'everything' }, 'InvalidEventCategoryException');
    const insights = await admin.send(new LookupEventsCommand({ EventCategory: 'insight' }));
    assert.deepEqual(insights.Events, []);
  });
});

describe('cloudtrail:LookupEvents', () => {
  test('a user without it is refused, with the action named; a user with it reads; both attempts are events', async () => {
    await assert.rejects(trailClient(sb, nobody).send(new LookupEventsCommand({})), (error: Error) => {
      assert.equal(error.name, 'AccessDeniedException');
      assert.match(error.message, /user\/nobody is not authorized to perform: cloudtrail:LookupEvents on resource: \* because no identity-based policy allows the cloudtrail:LookupEvents action/);
      return true;
    });
    const found = await lookup('EventName', 'CreateKey', trailClient(sb, viewer));
    assert.equal(found.length, 2);
    const lookups = await lookup('EventName', 'LookupEvents');
    const refused = lookups.find((event) => event.Username === 'nobody')!.record;
    assert.equal(refused.eventSource, 'cloudtrail.amazonaws.com');
    assert.equal(refused.errorCode, 'AccessDenied');
    assert.equal(refused.readOnly, true);
    assert.ok(lookups.some((event) => event.Username === 'viewer' && event.record.errorCode === undefined));
  });
});

test('boto3: lookup_events by resource, paged by its paginator, and its error for two attributes', { skip: needsBoto3 }, async () => {
  const out = await runBoto3(
    sb,
    `ct = client('cloudtrail')
pages = ct.get_paginator('lookup_events').paginate(LookupAttributes=[{'AttributeKey': 'ResourceName', 'AttributeValue': '${firstKey.arn}'}], PaginationConfig={'PageSize': 1})
names = [e['EventName'] for p in pages for e in p['Events']]
one = ct.lookup_events(LookupAttributes=[{'AttributeKey': 'EventName', 'AttributeValue': 'CreateKey'}], MaxResults=1)
err = error_of(lambda: ct.lookup_events(LookupAttributes=[{'AttributeKey': 'EventName', 'AttributeValue': 'A'}, {'AttributeKey': 'Username', 'AttributeValue': 'B'}]))
out({'names': names, 'time': type(one['Events'][0]['EventTime']).__name__, 'token': 'NextToken' in one, 'err': err})`,
  );
  assert.deepEqual(out.names.sort(), ['CreateAlias', 'CreateKey', 'DescribeKey']);
  assert.equal(out.time, 'datetime');
  assert.equal(out.token, true);
  assert.equal(out.err.code, 'InvalidLookupAttributesException');
  assert.equal(out.err.status, 400);
});
