// Every view follows each lab step, without a manual refresh: the Resources tree (the key and table appear after
// steps 1–2 and go after step 9, by a refresh of just those sections), the Lab section's states (one story after the
// revoke), the walkthrough's completion context keys, and an open table panel's items pane. Against the embedded
// sandbox, from a Reset Local Sandbox to another. Only a person's answers are stubbed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StepView } from '../../src/lab/story';
import { getKmsLabApi, stubInputBox, stubMessages, stubQuickPick, switchProfile, waitFor, type KmsLabTestApi } from './support';
import { at, rows, type Row } from './tree-reader';

const region = 'us-east-1';
const TABLE = 'kms-lab-table';
const USER = 'kms-lab-test-user';
const STEPS = ['createKey', 'createTable', 'addItem', 'createTestUser', 'readAsTestUser', 'grant', 'readAgain', 'revoke', 'cleanUp'] as const;
type Step = (typeof STEPS)[number];

/** What the panel reports of a pane (src/panel: PanelInfo.panes), read structurally. */
type PaneShown = { kind: string; rows?: number; failure?: string; explanation?: string; lines?: string[] };

describe('the lab, every view', function () {
  this.timeout(300_000);
  let api: KmsLabTestApi;
  const fired: unknown[] = [];
  /** The panel's part, collected and asserted at the end, so the rest of the test says what it found first. */
  const panelProblems: string[] = [];

  before(async () => {
    api = await getKmsLabApi();
    await api.whenIdle();
    api.tree.onDidChangeTreeData?.((node) => fired.push(node));
  });

  // Whatever happened, the next tests start from an empty sandbox with no panel open.
  after(async () => {
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview));
    const reset = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    reset.restore();
  });

  const stateWords = (views: StepView[]) => views.map((v) => (v.next ? 'next' : v.status.state));
  const expected = (doneUpTo: number) => STEPS.map((_, i) => (i < doneUpTo ? 'done' : i === doneUpTo ? 'next' : 'todo'));

  async function labStatesAre(states: string[], what: string): Promise<void> {
    // Known (checked against the account), not merely the default of a lab not read yet: the section counts.
    const count = `${states.filter((s) => s === 'done').length} of 9 steps done`;
    await waitFor(async () => JSON.stringify(stateWords(api.lab.views())) === JSON.stringify(states) && (await at(api, 'Lab')).description === count, 15_000).catch(
      (error: Error) => {
        throw new Error(`${what}: lab states ${JSON.stringify(stateWords(api.lab.views()))}, expected ${JSON.stringify(states)} and "${count}" (${error.message})`);
      },
    );
    // The tree's Lab section says the same, row by row.
    const labRows = await rows(api, (await at(api, 'Lab')).node);
    labRows.forEach((row, i) => assert.equal(row.description.split(' · ')[0] || 'todo', states[i] === 'todo' ? 'todo' : states[i], `${what}: tree row ${row.label}`));
    // The walkthrough ticks exactly the steps shown done.
    const keys = await waitFor(() => {
      const current = api.lab.walkthroughKeys();
      return STEPS.every((id, i) => current[`kmsLab.lab.done.${id}`] === (states[i] === 'done')) ? current : undefined;
    }, 10_000).catch(() => {
      throw new Error(`${what}: walkthrough keys ${JSON.stringify(api.lab.walkthroughKeys())}, expected done: ${STEPS.filter((_, i) => states[i] === 'done').join(', ') || 'none'}`);
    });
    assert.ok(keys);
  }

  async function sectionRows(...path: string[]): Promise<Row[]> {
    return rows(api, (await at(api, ...path)).node);
  }

  const labels = (list: Row[]) => list.map((r) => r.label);

  /** Runs a step as a person does, answering its questions; returns the tree nodes re-rendered meanwhile. */
  async function runStep(id: Step, answers: (string | undefined)[] = []): Promise<unknown[]> {
    const from = fired.length;
    const messages = stubMessages(answers);
    const status = (await vscode.commands.executeCommand(`kmsLab.lab.${id}`)) as { state: string; detail?: string } | undefined;
    messages.restore();
    assert.equal(status?.state, 'done', `step ${id}: ${status?.detail ?? messages.calls.map((c) => c.message).join(' | ')}`);
    return fired.slice(from);
  }

  const labPanel = () => api.tablePanels().find((p) => p.subject.tableName === TABLE);
  const pane = (name: 'primary' | 'secondary'): PaneShown | undefined => (labPanel() as unknown as { panes?: Record<string, PaneShown> } | undefined)?.panes?.[name];

  /** The test user's pane: refused with both locks explained, or reading the items. Collected, not thrown. */
  async function panelShows(expect: 'denied' | 'readable', after: string): Promise<void> {
    try {
      await waitFor(() => {
        const shown = pane('secondary');
        if (expect === 'readable') return shown?.kind === 'items' && (shown.rows ?? 0) >= 1;
        const text = (shown?.lines ?? []).join('\n');
        return shown?.kind === 'failure' && shown.failure === 'access-denied' && shown.explanation === 'ready' && /table lock/i.test(text) && /key lock/i.test(text);
      }, 30_000);
    } catch {
      panelProblems.push(`after ${after}: the test user's pane is not ${expect}: ${JSON.stringify(pane('secondary'))}`);
    }
  }

  it('lab: every view follows each step', async () => {
    await switchProfile(api, 'Local sandbox', region);
    const reset = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    reset.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`, 20_000);
    await labStatesAre(expected(0), 'after Reset Local Sandbox');
    // Load the lists once, empty: what follows must come from the tree following the steps, not from a first load.
    assert.deepEqual(labels(await sectionRows('KMS keys')), ['No customer managed keys in this region']);
    assert.deepEqual(labels(await sectionRows('DynamoDB tables')), ['No tables in this region']);
    assert.ok(!labels(await sectionRows('Principals', 'Users')).includes(USER));
    const keysSection = (await at(api, 'KMS keys')).node;
    const tablesSection = (await at(api, 'DynamoDB tables')).node;

    // Step 1: the key appears; only the keys section was re-rendered (not the whole tree).
    let renders = await runStep('createKey');
    assert.ok(renders.includes(keysSection), 'step 1 re-renders the KMS keys section');
    assert.ok(!renders.includes(undefined) && !renders.includes(tablesSection), 'step 1 re-renders neither the whole tree nor the tables');
    assert.ok(labels(await sectionRows('KMS keys')).includes('alias/kms-lab'));
    await labStatesAre(expected(1), 'after step 1');

    // Step 2: the table appears, under its key too.
    renders = await runStep('createTable');
    assert.ok(renders.includes(tablesSection) && !renders.includes(undefined) && !renders.includes(keysSection));
    const table = (await sectionRows('DynamoDB tables')).find((r) => r.label === TABLE);
    assert.equal(table?.description, 'customer managed key');
    assert.deepEqual(labels(await sectionRows('KMS keys', 'alias/kms-lab', 'Tables it protects')), [TABLE]);
    await labStatesAre(expected(2), 'after step 2');

    // Step 3: the item is written, and shown in the table panel as the admin reads it.
    stubInputBox([(options) => options?.value]);
    await runStep('addItem');
    await labStatesAre(expected(3), 'after step 3');
    await waitFor(() => labPanel(), 20_000);
    try {
      await waitFor(() => pane('primary')?.kind === 'items' && (pane('primary')?.rows ?? 0) >= 1, 30_000);
    } catch {
      panelProblems.push(`after step 3: the admin's pane does not show the item: ${JSON.stringify(pane('primary'))}`);
    }

    // Step 4: the user appears among the users.
    await runStep('createTestUser');
    assert.ok(labels(await sectionRows('Principals', 'Users')).includes(USER));
    await labStatesAre(expected(4), 'after step 4');

    // Step 5: refused; the panel, opened as the step offers, shows the test user refused with both locks explained.
    await runStep('readAsTestUser');
    await labStatesAre(expected(5), 'after step 5');
    const step5 = await rows(api, (await at(api, 'Lab', '5. Read as the test user')).node);
    assert.deepEqual(labels(step5).slice(0, 5), ['Table lock: open', 'Key lock: shut', 'Observed: refused (AccessDeniedException)', 'CloudTrail: kms:Decrypt refused', 'Observed and predicted agree']);
    await vscode.commands.executeCommand('kmsLab.lab.openPanel', 'readAsTestUser');
    await waitFor(() => labPanel()?.readAs, 20_000);
    await panelShows('denied', 'step 5');

    // Steps 6 and 7: granted, then read; the open panel follows the key policy on its own.
    await runStep('grant', ['Update Key Policy']);
    await labStatesAre(expected(6), 'after step 6');
    await runStep('readAgain');
    await labStatesAre(expected(7), 'after step 7');
    await panelShows('readable', 'step 7');

    // Step 8: one story: 6 done then revoked, 7 kept as earlier, 8 of 9 done, step 9 next; the panel refused again.
    await runStep('revoke', ['Update Key Policy']);
    await labStatesAre(expected(8), 'after step 8');
    // Step 6's own check follows the revoke's announcement a moment after the run.
    const rowSays = async (label: string, description: RegExp) => {
      const row = await waitFor(async () => (await sectionRows('Lab')).find((r) => r.label === label && description.test(r.description)), 10_000).catch(async () => {
        throw new Error(`${label}: ${(await sectionRows('Lab')).find((r) => r.label === label)?.description}, expected ${description}`);
      });
      assert.ok(row);
    };
    await rowSays('6. Grant the test user', /^done · then revoked by step 8$/);
    await rowSays('7. Read again', /^done · earlier/);
    await panelShows('denied', 'step 8');

    // Step 9: the key's alias and the table go, by the same targeted refresh; steps 1–8 back to not started.
    const cleanAnswers = stubMessages(['Clean Up', 'Schedule Deletion']);
    const cleanStatus = (await vscode.commands.executeCommand('kmsLab.lab.cleanUp')) as { state: string } | undefined;
    const report = cleanAnswers.calls.find((c) => c.level === 'information');
    cleanAnswers.restore();
    assert.equal(cleanStatus?.state, 'done');
    assert.match(report?.message ?? '', /^Step 9 done\. Removed 5: /);
    assert.deepEqual(report?.buttons, ['Show Report']);
    await labStatesAre(['next', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo', 'done'], 'after step 9');
    const keysAfter = await sectionRows('KMS keys');
    assert.ok(!labels(keysAfter).includes('alias/kms-lab'), 'the alias is gone from the tree');
    assert.ok(keysAfter.some((r) => r.description.startsWith('PendingDeletion')), 'the key is shown pending deletion');
    assert.deepEqual(labels(await sectionRows('DynamoDB tables')), ['No tables in this region']);
    assert.ok(!labels(await sectionRows('Principals', 'Users')).includes(USER));

    // Again up to step 5, then Reset Local Sandbox: every view back to not started, the test user no longer offered.
    stubInputBox([(options) => options?.value]);
    for (const id of ['createKey', 'createTable', 'addItem', 'createTestUser', 'readAsTestUser'] as Step[]) await runStep(id);
    await labStatesAre(expected(5), 'after steps 1–5 again');
    const resetAgain = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    resetAgain.restore();
    await labStatesAre(expected(0), 'after the second Reset Local Sandbox');
    assert.deepEqual(labels(await sectionRows('KMS keys')), ['No customer managed keys in this region']);
    assert.deepEqual(labels(await sectionRows('DynamoDB tables')), ['No tables in this region']);
    const picker = stubQuickPick([() => undefined]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picker.restore();
    assert.ok(!picker.calls[0].labels.some((l) => l.includes(USER)), 'the reset account has no lab test user to offer');

    assert.deepEqual(panelProblems, [], 'the table panel followed every step');
  });
});
