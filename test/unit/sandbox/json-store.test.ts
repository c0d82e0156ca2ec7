import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { JsonStore } from '../../../src/sandbox/storage/json-store';

test('json store: an update issued right after the previous one resolved is written too', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kms-lab-json-store-'));
  try {
    const file = path.join(dir, 'state.json');
    const store = await JsonStore.open(file, () => ({ count: 0 }));
    const timer = setTimeout(() => assert.fail('an update never resolved'), 5000);
    for (let i = 0; i < 20; i++) await store.update((state) => void state.count++);
    clearTimeout(timer);
    assert.equal(JSON.parse(await readFile(file, 'utf8')).count, 20);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
