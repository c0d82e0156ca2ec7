// What the sandbox remembers about each table between requests: the KMS key that protects it, and its data key
// loaded into the item cipher. The sandbox is the only writer of its table records, so every table operation that
// can change the answer calls forget().
import type { TableKeyAccess } from '../kms/table-key-access';
import type { DynaliteEngine } from './engine';
import type { ItemCipher } from './item-cipher';
import { type KeySchemaFacts, keySchemaFacts } from './fine-grained';
import { DATA_KEY_FIELD, tableKeyArn } from './table-encryption';

export class TableKeyCache {
  /** Table name → key ARN, or null for a table under the AWS owned key. Only tables that exist are remembered. */
  private readonly keys = new Map<string, string | null>();
  /** Table name → its partition keys, for the fine-grained access condition keys. */
  private readonly schemas = new Map<string, KeySchemaFacts>();

  constructor(
    private readonly engine: DynaliteEngine,
    private readonly cipher: ItemCipher,
    private readonly tableKeys: TableKeyAccess,
    private readonly accountId: string,
  ) {}

  /**
   * The table's key ARN; undefined for an AWS owned key or a table that does not exist (dynalite will say so).
   * Also makes sure the table's data key is loaded, so its items can be sealed and opened.
   */
  async keyArnOf(tableName: string): Promise<string | undefined> {
    const known = this.keys.get(tableName);
    if (known !== undefined && this.cipher.hasTableKey(tableName)) return known ?? undefined;
    const table = await this.engine.getTable(tableName);
    if (!table) return undefined;
    if (!this.cipher.hasTableKey(tableName)) {
      const wrapped = table[DATA_KEY_FIELD] as string | undefined;
      if (wrapped === undefined) this.cipher.setTableKey(tableName, null);
      else {
        // Undefined once the KMS key is deleted: the KMS check refuses the request before any item is touched.
        const dataKey = await this.tableKeys.unwrapTableKey(wrapped, tableName, this.accountId);
        if (dataKey) this.cipher.setTableKey(tableName, dataKey);
      }
    }
    const keyArn = tableKeyArn(table);
    this.keys.set(tableName, keyArn ?? null);
    this.schemas.set(tableName, keySchemaFacts(table));
    return keyArn;
  }

  /** The table's partition keys (undefined when there is no such table). */
  async schemaOf(tableName: string): Promise<KeySchemaFacts | undefined> {
    const known = this.schemas.get(tableName);
    if (known) return known;
    const table = await this.engine.getTable(tableName);
    if (!table) return undefined;
    const facts = keySchemaFacts(table);
    this.schemas.set(tableName, facts);
    return facts;
  }

  /** The table's key or indexes may have changed (UpdateTable); its data key stays. */
  forget(tableName: string): void {
    this.keys.delete(tableName);
    this.schemas.delete(tableName);
  }

  /** The table is gone, with its data key. */
  forgetTable(tableName: string): void {
    this.keys.delete(tableName);
    this.schemas.delete(tableName);
    this.cipher.forgetTable(tableName);
    this.tableKeys.callerKeys.forgetTable(tableName);
  }
}
