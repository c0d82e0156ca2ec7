// ClientRequestToken: a transaction with a token used in the last 10 minutes is not applied again, if it is the same
// request (its members, whatever the order of the keys in its maps: an item's attributes, the request's own
// members; lists keep their order), and is IdempotentParameterMismatchException if it is not.
import { createHash } from 'node:crypto';
import { AwsError } from '../contracts';
import type { DynamoCall } from './call';
import type { BatchOperation, ItemStore } from './item-store';

export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
const TOKEN_PREFIX = 'kmslab-transaction-token~';
const PREFIX = 'com.amazonaws.dynamodb.v20120810#';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = canonical((value as Record<string, unknown>)[key]);
  return sorted;
}

export function requestHash(input: Record<string, unknown>): string {
  const { ClientRequestToken: _token, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex');
}

/** Tokens of transactions that completed within the idempotency window, remembered in memory once read. */
export class TokenRegister {
  private readonly inProgress = new Set<string>();
  /** Tokens this process recorded, in the order of their last use. */
  private readonly written = new Map<string, number>();

  constructor(private readonly store: ItemStore) {}

  async previous(token: string, now: number): Promise<{ hash: string; at: number } | undefined> {
    const record = (await this.store.readRaw(TOKEN_PREFIX + token)) as { hash: string; at: number } | undefined;
    return record && now - record.at < IDEMPOTENCY_WINDOW_MS ? record : undefined;
  }

  begin(token: string): void {
    if (this.inProgress.has(token)) {
      throw new AwsError(`${PREFIX}TransactionInProgressException`, 'Transaction is ongoing for the idempotency token');
    }
    this.inProgress.add(token);
  }

  end(token: string): void {
    this.inProgress.delete(token);
  }

  /** The batch operations that record a token, and forget tokens this process wrote that are past the window. */
  record(token: string, hash: string, now: number): BatchOperation[] {
    const operations: BatchOperation[] = [];
    this.written.delete(token);
    for (const [old, at] of this.written) {
      if (now - at < IDEMPOTENCY_WINDOW_MS) break;
      operations.push({ type: 'del', key: TOKEN_PREFIX + old });
      this.written.delete(old);
    }
    this.written.set(token, now);
    operations.push({ type: 'put', key: TOKEN_PREFIX + token, value: { hash, at: now } });
    return operations;
  }
}

const registers = new WeakMap<object, TokenRegister>();

export function registerFor(call: DynamoCall): TokenRegister {
  let register = registers.get(call.engine);
  if (!register) {
    register = new TokenRegister(call.engine.items);
    registers.set(call.engine, register);
  }
  return register;
}

