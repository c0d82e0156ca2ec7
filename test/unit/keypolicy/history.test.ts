// The local history files: bounded, newest first, private, and a damaged file is kept aside, never written over.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PolicyHistory, historyFileName } from '../../../src/keypolicy/history';
import { samePolicy, prettyPolicyText, policyProblems } from '../../../src/keypolicy/policy-text';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kms-lab-history-'));
  dirs.push(dir);
  return path.join(dir, 'history');
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('PolicyHistory', () => {
  it('keeps at most its limit, newest first, even when entries are added side by side', async () => {
    const history = new PolicyHistory(tempDir(), 5);
    await Promise.all(Array.from({ length: 8 }, (_, i) => history.add({ keyArn: arn, savedAt: new Date(1_700_000_000_000 + i).toISOString(), text: `{"n":${i}}` })));
    const entries = await history.list(arn);
    assert.equal(entries.length, 5);
    assert.deepEqual(entries.map((e) => JSON.parse(e.text).n), [7, 6, 5, 4, 3]);
    assert.equal(new Set(entries.map((e) => e.id)).size, 5);
  });

  it('an empty history for a key it never saw; histories of keys stay apart', async () => {
    const history = new PolicyHistory(tempDir());
    await history.add({ keyArn: arn, savedAt: new Date().toISOString(), text: '{}' });
    assert.deepEqual(await history.list(arn.replace('1234abcd', 'ffffffff')), []);
    assert.equal((await history.list(arn)).length, 1);
  });

  it('names a damaged file when reading it, and moves it aside (not over it) on the next save', async () => {
    const dir = tempDir();
    const history = new PolicyHistory(dir);
    await history.add({ keyArn: arn, savedAt: new Date().toISOString(), text: '{}' });
    writeFileSync(path.join(dir, historyFileName(arn)), '{ not json');
    await assert.rejects(history.list(arn), (error: Error) => error.message.includes(historyFileName(arn)) && /damaged/.test(error.message));
    await history.add({ keyArn: arn, savedAt: new Date().toISOString(), text: '{"after":1}' });
    assert.equal((await history.list(arn)).length, 1);
    assert.ok(readdirSync(dir).some((f) => f.startsWith(`${historyFileName(arn)}.damaged-`)));
  });
});

describe('policy text', () => {
  it('compares policies as JSON, whatever the whitespace and key order', () => {
    assert.ok(samePolicy('{"a":1,"b":[1,2]}', '{\n  "b": [1, 2],\n  "a": 1\n}'));
    assert.ok(!samePolicy('{"b":[1,2]}', '{"b":[2,1]}'));
    assert.ok(!samePolicy('{"a":1}', 'not json'));
  });

  it('pretty-prints JSON and leaves other text alone', () => {
    assert.equal(prettyPolicyText('{"a":[1]}'), '{\n  "a": [\n    1\n  ]\n}\n');
    assert.equal(prettyPolicyText('{ broken'), '{ broken');
  });

  it('reports a JSON error at its real line and column, not line 1', () => {
    const [problem] = policyProblems('{\n  "Version": "2012-10-17"\n  "Statement": []\n}');
    assert.equal(problem.code, 'json-syntax');
    assert.deepEqual([problem.range?.line, problem.range?.column], [3, 3]);
  });
});
