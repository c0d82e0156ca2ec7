// Which key encrypts each table, remembered between requests. The sandbox is the only writer of its table
// records, so every table operation that can change the answer calls forget().
import type { DynaliteEngine } from './engine';
import { tableKeyArn } from './table-encryption';

export class TableKeyCache {
  /** Table name → key ARN, or null for a table under the AWS owned key. Only tables that exist are remembered. */
  private readonly keys = new Map<string, string | null>();

  constructor(private readonly engine: DynaliteEngine) {}

  /** The table's key ARN; undefined for an AWS owned key or a table that does not exist (dynalite will say so). */
  async keyArnOf(tableName: string): Promise<string | undefined> {
    const known = this.keys.get(tableName);
    if (known !== undefined) return known ?? undefined;
    const table = await this.engine.getTable(tableName);
    if (!table) return undefined;
    const keyArn = tableKeyArn(table);
    this.keys.set(tableName, keyArn ?? null);
    return keyArn;
  }

  forget(tableName: string): void {
    this.keys.delete(tableName);
  }
}
