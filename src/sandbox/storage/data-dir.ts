// The sandbox's data folder: 0700, marked as ours, so that neither start nor reset ever writes into or wipes
// a folder that holds something else.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDirectory, writeFileAtomic } from './atomic-file';
import { dataDirHolder } from './data-lock';

export const MARKER_FILE = '.kms-lab-sandbox';

async function entriesOf(dir: string): Promise<string[] | undefined> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the sandbox data folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
}

function notOurs(dir: string): Error {
  return new Error(`${dir} is not empty and is not a KMS Lab sandbox data folder (no ${MARKER_FILE}); choose an empty or new folder.`);
}

/** Creates the folder (0700) or checks an existing one is a sandbox folder, and marks it. */
export async function prepareDataDir(dir: string): Promise<void> {
  const entries = await entriesOf(dir);
  if (entries && entries.length > 0 && !entries.includes(MARKER_FILE)) throw notOurs(dir);
  await ensurePrivateDirectory(dir);
  if (!entries?.includes(MARKER_FILE)) {
    await writeFileAtomic(path.join(dir, MARKER_FILE), `${JSON.stringify({ kind: 'kms-lab-sandbox', created: new Date().toISOString() })}\n`, 0o600);
  }
}

/** Deletes everything in a sandbox data folder (the folder itself stays, still 0700). */
export async function wipeDataDir(dir: string): Promise<void> {
  const entries = await entriesOf(dir);
  if (!entries || entries.length === 0) return;
  if (!entries.includes(MARKER_FILE)) throw notOurs(dir);
  const holder = await dataDirHolder(dir);
  if (holder) throw new Error(`The sandbox in ${dir} is running (process ${holder.pid}); stop it before resetting it.`);
  // The marker goes last, so an interrupted reset can be run again.
  for (const name of entries.filter((entry) => entry !== MARKER_FILE)) await fs.rm(path.join(dir, name), { recursive: true, force: true });
  await fs.rm(path.join(dir, MARKER_FILE), { force: true });
}
