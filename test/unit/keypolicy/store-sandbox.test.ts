// The key policy store against the local sandbox, which enforces key policies and KMS's own lockout and principal
// checks: round trip, invalid text, size, lockout, conflict, history and restore, AWS managed keys, denied saves.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AwsSession } from '../../../src/aws/session';
import type { StaticCredentials } from '../../../src/aws/types';
import { KeyPolicyStore, type KeyPolicyDocument, type SaveResult } from '../../../src/keypolicy/store';
import { historyFileName } from '../../../src/keypolicy/history';
import { addKeyUser, keyUsersAndAdministrators } from '../../../src/policy';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';

let dir: string;
let sandbox: RunningSandbox;
let admin: AwsSession;
let limited: AwsSession;
let putter: AwsSession;
let store: KeyPolicyStore;
let raw: KMSClient;
let aliceArn: string;
const saved: string[] = [];

const sessionFor = (label: string, credentials: StaticCredentials) =>
  new AwsSession({ kind: 'static', label, region: sandbox.region, endpoint: sandbox.endpoint, credentials });

async function livePolicy(keyId: string): Promise<string> {
  return (await raw.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy ?? '';
}

function expect<K extends SaveResult['kind']>(result: SaveResult, kind: K): Extract<SaveResult, { kind: K }> {
  assert.equal(result.kind, kind, JSON.stringify(result));
  return result as Extract<SaveResult, { kind: K }>;
}

async function newKey(): Promise<KeyPolicyDocument> {
  const key = await admin.kms.createKey({ description: 'store test key' });
  return store.load(admin, key.keyId);
}

async function userWithPolicy(name: string, actions: string[]): Promise<AwsSession> {
  const iam = new IAMClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  try {
    await iam.send(new CreateUserCommand({ UserName: name }));
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'kms', PolicyDocument: JSON.stringify(document) }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return sessionFor(name, { accessKeyId: key.AccessKey?.AccessKeyId ?? '', secretAccessKey: key.AccessKey?.SecretAccessKey ?? '' });
  } finally {
    iam.destroy();
  }
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kms-lab-keypolicy-'));
  sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox') });
  admin = sessionFor('Local sandbox', sandbox.admin);
  raw = new KMSClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  store = new KeyPolicyStore({ historyDir: path.join(dir, 'history') });
  store.onDidSave((arn) => saved.push(arn));
  const iam = new IAMClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  try {
    aliceArn = (await iam.send(new CreateUserCommand({ UserName: 'alice' }))).User?.Arn ?? '';
  } finally {
    iam.destroy();
  }
  limited = await userWithPolicy('reader', ['kms:DescribeKey', 'kms:GetKeyPolicy']);
  putter = await userWithPolicy('putter', ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy']);
});

after(async () => {
  for (const session of [admin, limited, putter]) session?.dispose();
  raw?.destroy();
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('KeyPolicyStore.load', () => {
  it('keeps the live text as KMS returned it and pretty-prints a copy for editing', async () => {
    const doc = await newKey();
    assert.equal(doc.liveText, await livePolicy(doc.keyId));
    assert.equal(doc.text, `${JSON.stringify(JSON.parse(doc.liveText), null, 2)}\n`);
    assert.match(doc.keyArn, new RegExp(`^arn:aws:kms:${sandbox.region}:${sandbox.accountId}:key/${doc.keyId}$`));
    assert.equal(doc.region, sandbox.region);
    assert.equal(doc.editable, true);
    assert.equal(doc.readOnlyReason, undefined);
  });

  it('opens the AWS managed aws/dynamodb key read-only, says why, and refuses to save it', async () => {
    const ddb = new DynamoDBClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
    try {
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
    const doc = await store.load(admin, 'alias/aws/dynamodb');
    assert.equal(doc.editable, false);
    assert.match(doc.readOnlyReason ?? '', /managed by AWS and cannot be changed/);
    const before = await livePolicy(doc.keyId);
    const failed = expect(await store.save(admin, doc, addKeyUser(doc.text, aliceArn)), 'failed');
    assert.equal(failed.reason, 'read-only');
    assert.equal(await livePolicy(doc.keyId), before);
  });
});

describe('KeyPolicyStore.save', () => {
  it('round trip: adds a key user, reloads, keeps the old policy in the history and tells listeners', async () => {
    const doc = await newKey();
    const edited = addKeyUser(doc.text, aliceArn);
    const result = expect(await store.save(admin, doc, edited), 'saved');
    const live = await livePolicy(doc.keyId);
    assert.deepEqual(keyUsersAndAdministrators(live).users, [aliceArn]);
    assert.equal(result.document.liveText, live);
    assert.equal(result.document.text, edited);
    assert.equal(result.notes, undefined);
    const history = await store.history(doc.keyArn);
    assert.equal(history.length, 1);
    assert.equal(history[0].text, doc.liveText);
    assert.equal(history[0].replacedBy, `arn:aws:iam::${sandbox.accountId}:user/admin`);
    assert.ok(saved.includes(doc.keyArn));
  });

  it('refuses invalid JSON with the position of the error, and sends nothing', async () => {
    const doc = await newKey();
    const lines = doc.text.split('\n');
    const sidLine = lines.findIndex((l) => l.includes('"Sid"'));
    lines[sidLine] = lines[sidLine].replace(/,$/, '');
    const result = expect(await store.save(admin, doc, lines.join('\n')), 'invalid');
    assert.equal(result.problems[0].code, 'json-syntax');
    assert.equal(result.problems[0].message, "Expected ','");
    assert.equal(result.problems[0].range?.line, sidLine + 2);
    assert.equal(await livePolicy(doc.keyId), doc.liveText);
    assert.deepEqual(await store.history(doc.keyArn), []);
  });

  it('refuses a policy the engine finds wrong, with the line of the element; warnings alone do not block', async () => {
    const doc = await newKey();
    const wrong = doc.text.replace('"Effect": "Allow"', '"Effect": "allow"');
    const result = expect(await store.save(admin, doc, wrong), 'invalid');
    assert.deepEqual(result.problems.map((p) => p.code), ['invalid-effect']);
    assert.equal(result.problems[0].range?.line, wrong.split('\n').findIndex((l) => l.includes('"allow"')) + 1);
    assert.ok(result.problems.every((p) => p.severity === 'error'));

    const warned = doc.text.replace('"Action": "kms:*"', '"Action": ["kms:*", "s3:GetObject"]');
    expect(await store.save(admin, doc, warned), 'saved');
  });

  it('refuses a policy over 32 KB before sending it', async () => {
    const doc = await newKey();
    const big = doc.text.replace('"Statement"', `"Id": "${'x'.repeat(33_000)}",\n  "Statement"`).replace(/"Id": "key-default-1",\n\s*/, '');
    const result = expect(await store.save(admin, doc, big), 'failed');
    assert.equal(result.reason, 'too-large');
    assert.match(result.message, /32768/);
    assert.equal(await livePolicy(doc.keyId), doc.liveText);
  });

  it('refuses a policy that would lock the caller out, before KMS sees it', async () => {
    const doc = await newKey();
    const lockout = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Only alice', Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' }],
    }, null, 2);
    const result = expect(await store.save(admin, doc, lockout), 'lockout');
    assert.match(result.message, /kms:PutKeyPolicy/);
    assert.match(result.message, /user\/admin/);
    assert.equal(await livePolicy(doc.keyId), doc.liveText);
  });

  it('passes KMS its own unknown-principal refusal, in words that say what to check', async () => {
    const doc = await newKey();
    const ghost = `arn:aws:iam::${sandbox.accountId}:user/ghost`;
    const result = expect(await store.save(admin, doc, addKeyUser(doc.text, ghost)), 'failed');
    assert.equal(result.reason, 'invalid-principal');
    assert.match(result.message, /Policy contains a statement with one or more invalid principals/);
    assert.match(result.message, new RegExp(`Not found in IAM: ${ghost}\\.$`));
    assert.equal(await livePolicy(doc.keyId), doc.liveText);
  });

  it('detects a change made meanwhile, sends nothing, and overwrites only when asked', async () => {
    const doc = await newKey();
    const outside = JSON.parse(doc.liveText);
    outside.Statement.push({ Sid: 'Outside', Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:Decrypt', Resource: '*' });
    await raw.send(new PutKeyPolicyCommand({ KeyId: doc.keyId, PolicyName: 'default', Policy: JSON.stringify(outside) }));

    const mine = addKeyUser(doc.text, aliceArn);
    const conflict = expect(await store.save(admin, doc, mine), 'conflict');
    assert.equal(conflict.base, doc.text);
    assert.match(conflict.theirs, /"Sid": "Outside"/);
    assert.deepEqual(JSON.parse(await livePolicy(doc.keyId)), outside);

    expect(await store.save(admin, doc, mine, { overwriteConflict: true }), 'saved');
    assert.deepEqual(JSON.parse(await livePolicy(doc.keyId)), JSON.parse(mine));
    const [previous] = await store.history(doc.keyArn);
    assert.deepEqual(JSON.parse(previous.text), outside);
  });

  it('a second save from the same loaded document is a conflict: the first one changed the policy', async () => {
    const doc = await newKey();
    const [first, second] = await Promise.all([
      store.save(admin, doc, addKeyUser(doc.text, aliceArn)),
      store.save(admin, doc, doc.text.replace('key-default-1', 'renamed')),
    ]);
    expect(first, 'saved');
    expect(second, 'conflict');
  });
});

describe('KeyPolicyStore.history and restore', () => {
  it('lists versions newest first in private files, and restores one with the same checks', async () => {
    const doc = await newKey();
    const one = expect(await store.save(admin, doc, addKeyUser(doc.text, aliceArn)), 'saved').document;
    const two = expect(await store.save(admin, one, one.text.replace('key-default-1', 'second')), 'saved').document;
    const history = await store.history(doc.keyArn);
    assert.deepEqual(history.map((e) => JSON.parse(e.text).Id), ['key-default-1', 'key-default-1']);
    assert.deepEqual(keyUsersAndAdministrators(history[0].text).users, [aliceArn]);
    assert.deepEqual(keyUsersAndAdministrators(history[1].text).users, []);

    const file = path.join(dir, 'history', historyFileName(doc.keyArn));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dir, 'history')).mode & 0o777, 0o700);

    const restored = expect(await store.restore(admin, two, history[1].id), 'saved');
    assert.deepEqual(JSON.parse(await livePolicy(doc.keyId)), JSON.parse(doc.liveText));
    assert.deepEqual(JSON.parse(restored.document.liveText), JSON.parse(doc.liveText));
    assert.equal((await store.history(doc.keyArn)).length, 3);

    // Restoring from a stale document is a conflict like any other save.
    expect(await store.restore(admin, one, history[0].id), 'conflict');
    expect(await store.restore(admin, restored.document, 'no-such-entry'), 'failed');
  });
});

describe('KeyPolicyStore.save as identities with less', () => {
  it('a user without kms:PutKeyPolicy gets a failure naming the permission and the user; nothing changes', async () => {
    const key = await admin.kms.createKey({ description: 'denied save' });
    const doc = await store.load(limited, key.arn);
    const result = expect(await store.save(limited, doc, addKeyUser(doc.text, aliceArn)), 'failed');
    assert.equal(result.reason, 'access-denied');
    assert.equal(result.action, 'kms:PutKeyPolicy');
    assert.match(result.message, /kms:PutKeyPolicy/);
    assert.match(result.message, /user\/reader/);
    assert.equal(await livePolicy(key.keyId), doc.liveText);
  });

  it('when IAM cannot be read the pre-check is partial and KMS decides: a lockout still comes back as one', async () => {
    const key = await admin.kms.createKey({ description: 'partial pre-check' });
    const doc = await store.load(putter, key.keyId);
    const lockout = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Only alice', Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:*', Resource: '*' }],
    });
    const refused = expect(await store.save(putter, doc, lockout), 'lockout');
    assert.match(refused.message, /will not allow you to update the key policy in the future/);
    assert.match(refused.message, /partial/);
    assert.equal(await livePolicy(key.keyId), doc.liveText);

    const accepted = expect(await store.save(putter, doc, addKeyUser(doc.text, aliceArn)), 'saved');
    assert.match(accepted.notes?.join(' ') ?? '', /pre-check was partial/);
  });

  it('without kms:DescribeKey a key still loads by its ARN, from GetKeyPolicy alone', async () => {
    const key = await admin.kms.createKey({ description: 'no describe' });
    const policyOnly = await userWithPolicy('policy-only', ['kms:GetKeyPolicy']);
    try {
      await assert.rejects(policyOnly.kms.describeKey(key.arn));
      const doc = await store.load(policyOnly, key.arn);
      assert.equal(doc.keyId, key.keyId);
      assert.equal(doc.keyArn, key.arn);
      assert.equal(doc.editable, true);
      assert.equal(doc.liveText, await livePolicy(key.keyId));
      await assert.rejects(store.load(policyOnly, key.keyId), /kms:DescribeKey/);
    } finally {
      policyOnly.dispose();
    }
  });

  it('rejected credentials fail with the reason, and nothing is sent', async () => {
    const doc = await newKey();
    const stranger = sessionFor('expired', { accessKeyId: 'AKIAEXPIREDEXPIRED00', secretAccessKey: 'nope' });
    try {
      const result = expect(await store.save(stranger, doc, addKeyUser(doc.text, aliceArn)), 'failed');
      assert.equal(result.reason, 'invalid-credentials');
      assert.match(result.message, /rejected/);
    } finally {
      stranger.dispose();
    }
    assert.equal(await livePolicy(doc.keyId), doc.liveText);
  });
});
