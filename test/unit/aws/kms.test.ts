// KmsService against a real moto_server.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateGrantCommand, EnableKeyRotationCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { AwsSession } from '../../../src/aws/session';
import type { KmsKey } from '../../../src/aws/types';
import { startMoto, type Moto } from './support/moto';
import { motoSession, rejection } from './support/sessions';

let moto: Moto;
let session: AwsSession;
let raw: KMSClient;

before(async () => {
  moto = await startMoto();
  raw = new KMSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' } });
});
// One moto for the file, never reset (a reset takes about a second): each test checks the keys it made itself.
beforeEach(() => {
  session?.dispose();
  session = motoSession(moto.endpoint);
});

async function listedKeys(opts: { includeAwsManaged?: boolean } = {}): Promise<KmsKey[]> {
  return (await session.kms.listKeys(opts)).items;
}
after(async () => {
  session?.dispose();
  raw?.destroy();
  await moto?.stop();
});

describe('KmsService keys', () => {
  it('lists customer keys with aliases, state, spec, usage, rotation and dates', async () => {
    const a = await session.kms.createKey({ description: 'lab key A', tags: { project: 'kms-lab' } });
    const b = await session.kms.createKey({ description: 'lab key B' });
    await session.kms.createAlias('kms-lab', a.keyId);
    await session.kms.createAlias('alias/kms-lab-second', a.keyId);
    await session.kms.createAlias('alias/other', b.keyId);
    await raw.send(new EnableKeyRotationCommand({ KeyId: b.keyId }));
    await session.kms.setKeyEnabled(a.keyId, false);

    session.invalidate();
    const page = await session.kms.listKeys();
    const byId = new Map(page.items.map((k) => [k.keyId, k]));
    assert.equal(page.nextToken, undefined);

    const keyA = byId.get(a.keyId);
    assert.ok(keyA);
    assert.deepEqual(keyA.aliases, ['alias/kms-lab', 'alias/kms-lab-second']);
    assert.equal(keyA.state, 'Disabled');
    assert.equal(keyA.keyManager, 'CUSTOMER');
    assert.equal(keyA.keySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(keyA.keyUsage, 'ENCRYPT_DECRYPT');
    assert.equal(keyA.description, 'lab key A');
    assert.equal(keyA.rotationEnabled, false);
    assert.ok(keyA.creationDate instanceof Date);
    assert.match(keyA.arn, new RegExp(`^arn:aws:kms:us-east-1:123456789012:key/${a.keyId}$`));

    const keyB = byId.get(b.keyId);
    assert.deepEqual(keyB?.aliases, ['alias/other']);
    assert.equal(keyB?.state, 'Enabled');
    assert.equal(keyB?.rotationEnabled, true);
  });

  it('shows the deletion date of a key pending deletion', async () => {
    const key = await session.kms.createKey({});
    await raw.send(new ScheduleKeyDeletionCommand({ KeyId: key.keyId, PendingWindowInDays: 7 }));
    session.invalidate();
    const listed = (await listedKeys()).find((k) => k.keyId === key.keyId);
    assert.equal(listed?.state, 'PendingDeletion');
    assert.ok(listed?.deletionDate instanceof Date && listed.deletionDate.getTime() > Date.now());
  });

  it('leaves out AWS managed keys unless asked, and recognises them by their reserved alias', async () => {
    const ddb = new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' } });
    try {
      // Makes moto create the aws/dynamodb key.
      await ddb.send(
        new CreateTableCommand({
          TableName: 'managed',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { Enabled: true },
        }),
      );
    } finally {
      ddb.destroy();
    }
    const mine = await session.kms.createKey({ description: 'mine' });
    const customerOnly = await listedKeys();
    assert.ok(customerOnly.some((k) => k.keyId === mine.keyId));
    assert.ok(customerOnly.every((k) => k.keyManager === 'CUSTOMER' && !k.aliases.some((a) => a.startsWith('alias/aws/'))));

    const all = await listedKeys({ includeAwsManaged: true });
    const managed = all.find((k) => k.aliases.includes('alias/aws/dynamodb'));
    assert.ok(managed, 'the aws/dynamodb key is listed');
    assert.equal(managed.keyManager, 'AWS');
    assert.equal(managed.rotationEnabled, undefined, 'rotation is read for customer keys only');
    assert.equal(all.length, customerOnly.length + 1);
  });

  it('describes a key by id, ARN, alias name and alias ARN', async () => {
    const key = await session.kms.createKey({ description: 'by name' });
    await session.kms.createAlias('alias/by-name', key.keyId);
    for (const name of [key.keyId, key.arn, 'alias/by-name', 'arn:aws:kms:us-east-1:123456789012:alias/by-name']) {
      const described = await session.kms.describeKey(name);
      assert.equal(described.keyId, key.keyId, name);
      assert.deepEqual(described.aliases, ['alias/by-name']);
    }
  });

  it('caches per refresh: a change made elsewhere shows after invalidate()', async () => {
    const key = await session.kms.createKey({});
    const first = await session.kms.describeKey(key.keyId);
    assert.equal(first.state, 'Enabled');
    const other = motoSession(moto.endpoint);
    try {
      await other.kms.setKeyEnabled(key.keyId, false);
    } finally {
      other.dispose();
    }
    assert.equal((await session.kms.describeKey(key.keyId)).state, 'Enabled', 'cached until the refresh');
    session.invalidate();
    assert.equal((await session.kms.describeKey(key.keyId)).state, 'Disabled');
  });

  it('a change made through the session itself shows at once', async () => {
    const key = await session.kms.createKey({});
    const before = (await listedKeys()).length;
    assert.ok((await listedKeys()).some((k) => k.keyId === key.keyId));
    await session.kms.setKeyEnabled(key.keyId, false);
    assert.equal((await session.kms.describeKey(key.keyId)).state, 'Disabled');
    await session.kms.setKeyEnabled(key.keyId, true);
    assert.equal((await session.kms.describeKey(key.keyId)).state, 'Enabled');
    const another = await session.kms.createKey({});
    const after = await listedKeys();
    assert.equal(after.length, before + 1);
    assert.ok(after.some((k) => k.keyId === another.keyId));
  });

  it('a key that does not exist is not-found, naming the action', async () => {
    const err = await rejection(session.kms.describeKey('11111111-2222-3333-4444-555555555555'));
    assert.equal(err.kind, 'not-found');
    assert.equal(err.action, 'kms:DescribeKey');
    assert.match(err.message, /^kms:DescribeKey: /);
  });
});

describe('KmsService key policies', () => {
  it('reads the default policy, writes a new one, and reads it back (also by alias)', async () => {
    const key = await session.kms.createKey({});
    await session.kms.createAlias('alias/policy-key', key.keyId);
    const before = await session.kms.getKeyPolicy(key.keyId);
    assert.equal(before.keyId, key.keyId);
    assert.equal(before.name, 'default');
    const doc = JSON.parse(before.text);
    assert.equal(doc.Statement[0].Principal.AWS, 'arn:aws:iam::123456789012:root');

    const updated = JSON.stringify({
      Version: '2012-10-17',
      Id: 'kms-lab',
      Statement: [
        { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' },
        { Sid: 'Allow use of the key', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/test' }, Action: ['kms:Decrypt'], Resource: '*' },
      ],
    });
    await session.kms.putKeyPolicy('alias/policy-key', updated, { bypassLockoutCheck: true });
    const after = await session.kms.getKeyPolicy('alias/policy-key');
    assert.equal(after.keyId, key.keyId);
    assert.deepEqual(JSON.parse(after.text), JSON.parse(updated));
  });

  it('is never served from the cache (an edit must start from the current policy)', async () => {
    const key = await session.kms.createKey({});
    await session.kms.getKeyPolicy(key.keyId);
    const other = motoSession(moto.endpoint);
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }] });
    try {
      await other.kms.putKeyPolicy(key.keyId, text);
    } finally {
      other.dispose();
    }
    assert.deepEqual(JSON.parse((await session.kms.getKeyPolicy(key.keyId)).text), JSON.parse(text));
  });

  it('a policy for a missing key is not-found with kms:GetKeyPolicy', async () => {
    const err = await rejection(session.kms.getKeyPolicy('11111111-2222-3333-4444-555555555555'));
    assert.equal(err.kind, 'not-found');
    assert.equal(err.action, 'kms:GetKeyPolicy');
  });
});

describe('KmsService grants', () => {
  it('lists every grant of a key', async () => {
    const key = await session.kms.createKey({});
    await raw.send(new CreateGrantCommand({ KeyId: key.keyId, GranteePrincipal: 'arn:aws:iam::123456789012:user/a', Operations: ['Decrypt', 'Encrypt'], Name: 'first' }));
    await raw.send(
      new CreateGrantCommand({
        KeyId: key.keyId,
        GranteePrincipal: 'arn:aws:iam::123456789012:role/b',
        RetiringPrincipal: 'arn:aws:iam::123456789012:root',
        Operations: ['GenerateDataKey'],
      }),
    );
    const grants = await session.kms.listGrants(key.keyId);
    assert.equal(grants.length, 2);
    const first = grants.find((g) => g.name === 'first');
    assert.deepEqual(first?.operations, ['Decrypt', 'Encrypt']);
    assert.equal(first?.granteePrincipal, 'arn:aws:iam::123456789012:user/a');
    assert.ok(first?.grantId);
    const second = grants.find((g) => g.granteePrincipal === 'arn:aws:iam::123456789012:role/b');
    assert.equal(second?.retiringPrincipal, 'arn:aws:iam::123456789012:root');
    assert.deepEqual(second?.operations, ['GenerateDataKey']);
  });

  it('a key without grants has an empty list', async () => {
    const key = await session.kms.createKey({});
    assert.deepEqual(await session.kms.listGrants(key.keyId), []);
  });
});

describe('KmsService createKey', () => {
  it('creates a key with a policy, and refuses an alias that already exists', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' }],
    });
    const key = await session.kms.createKey({ description: 'with policy', policy });
    assert.equal(key.keyManager, 'CUSTOMER');
    assert.equal(key.state, 'Enabled');
    assert.deepEqual(JSON.parse((await session.kms.getKeyPolicy(key.keyId)).text), JSON.parse(policy));
    await session.kms.createAlias('alias/taken', key.keyId);
    const err = await rejection(session.kms.createAlias('alias/taken', key.keyId));
    assert.equal(err.action, 'kms:CreateAlias');
    assert.equal(err.code, 'AlreadyExistsException');
  });
});
