// awsJson 1.0 / 1.1: a JSON object in, a JSON object out, errors as {"__type", "message"}.
import type { AwsError } from '../contracts';
import { serializationError } from './front-errors';
import type { JsonServiceName } from './protocol';

/** The request's JSON object; an empty body or one that is not JSON is coral's SerializationException (no message). */
export function parseJsonBody(service: JsonServiceName, body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw serializationError(service);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw serializationError(service);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw serializationError(service, 'Start of list or scalar found where a structure was expected');
  }
  return value as Record<string, unknown>;
}

/** The short error name, as clients read it from x-amzn-ErrorType. */
export function shortErrorName(code: string): string {
  const hash = code.lastIndexOf('#');
  return hash < 0 ? code : code.slice(hash + 1);
}

/**
 * AWS leaves an empty message out (InvalidCiphertextException, UnknownOperationException). An error that carries
 * its message member itself (DynamoDB's "Message" or "message", as its engine wrote it) keeps that casing.
 */
export function renderJsonError(error: AwsError): string {
  const fields = error.fields ?? {};
  const ownMessage = Object.hasOwn(fields, 'message') || Object.hasOwn(fields, 'Message');
  return JSON.stringify({ __type: error.code, ...(ownMessage || error.message === '' ? {} : { message: error.message }), ...fields });
}
