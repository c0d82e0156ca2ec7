// DynamoService against a real moto_server: the three kinds of table encryption, and pagination.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, type SSESpecification } from '@aws-sdk/client-dynamodb';
import type { Logger } from '../../../src/aws/log';
import type { AwsSession } from '../../../src/aws/session';
import type { DynamoTable } from '../../../src/aws/types';
import { startMoto, type Moto } from './support/moto';
import { motoSession, rejection } from './support/sessions';

let moto: Moto;
let admin: AwsSession;
let ddb: DynamoDBClient;
let cmk: { keyId: string; arn: string };

async function createTable(name: string, sse?: SSESpecification, rangeKey = false): Promise<void> {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, ...(rangeKey ? [{ AttributeName: 'at', AttributeType: 'N' as const }] : [])],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, ...(rangeKey ? [{ AttributeName: 'at', KeyType: 'RANGE' as const }] : [])],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: sse,
    }),
  );
}

function countingLogger(): Logger & { count(action: string): number } {
  const lines: string[] = [];
  const keep = (m: string) => lines.push(m);
  return { trace: keep, debug: keep, info: keep, warn: keep, error: keep, count: (action) => lines.filter((l) => l.startsWith(`${action} `)).length };
}

before(async () => {
  moto = await startMoto();
  admin = motoSession(moto.endpoint);
  ddb = new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' } });
  cmk = await admin.kms.createKey({ description: 'kms-lab table key' });
  await admin.kms.createAlias('alias/kms-lab', cmk.keyId);

  await createTable('owned-default');
  await createTable('owned-disabled', { Enabled: false });
  await createTable('managed', { Enabled: true }, true);
  await createTable('cmk-by-id', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: cmk.keyId });
  await createTable('cmk-by-arn', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: cmk.arn });
  await createTable('cmk-by-alias', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/kms-lab' });
  await createTable('cmk-by-alias-arn', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/kms-lab' });
});
after(async () => {
  admin?.dispose();
  ddb?.destroy();
  await moto?.stop();
});

describe('DynamoService encryption kinds', () => {
  const expectations: [string, DynamoTable['encryption'], 'cmk' | 'managed' | undefined][] = [
    ['owned-default', 'aws-owned', undefined],
    ['owned-disabled', 'aws-owned', undefined],
    ['managed', 'aws-managed', 'managed'],
    ['cmk-by-id', 'customer-managed', 'cmk'],
    ['cmk-by-arn', 'customer-managed', 'cmk'],
    ['cmk-by-alias', 'customer-managed', 'cmk'],
    ['cmk-by-alias-arn', 'customer-managed', 'cmk'],
  ];

  for (const [name, kind, key] of expectations) {
    it(`${name} is ${kind}${key === 'cmk' ? ', with the key ARN' : ''}`, async () => {
      const table = await admin.dynamodb.describeTable(name);
      assert.equal(table.encryption, kind);
      assert.equal(table.problem, undefined);
      if (key === 'cmk') assert.equal(table.kmsKeyArn, cmk.arn);
      if (key === 'managed') {
        const managed = await admin.kms.describeKey('alias/aws/dynamodb');
        assert.equal(table.kmsKeyArn, managed.arn);
        assert.match(table.kmsKeyArn ?? '', /^arn:aws:kms:us-east-1:123456789012:key\//);
      }
      if (!key) assert.equal(table.kmsKeyArn, undefined);
    });
  }

  it('carries name, ARN, status, key schema and SSE status', async () => {
    const table = await admin.dynamodb.describeTable('managed');
    assert.equal(table.name, 'managed');
    assert.equal(table.arn, 'arn:aws:dynamodb:us-east-1:123456789012:table/managed');
    assert.equal(table.status, 'ACTIVE');
    assert.equal(table.sseStatus, 'ENABLED');
    assert.equal(table.itemCount, 0);
    assert.deepEqual(table.keySchema, [
      { name: 'id', type: 'HASH' },
      { name: 'at', type: 'RANGE' },
    ]);
  });

  it('a missing table is not-found with dynamodb:DescribeTable', async () => {
    const err = await rejection(admin.dynamodb.describeTable('no-such-table'));
    assert.equal(err.kind, 'not-found');
    assert.equal(err.action, 'dynamodb:DescribeTable');
  });
});

describe('DynamoService listing', () => {
  it('pages through every table with small pages and next tokens', async () => {
    const session = motoSession(moto.endpoint);
    try {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await session.dynamodb.listTables({ pageSize: 2, pageToken: token });
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((t) => t.name));
        token = page.nextToken;
        pages++;
      } while (token && pages < 20);
      assert.deepEqual(seen.sort(), ['cmk-by-alias', 'cmk-by-alias-arn', 'cmk-by-arn', 'cmk-by-id', 'managed', 'owned-default', 'owned-disabled']);
      assert.ok(pages >= 4, `expected at least 4 pages, got ${pages}`);
    } finally {
      session.dispose();
    }
  });

  it('describes keys once per refresh, however many tables use them', async () => {
    const logger = countingLogger();
    const session = motoSession(moto.endpoint, { logger });
    try {
      const first = await session.dynamodb.listTables();
      assert.equal(first.items.length, 7);
      const describes = logger.count('kms:DescribeKey');
      // At most one per distinct way the tables name a key (id, ARN, alias, alias ARN, the managed key's ARN).
      assert.ok(describes >= 2 && describes <= 5, `DescribeKey calls: ${describes}`);
      await session.dynamodb.listTables();
      await session.dynamodb.describeTable('cmk-by-id');
      assert.equal(logger.count('kms:DescribeKey'), describes, 'served from the refresh cache');
      assert.equal(logger.count('dynamodb:ListTables'), 1);
      session.invalidate();
      await session.dynamodb.listTables();
      assert.equal(logger.count('dynamodb:ListTables'), 2);
    } finally {
      session.dispose();
    }
  });
});
