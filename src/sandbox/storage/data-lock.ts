// One sandbox per data folder: a lock file that names the process holding the folder and, once it listens, its
// endpoint, so that a second sandbox on the same folder says who holds it instead of failing inside its stores.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SECRET_FILE_MODE, writeFileAtomic } from './atomic-file';

export const LOCK_FILE = '.kms-lab-sandbox.lock';

interface LockInfo {
  pid: number;
  endpoint?: string;
  started: string;
}

export interface DataLock {
  /** Records where the holder listens, for the message a second sandbox gives. */
  setEndpoint(endpoint: string): Promise<void>;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await fs.readFile(file, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

export class DataDirInUseError extends Error {}

/**
 * Takes the folder for this process, or throws DataDirInUseError naming the live process (and endpoint) that holds it.
 * A lock left by a process that no longer runs (a crash, kill -9) is taken over.
 */
export async function lockDataDir(dir: string): Promise<DataLock> {
  const file = path.join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(file, 'wx', SECRET_FILE_MODE);
      await handle.writeFile(JSON.stringify(mine));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const holder = await readLock(file);
    if (holder && alive(holder.pid)) {
      const where = holder.endpoint ? `listening on ${holder.endpoint}` : 'starting';
      throw new DataDirInUseError(
        `Another sandbox holds the data folder ${dir}: process ${holder.pid}, ${where}. Stop it first, or use another folder. ` +
          `(If process ${holder.pid} is not a sandbox, delete ${file}.)`,
      );
    }
    await fs.rm(file, { force: true });
  }
  let released = false;
  return {
    async setEndpoint(endpoint) {
      if (!released) await writeFileAtomic(file, JSON.stringify({ ...mine, endpoint }), SECRET_FILE_MODE);
    },
    async release() {
      if (released) return;
      released = true;
      if ((await readLock(file))?.pid === process.pid) await fs.rm(file, { force: true });
    },
  };
}

/** The live process holding the folder, if any. */
export async function dataDirHolder(dir: string): Promise<LockInfo | undefined> {
  const holder = await readLock(path.join(dir, LOCK_FILE));
  return holder && alive(holder.pid) ? holder : undefined;
}
