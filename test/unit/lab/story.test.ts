// The lab's story from checked states and its own history: the revoke, an outside change, the clean-up, a reset.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRecord, type LabRecord, type ReadResult } from '../../../src/lab/record';
import type { StepId, StepStatus } from '../../../src/lab/step';
import { LAB_STEPS } from '../../../src/lab/steps';
import { tellStory, type StepView } from '../../../src/lab/story';

const USER_ARN = 'arn:aws:iam::123456789012:user/kms-lab-test-user';

function read(at: string, outcome: 'allowed' | 'denied'): ReadResult {
  return {
    at,
    principalArn: USER_ARN,
    observed: { outcome, attempts: 1 },
    predicted: { decision: outcome, reasons: [] },
    agree: true,
    conclusion: 'done',
    summary: outcome,
  };
}

const ALL_DONE: StepId[] = ['createKey', 'createTable', 'addItem', 'createTestUser', 'readAsTestUser', 'grant', 'readAgain', 'revoke'];

function checked(done: StepId[], todo: StepId[] = []): Map<StepId, StepStatus> {
  const map = new Map<StepId, StepStatus>();
  for (const id of done) map.set(id, { state: 'done', detail: `${id} done` });
  for (const id of todo) map.set(id, { state: 'todo' });
  return map;
}

/** The record after steps 1–8 in order: granted at 10:06, read at 10:07, revoked (and read) at 10:08. */
function afterRevoke(): LabRecord {
  const record = newRecord();
  record.reads = { beforeGrant: read('2025-05-01T10:05:00.000Z', 'denied'), afterGrant: read('2025-05-01T10:07:00.000Z', 'allowed'), afterRevoke: read('2025-05-01T10:08:00.000Z', 'denied') };
  record.finished = { grant: '2025-05-01T10:06:00.000Z', readAgain: '2025-05-01T10:07:00.000Z', revoke: '2025-05-01T10:08:00.000Z' };
  return record;
}

function story(statuses: Map<StepId, StepStatus>, record?: LabRecord): StepView[] {
  return tellStory({ steps: LAB_STEPS, checked: statuses, record, running: new Set(), items: new Map() });
}

const byId = (views: StepView[], id: StepId) => views.find((v) => v.step.id === id)!;
const states = (views: StepView[]) => views.map((v) => (v.next ? 'next' : v.status.state));

/** No step is "next" while a later step shown done depends on it, directly or through others. */
function assertConsistent(views: StepView[]): void {
  const done = new Set(views.filter((v) => v.status.state === 'done').map((v) => v.step.id));
  for (const view of views.filter((v) => v.status.state === 'done')) {
    for (const prerequisite of view.step.prerequisites) assert.ok(done.has(prerequisite), `${view.step.id} is done but its prerequisite ${prerequisite} is not`);
  }
  assert.ok(views.filter((v) => v.next).length <= 1, 'one next step at most');
}

describe('the lab tells one story', () => {
  it('nothing done: step 1 is next, and nothing else is', () => {
    const views = story(new Map());
    assert.deepEqual(states(views), ['next', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo']);
  });

  it('after the revoke: step 6 is done, then revoked by step 8; step 7 keeps its result, shown as earlier; 8 of 9 done', () => {
    // The key policy no longer names the user, so step 6's own check says todo.
    const views = story(checked(ALL_DONE.filter((id) => id !== 'grant'), ['grant', 'cleanUp']), afterRevoke());
    const grant = byId(views, 'grant');
    assert.equal(grant.status.state, 'done');
    assert.equal(grant.note, 'then revoked by step 8');
    assert.match(grant.status.detail ?? '', /Done at 10:06 UTC, then revoked by step 8/);
    const readAgain = byId(views, 'readAgain');
    assert.equal(readAgain.status.state, 'done');
    assert.equal(readAgain.readIsEarlier, true);
    assert.equal(readAgain.read?.observed.outcome, 'allowed');
    assert.match(readAgain.note ?? '', /earlier/);
    assert.equal(byId(views, 'readAsTestUser').note, 'before the grant');
    assert.deepEqual(states(views), ['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'next']);
    assert.equal(views.filter((v) => v.status.state === 'done').length, 8);
    assertConsistent(views);
  });

  it('a grant removed outside the lab (no revoke in its history): step 6 is next again and step 7 is not shown done', () => {
    const record = afterRevoke();
    record.reads.afterRevoke = undefined;
    record.finished = { grant: '2025-05-01T10:06:00.000Z' };
    const views = story(checked(['createKey', 'createTable', 'addItem', 'createTestUser', 'readAsTestUser', 'readAgain'], ['grant', 'revoke', 'cleanUp']), record);
    assert.equal(byId(views, 'grant').next, true);
    const readAgain = byId(views, 'readAgain');
    assert.equal(readAgain.status.state, 'todo');
    assert.equal(readAgain.readIsEarlier, true);
    assert.match(readAgain.status.detail ?? '', /step 6 \(Grant the test user\) is not done now/);
    assertConsistent(views);
  });

  it('step 8 run before any grant is not told as a revoke: step 6 stays to do', () => {
    const record = afterRevoke();
    record.finished = { revoke: '2025-05-01T10:08:00.000Z' };
    const views = story(checked(ALL_DONE.filter((id) => id !== 'grant' && id !== 'readAgain'), ['grant', 'readAgain']), record);
    assert.equal(byId(views, 'grant').status.state, 'todo');
    assert.equal(byId(views, 'grant').note, undefined);
    assert.equal(byId(views, 'grant').next, true);
    assertConsistent(views);
  });

  it('the key deleted outside the lab: every step that needs it is told as earlier, and step 1 is next', () => {
    const views = story(checked(ALL_DONE.filter((id) => id !== 'createKey' && id !== 'createTable'), ['createKey', 'createTable']), afterRevoke());
    assert.equal(byId(views, 'createKey').next, true);
    for (const id of ['addItem', 'readAsTestUser', 'readAgain'] as StepId[]) {
      assert.equal(byId(views, id).status.state, 'todo', id);
      assert.equal(byId(views, id).note, 'earlier result', id);
    }
    assertConsistent(views);
  });

  it('after the clean-up: steps 1–8 not started, step 9 done, step 1 next', () => {
    const record = newRecord();
    record.cleanup = { at: '2025-05-01T10:09:00.000Z', removed: ['table kms-lab-table'], left: [] };
    record.finished = { cleanUp: '2025-05-01T10:09:00.000Z' };
    const views = story(checked(['cleanUp'], ALL_DONE), record);
    assert.deepEqual(states(views), ['next', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'done']);
    assert.ok(views.every((v) => v.note === undefined && v.read === undefined));
  });

  it('after a reset (the record forgotten, every check todo): every step not started, step 1 next', () => {
    const views = story(checked([], [...ALL_DONE, 'cleanUp']), newRecord());
    assert.deepEqual(states(views), ['next', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo']);
  });
});
