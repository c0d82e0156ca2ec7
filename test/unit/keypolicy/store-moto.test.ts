// The key policy store against moto, an independent KMS: the same round trip, conflict rule and history.
// moto checks no key policies and knows no IAM user behind its default caller, so the pre-check is partial there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import type { AwsSession } from '../../../src/aws/session';
import { KeyPolicyStore } from '../../../src/keypolicy/store';
import { addKeyUser, keyUsersAndAdministrators } from '../../../src/policy';
import { startMoto, type Moto } from '../aws/support/moto';
import { motoSession } from '../aws/support/sessions';

let moto: Moto;
let session: AwsSession;
let raw: KMSClient;
let dir: string;
let store: KeyPolicyStore;
const bob = 'arn:aws:iam::123456789012:user/bob';

before(async () => {
  moto = await startMoto();
  session = motoSession(moto.endpoint);
  raw = new KMSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' } });
  dir = mkdtempSync(path.join(tmpdir(), 'kms-lab-keypolicy-moto-'));
  store = new KeyPolicyStore({ historyDir: dir });
});

after(async () => {
  session?.dispose();
  raw?.destroy();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const live = async (keyId: string) => (await raw.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy ?? '';

describe('KeyPolicyStore on moto', () => {
  it('saves, notes the partial pre-check, keeps the history and restores it', async () => {
    const key = await session.kms.createKey({ description: 'moto store key' });
    const doc = await store.load(session, key.keyId);
    assert.equal(doc.editable, true);
    assert.equal(doc.liveText, await live(key.keyId));

    const result = await store.save(session, doc, addKeyUser(doc.text, bob));
    assert.equal(result.kind, 'saved', JSON.stringify(result));
    if (result.kind !== 'saved') return;
    assert.match(result.notes?.join(' ') ?? '', /pre-check was partial/);
    assert.deepEqual(keyUsersAndAdministrators(await live(key.keyId)).users, [bob]);

    const [entry] = await store.history(doc.keyArn);
    assert.equal(entry.text, doc.liveText);
    const restored = await store.restore(session, result.document, entry.id);
    assert.equal(restored.kind, 'saved', JSON.stringify(restored));
    assert.deepEqual(JSON.parse(await live(key.keyId)), JSON.parse(doc.liveText));
  });

  it('detects a change made through the SDK meanwhile and leaves it in place', async () => {
    const key = await session.kms.createKey({ description: 'moto conflict key' });
    const doc = await store.load(session, key.arn);
    const outside = addKeyUser(doc.liveText, 'arn:aws:iam::123456789012:user/carol');
    await raw.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: outside }));
    const result = await store.save(session, doc, addKeyUser(doc.text, bob));
    assert.equal(result.kind, 'conflict', JSON.stringify(result));
    assert.equal(await live(key.keyId), outside);
    assert.deepEqual(await store.history(doc.keyArn), []);
  });
});
