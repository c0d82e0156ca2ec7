// Identifiers in AWS's shapes: unique ids (AIDA…, AROA…, AGPA…, ANPA…), access keys (AKIA…, ASIA…),
// 40-character secrets and session tokens, all from the system's secure random source.
import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // Both alphabets have a power-of-two size, so masking keeps the distribution uniform.
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! & (alphabet.length - 1)];
  return out;
}

export type UniqueIdPrefix = 'AIDA' | 'AROA' | 'AGPA' | 'ANPA';

export function newUniqueId(prefix: UniqueIdPrefix): string {
  return prefix + randomString(BASE32, 17);
}

export function newAccessKeyId(kind: 'AKIA' | 'ASIA'): string {
  return kind + randomString(BASE32, 16);
}

export function newSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, 40);
}

export function newSessionToken(): string {
  return `IQoJb3JpZ2luX2VjE${randomBytes(240).toString('base64')}`;
}
