// Table settings dynalite does not know, read from CreateTable and UpdateTable as DynamoDB reads them.
import { dynamoError } from './errors';

export function readDeletionProtection(raw: unknown): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'boolean') throw dynamoError.serialization('Unexpected token received from parser');
  return raw;
}

export interface WarmThroughputRequest {
  ReadUnitsPerSecond?: number;
  WriteUnitsPerSecond?: number;
}

/** WarmThroughput {ReadUnitsPerSecond, WriteUnitsPerSecond}: whole numbers, at least one of them. */
export function readWarmThroughput(raw: unknown): WarmThroughputRequest | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw dynamoError.serialization('Start of structure or map found where not expected');
  const request: WarmThroughputRequest = {};
  for (const member of ['ReadUnitsPerSecond', 'WriteUnitsPerSecond'] as const) {
    const value = (raw as Record<string, unknown>)[member];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw dynamoError.serialization('NUMBER_VALUE cannot be converted to Long');
    if (value < 1) {
      const name = member.charAt(0).toLowerCase() + member.slice(1);
      throw dynamoError.validation(`1 validation error detected: Value '${value}' at 'warmThroughput.${name}' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    }
    request[member] = value;
  }
  if (request.ReadUnitsPerSecond === undefined && request.WriteUnitsPerSecond === undefined) {
    throw dynamoError.validation('One or more parameter values were invalid: WarmThroughput must specify ReadUnitsPerSecond, WriteUnitsPerSecond, or both');
  }
  return request;
}
