// The events file: lines appended with a synchronous write (in the file as soon as append returns, so a crash of the
// process cannot lose them), fdatasync when asked (so a power loss cannot either), atomic replacement to compact it.
import fs from 'node:fs';
import { promisify } from 'node:util';
import { SECRET_FILE_MODE, writeFileAtomic } from '../storage/atomic-file';

const fdatasync = promisify(fs.fdatasync);

export class EventFile {
  private fd: number | undefined;
  private unsynced = false;
  private syncing: Promise<void> | undefined;

  constructor(readonly path: string) {}

  /** True when written lines still wait for fdatasync. */
  get dirty(): boolean {
    return this.unsynced;
  }

  append(text: string): void {
    this.fd ??= fs.openSync(this.path, 'a', SECRET_FILE_MODE);
    const bytes = Buffer.from(text, 'utf8');
    for (let written = 0; written < bytes.length; ) written += fs.writeSync(this.fd, bytes, written);
    this.unsynced = true;
  }

  /** Resolves once everything appended so far is synced: by a new fdatasync, or by the one in flight. */
  async sync(): Promise<void> {
    if (this.unsynced && this.fd !== undefined) {
      this.unsynced = false;
      const syncing = fdatasync(this.fd).finally(() => {
        if (this.syncing === syncing) this.syncing = undefined;
      });
      this.syncing = syncing;
    }
    await this.syncing;
  }

  /** Replaces the whole file (durably) with text. */
  async replace(text: string): Promise<void> {
    await this.syncing?.catch(() => undefined);
    this.close();
    await writeFileAtomic(this.path, text, SECRET_FILE_MODE);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.unsynced = false;
  }
}
