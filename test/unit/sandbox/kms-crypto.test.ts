// KMS cryptography in the sandbox: real AES-256-GCM, encryption context as AAD, blobs that name their key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readHeader } from '../../../src/sandbox/kms/envelope';
import { type ServicesFixture, awsError, b64, openServices, text } from './lab-fixtures';

let f: ServicesFixture;
let key: { KeyId: string; Arn: string; CurrentKeyMaterialId: string };
let other: { KeyId: string; Arn: string };
before(async () => {
  f = await openServices();
  key = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata;
  other = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata;
  await f.kms(f.admin, 'CreateAlias', { AliasName: 'alias/crypto', TargetKeyId: key.KeyId });
});
after(() => f.close());

describe('Encrypt and Decrypt', () => {
  test('round trip; Decrypt needs no KeyId because the blob names its key', async () => {
    const encrypted = await f.kms(f.admin, 'Encrypt', { KeyId: 'alias/crypto', Plaintext: b64('attack at dawn') });
    assert.equal(encrypted.KeyId, key.Arn);
    assert.equal(encrypted.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const blob = Buffer.from(encrypted.CiphertextBlob, 'base64');
    assert.ok(!blob.includes(Buffer.from('attack at dawn')), 'the plaintext is not in the blob');
    assert.equal(readHeader(blob)?.keyId, key.KeyId);
    const decrypted = await f.kms(f.admin, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob });
    assert.deepEqual(decrypted, { KeyId: key.Arn, Plaintext: b64('attack at dawn'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: key.CurrentKeyMaterialId });
  });

  test('two encryptions of the same plaintext differ (fresh IV)', async () => {
    const a = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('same') });
    const b = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('same') });
    assert.notEqual(a.CiphertextBlob, b.CiphertextBlob);
  });

  test('the encryption context is bound: a different or missing context is InvalidCiphertextException', async () => {
    const context = { 'aws:dynamodb:tableName': 'lab', purpose: 'test' };
    const encrypted = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('bound'), EncryptionContext: context });
    const reordered = { purpose: 'test', 'aws:dynamodb:tableName': 'lab' };
    assert.equal(text((await f.kms(f.admin, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: reordered })).Plaintext), 'bound');
    for (const wrong of [undefined, { purpose: 'test' }, { ...context, purpose: 'other' }, { ...context, extra: 'x' }]) {
      const error = await awsError(f.kms(f.admin, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, ...(wrong ? { EncryptionContext: wrong } : {}) }));
      assert.equal(error.code, 'InvalidCiphertextException', JSON.stringify(wrong));
    }
  });

  test('a tampered or foreign blob is InvalidCiphertextException', async () => {
    const encrypted = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('integrity') });
    const blob = Buffer.from(encrypted.CiphertextBlob, 'base64');
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1] ^= 1;
    assert.equal((await awsError(f.kms(f.admin, 'Decrypt', { CiphertextBlob: flipped.toString('base64') }))).code, 'InvalidCiphertextException');
    const relabelled = Buffer.from(blob.toString('latin1').replace(key.KeyId, other.KeyId), 'latin1');
    assert.equal((await awsError(f.kms(f.admin, 'Decrypt', { CiphertextBlob: relabelled.toString('base64') }))).code, 'InvalidCiphertextException');
    assert.equal((await awsError(f.kms(f.admin, 'Decrypt', { CiphertextBlob: b64('not a kms blob at all, really') }))).code, 'InvalidCiphertextException');
  });

  test('Decrypt with the KeyId of another key is IncorrectKeyException', async () => {
    const encrypted = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('mine') });
    const error = await awsError(f.kms(f.admin, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, KeyId: other.KeyId }));
    assert.equal(error.code, 'IncorrectKeyException');
    assert.equal(text((await f.kms(f.admin, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, KeyId: 'alias/crypto' })).Plaintext), 'mine');
  });

  test('plaintext is 1 to 4096 bytes', async () => {
    const tooBig = Buffer.alloc(4097, 1).toString('base64');
    const error = await awsError(f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: tooBig }));
    assert.equal(error.code, 'ValidationException');
    assert.match(error.message, /4096/);
    assert.equal((await awsError(f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: '' }))).code, 'ValidationException');
    await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: Buffer.alloc(4096, 2).toString('base64') });
  });
});

describe('ReEncrypt', () => {
  test('moves a ciphertext to another key and context', async () => {
    const encrypted = await f.kms(f.admin, 'Encrypt', { KeyId: key.KeyId, Plaintext: b64('moving'), EncryptionContext: { a: '1' } });
    const moved = await f.kms(f.admin, 'ReEncrypt', {
      CiphertextBlob: encrypted.CiphertextBlob,
      SourceEncryptionContext: { a: '1' },
      DestinationKeyId: other.Arn,
      DestinationEncryptionContext: { b: '2' },
    });
    assert.equal(moved.SourceKeyId, key.Arn);
    assert.equal(moved.KeyId, other.Arn);
    assert.equal(moved.SourceEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.equal(moved.DestinationEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.equal(readHeader(Buffer.from(moved.CiphertextBlob, 'base64'))?.keyId, other.KeyId);
    const decrypted = await f.kms(f.admin, 'Decrypt', { CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { b: '2' } });
    assert.equal(text(decrypted.Plaintext), 'moving');
    assert.equal(decrypted.KeyId, other.Arn);
    const wrongSource = await awsError(f.kms(f.admin, 'ReEncrypt', { CiphertextBlob: encrypted.CiphertextBlob, DestinationKeyId: other.KeyId }));
    assert.equal(wrongSource.code, 'InvalidCiphertextException');
  });
});

describe('GenerateDataKey', () => {
  test('returns a data key and its blob; the blob decrypts to the same key', async () => {
    const generated = await f.kms(f.admin, 'GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: { use: 'dek' } });
    assert.equal(generated.KeyId, key.Arn);
    assert.equal(Buffer.from(generated.Plaintext, 'base64').length, 32);
    const decrypted = await f.kms(f.admin, 'Decrypt', { CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { use: 'dek' } });
    assert.equal(decrypted.Plaintext, generated.Plaintext);
    const short = await f.kms(f.admin, 'GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_128' });
    assert.equal(Buffer.from(short.Plaintext, 'base64').length, 16);
    const sized = await f.kms(f.admin, 'GenerateDataKey', { KeyId: key.KeyId, NumberOfBytes: 64 });
    assert.equal(Buffer.from(sized.Plaintext, 'base64').length, 64);
  });

  test('WithoutPlaintext returns only the blob, with the id of the key material that sealed it', async () => {
    const generated = await f.kms(f.admin, 'GenerateDataKeyWithoutPlaintext', { KeyId: key.KeyId, KeySpec: 'AES_256' });
    assert.deepEqual(Object.keys(generated).sort(), ['CiphertextBlob', 'KeyId', 'KeyMaterialId']);
    assert.equal(generated.KeyMaterialId, key.CurrentKeyMaterialId);
    const decrypted = await f.kms(f.admin, 'Decrypt', { CiphertextBlob: generated.CiphertextBlob });
    assert.equal(Buffer.from(decrypted.Plaintext, 'base64').length, 32);
  });

  test('exactly one of KeySpec and NumberOfBytes; NumberOfBytes 1–1024', async () => {
    for (const input of [{}, { KeySpec: 'AES_256', NumberOfBytes: 32 }]) {
      const error = await awsError(f.kms(f.admin, 'GenerateDataKey', { KeyId: key.KeyId, ...input }));
      assert.equal(error.code, 'ValidationException');
      assert.equal(error.message, 'Please specify either number of bytes or key spec.');
    }
    assert.equal((await awsError(f.kms(f.admin, 'GenerateDataKey', { KeyId: key.KeyId, NumberOfBytes: 1025 }))).code, 'ValidationException');
    assert.equal((await awsError(f.kms(f.admin, 'GenerateDataKey', { KeyId: key.KeyId, KeySpec: 'AES_512' }))).code, 'ValidationException');
  });

  test('GenerateRandom returns the bytes asked for', async () => {
    const random = await f.kms(f.admin, 'GenerateRandom', { NumberOfBytes: 48 });
    assert.equal(Buffer.from(random.Plaintext, 'base64').length, 48);
  });
});
