// Atomic work on several items of dynalite's store, for transactions: lock every item at once, read them (opened by
// the item cipher), run dynalite's own PutItem / UpdateItem / DeleteItem / GetItem logic against what was read
// without writing, and then write every resulting item and index entry in one LevelDB batch. A batch reaches the
// log as one record, so after a crash either all of a transaction's writes are there or none is.
import deleteItem from 'dynalite/actions/deleteItem';
import getItem from 'dynalite/actions/getItem';
import putItem from 'dynalite/actions/putItem';
import updateItem from 'dynalite/actions/updateItem';
import type { AttributeMap, Callback, Store } from 'dynalite/db';
import type { TableRecord } from './engine';
import { toAwsError } from './errors';

export type Item = AttributeMap;

/** One write of a batch, with its full LevelDB key. */
export interface BatchOperation {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}

export interface ItemRef {
  tableName: string;
  /** dynalite's storage key of the item within its table (db.createKey). */
  key: string;
}

type Action = (store: Store, data: any, callback: Callback<any>) => void;
const ACTIONS: Record<'PutItem' | 'UpdateItem' | 'DeleteItem' | 'GetItem', Action> = {
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  GetItem: getItem,
};

function notFound(): Error {
  const error = new Error('NotFoundError');
  error.name = 'NotFoundError';
  return error;
}

export class ItemStore {
  constructor(private readonly store: Store) {}

  /**
   * Locks all the items, with dynalite's own per-table item locks, and resolves with the function that releases them.
   * Every key is queued in one synchronous pass, so two transactions that share items are served in the order they
   * asked, on every item, and can never wait for each other in a cycle.
   */
  lock(items: ItemRef[]): Promise<() => void> {
    const byTable = new Map<string, string[]>();
    for (const item of items) {
      const keys = byTable.get(item.tableName) ?? [];
      keys.push(item.key);
      byTable.set(item.tableName, keys);
    }
    return new Promise((resolve) => {
      const releases: (() => void)[] = [];
      let waiting = byTable.size;
      const releaseAll = () => {
        for (const release of releases) release();
      };
      if (waiting === 0) return resolve(releaseAll);
      for (const [tableName, keys] of byTable) {
        this.store.getItemDb(tableName).lock(keys, (release) => {
          releases.push(release(() => undefined));
          if (--waiting === 0) resolve(releaseAll);
        });
      }
    });
  }

  /** The stored item, or undefined. Call while holding its lock. */
  read(item: ItemRef): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      this.store.getItemDb(item.tableName).get(item.key, (error, value) => {
        if (error) return error.name === 'NotFoundError' ? resolve(undefined) : reject(error);
        resolve(value as Item);
      });
    });
  }

  /**
   * Runs dynalite's action for one item against `existing` (read under lock) and returns its result and the writes it
   * would make, with their full storage keys, instead of writing them. Errors come back as AwsErrors (a failed
   * condition is ConditionalCheckFailedException).
   */
  simulate(operation: keyof typeof ACTIONS, table: TableRecord, data: Record<string, unknown>, existing: Item | undefined): Promise<{ result: any; writes: BatchOperation[] }> {
    const writes: BatchOperation[] = [];
    const itemPrefix = `item-${table.TableName}~`;
    const standIn = {
      options: this.store.options,
      getTable: (_name: string, checkOrCallback: unknown, maybeCallback?: Callback<any>) => {
        const callback = (typeof checkOrCallback === 'function' ? checkOrCallback : maybeCallback) as Callback<any>;
        callback(null, table);
      },
      getItemDb: () => ({
        lock: (_key: string, fn: (release: (callback: any) => any) => void) => fn((callback) => callback),
        get: (_key: string, callback: Callback<any>) => (existing === undefined ? callback(notFound()) : callback(null, existing)),
        put: (key: string, value: unknown, callback: Callback) => {
          writes.push({ type: 'put', key: itemPrefix + key, value });
          callback(null);
        },
        del: (key: string, callback: Callback) => {
          writes.push({ type: 'del', key: itemPrefix + key });
          callback(null);
        },
      }),
      getIndexDb: (indexType: string, tableName: string, indexName: string) => {
        const prefix = `index-${indexType.toLowerCase()}~${tableName}~${indexName}~`;
        return {
          put: (key: string, value: unknown, callback: Callback) => {
            writes.push({ type: 'put', key: prefix + key, value });
            callback(null);
          },
          del: (key: string, callback: Callback) => {
            writes.push({ type: 'del', key: prefix + key });
            callback(null);
          },
        };
      },
    } as unknown as Store;
    return new Promise((resolve, reject) => {
      ACTIONS[operation](standIn, data, (error, result) => (error ? reject(toAwsError(error)) : resolve({ result, writes })));
    });
  }

  /** Writes everything at once: item and index values are sealed by the item cipher on the way in. */
  write(operations: BatchOperation[]): Promise<void> {
    if (operations.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.store.db.batch(operations, (error) => (error ? reject(error) : resolve())));
  }

  /** A raw value the sandbox keeps beside the items (e.g. idempotency tokens); undefined when absent. */
  readRaw(key: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.store.db.get(key, (error, value) => {
        if (error) return error.name === 'NotFoundError' || (error as { code?: string }).code === 'LEVEL_NOT_FOUND' ? resolve(undefined) : reject(error);
        resolve(value);
      });
    });
  }
}
