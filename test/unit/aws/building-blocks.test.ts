// The small parts the services stand on: the concurrency limit, the per-refresh cache, shared credentials.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefreshCache } from '../../../src/aws/cache';
import { shareCredentials, type Credentials } from '../../../src/aws/credentials';
import { createLimiter } from '../../../src/aws/limit';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createLimiter', () => {
  it('runs at most max tasks at once, and starts the rest in order as slots free', async () => {
    const limit = createLimiter(2);
    const gates = [0, 1, 2, 3, 4].map(() => deferred());
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const all = gates.map((gate, i) =>
      limit(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await gate.promise;
        running--;
        return i;
      }),
    );
    await tick();
    assert.deepEqual(started, [0, 1]);
    gates[1].resolve();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    gates[3].resolve();
    gates[4].resolve();
    assert.deepEqual(await Promise.all(all), [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
  });

  it('a newcomer does not jump the queue while a slot is being handed over', async () => {
    const limit = createLimiter(1);
    const gate = deferred();
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    const first = limit(async () => gate.promise);
    const queued = limit(task);
    gate.resolve();
    await first;
    const late = limit(task);
    await Promise.all([queued, late]);
    assert.equal(most, 1);
  });

  it('a failing task frees its slot and passes its error on', async () => {
    const limit = createLimiter(1);
    await assert.rejects(limit(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await limit(async () => 'next'), 'next');
  });

  it('refuses a limit below one', () => {
    assert.throws(() => createLimiter(0), RangeError);
    assert.throws(() => createLimiter(1.5), RangeError);
  });
});

describe('RefreshCache', () => {
  it('shares one load between concurrent asks, and keeps it until cleared', async () => {
    const cache = new RefreshCache();
    let loads = 0;
    const load = async () => ++loads;
    assert.deepEqual(await Promise.all([cache.get('k', load), cache.get('k', load)]), [1, 1]);
    assert.equal(await cache.get('k', load), 1);
    cache.clear();
    assert.equal(await cache.get('k', load), 2);
  });

  it('forgets a failed load so the next ask tries again', async () => {
    const cache = new RefreshCache();
    await assert.rejects(cache.get('k', async () => Promise.reject(new Error('denied'))), /denied/);
    assert.equal(cache.has('k'), false);
    assert.equal(await cache.get('k', async () => 'ok'), 'ok');
  });

  it('set() answers later asks without loading', async () => {
    const cache = new RefreshCache();
    cache.set('alias', 42);
    assert.equal(await cache.get('alias', async () => assert.fail('should not load')), 42);
    assert.equal(cache.size, 1);
  });
});

describe('shareCredentials', () => {
  const creds = (minutesLeft?: number): Credentials => ({
    accessKeyId: 'AKID',
    secretAccessKey: 'secret',
    expiration: minutesLeft === undefined ? undefined : new Date(Date.now() + minutesLeft * 60_000),
  });

  it('loads once for concurrent callers and reuses credentials without expiry', async () => {
    let loads = 0;
    const provider = shareCredentials(async () => (loads++, creds()));
    await Promise.all([provider(), provider(), provider()]);
    await provider();
    assert.equal(loads, 1);
  });

  it('reloads credentials that expire within the SDK refresh window, and keeps those that do not', async () => {
    let loads = 0;
    const soon = shareCredentials(async () => (loads++, creds(4)));
    await soon();
    await soon();
    assert.equal(loads, 2);
    let laterLoads = 0;
    const later = shareCredentials(async () => (laterLoads++, creds(60)));
    await later();
    await later();
    assert.equal(laterLoads, 1);
  });

  it('does not keep a failure', async () => {
    let attempt = 0;
    const provider = shareCredentials(async () => {
      attempt++;
      if (attempt === 1) throw new Error('MFA cancelled');
      return creds();
    });
    await assert.rejects(provider(), /MFA cancelled/);
    assert.equal((await provider()).accessKeyId, 'AKID');
    assert.equal(attempt, 2);
  });
});
