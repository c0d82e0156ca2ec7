// DynamoDB's per-caller table key cache: once KMS let a caller decrypt a table's key, DynamoDB keeps the plaintext
// table key for that caller until the cache entry expires, and serves reads with it without asking KMS again. So
// after a key policy stops allowing the caller, reads go on until then; a grant, on the other hand, counts at once.
import type { SandboxTiming } from './timing';

export class CallerTableKeys {
  /** "<caller arn> <table> <key arn>" → epoch ms at which the entry expires. */
  private readonly entries = new Map<string, number>();

  constructor(private readonly timing: SandboxTiming) {}

  private static id(callerArn: string, tableName: string, keyArn: string): string {
    return `${callerArn} ${tableName} ${keyArn}`;
  }

  /** When the caller's cached table key expires, if it is cached and has not. */
  cachedUntil(callerArn: string, tableName: string, keyArn: string, now: number): number | undefined {
    const id = CallerTableKeys.id(callerArn, tableName, keyArn);
    const expires = this.entries.get(id);
    if (expires === undefined) return undefined;
    if (expires > now) return expires;
    this.entries.delete(id);
    return undefined;
  }

  /** KMS has just decrypted the table key for the caller. */
  remember(callerArn: string, tableName: string, keyArn: string, now: number): void {
    const ttl = this.timing.delayMs('tableKeyCache');
    if (ttl <= 0) return;
    if (this.entries.size >= 4096) this.entries.clear();
    this.entries.set(CallerTableKeys.id(callerArn, tableName, keyArn), now + ttl);
  }

  /** The table is gone or moved to another key: DynamoDB drops its table keys. */
  forgetTable(tableName: string): void {
    for (const id of this.entries.keys()) if (id.split(' ')[1] === tableName) this.entries.delete(id);
  }
}
