// A table description as DynamoDB answers it, from the record dynalite keeps: a UUID TableId, deletion
// protection, warm throughput, the encryption state (table-encryption.ts), and the shorter description DeleteTable
// answers. Nothing the sandbox keeps for itself (KmsLabSandbox… fields) is ever shown.
import { createHash } from 'node:crypto';
import type { TableKeyAccess } from '../kms/table-key-access';
import type { TableRecord } from './engine';
import { SANDBOX_FIELD_PREFIX, presentTable } from './table-encryption';

/** The warm throughput CreateTable or UpdateTable asked for, kept until DynamoDB would show it. */
export const WARM_THROUGHPUT_FIELD = `${SANDBOX_FIELD_PREFIX}WarmThroughput`;

/** An on-demand table or index starts warm for this much (DynamoDB's documented defaults). */
const ON_DEMAND_WARM = { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** dynalite's TableId is 8-4-4-4-8 hex; DynamoDB's is a UUID. Derived, so one table keeps one id. */
export function tableIdOf(engineId: unknown): string | undefined {
  if (typeof engineId !== 'string') return undefined;
  if (UUID.test(engineId)) return engineId;
  const hex = createHash('sha256').update(engineId).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface Throughput {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

function defaultWarmThroughput(onDemand: boolean, throughput: Throughput | undefined): Record<string, unknown> {
  if (onDemand) return { ...ON_DEMAND_WARM, Status: 'ACTIVE' };
  return { ReadUnitsPerSecond: throughput?.ReadCapacityUnits ?? 0, WriteUnitsPerSecond: throughput?.WriteCapacityUnits ?? 0, Status: 'ACTIVE' };
}

/**
 * The table's warm throughput: what was asked for (UPDATING while the table is created), else DynamoDB's default once
 * the table is ACTIVE (on-demand 12000/4000, provisioned its capacity). A table being created shows none of its own.
 */
function warmThroughputOf(table: TableRecord, onDemand: boolean): Record<string, unknown> | undefined {
  const asked = table[WARM_THROUGHPUT_FIELD] as { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number } | undefined;
  if (asked) return { ...asked, Status: table.TableStatus === 'CREATING' ? 'UPDATING' : 'ACTIVE' };
  return table.TableStatus === 'CREATING' ? undefined : defaultWarmThroughput(onDemand, table.ProvisionedThroughput as Throughput);
}

export function describeTable(table: TableRecord, tableKeys: TableKeyAccess, now: Date): TableRecord {
  const copy = presentTable(table, tableKeys, now);
  copy.TableId = tableIdOf(table.TableId);
  copy.DeletionProtectionEnabled = table.DeletionProtectionEnabled === true;
  const onDemand = (table.BillingModeSummary as { BillingMode?: string } | undefined)?.BillingMode === 'PAY_PER_REQUEST';
  const warm = warmThroughputOf(table, onDemand);
  if (warm) copy.WarmThroughput = warm;
  if (Array.isArray(copy.GlobalSecondaryIndexes)) {
    for (const index of copy.GlobalSecondaryIndexes as Record<string, unknown>[]) {
      if (index.IndexStatus === 'ACTIVE' && index.WarmThroughput === undefined) {
        index.WarmThroughput = defaultWarmThroughput(onDemand, index.ProvisionedThroughput as Throughput);
      }
    }
  }
  return copy;
}

/** What DeleteTable answers: the table's identity, size and capacity, DELETING. */
export function deletedTableDescription(table: TableRecord): Record<string, unknown> {
  return {
    TableName: table.TableName,
    TableArn: table.TableArn,
    TableId: tableIdOf(table.TableId),
    TableStatus: 'DELETING',
    TableSizeBytes: table.TableSizeBytes ?? 0,
    ItemCount: table.ItemCount ?? 0,
    ProvisionedThroughput: table.ProvisionedThroughput,
    DeletionProtectionEnabled: table.DeletionProtectionEnabled === true,
  };
}
