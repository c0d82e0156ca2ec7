// Items at rest: every item and index entry dynalite writes is sealed with its table's data key (AES-256-GCM,
// bound to its LevelDB key), and opened again on read. The table's data key is itself wrapped under the table's
// KMS key (table-key-access), so a table's data is only as readable as its key.
//
// dynalite reaches LevelDB through four methods of its main db object: put, get, batch and values (value streams).
// The cipher wraps exactly those. Table records and tags stay in clear.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SEALED = '$sandboxSealed';
const IV_BYTES = 12;
const TAG_BYTES = 16;

type Callback<T = unknown> = (error: Error | null | undefined, value?: T) => void;

/** The parts of dynalite's main db (a classic-level instance with callback wrappers) the cipher intercepts. */
export interface InterceptedDb {
  put(key: string, value: unknown, callback: Callback): void;
  get(key: string, callback: Callback): void;
  batch(operations: { type: string; key: string; value?: unknown }[], callback: Callback): void;
  values(options?: unknown): { next(): Promise<unknown>; return?(): Promise<unknown>; close?(): Promise<void> };
  iterator(options?: unknown): { next(): Promise<[string, unknown] | undefined>; close(): Promise<void> };
}

/** The table an item or index entry belongs to, from its LevelDB key; undefined for table records and tags. */
export function tableOfStorageKey(key: string): string | undefined {
  if (key.startsWith('item-')) {
    const end = key.indexOf('~');
    return end > 5 ? key.slice(5, end) : undefined;
  }
  if (key.startsWith('index-')) {
    const first = key.indexOf('~');
    const second = key.indexOf('~', first + 1);
    return first > 0 && second > first ? key.slice(first + 1, second) : undefined;
  }
  return undefined;
}

export class ItemCipher {
  /** Table name → data key; null for a table written before the sandbox sealed items (kept in clear). */
  private readonly keys = new Map<string, Buffer | null>();

  setTableKey(tableName: string, dataKey: Buffer | null): void {
    this.keys.set(tableName, dataKey);
  }

  hasTableKey(tableName: string): boolean {
    return this.keys.has(tableName);
  }

  forgetTable(tableName: string): void {
    this.keys.delete(tableName);
  }

  seal(storageKey: string, value: unknown): unknown {
    const table = tableOfStorageKey(storageKey);
    if (table === undefined) return value;
    const dataKey = this.keyFor(table);
    if (dataKey === null) return value;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(storageKey, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return { [SEALED]: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
  }

  open(storageKey: string, value: unknown): unknown {
    if (!value || typeof value !== 'object' || !(SEALED in value)) return value;
    const table = tableOfStorageKey(storageKey);
    const dataKey = table === undefined ? null : this.keyFor(table);
    if (dataKey === null) throw new Error(`Sealed item ${storageKey} has no table key`);
    const sealed = Buffer.from((value as Record<string, string>)[SEALED], 'base64');
    const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(storageKey, 'utf8'));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    return JSON.parse(text);
  }

  private keyFor(table: string): Buffer | null {
    const dataKey = this.keys.get(table);
    if (dataKey === undefined) throw new Error(`The data key of table ${table} is not loaded`);
    return dataKey;
  }

  /** Wraps dynalite's db methods so that every item value is sealed on the way in and opened on the way out. */
  install(db: InterceptedDb): void {
    const put = db.put.bind(db);
    const get = db.get.bind(db);
    const batch = db.batch.bind(db);
    const iterator = db.iterator.bind(db);
    db.put = (key, value, callback) => {
      let sealed: unknown;
      try {
        sealed = this.seal(key, value);
      } catch (error) {
        return setImmediate(callback, error as Error);
      }
      put(key, sealed, callback);
    };
    db.get = (key, callback) =>
      get(key, (error, value) => {
        if (error) return callback(error);
        let opened: unknown;
        try {
          opened = this.open(key, value);
        } catch (failure) {
          return callback(failure as Error);
        }
        callback(null, opened);
      });
    db.batch = (operations, callback) => {
      let sealed: typeof operations;
      try {
        sealed = operations.map((op) => (op.type === 'put' ? { ...op, value: this.seal(op.key, op.value) } : op));
      } catch (error) {
        return setImmediate(callback, error as Error);
      }
      batch(sealed, callback);
    };
    // dynalite's value streams read db.values(); entries are needed to know each value's key.
    db.values = (options) => {
      const entries = iterator(options);
      return {
        next: async () => {
          const entry = await entries.next();
          return entry === undefined ? undefined : this.open(entry[0], entry[1]);
        },
        return: async () => {
          await entries.close();
          return undefined;
        },
        close: () => entries.close(),
      };
    };
  }
}
