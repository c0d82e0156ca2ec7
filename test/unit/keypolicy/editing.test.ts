// The key policy editing core against the local sandbox: what a tab and a panel share (the loaded base, the draft,
// save with a conflict that is never overwritten without the person's say, restore, discard), and the announcement
// of every save on the account's change signal.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AwsSession } from '../../../src/aws/session';
import type { DraftStore, PolicyDraft } from '../../../src/keypolicy/drafts';
import { announceKeyPolicySaves, KeyPolicyEdit, type EditResult, type KeyPolicyEditUi } from '../../../src/keypolicy/editing';
import { KeyPolicyStore } from '../../../src/keypolicy/store';
import { addKeyUser, keyUsersAndAdministrators } from '../../../src/policy';
import { AccountChanges, type AccountChangeEvent } from '../../../src/session/account-changes';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';

let dir: string;
let sandbox: RunningSandbox;
let admin: AwsSession;
let store: KeyPolicyStore;
let kms: KMSClient;
let aliceArn: string;
let bobArn: string;
const announced: AccountChangeEvent[] = [];

/** Answers the core's questions in order; an unexpected question fails the test. */
class Answers implements KeyPolicyEditUi {
  readonly asked: string[] = [];
  constructor(private readonly answers: boolean[] = []) {}
  private next(question: string): boolean {
    this.asked.push(question);
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error(`unexpected question: ${question}`);
    return answer;
  }
  async confirmOverwrite(keyLabel: string) {
    return this.next(`overwrite ${keyLabel}`);
  }
  async confirmDiscard() {
    return this.next('discard');
  }
  async confirmRestoreOverDraft() {
    return this.next('restore over draft');
  }
}

class MemoryDrafts implements DraftStore {
  readonly drafts = new Map<string, PolicyDraft>();
  get(keyArn: string) {
    return this.drafts.get(keyArn);
  }
  async keep(keyArn: string, draft: PolicyDraft) {
    this.drafts.set(keyArn, draft);
  }
  async forget(keyArn: string) {
    this.drafts.delete(keyArn);
  }
}

function expect<K extends EditResult['kind']>(result: EditResult, kind: K): Extract<EditResult, { kind: K }> {
  assert.equal(result.kind, kind, JSON.stringify(result));
  return result as Extract<EditResult, { kind: K }>;
}

async function live(keyId: string): Promise<string> {
  return (await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy ?? '';
}

async function newKey(): Promise<{ keyId: string; keyArn: string }> {
  const key = await admin.kms.createKey({ description: 'editing core test' });
  return { keyId: key.keyId, keyArn: key.arn };
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kms-lab-editing-'));
  sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox') });
  const config = { region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin };
  admin = new AwsSession({ kind: 'static', label: 'Local sandbox', ...config });
  kms = new KMSClient(config);
  store = new KeyPolicyStore({ historyDir: path.join(dir, 'history') });
  const changes = new AccountChanges();
  changes.subscribe((event) => announced.push(event));
  announceKeyPolicySaves(store, changes);
  const iam = new IAMClient(config);
  aliceArn = (await iam.send(new CreateUserCommand({ UserName: 'alice' }))).User!.Arn!;
  bobArn = (await iam.send(new CreateUserCommand({ UserName: 'bob' }))).User!.Arn!;
  iam.destroy();
});

after(async () => {
  admin?.dispose();
  kms?.destroy();
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the key policy editing core', () => {
  it('saves a draft, and announces the save with its key, account, region and source', async () => {
    const { keyId, keyArn } = await newKey();
    const edit = new KeyPolicyEdit(store, new Answers(), { source: 'key policy tab' });
    const loaded = await edit.load(admin, keyArn);
    assert.equal(loaded.text, loaded.document.text);
    const text = addKeyUser(loaded.text, aliceArn);
    edit.setText(text);
    assert.equal(edit.draft?.text, text);
    assert.equal(edit.draft?.base, loaded.document.liveText);
    announced.length = 0;
    const saved = expect(await edit.save(admin, text), 'saved');
    assert.deepEqual(keyUsersAndAdministrators(await live(keyId)).users, [aliceArn]);
    assert.equal(edit.draft, undefined);
    assert.equal(edit.loaded?.text, saved.document.text);
    assert.deepEqual(announced, [
      { scope: { accountId: keyArn.split(':')[4], region: sandbox.region }, changes: [{ kind: 'key', keyId, aspects: ['policy'] }], source: 'key policy tab' },
    ]);
  });

  it("never overwrites a change made since loading without the person's say, and then does", async () => {
    const { keyId, keyArn } = await newKey();
    const answers = new Answers([false, true]);
    const edit = new KeyPolicyEdit(store, answers, { source: 'table panel' });
    const { text } = await edit.load(admin, keyArn);
    // Someone else names bob meanwhile.
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: addKeyUser(await live(keyId), bobArn) }));
    const mine = addKeyUser(text, aliceArn);
    const conflict = expect(await edit.save(admin, mine), 'conflict');
    assert.match(conflict.theirs, new RegExp(bobArn));
    assert.equal(conflict.unknownBase, undefined);
    assert.deepEqual(keyUsersAndAdministrators(await live(keyId)).users, [bobArn]);
    // Overwrite asks first: "no" leaves the live policy alone, and the text is kept as the draft.
    expect(await edit.save(admin, mine, { overwriteConflict: true }), 'cancelled');
    assert.deepEqual(keyUsersAndAdministrators(await live(keyId)).users, [bobArn]);
    assert.equal(edit.draft?.text, mine);
    expect(await edit.save(admin, mine, { overwriteConflict: true }), 'saved');
    assert.deepEqual(keyUsersAndAdministrators(await live(keyId)).users, [aliceArn]);
    assert.deepEqual(answers.asked, [`overwrite ${keyId}`, `overwrite ${keyId}`]);
  });

  it('treats text of unknown origin (a restored tab) as a conflict', async () => {
    const { keyId, keyArn } = await newKey();
    const edit = new KeyPolicyEdit(store, new Answers(), { source: 'key policy tab' });
    const { text } = await edit.load(admin, keyArn);
    edit.baseUnknown = true;
    const conflict = expect(await edit.save(admin, addKeyUser(text, aliceArn)), 'conflict');
    assert.equal(conflict.unknownBase, true);
    assert.deepEqual(keyUsersAndAdministrators(await live(keyId)).users, []);
  });

  it('keeps a draft for the next editor, brings it back on load, and drops it when it matches the live policy', async () => {
    const { keyArn } = await newKey();
    const drafts = new MemoryDrafts();
    const first = new KeyPolicyEdit(store, new Answers(), { source: 'table panel', drafts });
    const { text } = await first.load(admin, keyArn);
    const mine = addKeyUser(text, aliceArn);
    first.setText(mine);
    await first.dispose();
    assert.equal(drafts.get(keyArn)?.text, mine);

    const second = new KeyPolicyEdit(store, new Answers(), { source: 'table panel', drafts });
    const loaded = await second.load(admin, keyArn);
    assert.equal(loaded.text, mine);
    assert.ok(loaded.restoredDraft?.savedAt);
    second.setText(text);
    assert.equal(second.draft, undefined);
    await second.dispose();
    assert.equal(drafts.get(keyArn), undefined);
  });

  it('restores a version from the history, asking first when there is a draft, and keeps that draft', async () => {
    const { keyId, keyArn } = await newKey();
    const drafts = new MemoryDrafts();
    const answers = new Answers([true]);
    const edit = new KeyPolicyEdit(store, answers, { source: 'table panel', drafts });
    const { text: original } = await edit.load(admin, keyArn);
    expect(await edit.save(admin, addKeyUser(original, aliceArn)), 'saved');
    const [entry] = await edit.history();
    assert.ok(entry, 'the save kept the replaced policy in the history');
    const draft = addKeyUser(edit.loaded!.text, bobArn);
    edit.setText(draft);
    announced.length = 0;
    expect(await edit.restore(admin, entry.id), 'saved');
    assert.deepEqual(answers.asked, ['restore over draft']);
    assert.deepEqual(keyUsersAndAdministrators(await live(keyId)).users, []);
    assert.equal(announced.length, 1, 'the restore is announced');
    assert.equal(drafts.get(keyArn)?.text, draft, 'the draft is kept until it is discarded');
  });

  it("says whether a save elsewhere is its own, to reload, or leaves the person's draft alone", async () => {
    const { keyArn } = await newKey();
    const discard = new Answers([false, true]);
    const edit = new KeyPolicyEdit(store, discard, { source: 'table panel' });
    const { text } = await edit.load(admin, keyArn);
    assert.equal(edit.savedElsewhere(), 'reload');
    edit.setText(addKeyUser(text, aliceArn));
    assert.equal(edit.savedElsewhere(), 'draft-kept');
    let during: string | undefined;
    const subscription = store.onDidSave(() => (during = edit.savedElsewhere()));
    expect(await edit.save(admin, addKeyUser(text, aliceArn)), 'saved');
    subscription.dispose();
    assert.equal(during, 'own');
    edit.setText(addKeyUser(edit.loaded!.text, bobArn));
    assert.equal(await edit.discard(), false);
    assert.ok(edit.draft);
    assert.equal(await edit.discard(), true);
    assert.equal(edit.draft, undefined);
  });
});
