// The lab on the account change signal, against the real sandbox: each run announces what it changed; a change
// announced by someone else re-checks the steps it touches; the revoke, the clean-up and a reset tell one story.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import type { Lab } from '../../../src/lab/lab';
import type { StepId } from '../../../src/lab/step';
import { predictReadWithPolicies } from '../../../src/lab/predict';
import { stepsToRecheck } from '../../../src/lab/follow';
import { newRecord } from '../../../src/lab/record';
import { removeKeyUser } from '../../../src/policy';
import { AccountChanges, type AccountChangeEvent } from '../../../src/session/account-changes';
import { labHarness, type LabHarness } from './support';

let h: LabHarness;
let kms: KMSClient;
let lab: Lab;
const changes = new AccountChanges((error) => {
  throw error;
});
const heard: AccountChangeEvent[] = [];
const scope = { accountId: '123456789012', region: 'us-east-1' };
const USER_ARN = 'arn:aws:iam::123456789012:user/kms-lab-test-user';

async function until(test: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}; states: ${states().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const view = (id: StepId) => lab.views().find((v) => v.step.id === id)!;
const states = () => lab.views().map((v) => `${v.step.number}:${v.next ? 'next' : v.status.state}${v.note ? `(${v.note})` : ''}`);

/** Runs a step and returns what it announced. */
async function run(id: StepId): Promise<AccountChangeEvent[]> {
  const from = heard.length;
  const status = await lab.run(id);
  assert.equal(status.state, 'done', `${id}: ${status.detail}`);
  return heard.slice(from);
}

before(async () => {
  h = await labHarness(predictReadWithPolicies);
  kms = new KMSClient({ endpoint: h.sandbox.endpoint, region: h.sandbox.region, credentials: h.sandbox.admin });
  changes.subscribe((event) => heard.push(event));
  lab = h.lab(undefined, { changes });
  await lab.refresh();
});

after(async () => {
  kms.destroy();
  await h.close();
});

describe('the lab on the account change signal', () => {
  it('each step announces what it changed, in the lab account and region; the reads announce nothing', async () => {
    const [key] = await run('createKey');
    const keyArn = (await h.context()).record.keyArn!;
    assert.deepEqual(key, { scope, source: 'lab step 1', changes: [{ kind: 'key', keyId: keyArn, aspects: ['created', 'alias'] }] });
    assert.deepEqual((await run('createTable')).map((e) => e.changes), [[{ kind: 'table', tableName: 'kms-lab-table', aspects: ['created'] }]]);
    h.ui.answer((request) => request.value);
    assert.deepEqual((await run('addItem')).map((e) => e.changes), [[{ kind: 'table', tableName: 'kms-lab-table', aspects: ['items'] }]]);
    assert.deepEqual((await run('createTestUser')).map((e) => e.changes), [[{ kind: 'principal', principalType: 'user', name: 'kms-lab-test-user', aspects: ['created', 'policies', 'credentials'] }]]);
    assert.deepEqual(await run('readAsTestUser'), []);
    h.ui.answer('Update Key Policy');
    assert.deepEqual((await run('grant')).map((e) => e.changes), [[{ kind: 'key', keyId: keyArn, aspects: ['policy'] }]]);
    await until(() => view('grant').status.state === 'done' && view('readAgain').next, 'step 7 next after the grant');
  });

  it('a key policy saved elsewhere and announced re-checks steps 6 and 8, without a refresh', async () => {
    const keyArn = (await h.context()).record.keyArn!;
    const current = (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy!;
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: removeKeyUser(current, USER_ARN) }));
    changes.announce({ scope, source: 'key policy tab', changes: [{ kind: 'key', keyId: keyArn, aspects: ['policy'] }] });
    // Not a revoke of the lab's: step 6 is to do again, and step 7 cannot be next before it.
    await until(() => view('grant').next, 'step 6 next after the grant was removed elsewhere');
    assert.equal(view('grant').note, undefined);
    assert.equal(view('readAgain').next, false);
    // Another table's change is not the lab's: nothing is re-checked.
    assert.deepEqual(stepsToRecheck({ scope, source: 'test', changes: [{ kind: 'table', tableName: 'other', aspects: ['created'] }] }, newRecord()), []);
    h.ui.answer('Update Key Policy');
    await run('grant');
    await until(() => view('readAgain').next, 'step 7 next after the grant again');
  });

  it('after step 8 the story holds: 6 done then revoked, 7 kept as earlier, no next before a done that needs it', async () => {
    await run('readAgain');
    h.ui.answer('Update Key Policy');
    await run('revoke');
    await until(() => view('grant').note === 'then revoked by step 8', 'step 6 told as revoked');
    assert.equal(view('grant').status.state, 'done');
    assert.equal(view('readAgain').status.state, 'done');
    assert.equal(view('readAgain').readIsEarlier, true);
    assert.equal(view('readAgain').read?.observed.outcome, 'allowed');
    assert.equal(view('revoke').read?.observed.outcome, 'denied');
    assert.deepEqual(
      lab.views().map((v) => (v.next ? 'next' : v.status.state)),
      ['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'next'],
    );
  });

  it('after the clean-up, steps 1–8 are not started and step 9 is done; it announced what it removed', async () => {
    const keyArn = (await h.context()).record.keyArn!;
    h.ui.answer('Clean Up', 'Schedule Deletion');
    const announced = await run('cleanUp');
    assert.deepEqual(announced.map((e) => e.changes), [
      [
        { kind: 'key', keyId: keyArn, aspects: ['alias', 'state', 'deleted'] },
        { kind: 'table', tableName: 'kms-lab-table', aspects: ['deleted'] },
        { kind: 'principal', principalType: 'user', name: 'kms-lab-test-user', aspects: ['deleted'] },
      ],
    ]);
    await until(() => lab.views().every((v) => (v.step.id === 'cleanUp') === (v.status.state === 'done')), 'only step 9 done');
    assert.equal(view('createKey').next, true);
    assert.ok(lab.views().every((v) => v.note === undefined && v.read === undefined), 'nothing is told from before the clean-up');
  });

  it('a reset sandbox: the records of every sandbox scope are forgotten, and every step is not started', async () => {
    await run('createKey');
    await h.services.records.update('aws:111122223333:eu-west-1', (r) => {
      r.tableName = 'kept';
    });
    const forgotten = await h.services.records.forget('sandbox:');
    assert.deepEqual(forgotten.map((f) => f.scope), ['sandbox:123456789012:us-east-1']);
    assert.equal(h.services.records.get('aws:111122223333:eu-west-1').tableName, 'kept', 'another account is not forgotten');
    lab.reset();
    assert.equal(lab.loaded, false);
    await lab.refresh();
    assert.equal(lab.loaded, true);
    // The key itself is still in this (unreset) sandbox; the lab no longer remembers a clean-up or any read.
    assert.equal(view('cleanUp').status.state, 'todo');
    assert.ok(lab.views().every((v) => v.read === undefined));
  });
});
