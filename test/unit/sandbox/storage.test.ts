import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsonStore } from '../../../src/sandbox/storage/json-store';
import { ensurePrivateDirectory, writeFileAtomic } from '../../../src/sandbox/storage/atomic-file';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'kms-lab-store-'));
}

interface Counter {
  count: number;
  names: string[];
}

test('a new store starts from initial() and writes nothing until updated', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'state.json');
  const store = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  assert.deepEqual(store.read(), { count: 0, names: [] });
  assert.deepEqual(await readdir(dir), []);
  await rm(dir, { recursive: true });
});

test('an acknowledged update is on disk and survives reopening', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'state.json');
  const store = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  const returned = await store.update((s) => {
    s.count = 7;
    s.names.push('alice');
    return 'done';
  });
  assert.equal(returned, 'done');
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { count: 7, names: ['alice'] });
  const reopened = await JsonStore.open<Counter>(file, () => ({ count: -1, names: [] }));
  assert.deepEqual(reopened.read(), { count: 7, names: ['alice'] });
  await rm(dir, { recursive: true });
});

test('files are 0600 and leave no temporaries behind', { skip: process.platform === 'win32' }, async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'secret.json');
  const store = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  await store.update((s) => void (s.count = 1));
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), ['secret.json']);
  await rm(dir, { recursive: true });
});

test('an update that throws rolls back its partial mutation and writes nothing', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'state.json');
  const store = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  await store.update((s) => void s.names.push('kept'));
  await assert.rejects(
    store.update((s) => {
      s.names.push('half-done');
      s.count = 99;
      throw new Error('validation failed');
    }),
    /validation failed/,
  );
  assert.deepEqual(store.read(), { count: 0, names: ['kept'] });
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { count: 0, names: ['kept'] });
  await rm(dir, { recursive: true });
});

test('concurrent writers lose nothing: 500 parallel updates all land, in order', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'state.json');
  const store = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  const results = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      store.update((s) => {
        s.count += 1;
        s.names.push(`n${i}`);
        return s.count;
      }),
    ),
  );
  assert.deepEqual(results, Array.from({ length: 500 }, (_, i) => i + 1));
  const reopened = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  assert.equal(reopened.read().count, 500);
  assert.deepEqual(reopened.read().names, Array.from({ length: 500 }, (_, i) => `n${i}`));
  await rm(dir, { recursive: true });
});

test('two stores in one folder interleave without losing each other', async () => {
  const dir = await tempDir();
  const a = await JsonStore.open<Counter>(path.join(dir, 'a.json'), () => ({ count: 0, names: [] }));
  const b = await JsonStore.open<Counter>(path.join(dir, 'b.json'), () => ({ count: 0, names: [] }));
  await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).update((s) => void (s.count += 1))));
  assert.equal((await JsonStore.open<Counter>(path.join(dir, 'a.json'), () => ({ count: 0, names: [] }))).read().count, 50);
  assert.equal((await JsonStore.open<Counter>(path.join(dir, 'b.json'), () => ({ count: 0, names: [] }))).read().count, 50);
  await rm(dir, { recursive: true });
});

test('a failed write rejects the update and memory returns to what is on disk', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'gone', 'state.json');
  await ensurePrivateDirectory(path.dirname(file));
  const store = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  await store.update((s) => void (s.count = 1));
  await rm(path.dirname(file), { recursive: true });
  await assert.rejects(store.update((s) => void (s.count = 2)), /Could not write/);
  assert.equal(store.read().count, 1);
  await rm(dir, { recursive: true });
});

test('a corrupt document is reported with its path, not silently replaced', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'state.json');
  await writeFile(file, '{"count": 1,');
  await assert.rejects(JsonStore.open<Counter>(file, () => ({ count: 0, names: [] })), (error: Error) => error.message.includes(file));
  await rm(dir, { recursive: true });
});

test('temporaries left by a crash are removed on open; the last complete document wins', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'state.json');
  await writeFileAtomic(file, JSON.stringify({ count: 3, names: [] }));
  await writeFile(`${file}.4242.1.tmp`, '{"count": 4, "na');
  const store = await JsonStore.open<Counter>(file, () => ({ count: 0, names: [] }));
  assert.equal(store.read().count, 3);
  assert.deepEqual(await readdir(dir), ['state.json']);
  await rm(dir, { recursive: true });
});

test('ensurePrivateDirectory creates nested folders and tightens an existing one to 0700', { skip: process.platform === 'win32' }, async () => {
  const dir = await tempDir();
  const nested = path.join(dir, 'a', 'b');
  await ensurePrivateDirectory(nested);
  assert.equal((await stat(nested)).mode & 0o777, 0o700);
  const { chmod } = await import('node:fs/promises');
  await chmod(nested, 0o755);
  await ensurePrivateDirectory(nested);
  assert.equal((await stat(nested)).mode & 0o777, 0o700);
  await rm(dir, { recursive: true });
});
