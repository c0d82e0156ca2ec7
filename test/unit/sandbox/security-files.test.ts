// Files that hold a secret (the exported test user's credentials, the sandbox's own state) are written atomically,
// 0600 from their creation, and never through a symbolic link.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic, writeSecretFile } from '../../../src/sandbox/storage/atomic-file';

describe('files that hold secrets', { skip: process.platform === 'win32' ? 'POSIX modes and links' : false }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kms-lab-secret-files-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('security: an existing world-readable credentials file is replaced by a 0600 file, never rewritten in place', async () => {
    const file = path.join(dir, 'credentials');
    await writeFile(file, '[old]\naws_access_key_id = OLD\n');
    await chmod(file, 0o644);
    const before = await stat(file);
    await writeSecretFile(file, '[lab]\naws_secret_access_key = SECRET\n');
    const after = await stat(file);
    assert.equal(after.mode & 0o777, 0o600);
    assert.notEqual(after.ino, before.ino, 'a new file took its place: the secret never sat in the 0644 one');
    assert.equal(await readFile(file, 'utf8'), '[lab]\naws_secret_access_key = SECRET\n');
    assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp')), []);
  });

  test('security: a credentials file that is a symbolic link is refused, and its target left as it was', async () => {
    const target = path.join(dir, 'elsewhere');
    await writeFile(target, 'untouched\n');
    await chmod(target, 0o644);
    const link = path.join(dir, 'linked-credentials');
    await symlink(target, link);
    await assert.rejects(writeSecretFile(link, 'SECRET\n'), /is a symbolic link; KMS Lab writes secrets only to a regular file/);
    assert.equal(await readFile(target, 'utf8'), 'untouched\n');
    assert.equal((await stat(target)).mode & 0o777, 0o644);
    assert.ok((await lstat(link)).isSymbolicLink());
  });

  test('security: a link planted where the temporary file goes is not followed', async () => {
    const file = path.join(dir, 'state.json');
    const victim = path.join(dir, 'victim');
    await writeFile(victim, 'victim\n');
    // writeFileAtomic names its temporaries <file>.<pid>.<n>.tmp; plant links for the next few.
    for (let n = 1; n <= 50; n++) await symlink(victim, `${file}.${process.pid}.${n}.tmp`).catch(() => undefined);
    await writeFileAtomic(file, '{"secret":true}');
    assert.equal(await readFile(victim, 'utf8'), 'victim\n');
    assert.equal(await readFile(file, 'utf8'), '{"secret":true}');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });
});
