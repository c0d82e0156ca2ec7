// The ciphertext blob of the sandbox's KMS: AES-256-GCM under the key's material, with the encryption
// context bound as additional authenticated data, and a header that names the key (so Decrypt needs no KeyId).
//
//   [1: format 0x01][1: n][n: key id, ASCII][2: material version][12: IV][16: GCM tag][ciphertext]
//
// The header is authenticated too, so a blob cannot be relabelled to another key or version.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type EncryptionContext = Record<string, string>;

export interface BlobHeader {
  keyId: string;
  materialVersion: number;
}

function canonicalContext(context: EncryptionContext | undefined): Buffer {
  const entries = Object.keys(context ?? {})
    .sort()
    .map((key) => [key, context![key]]);
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

function header(keyId: string, materialVersion: number): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  const head = Buffer.alloc(2 + id.length + 2);
  head[0] = FORMAT;
  head[1] = id.length;
  id.copy(head, 2);
  head.writeUInt16BE(materialVersion, 2 + id.length);
  return head;
}

export function seal(keyId: string, materialVersion: number, material: Buffer, plaintext: Buffer, context?: EncryptionContext): Buffer {
  const head = header(keyId, materialVersion);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(Buffer.concat([head, canonicalContext(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, iv, cipher.getAuthTag(), body]);
}

/** The key a blob names, or undefined when the blob is not one of ours. */
export function readHeader(blob: Buffer): BlobHeader | undefined {
  if (blob.length < 2 || blob[0] !== FORMAT) return undefined;
  const idLength = blob[1];
  const headLength = 2 + idLength + 2;
  if (blob.length < headLength + IV_BYTES + TAG_BYTES) return undefined;
  const keyId = blob.subarray(2, 2 + idLength).toString('ascii');
  return { keyId, materialVersion: blob.readUInt16BE(2 + idLength) };
}

/** The plaintext, or undefined when the blob was tampered with or the context differs. */
export function open(blob: Buffer, material: Buffer, context?: EncryptionContext): Buffer | undefined {
  const head = readHeader(blob);
  if (!head) return undefined;
  const headLength = 2 + blob[1] + 2;
  const iv = blob.subarray(headLength, headLength + IV_BYTES);
  const tag = blob.subarray(headLength + IV_BYTES, headLength + IV_BYTES + TAG_BYTES);
  const body = blob.subarray(headLength + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, iv);
    decipher.setAAD(Buffer.concat([blob.subarray(0, headLength), canonicalContext(context)]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function newKeyMaterial(): string {
  return randomBytes(32).toString('base64');
}
