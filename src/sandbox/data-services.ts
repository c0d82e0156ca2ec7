// KMS and DynamoDB of the sandbox, built together because DynamoDB asks KMS about each table's key.
import path from 'node:path';
import type { DataServices, DataServicesOptions } from './contracts';
import { DynaliteEngine } from './dynamodb/engine';
import { DynamoService } from './dynamodb/service';
import { KmsBackend } from './kms/backend';
import { KmsService } from './kms/service';
import { TableKeyAccess } from './kms/table-key-access';
import { ensurePrivateDirectory } from './storage/atomic-file';

export async function createDataServices(options: DataServicesOptions): Promise<DataServices> {
  await ensurePrivateDirectory(options.dataDir);
  const backend = await KmsBackend.open(options);
  const dynamoDir = path.join(options.dataDir, 'dynamodb');
  await ensurePrivateDirectory(dynamoDir);
  const engine = await DynaliteEngine.open(dynamoDir, options.region, options.accountId, {
    tableCreationMs: options.tableCreationMs,
    tableDeletionMs: options.timing?.delayMs('tableDeleting'),
    minimumCreationMs: options.timing?.delayMs('tableCreating'),
  });
  const tableKeys = new TableKeyAccess(backend, options.dynamoDbKmsCalls, options.timing);
  return {
    kms: new KmsService(backend),
    dynamodb: new DynamoService({ engine, tableKeys, directory: options.directory, region: options.region, accountId: options.accountId }),
    async close() {
      await backend.flush();
      await engine.close();
    },
  };
}
