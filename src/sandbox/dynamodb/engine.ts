// dynalite, driven in-process: its own validations and actions over its LevelDB store, without an HTTP hop.
// The same steps as dynalite's HTTP handler (checkTypes, checkValidations, action), minus the transport.
import batchGetItem from 'dynalite/actions/batchGetItem';
import batchWriteItem from 'dynalite/actions/batchWriteItem';
import createTable from 'dynalite/actions/createTable';
import deleteItem from 'dynalite/actions/deleteItem';
import deleteTable from 'dynalite/actions/deleteTable';
import describeTable from 'dynalite/actions/describeTable';
import describeTimeToLive from 'dynalite/actions/describeTimeToLive';
import getItem from 'dynalite/actions/getItem';
import listTagsOfResource from 'dynalite/actions/listTagsOfResource';
import putItem from 'dynalite/actions/putItem';
import query from 'dynalite/actions/query';
import scan from 'dynalite/actions/scan';
import tagResource from 'dynalite/actions/tagResource';
import untagResource from 'dynalite/actions/untagResource';
import updateItem from 'dynalite/actions/updateItem';
import updateTable from 'dynalite/actions/updateTable';
import * as dynaliteDb from 'dynalite/db';
import type { Store } from 'dynalite/db';
import * as validations from 'dynalite/validations';
import * as batchGetItemRules from 'dynalite/validations/batchGetItem';
import * as batchWriteItemRules from 'dynalite/validations/batchWriteItem';
import * as createTableRules from 'dynalite/validations/createTable';
import * as deleteItemRules from 'dynalite/validations/deleteItem';
import * as deleteTableRules from 'dynalite/validations/deleteTable';
import * as describeTableRules from 'dynalite/validations/describeTable';
import * as describeTimeToLiveRules from 'dynalite/validations/describeTimeToLive';
import * as getItemRules from 'dynalite/validations/getItem';
import * as listTablesRules from 'dynalite/validations/listTables';
import * as listTagsOfResourceRules from 'dynalite/validations/listTagsOfResource';
import * as putItemRules from 'dynalite/validations/putItem';
import * as queryRules from 'dynalite/validations/query';
import * as scanRules from 'dynalite/validations/scan';
import * as tagResourceRules from 'dynalite/validations/tagResource';
import * as untagResourceRules from 'dynalite/validations/untagResource';
import * as updateItemRules from 'dynalite/validations/updateItem';
import * as updateTableRules from 'dynalite/validations/updateTable';
import { dynamoError, toAwsError } from './errors';
import { hasProtoTable, hideProtoKeys, hideProtoTable, protoTableStore, restoreProtoKeys, restoreProtoTable, restoreProtoText } from './proto-keys';
import { type InterceptedDb, ItemCipher } from './item-cipher';
import { ItemStore } from './item-store';

type Action = (store: Store, data: any, callback: dynaliteDb.Callback<any>) => void;
interface Rules {
  types: Record<string, unknown>;
  custom: ((data: any, store: Store) => unknown) | undefined;
}

const ACTIONS: Record<string, Action> = {
  BatchGetItem: batchGetItem,
  BatchWriteItem: batchWriteItem,
  CreateTable: createTable,
  DeleteItem: deleteItem,
  DeleteTable: deleteTable,
  DescribeTable: describeTable,
  DescribeTimeToLive: describeTimeToLive,
  GetItem: getItem,
  ListTagsOfResource: listTagsOfResource,
  PutItem: putItem,
  Query: query,
  Scan: scan,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateItem: updateItem,
  UpdateTable: updateTable,
};

const RULES: Record<string, Rules> = {
  BatchGetItem: batchGetItemRules,
  BatchWriteItem: batchWriteItemRules,
  CreateTable: createTableRules,
  DeleteItem: deleteItemRules,
  DeleteTable: deleteTableRules,
  DescribeTable: describeTableRules,
  DescribeTimeToLive: describeTimeToLiveRules,
  GetItem: getItemRules,
  ListTables: listTablesRules,
  ListTagsOfResource: listTagsOfResourceRules,
  PutItem: putItemRules,
  Query: queryRules,
  Scan: scanRules,
  TagResource: tagResourceRules,
  UntagResource: untagResourceRules,
  UpdateItem: updateItemRules,
  UpdateTable: updateTableRules,
};

/** A table record as dynalite stores it: the TableDescription plus whatever the sandbox adds (SSEDescription). */
export type TableRecord = Record<string, any> & { TableName: string; TableStatus: string; TableArn: string };


const TABLE_PREFIX = 'table~';

/** How long a new table stays CREATING unless the sandbox is told otherwise: short, so the lab stays quick. */
export const DEFAULT_TABLE_CREATION_MS = 250;

export interface EngineOptions {
  /** How long CreateTable leaves a table CREATING (item calls: ResourceNotFoundException, changes: ResourceInUseException). */
  tableCreationMs?: number;
  /** At least this long CREATING whatever tableCreationMs says (AWS's timing, scaled). */
  minimumCreationMs?: number;
  /** How long DeleteTable leaves a table DELETING (default 0: gone before DeleteTable answers). */
  tableDeletionMs?: number;
}

export class DynaliteEngine {
  /** Several items at once, atomically: what transactions are built on. */
  readonly items: ItemStore;

  private constructor(
    private readonly store: Store,
    /** Seals items at rest with their table's data key. */
    readonly cipher: ItemCipher,
    /** How long a new table stays CREATING; 0 makes it ACTIVE before CreateTable answers. */
    readonly tableCreationMs: number,
    /** How long a deleted table stays DELETING; 0 makes it gone before DeleteTable answers. */
    readonly tableDeletionMs = 0,
  ) {
    this.items = new ItemStore(store);
  }

  /** Opens (or creates) the LevelDB store at dir. Updates and deletions take effect at once. */
  static async open(dir: string, region: string, accountId: string, options: EngineOptions = {}): Promise<DynaliteEngine> {
    const tableCreationMs = Math.max(options.tableCreationMs ?? DEFAULT_TABLE_CREATION_MS, options.minimumCreationMs ?? 0);
    if (!Number.isInteger(tableCreationMs) || tableCreationMs < 0) throw new Error(`The table creation time must be a whole number of milliseconds, got ${tableCreationMs}`);
    const tableDeletionMs = options.tableDeletionMs ?? 0;
    // UpdateTable waits for its change to end (1 ms later, so the change's timestamps differ from the request's).
    const store = dynaliteDb.create({ path: dir, createTableMs: tableCreationMs, deleteTableMs: tableDeletionMs, updateTableMs: 1 });
    store.tableDb.awsAccountId = accountId;
    store.tableDb.awsRegion = region;
    const cipher = new ItemCipher();
    cipher.install(store.db as unknown as InterceptedDb);
    try {
      await store.db.open();
    } catch (error) {
      throw new Error(`Could not open the DynamoDB store in ${dir}: ${(error as Error).message}`, { cause: error });
    }
    const engine = new DynaliteEngine(store, cipher, tableCreationMs, tableDeletionMs);
    await engine.finishInterruptedChanges();
    return engine;
  }

  /**
   * A table whose creation or deletion was under way when the sandbox last stopped: dynalite's timer that would have
   * finished it is gone, so finish it now (as that timer would have: the table and its indexes ACTIVE, or gone).
   */
  private async finishInterruptedChanges(): Promise<void> {
    for (const name of await this.tableNames()) {
      const table = await this.getTable(name);
      if (table?.TableStatus === 'DELETING') {
        await new Promise<void>((resolve, reject) => this.store.tableDb.del(name, (error) => (error ? reject(error) : resolve())));
      } else if (table?.TableStatus === 'CREATING') {
        await this.replaceTable(name, (stored) => {
          stored.TableStatus = 'ACTIVE';
          for (const index of (stored.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[]) index.IndexStatus = 'ACTIVE';
          if (stored.BillingModeSummary) stored.BillingModeSummary.LastUpdateToPayPerRequestDateTime = stored.CreationDateTime;
          return stored;
        });
      }
    }
  }

  static supports(operation: string): boolean {
    return Object.hasOwn(RULES, operation);
  }

  /**
   * dynalite's type checks and validations; returns the cleaned request (unknown members dropped). The request
   * itself keeps every member (dynalite deletes the ones it does not know from the object it checks).
   */
  validate(operation: string, input: Record<string, unknown>, options: { skipCustom?: boolean } = {}): Record<string, any> {
    const rules = RULES[operation];
    try {
      const data = restoreProtoKeys(validations.checkTypes(hideProtoKeys({ ...input }), rules.types)) as Record<string, any>;
      validations.checkValidations(data, rules.types, options.skipCustom ? undefined : rules.custom, this.store);
      return data;
    } catch (error) {
      const failure = toAwsError(error);
      if (failure instanceof Error) failure.message = restoreProtoText(failure.message);
      throw failure;
    }
  }

  run(operation: string, data: Record<string, any>): Promise<any> {
    if (hasProtoTable(operation, data)) {
      return this.runOn(protoTableStore(this.store), operation, hideProtoTable(data)).then(restoreProtoTable, (error) => {
        if (error instanceof Error) error.message = restoreProtoText(error.message);
        throw error;
      });
    }
    return this.runOn(this.store, operation, data);
  }

  private runOn(store: Store, operation: string, data: Record<string, unknown>): Promise<any> {
    const action = ACTIONS[operation];
    return new Promise((resolve, reject) => {
      action(store, data, (error, result) => (error ? reject(toAwsError(error)) : resolve(result)));
    });
  }

  /** The stored table record, or undefined when there is no such table. */
  getTable(name: string): Promise<TableRecord | undefined> {
    return new Promise((resolve, reject) => {
      this.store.getTable(name, false, (error, table) => {
        if (error) return error.statusCode ? resolve(undefined) : reject(error);
        resolve(table as TableRecord);
      });
    });
  }

  /**
   * Rewrites a table record under dynalite's table lock; fn returns the new record. A table being created refuses
   * (dynalite rewrites its record once more when the creation ends).
   */
  updateTable(name: string, fn: (table: TableRecord) => TableRecord): Promise<TableRecord> {
    return this.replaceTable(name, (table) => {
      if (table.TableStatus === 'CREATING') throw dynamoError.beingCreated(name);
      return fn(table);
    });
  }

  private replaceTable(name: string, fn: (table: TableRecord) => TableRecord): Promise<TableRecord> {
    const tableDb = this.store.tableDb;
    return new Promise((resolve, reject) => {
      tableDb.lock(name, (release) => {
        const done = release((error?: unknown, table?: TableRecord) => (error ? reject(toAwsError(error)) : resolve(table!)));
        this.store.getTable(name, false, (error, table) => {
          if (error) return done(error);
          let updated: TableRecord;
          try {
            updated = fn(table as TableRecord);
          } catch (failure) {
            return done(failure);
          }
          tableDb.put(name, updated, (putError) => (putError ? done(putError) : done(undefined, updated)));
        });
      });
    });
  }

  /** All table names in order, read from the table records alone (dynalite's ListTables scans every item). */
  async tableNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of this.store.db.keys({ gte: TABLE_PREFIX, lt: `${TABLE_PREFIX}\xff` })) names.push(key.slice(TABLE_PREFIX.length));
    return names;
  }

  /** Waits until dynalite's immediate status timers have written the table (ACTIVE, or gone after a delete). */
  async settle(name: string, until: (table: TableRecord | undefined) => boolean): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (until(await this.getTable(name))) return;
      await new Promise((resolve) => setTimeout(resolve, attempt < 20 ? 0 : 5));
    }
  }

  async close(): Promise<void> {
    const manager = this.store.lifecycleManager;
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error | null) => (error ? reject(error) : resolve());
      if (manager) manager.gracefulClose(finish);
      else void this.store.db.close(finish);
    });
  }
}
