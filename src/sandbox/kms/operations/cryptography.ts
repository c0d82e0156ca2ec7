// Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom: real AES-256-GCM.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../contracts';
import { encryptionContextConditions } from '../conditions';
import { type EncryptionContext, open, readHeader, seal } from '../envelope';
import { kmsError } from '../errors';
import { type Input, optionalEnum, optionalInteger, optionalString, optionalStringMap, requiredBlob } from '../input';
import { currentMaterialVersion, keyMaterialId } from '../key-material';
import { requireEnabled } from '../key-states';
import type { KeyRecord } from '../model';
import { type KmsCall, authorize, keyFromMember } from './call';

const ALGORITHMS = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const;
const MAX_PLAINTEXT = 4096;
const MAX_CIPHERTEXT = 6144;

function algorithm(input: Input, member = 'EncryptionAlgorithm'): 'SYMMETRIC_DEFAULT' {
  const chosen = optionalEnum(input, member, ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  if (chosen !== 'SYMMETRIC_DEFAULT') throw new AwsError('InvalidKeyUsageException', `${chosen} is not supported by a symmetric key.`);
  return chosen;
}

function cryptoConditions(context: EncryptionContext | undefined, algorithmName: string) {
  return { ...encryptionContextConditions(context), 'kms:EncryptionAlgorithm': algorithmName };
}

interface Sealed {
  blob: Buffer;
  /** The id of the key material that sealed it (KeyMaterialId in the answers). */
  materialId: string;
}

function sealUnder(call: KmsCall, key: KeyRecord, plaintext: Buffer, context: EncryptionContext | undefined): Sealed {
  const version = currentMaterialVersion(key);
  const material = call.backend.material(key, version);
  if (!material) throw new AwsError('KMSInternalException', `Key material of ${key.arn} is missing.`, 500, 'Receiver');
  return { blob: seal(key.keyId, version, material, plaintext, context), materialId: keyMaterialId(key, version)! };
}

/** The key a ciphertext blob names; a blob that is not ours, or names no key here, is invalid ciphertext. */
function keyOfBlob(call: KmsCall, blob: Buffer): KeyRecord {
  const header = readHeader(blob);
  const stored = header ? call.backend.state().keys[header.keyId] : undefined;
  const key = stored && call.backend.keyByArn(stored.arn, call.ctx.now.getTime());
  if (!key) throw kmsError.invalidCiphertext();
  return key;
}

function openWith(call: KmsCall, key: KeyRecord, blob: Buffer, context: EncryptionContext | undefined): { plaintext: Buffer; materialId: string } {
  const header = readHeader(blob)!;
  const material = call.backend.material(key, header.materialVersion);
  const plaintext = material && open(blob, material, context);
  if (!plaintext) throw kmsError.invalidCiphertext();
  return { plaintext, materialId: keyMaterialId(key, header.materialVersion)! };
}

/** Decrypt and ReEncrypt accept a KeyId that must name the blob's key. */
async function checkExpectedKey(call: KmsCall, member: string, key: KeyRecord): Promise<void> {
  if (optionalString(call.input, member, 2048) === undefined) return;
  const expected = await keyFromMember(call, member, { allowAlias: true });
  if (expected.keyId !== key.keyId) throw kmsError.incorrectKey();
}

export async function encrypt(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call, 'KeyId', { allowAlias: true });
  const plaintext = requiredBlob(call.input, 'Plaintext', MAX_PLAINTEXT);
  const context = optionalStringMap(call.input, 'EncryptionContext');
  const algorithmName = algorithm(call.input);
  authorize(call, 'Encrypt', key, { encryptionContext: context, conditions: cryptoConditions(context, algorithmName) });
  requireEnabled(key);
  const { blob } = sealUnder(call, key, plaintext, context);
  return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: algorithmName };
}

export async function decrypt(call: KmsCall): Promise<Record<string, unknown>> {
  const blob = requiredBlob(call.input, 'CiphertextBlob', MAX_CIPHERTEXT);
  const context = optionalStringMap(call.input, 'EncryptionContext');
  const algorithmName = algorithm(call.input);
  const key = keyOfBlob(call, blob);
  await checkExpectedKey(call, 'KeyId', key);
  authorize(call, 'Decrypt', key, { encryptionContext: context, conditions: cryptoConditions(context, algorithmName) });
  requireEnabled(key);
  const { plaintext, materialId } = openWith(call, key, blob, context);
  return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: algorithmName, KeyMaterialId: materialId };
}

export async function reEncrypt(call: KmsCall): Promise<Record<string, unknown>> {
  const blob = requiredBlob(call.input, 'CiphertextBlob', MAX_CIPHERTEXT);
  const sourceContext = optionalStringMap(call.input, 'SourceEncryptionContext');
  const destinationContext = optionalStringMap(call.input, 'DestinationEncryptionContext');
  const sourceAlgorithm = algorithm(call.input, 'SourceEncryptionAlgorithm');
  const destinationAlgorithm = algorithm(call.input, 'DestinationEncryptionAlgorithm');
  const source = keyOfBlob(call, blob);
  await checkExpectedKey(call, 'SourceKeyId', source);
  const destination = await keyFromMember(call, 'DestinationKeyId', { allowAlias: true });
  authorize(call, 'ReEncryptFrom', source, {
    encryptionContext: sourceContext,
    conditions: { ...cryptoConditions(sourceContext, sourceAlgorithm), 'kms:ReEncryptOnSameKey': String(source.keyId === destination.keyId) },
  });
  authorize(call, 'ReEncryptTo', destination, {
    encryptionContext: destinationContext,
    conditions: { ...cryptoConditions(destinationContext, destinationAlgorithm), 'kms:ReEncryptOnSameKey': String(source.keyId === destination.keyId) },
  });
  requireEnabled(source);
  requireEnabled(destination);
  const opened = openWith(call, source, blob, sourceContext);
  const sealed = sealUnder(call, destination, opened.plaintext, destinationContext);
  return {
    CiphertextBlob: sealed.blob.toString('base64'),
    SourceKeyId: source.arn,
    KeyId: destination.arn,
    SourceEncryptionAlgorithm: sourceAlgorithm,
    DestinationEncryptionAlgorithm: destinationAlgorithm,
    SourceKeyMaterialId: opened.materialId,
    DestinationKeyMaterialId: sealed.materialId,
  };
}

function dataKeyLength(input: Input): number {
  const keySpec = optionalEnum(input, 'KeySpec', ['AES_256', 'AES_128'] as const);
  const numberOfBytes = optionalInteger(input, 'NumberOfBytes', 1, 1024);
  if ((keySpec === undefined) === (numberOfBytes === undefined)) throw kmsError.validation('Please specify either number of bytes or key spec.');
  return numberOfBytes ?? (keySpec === 'AES_128' ? 16 : 32);
}

async function generateDataKeyWith(call: KmsCall, operation: string, withPlaintext: boolean): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call, 'KeyId', { allowAlias: true });
  const length = dataKeyLength(call.input);
  const context = optionalStringMap(call.input, 'EncryptionContext');
  authorize(call, operation, key, { encryptionContext: context, conditions: encryptionContextConditions(context) });
  requireEnabled(key);
  const dataKey = randomBytes(length);
  const { blob, materialId } = sealUnder(call, key, dataKey, context);
  const result: Record<string, unknown> = { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, KeyMaterialId: materialId };
  if (withPlaintext) result.Plaintext = dataKey.toString('base64');
  return result;
}

export function generateDataKey(call: KmsCall): Promise<Record<string, unknown>> {
  return generateDataKeyWith(call, 'GenerateDataKey', true);
}

export function generateDataKeyWithoutPlaintext(call: KmsCall): Promise<Record<string, unknown>> {
  return generateDataKeyWith(call, 'GenerateDataKeyWithoutPlaintext', false);
}

export async function generateRandom(call: KmsCall): Promise<Record<string, unknown>> {
  const length = optionalInteger(call.input, 'NumberOfBytes', 1, 1024);
  if (length === undefined) throw kmsError.validation('NumberOfBytes is required.');
  authorize(call, 'GenerateRandom', undefined, { resource: '*' });
  return { Plaintext: randomBytes(length).toString('base64') };
}
