// Creating and removing tables, and writing and reading single items (pages of items: DynamoService.readItems). Item values pass through here but are never logged:
// ServiceCaller logs the action and its timing only.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ServiceCaller } from './call';
import type { RefreshCache } from './cache';
import { AwsLayerError } from './errors';

export type Item = Record<string, AttributeValue>;

export interface NewTable {
  name: string;
  partitionKey: string;
  /** Key id, key ARN, alias name or alias ARN of a customer managed key; absent means the AWS owned key. */
  kmsKeyId?: string;
  tags?: Record<string, string>;
}

export interface TableState {
  status: string;
  /** The key ARN of SSEDescription, when the table is encrypted with a KMS key. */
  kmsKeyArn?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DynamoData {
  constructor(
    private readonly caller: ServiceCaller<'dynamodb'>,
    private readonly cache: RefreshCache,
  ) {}

  async createTable(table: NewTable): Promise<TableState> {
    const Tags = Object.entries(table.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const out = await this.caller.send('dynamodb:CreateTable', (c, sdk) =>
      c.send(
        new sdk.dynamodb.CreateTableCommand({
          TableName: table.name,
          AttributeDefinitions: [{ AttributeName: table.partitionKey, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: table.partitionKey, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: table.kmsKeyId ? { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: table.kmsKeyId } : undefined,
          Tags: Tags.length > 0 ? Tags : undefined,
        }),
      ),
    );
    this.cache.clear();
    return { status: out.TableDescription?.TableStatus ?? 'CREATING', kmsKeyArn: out.TableDescription?.SSEDescription?.KMSMasterKeyArn };
  }

  /** The table's status, or undefined when it does not exist. Never cached: used to wait for a change. */
  async tableState(name: string): Promise<TableState | undefined> {
    try {
      const out = await this.caller.send('dynamodb:DescribeTable', (c, sdk) => c.send(new sdk.dynamodb.DescribeTableCommand({ TableName: name })));
      return { status: out.Table?.TableStatus ?? 'UNKNOWN', kmsKeyArn: out.Table?.SSEDescription?.KMSMasterKeyArn };
    } catch (err) {
      if (err instanceof AwsLayerError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  /** Polls until the table reaches `status` (or is gone, for `status` undefined). */
  async waitFor(name: string, status: string | undefined, options: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
    let interval = options.intervalMs ?? 200;
    for (;;) {
      const state = await this.tableState(name);
      if (status === undefined ? state === undefined : state?.status === status) return;
      if (Date.now() > deadline) {
        throw new AwsLayerError('other', `Table ${name} did not become ${status ?? 'deleted'} in time (it is ${state?.status ?? 'gone'})`, { action: 'dynamodb:DescribeTable', service: 'dynamodb' });
      }
      if (options.signal?.aborted) throw new AwsLayerError('other', `Stopped waiting for table ${name}`, { action: 'dynamodb:DescribeTable', service: 'dynamodb' });
      await sleep(interval);
      interval = Math.min(interval * 2, 5000);
    }
  }

  async deleteTable(name: string): Promise<void> {
    await this.caller.send('dynamodb:DeleteTable', (c, sdk) => c.send(new sdk.dynamodb.DeleteTableCommand({ TableName: name })));
    this.cache.clear();
  }

  async putItem(tableName: string, item: Item): Promise<void> {
    await this.caller.send('dynamodb:PutItem', (c, sdk) => c.send(new sdk.dynamodb.PutItemCommand({ TableName: tableName, Item: item })));
  }

  async getItem(tableName: string, key: Item): Promise<Item | undefined> {
    const out = await this.caller.send('dynamodb:GetItem', (c, sdk) => c.send(new sdk.dynamodb.GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true })));
    return out.Item;
  }
}
