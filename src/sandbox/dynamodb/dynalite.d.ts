// The parts of dynalite (Apache-2.0, untyped CommonJS) that the sandbox drives in-process.

declare module 'dynalite/db' {
  export interface DynaliteError extends Error {
    statusCode?: number;
    body?: { __type: string; message?: string; Message?: string };
  }
  export type Callback<T = unknown> = (error: DynaliteError | null | undefined, result?: T) => void;

  export interface LevelLike {
    open(): Promise<void>;
    get(key: string, callback: Callback<any>): void;
    batch(operations: { type: 'put' | 'del'; key: string; value?: unknown }[], callback: Callback): void;
    keys(options?: { gte?: string; gt?: string; lt?: string; lte?: string }): AsyncIterable<string>;
    close(callback?: (error?: Error | null) => void): Promise<void> | void;
  }

  export interface SubDb {
    get(key: string, callback: Callback<any>): void;
    put(key: string, value: unknown, callback: Callback): void;
    del(key: string, callback: Callback): void;
    /** One key, or several acquired together (queued in one synchronous pass). */
    lock(key: string | string[], fn: (release: <F extends (...args: any[]) => void>(callback: F) => F) => void): void;
    awsAccountId: string;
    awsRegion: string;
  }

  export interface Store {
    options: Record<string, unknown>;
    db: LevelLike;
    tableDb: SubDb;
    getItemDb(tableName: string): SubDb;
    getTable(name: string, checkStatus: boolean, callback: Callback<any>): void;
    lifecycleManager?: { gracefulClose(callback?: (error?: Error | null) => void): Promise<void> | void };
  }

  export type AttributeMap = Record<string, Record<string, unknown>>;

  export function createKey(item: AttributeMap, table: unknown, keySchema?: unknown): string;
  export function validateKey(key: AttributeMap, table: unknown): DynaliteError | undefined | null;
  export function validateItem(item: AttributeMap, table: unknown): DynaliteError | undefined | null;
  export function checkConditional(data: unknown, existingItem: AttributeMap | undefined): DynaliteError | undefined | null;
  export function itemSize(item: AttributeMap): number;
  export function mapPaths(paths: unknown, item: AttributeMap): AttributeMap;

  export function create(options: {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }): Store;
}

declare module 'dynalite/validations' {
  import type { Store } from 'dynalite/db';
  export function checkTypes(data: unknown, types: unknown): Record<string, unknown>;
  export function checkValidations(data: unknown, types: unknown, custom: ((data: any, store: Store) => unknown) | undefined, store: Store): void;
}

declare module 'dynalite/validations/*' {
  export const types: Record<string, unknown>;
  export const custom: ((data: any, store: import('dynalite/db').Store) => unknown) | undefined;
}

declare module 'dynalite/actions/*' {
  import type { Callback, Store } from 'dynalite/db';
  const action: (store: Store, data: any, callback: Callback<any>) => void;
  export = action;
}
