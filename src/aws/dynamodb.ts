// DynamoDB tables and the kind of key that protects each one.
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { RefreshCache } from './cache';
import type { ServiceCaller } from './call';
import { AwsLayerError } from './errors';
import type { KmsService } from './kms';
import { readItems } from './items';
import type { DynamoTable, ItemJsonPage, ItemRead, KeyAttributeType, Page } from './types';

type TableBase = Omit<DynamoTable, 'encryption'>;

function tableBase(table: TableDescription, name: string): TableBase {
  return {
    name: table.TableName ?? name,
    arn: table.TableArn ?? '',
    status: table.TableStatus ?? 'UNKNOWN',
    itemCount: table.ItemCount,
    keySchema: (table.KeySchema ?? []).map((k) => ({ name: k.AttributeName ?? '', type: k.KeyType === 'RANGE' ? 'RANGE' : 'HASH' })),
    keyTypes: Object.fromEntries((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName ?? '', (d.AttributeType ?? 'S') as KeyAttributeType])),
  };
}

const isAwsManagedDynamoAlias = (value: string): boolean => /(^|:)alias\/aws\/dynamodb$/.test(value);

export class DynamoService {
  constructor(
    private readonly caller: ServiceCaller<'dynamodb'>,
    private readonly cache: RefreshCache,
    private readonly kms: KmsService,
  ) {}

  /** One page of ListTables, each table described. A table deleted in between is left out. */
  listTables(opts: { pageToken?: string; pageSize?: number } = {}): Promise<Page<DynamoTable>> {
    return this.cache.get(`dynamodb:ListTables|${opts.pageToken ?? ''}|${opts.pageSize ?? ''}`, async () => {
      const page = await this.caller.send('dynamodb:ListTables', (c, sdk) =>
        c.send(new sdk.dynamodb.ListTablesCommand({ ExclusiveStartTableName: opts.pageToken, Limit: opts.pageSize === undefined ? undefined : Math.min(100, opts.pageSize) })),
      );
      const tables = await Promise.all((page.TableNames ?? []).map((name) => this.describeForList(name)));
      return { items: tables.filter((t): t is DynamoTable => t !== undefined), nextToken: page.LastEvaluatedTableName };
    });
  }

  /** One page of a Scan or Query, never cached: items are read fresh every time. */
  readItems(tableName: string, read: ItemRead): Promise<ItemJsonPage> {
    return readItems(this.caller, tableName, read);
  }

  describeTable(name: string): Promise<DynamoTable> {
    return this.cache.get(`dynamodb:DescribeTable|${name}`, async () => {
      const out = await this.caller.send('dynamodb:DescribeTable', (c, sdk) => c.send(new sdk.dynamodb.DescribeTableCommand({ TableName: name })));
      if (!out.Table) throw new AwsLayerError('other', `dynamodb:DescribeTable returned no table for ${name}`, { action: 'dynamodb:DescribeTable', service: 'dynamodb' });
      return this.withEncryption(out.Table, name);
    });
  }

  /** The table as DynamoDB describes it now (not as cached), for a table whose status is changing; lists are read again too. */
  describeTableAgain(name: string): Promise<DynamoTable> {
    this.cache.forget('dynamodb:ListTables|');
    this.cache.forget(`dynamodb:DescribeTable|${name}`);
    return this.describeTable(name);
  }

  /**
   * No SSEDescription (or SSE disabled): the AWS owned key. Otherwise KMSMasterKeyArn names the key (moto may give a
   * key id or an alias instead of the ARN), and DescribeKey's KeyManager tells AWS managed from customer managed.
   */
  private async withEncryption(table: TableDescription, name: string): Promise<DynamoTable> {
    const base = tableBase(table, name);
    const sse = table.SSEDescription;
    if (!sse || !sse.KMSMasterKeyArn || sse.Status === 'DISABLED') {
      return { ...base, encryption: 'aws-owned', sseStatus: sse?.Status };
    }
    const keyRef = sse.KMSMasterKeyArn;
    const sseFacts = { sseStatus: sse.Status, inaccessibleSince: sse.InaccessibleEncryptionDateTime };
    try {
      const key = await this.kms.describeKey(keyRef);
      return { ...base, ...sseFacts, encryption: key.keyManager === 'AWS' ? 'aws-managed' : 'customer-managed', kmsKeyArn: key.arn };
    } catch (err) {
      if (!(err instanceof AwsLayerError)) throw err;
      return {
        ...base,
        ...sseFacts,
        encryption: isAwsManagedDynamoAlias(keyRef) ? 'aws-managed' : 'customer-managed',
        kmsKeyArn: /:key\//.test(keyRef) ? keyRef : undefined,
        problem: `The table's KMS key could not be described, so whether AWS or you manage it is a guess. ${err.message}`,
      };
    }
  }

  private async describeForList(name: string): Promise<DynamoTable | undefined> {
    try {
      return await this.describeTable(name);
    } catch (err) {
      if (!(err instanceof AwsLayerError) || err.kind === 'endpoint-unreachable' || err.kind === 'invalid-credentials') throw err;
      if (err.kind === 'not-found') return undefined;
      return { name, arn: '', status: 'UNKNOWN', encryption: 'aws-owned', keySchema: [], problem: err.message };
    }
  }
}
