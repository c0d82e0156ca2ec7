// Durable file replacement: write a temporary file, fsync it, rename it over the target, fsync the folder.
// After writeFileAtomic resolves, the new content survives a crash or power loss; before, the old content does.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const SECRET_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

let temporaryCounter = 0;

export async function writeFileAtomic(file: string, content: string | Uint8Array, mode = SECRET_FILE_MODE): Promise<void> {
  const temporary = `${file}.${process.pid}.${++temporaryCounter}.tmp`;
  let handle: fs.FileHandle;
  try {
    // A fresh file, created with its final mode: whatever sits at that name (a link, say) is removed, not followed.
    await fs.rm(temporary, { force: true });
    handle = await fs.open(temporary, 'wx', mode);
  } catch (error) {
    throw new Error(`Could not write ${temporary}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temporary, { force: true });
    throw new Error(`Could not write ${temporary}: ${(error as Error).message}`, { cause: error });
  }
  await handle.close();
  // An existing file keeps its old mode across rename on no platform, so the temporary's mode is what counts;
  // chmod guards against a umask that stripped bits we did not want stripped (it only ever removes).
  await fs.chmod(temporary, mode);
  try {
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw new Error(`Could not replace ${file}: ${(error as Error).message}`, { cause: error });
  }
  await syncDirectory(path.dirname(file));
}

/**
 * Writes a file that holds a secret (a credentials file, say): atomically, 0600 from its creation, and never through a
 * symbolic link, which is refused with a message that says so (the link's target is left as it was).
 */
export async function writeSecretFile(file: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  let isLink = false;
  try {
    isLink = (await fs.lstat(file)).isSymbolicLink();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (isLink) throw new Error(`${file} is a symbolic link; KMS Lab writes secrets only to a regular file. Replace the link with the file, or export by hand.`);
  await writeFileAtomic(file, content, SECRET_FILE_MODE);
}

/** Makes a rename inside the folder durable. Platforms that cannot open a folder for fsync (Windows) skip it. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Creates the folder (and parents) if needed and makes sure only its owner can enter it. */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32') await fs.chmod(dir, PRIVATE_DIR_MODE);
}

/** Removes temporaries left by a crash between open and rename of an earlier writeFileAtomic. */
export async function removeStaleTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
      .map((name) => fs.rm(path.join(dir, name), { force: true })),
  );
}
