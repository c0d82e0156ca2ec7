// The three kinds of table encryption: AWS owned (no SSEDescription), AWS managed (aws/dynamodb) and customer managed.
import { AwsError, type RequestContext } from '../contracts';
import type { KeyRecord } from '../kms/model';
import type { TableKeyAccess } from '../kms/table-key-access';
import type { TableRecord } from './engine';
import { dynamoError } from './errors';

/** Table record fields the sandbox adds start with this; none is ever shown in a table description. */
export const SANDBOX_FIELD_PREFIX = 'KmsLabSandbox';

/** Where a table record keeps its wrapped data key. */
export const DATA_KEY_FIELD = `${SANDBOX_FIELD_PREFIX}DataKey`;

/** When (epoch ms) the table's encryption settings changed, within the last 24 hours. */
export const SSE_CHANGES_FIELD = `${SANDBOX_FIELD_PREFIX}EncryptionChanges`;
const DAY_MS = 24 * 3600 * 1000;
const SPACING_MS = 6 * 3600 * 1000;
export const FREE_ENCRYPTION_CHANGES_PER_DAY = 4;

/**
 * UpdateTable may change a table's encryption 4 times in 24 hours, then once every 6 hours (aws-behaviour.md).
 * Returns the changes of the last 24 hours with this one added, or throws LimitExceededException.
 */
export function nextEncryptionChanges(table: TableRecord, now: number): number[] {
  const recent = ((table[SSE_CHANGES_FIELD] as number[] | undefined) ?? []).filter((at) => now - at < DAY_MS);
  const last = recent[recent.length - 1];
  if (recent.length >= FREE_ENCRYPTION_CHANGES_PER_DAY && last !== undefined && now - last < SPACING_MS) {
    throw new AwsError(
      'com.amazonaws.dynamodb.v20120810#LimitExceededException',
      `Subscriber limit exceeded: the encryption of table ${table.TableName} can change ${FREE_ENCRYPTION_CHANGES_PER_DAY} times in 24 hours, then once every 6 hours; the next change is possible after ${new Date(last + SPACING_MS).toISOString()}.`,
    );
  }
  return [...recent, now];
}

export interface SseRequest {
  enabled: boolean;
  keyRef?: string;
}

export interface SseDescription {
  Status: 'ENABLED' | 'UPDATING';
  SSEType: 'KMS';
  KMSMasterKeyArn: string;
  InaccessibleEncryptionDateTime?: number;
}

/** Reads SSESpecification {Enabled, SSEType, KMSMasterKeyId}; undefined when absent. */
export function readSseSpecification(raw: unknown): SseRequest | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw dynamoError.serialization('Start of structure or map found where not expected');
  const spec = raw as Record<string, unknown>;
  const enabled = spec.Enabled;
  const sseType = spec.SSEType;
  const keyRef = spec.KMSMasterKeyId;
  if (enabled !== undefined && typeof enabled !== 'boolean') throw dynamoError.serialization('Unexpected token received from parser');
  if (sseType !== undefined && sseType !== 'KMS' && sseType !== 'AES256') {
    throw dynamoError.validation(
      `1 validation error detected: Value '${String(sseType)}' at 'sSESpecification.sSEType' failed to satisfy constraint: Member must satisfy enum value set: [AES256, KMS]`,
    );
  }
  if (keyRef !== undefined && (typeof keyRef !== 'string' || keyRef.length === 0)) {
    throw dynamoError.validation('One or more parameter values were invalid: KMSMasterKeyId must be a non-empty string');
  }
  if (enabled !== true) {
    if (keyRef !== undefined || sseType !== undefined) {
      throw dynamoError.validation('One or more parameter values were invalid: SSEType and KMSMasterKeyId can only be specified when SSE is enabled');
    }
    return { enabled: false };
  }
  if (sseType === 'AES256') throw dynamoError.validation('One or more parameter values were invalid: Unsupported SSEType: AES256');
  return { enabled: true, keyRef: keyRef as string | undefined };
}

/**
 * The key a table will be encrypted under (undefined: AWS owned), after the checks DynamoDB makes with KMS:
 * the key must exist and be enabled, and the caller must be allowed kms:DescribeKey and kms:CreateGrant through DynamoDB.
 */
export async function keyForNewEncryption(request: SseRequest, ctx: RequestContext, tableName: string, tableKeys: TableKeyAccess): Promise<KeyRecord | undefined> {
  if (!request.enabled) return undefined;
  let key: KeyRecord;
  try {
    key = await tableKeys.resolve(request.keyRef, ctx);
  } catch (error) {
    if (error instanceof AwsError) throw dynamoError.kmsValidation(error.code, error.message);
    throw error;
  }
  const decision = tableKeys.decideTableCreation(ctx, key, tableName);
  if (!decision.allowed) throw dynamoError.kmsCreateDenied(decision.message);
  if (key.state === 'Disabled') throw dynamoError.kmsValidation('DisabledException', `${key.arn} is disabled.`);
  if (key.state === 'PendingDeletion') throw dynamoError.kmsValidation('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  return key;
}

export function sseDescriptionFor(key: KeyRecord): SseDescription {
  return { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: key.arn };
}

export function tableKeyArn(table: TableRecord | undefined): string | undefined {
  const description = table?.SSEDescription as SseDescription | undefined;
  return description?.KMSMasterKeyArn;
}

/**
 * A table description as AWS shows it now: a table whose key is disabled, pending deletion or deleted is
 * INACCESSIBLE_ENCRYPTION_CREDENTIALS, with the time its key became unusable.
 */
export function presentTable(table: TableRecord, tableKeys: TableKeyAccess, now: Date): TableRecord {
  const copy = structuredClone(table);
  for (const field of Object.keys(copy)) if (field.startsWith(SANDBOX_FIELD_PREFIX)) delete copy[field];
  const keyArn = tableKeyArn(copy);
  showEncryptionUpdate(table, copy, tableKeys.timing.delayMs('tableUpdating'), now.getTime());
  if (!keyArn || (copy.TableStatus !== 'ACTIVE' && copy.TableStatus !== 'UPDATING')) return copy;
  const key = tableKeys.keyByArn(keyArn, now);
  if (key && !tableKeys.isInaccessible(key, now.getTime())) return copy;
  copy.TableStatus = 'INACCESSIBLE_ENCRYPTION_CREDENTIALS';
  (copy.SSEDescription as SseDescription).InaccessibleEncryptionDateTime = (key?.stateChangedAt ?? now.getTime()) / 1000;
  return copy;
}

/** With AWS's timing, a table whose encryption changed less than its delay ago is UPDATING, and so is its SSEDescription. */
function showEncryptionUpdate(table: TableRecord, copy: TableRecord, delayMs: number, now: number): void {
  const changes = table[SSE_CHANGES_FIELD] as number[] | undefined;
  const last = changes?.[changes.length - 1];
  if (delayMs <= 0 || last === undefined || now >= last + delayMs || copy.TableStatus !== 'ACTIVE') return;
  copy.TableStatus = 'UPDATING';
  if (copy.SSEDescription) (copy.SSEDescription as SseDescription).Status = 'UPDATING';
}
