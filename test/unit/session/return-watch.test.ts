import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ReturnWatch } from '../../../src/session/return-watch';

test('return watch: coming back after long enough away re-checks; a glance elsewhere or a repeated focus does not', () => {
  const watch = new ReturnWatch(10_000);
  assert.equal(watch.focusChanged(true, 0), false, 'focused from the start');
  assert.equal(watch.focusChanged(false, 1_000), false);
  assert.equal(watch.focusChanged(true, 4_000), false, 'away 3 s');
  assert.equal(watch.focusChanged(false, 5_000), false);
  assert.equal(watch.focusChanged(false, 9_000), false, 'still away: counted from when it left');
  assert.equal(watch.focusChanged(true, 15_000), true, 'away 10 s');
  assert.equal(watch.focusChanged(true, 40_000), false, 'focus again without leaving');
});
