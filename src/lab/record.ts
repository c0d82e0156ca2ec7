// What the lab remembers about one account and region: the names it uses, what it created, and what it observed.
// Kept in VS Code's global state. Never a secret (those are in SecretStorage) and never an item's values.
import { DEFAULT_NAMES } from './defaults';
import type { Locks } from './lesson';
import type { ReadTrail } from './trail';

/** The subset of vscode.Memento the lab uses, so steps run in plain Node tests too. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export type ReadOutcome = 'allowed' | 'denied' | 'error';

export interface ObservedRead {
  outcome: ReadOutcome;
  /** AWS's error code and message when refused or failed. */
  code?: string;
  message?: string;
  /** How many items the Scan returned when allowed (the values themselves are never stored). */
  itemCount?: number;
  /** The attempts made before the outcome (retries while AWS catches up). */
  attempts: number;
  /** A different outcome seen first, while something was not yet applied (DynamoDB's cached table key after a revoke). */
  before?: { outcome: ReadOutcome; attempts: number; forMs: number; because: string };
}

export interface PredictedRead {
  decision: 'allowed' | 'denied' | 'conditional';
  /** The policy engine's explanation, sentence by sentence (the locks that decide it, then what is not known). */
  reasons: string[];
  /** Each lock's verdict and deciding statement (absent in records written before the locks were kept). */
  locks?: Locks;
}

export interface ReadResult {
  at: string;
  principalArn: string;
  keyArn?: string;
  observed: ObservedRead;
  predicted?: PredictedRead;
  /** Set when the prediction could not be made (for example, IAM could not be read), with why. */
  predictionProblem?: string;
  /** Observed and predicted say the same. */
  agree: boolean;
  /** What the step concluded: done, failed, or waiting (for DynamoDB's key cache on AWS). */
  conclusion: 'done' | 'failed' | 'waiting' | 'todo';
  /** What the step concludes, in plain words. */
  summary: string;
  /** DynamoDB's kms:Decrypt for the read, as CloudTrail recorded it (or why it is not there yet). */
  trail?: ReadTrail;
}

export interface CleanupReport {
  at: string;
  removed: string[];
  left: { what: string; why: string }[];
}

export interface LabRecord {
  keyAlias: string;
  tableName: string;
  testUserName: string;
  keyId?: string;
  keyArn?: string;
  /** Resources the lab itself created (as opposed to reused). */
  created: { key?: boolean; table?: boolean; user?: boolean };
  itemId?: string;
  userArn?: string;
  accessKeyId?: string;
  reads: { beforeGrant?: ReadResult; afterGrant?: ReadResult; afterRevoke?: ReadResult };
  /** The last failure of each step, shown in the tree until the step succeeds. */
  failures: Record<string, string>;
  cleanup?: CleanupReport;
  /** When each step last finished done (ISO time): the lab's own history, beside what the account shows now. */
  finished?: Partial<Record<string, string>>;
}

export function newRecord(): LabRecord {
  return {
    keyAlias: DEFAULT_NAMES.keyAlias,
    tableName: DEFAULT_NAMES.tableName,
    testUserName: DEFAULT_NAMES.testUserName,
    created: {},
    reads: {},
    failures: {},
    finished: {},
  };
}

const RECORDS = 'kmsLab.lab.records';
const COST_CONFIRMED = 'kmsLab.lab.costConfirmedAccounts';

/** Lab records by scope ("sandbox:123456789012:us-east-1", "aws:111122223333:eu-west-1", …). */
export class LabRecords {
  constructor(private readonly store: KeyValueStore) {}

  get(scope: string): LabRecord {
    const all = this.store.get<Record<string, LabRecord>>(RECORDS) ?? {};
    const found = all[scope];
    return found
      ? { ...newRecord(), ...found, created: { ...found.created }, reads: { ...found.reads }, failures: { ...found.failures }, finished: { ...found.finished } }
      : newRecord();
  }

  async update(scope: string, change: (record: LabRecord) => void): Promise<LabRecord> {
    const all = { ...(this.store.get<Record<string, LabRecord>>(RECORDS) ?? {}) };
    const record = this.get(scope);
    change(record);
    all[scope] = record;
    await this.store.update(RECORDS, all);
    return record;
  }

  /** Forgets the records of every scope that starts with `prefix` ("sandbox:" after the sandbox is reset); returns them. */
  async forget(prefix: string): Promise<{ scope: string; record: LabRecord }[]> {
    const all = { ...(this.store.get<Record<string, LabRecord>>(RECORDS) ?? {}) };
    const forgotten = Object.keys(all)
      .filter((scope) => scope.startsWith(prefix))
      .map((scope) => ({ scope, record: this.get(scope) }));
    if (forgotten.length === 0) return [];
    for (const { scope } of forgotten) delete all[scope];
    await this.store.update(RECORDS, all);
    return forgotten;
  }

  costConfirmed(accountId: string): boolean {
    return (this.store.get<string[]>(COST_CONFIRMED) ?? []).includes(accountId);
  }

  async confirmCost(accountId: string): Promise<void> {
    const accounts = this.store.get<string[]>(COST_CONFIRMED) ?? [];
    if (!accounts.includes(accountId)) await this.store.update(COST_CONFIRMED, [...accounts, accountId]);
  }
}
