// The sandbox's event history: an append-only file of CloudTrail records, one JSON line each, newest last.
//
//   const store = await EventStore.open(file, { maxEvents: 25_000 });
//   store.append(record);          // at once in memory (LookupEvents sees it)
//   await store.settled();         // everything appended so far is in the file, as an acknowledged call needs
//   await store.settled({ sync: true }); // and fdatasync'ed
//
// Bounded: events older than the retention (90 days) and the oldest beyond maxEvents are dropped; the file is
// rewritten atomically once enough have been dropped. A torn last line (a crash mid-append) is ignored and cut away.
import { promises as fs } from 'node:fs';
import { removeStaleTemporaries } from '../storage/atomic-file';
import { EventFile } from './event-file';
import type { CloudTrailRecord } from './record';
import { resourceNamesOf } from './resources';
import { usernameOf } from './record';

export const RETENTION_DAYS = 90;
export const DEFAULT_MAX_EVENTS = 25_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface EventStoreOptions {
  maxEvents?: number;
  retentionDays?: number;
  now?: () => Date;
  /** Told when the file cannot be written; the call the event belongs to still succeeds, as on AWS. */
  log?: (line: string) => void;
}

/** One event as LookupEvents filters it, with its record as the JSON text it returns. */
export interface StoredEvent {
  /** eventTime in ms (whole seconds). */
  time: number;
  id: string;
  name: string;
  source: string;
  readOnly: 'true' | 'false';
  username?: string;
  accessKeyId: string;
  resources: { type: string; ARN: string; names: string[] }[];
  line: string;
}

function toStored(record: CloudTrailRecord, line: string): StoredEvent {
  return {
    time: Date.parse(record.eventTime),
    id: record.eventID,
    name: record.eventName,
    source: record.eventSource,
    readOnly: record.readOnly ? 'true' : 'false',
    username: usernameOf(record.userIdentity),
    accessKeyId: record.userIdentity.accessKeyId,
    resources: (record.resources ?? []).map((resource) => ({ type: resource.type, ARN: resource.ARN, names: resourceNamesOf(resource) })),
    line,
  };
}

function parseLine(line: string): StoredEvent | undefined {
  try {
    const record = JSON.parse(line) as CloudTrailRecord;
    if (typeof record?.eventID !== 'string' || typeof record.eventTime !== 'string' || !record.userIdentity) return undefined;
    const stored = toStored(record, line);
    return Number.isFinite(stored.time) ? stored : undefined;
  } catch {
    return undefined;
  }
}

export class EventStore {
  /** Oldest first from `first` on, ordered by time; events of the same second in the order they were recorded. */
  private events: StoredEvent[];
  /** Events before this index are dropped (the array is compacted now and then, not on every drop). */
  private first = 0;
  private readonly byId = new Map<string, StoredEvent>();
  private readonly file: EventFile;
  /** Lines recorded, not yet written. */
  private queued: string[] = [];
  /** A compaction in flight: writes wait for it. */
  private replacing: Promise<void> | undefined;
  private droppedSinceRewrite = 0;
  private rewriteNeeded: boolean;
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly maxEvents: number;
  private readonly retentionMs: number;
  private readonly now: () => Date;

  private constructor(
    readonly path: string,
    events: StoredEvent[],
    rewriteNeeded: boolean,
    private readonly options: EventStoreOptions,
  ) {
    this.file = new EventFile(path);
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.retentionMs = (options.retentionDays ?? RETENTION_DAYS) * DAY_MS;
    this.now = options.now ?? (() => new Date());
    this.events = events;
    for (const event of events) this.byId.set(event.id, event);
    this.rewriteNeeded = rewriteNeeded;
    this.dropOld();
  }

  static async open(file: string, options: EventStoreOptions = {}): Promise<EventStore> {
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Could not read ${file}: ${(error as Error).message}`, { cause: error });
    }
    await removeStaleTemporaries(file);
    const events: StoredEvent[] = [];
    let damaged = text.length > 0 && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const event = parseLine(line);
      if (event) events.push(event);
      else damaged = true;
    }
    events.sort((a, b) => a.time - b.time);
    const store = new EventStore(file, events, damaged, options);
    await store.settled({ sync: true });
    return store;
  }

  /** How many events are kept. */
  get size(): number {
    this.dropOld();
    return this.events.length - this.first;
  }

  /** The i-th kept event, oldest first (0 ≤ i < size). */
  at(index: number): StoredEvent {
    return this.events[this.first + index]!;
  }

  byEventId(id: string): StoredEvent | undefined {
    return this.byId.get(id);
  }

  /** Records an event; LookupEvents sees it at once. settled() writes it. */
  append(record: CloudTrailRecord): void {
    const line = JSON.stringify(record);
    const event = toStored(record, line);
    let at = this.events.length;
    while (at > this.first && this.events[at - 1]!.time > event.time) at--;
    if (at === this.events.length) this.events.push(event);
    else this.events.splice(at, 0, event);
    this.byId.set(event.id, event);
    this.queued.push(line);
    this.dropOld();
  }

  /**
   * Writes every event recorded so far to the file (a process crash cannot lose it once this resolves). `sync` also
   * waits for fdatasync (nor can a power loss): for the events of calls that changed something, whose change is
   * synced too; the others are synced within a second. A failed write is logged, never thrown: the call it records
   * has happened.
   */
  async settled(options: { sync?: boolean } = {}): Promise<void> {
    while (this.replacing) await this.replacing;
    try {
      if (this.rewriteNeeded) await this.compact();
      else if (this.queued.length > 0) {
        const text = this.queued.join('\n') + '\n';
        this.queued = [];
        this.file.append(text);
      }
      if (options.sync) await this.file.sync();
      else this.syncSoon();
    } catch (error) {
      this.options.log?.(`cloudtrail: could not write ${this.path}: ${(error as Error).message}`);
      // The file may end in a partial line: the next write replaces it with what memory holds.
      this.rewriteNeeded = true;
      this.queued = [];
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    await this.settled({ sync: true });
    this.file.close();
  }

  private dropOld(): void {
    const oldest = this.now().getTime() - this.retentionMs;
    let until = Math.max(this.first, this.events.length - this.maxEvents);
    while (until < this.events.length && this.events[until]!.time < oldest) until++;
    if (until === this.first) return;
    for (let i = this.first; i < until; i++) this.byId.delete(this.events[i]!.id);
    this.droppedSinceRewrite += until - this.first;
    this.first = until;
    if (this.first > 1024 && this.first * 2 > this.events.length) {
      this.events = this.events.slice(this.first);
      this.first = 0;
    }
    // Rewriting costs the whole file: do it once a quarter of the cap has gone.
    if (this.droppedSinceRewrite >= Math.max(1, Math.floor(this.maxEvents / 4))) this.rewriteNeeded = true;
  }

  /** Replaces the file with the kept events (the queued ones among them). */
  private compact(): Promise<void> {
    this.rewriteNeeded = false;
    this.droppedSinceRewrite = 0;
    this.queued = [];
    const text = this.events
      .slice(this.first)
      .map((event) => `${event.line}\n`)
      .join('');
    this.replacing = this.file.replace(text).finally(() => {
      this.replacing = undefined;
    });
    return this.replacing;
  }

  private syncSoon(): void {
    if (this.syncTimer || !this.file.dirty) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.settled({ sync: true });
    }, 1000);
    this.syncTimer.unref();
  }
}
