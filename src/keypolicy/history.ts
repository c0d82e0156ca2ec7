// The local history of key policies: one JSON file per key under the history folder, newest entry first,
// readable only by the person (folder 0700, files 0600), written atomically.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KeyedQueue } from './keyed-queue';

export interface HistoryEntry {
  id: string;
  keyArn: string;
  /** When this text was replaced (ISO 8601). */
  savedAt: string;
  /** The policy as it was live before the save. */
  text: string;
  /** The ARN of the caller whose save replaced it. */
  replacedBy?: string;
}

interface HistoryFile {
  keyArn: string;
  entries: HistoryEntry[];
}

export const HISTORY_LIMIT = 50;

/** "arn:aws:kms:us-east-1:111122223333:key/1234…" → "arn_aws_kms_us-east-1_111122223333_key_1234….json" */
export function historyFileName(keyArn: string): string {
  return `${keyArn.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

function isEntry(value: unknown, keyArn: string): value is HistoryEntry {
  const e = value as Partial<HistoryEntry> | null;
  return !!e && typeof e.id === 'string' && e.keyArn === keyArn && typeof e.savedAt === 'string' && typeof e.text === 'string';
}

export class PolicyHistory {
  /** Writes to one key's file, one after the other. */
  private readonly queue = new KeyedQueue();

  constructor(
    readonly dir: string,
    private readonly limit = HISTORY_LIMIT,
  ) {}

  fileOf(keyArn: string): string {
    return path.join(this.dir, historyFileName(keyArn));
  }

  /** Newest first. A missing file is an empty history; a damaged one is an error that names it. */
  async list(keyArn: string): Promise<HistoryEntry[]> {
    const file = this.fileOf(keyArn);
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`Cannot read the key policy history ${file}: ${(error as Error).message}`, { cause: error });
    }
    let parsed: Partial<HistoryFile>;
    try {
      parsed = JSON.parse(raw) as Partial<HistoryFile>;
    } catch (error) {
      throw new Error(`The key policy history ${file} is damaged (not JSON); move it away to start a new history`, { cause: error });
    }
    if (parsed.keyArn !== keyArn || !Array.isArray(parsed.entries)) throw new Error(`The key policy history ${file} does not belong to ${keyArn}`);
    return parsed.entries.filter((e) => isEntry(e, keyArn));
  }

  async add(entry: Omit<HistoryEntry, 'id'>): Promise<HistoryEntry> {
    const full: HistoryEntry = { id: `${Date.parse(entry.savedAt) || Date.now()}-${randomBytes(4).toString('hex')}`, ...entry };
    await this.queue.run(entry.keyArn, async () => {
      const entries = await this.list(entry.keyArn).catch(async () => {
        // Keep a damaged file for the person to inspect rather than writing over it.
        const file = this.fileOf(entry.keyArn);
        await rename(file, `${file}.damaged-${Date.now()}`).catch(() => undefined);
        return [];
      });
      await this.write(entry.keyArn, [full, ...entries].slice(0, this.limit));
    });
    return full;
  }

  private async write(keyArn: string, entries: HistoryEntry[]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const file = this.fileOf(keyArn);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const body: HistoryFile = { keyArn, entries };
    await writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, file);
  }
}
