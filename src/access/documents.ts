// Policy documents as IAM returns them (URL-encoded JSON), turned into what the policy engine reads.
import type { PolicyDocument } from '../policy';

/**
 * The document parsed once: JSON text, URL-encoded JSON text (IAM's way), or an object already. Text that is not
 * JSON either way is passed on as text, so the engine reports it as malformed instead of it vanishing.
 */
export function decodePolicyDocument(document: unknown): PolicyDocument | string {
  if (typeof document !== 'string') return (document ?? '') as PolicyDocument;
  const text = document.trimStart();
  if (text.startsWith('{')) return parseOr(document);
  try {
    return parseOr(decodeURIComponent(document));
  } catch {
    return document;
  }
}

/**
 * decodePolicyDocument, once per text: an account's principals often carry copies of one inline policy, and copies
 * then share one parsed document, which the engine compiles once. Decoded documents are never changed.
 */
export function documentDecoder(): (document: unknown) => PolicyDocument | string {
  const byText = new Map<string, PolicyDocument | string>();
  return (document) => {
    if (typeof document !== 'string') return decodePolicyDocument(document);
    let decoded = byText.get(document);
    if (decoded === undefined) {
      decoded = decodePolicyDocument(document);
      byText.set(document, decoded);
    }
    return decoded;
  };
}

function parseOr(text: string): PolicyDocument | string {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as PolicyDocument) : text;
  } catch {
    return text;
  }
}
