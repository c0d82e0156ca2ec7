// "What can this principal read?" inside VS Code, against the embedded sandbox: the lab up to step 6 (the test user is
// a key user of alias/kms-lab), a table under the AWS owned key and one under another key; asked from the test user's
// node in the tree, and for the status bar's identity from the palette. Only a person's answers are stubbed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { ReverseView } from '../../src/panel/reverse-protocol';
import { getKmsLabApi, stubInputBox, stubMessages, switchProfile, waitFor, type KmsLabTestApi } from './support';
import { waitForRows } from './tree-reader';

const region = 'us-east-1';
const USER = 'kms-lab-test-user';
const LAB_TABLE = 'kms-lab-table';
const OWNED_TABLE = 'reverse-owned-table';
const OTHER_TABLE = 'reverse-other-key-table';

type Ready = Extract<ReverseView, { state: 'ready' }>;
type Target = { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };

async function createTable(dynamodb: DynamoDBClient, name: string, keyArn?: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(keyArn ? { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } } : {}),
    }),
  );
  await waitFor(async () => (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus === 'ACTIVE');
}

describe('access: the reverse question', function () {
  this.timeout(300_000);
  let api: KmsLabTestApi;

  before(async () => {
    api = await getKmsLabApi();
    await api.whenIdle();
  });

  // The next tests start from an empty sandbox with no panel open.
  after(async () => {
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview));
    const reset = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    reset.restore();
  });

  async function runStep(id: string, answers: string[] = []): Promise<void> {
    const messages = stubMessages(answers);
    const status = (await vscode.commands.executeCommand(`kmsLab.lab.${id}`)) as { state: string; detail?: string } | undefined;
    messages.restore();
    assert.equal(status?.state, 'done', `step ${id}: ${status?.detail ?? messages.calls.map((c) => c.message).join(' | ')}`);
  }

  const panelOf = (principal: RegExp) => api.reversePanels().find((p) => principal.test(p.principal));
  const readyView = (principal: RegExp, check: (view: Ready) => boolean = () => true) =>
    waitFor(() => {
      const view = panelOf(principal)?.view;
      return view?.state === 'ready' && !view.stale && check(view) ? view : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: the reverse panel shows ${JSON.stringify(panelOf(principal)?.view).slice(0, 2000)}`);
    });

  it('access: what can the test user read', async () => {
    await switchProfile(api, 'Local sandbox', region);
    const reset = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    reset.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`, 20_000);

    // The lab up to step 6: the test user is a key user of alias/kms-lab.
    await runStep('createKey');
    await runStep('createTable');
    stubInputBox([(options) => options?.value]);
    await runStep('addItem');
    await runStep('createTestUser');
    await runStep('readAsTestUser');
    await runStep('grant', ['Update Key Policy']);

    const target = api.currentTarget() as unknown as Target;
    const config = { endpoint: target.endpoint, region, credentials: target.credentials };
    const dynamodb = new DynamoDBClient(config);
    const kms = new KMSClient(config);
    try {
      await createTable(dynamodb, OWNED_TABLE);
      const other = await kms.send(new CreateKeyCommand({ Description: 'another key' }));
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/reverse-other', TargetKeyId: other.KeyMetadata!.KeyId! }));
      await createTable(dynamodb, OTHER_TABLE, other.KeyMetadata!.Arn!);
    } finally {
      dynamodb.destroy();
      kms.destroy();
    }

    // Asked on the test user's node, as the context menu does.
    const users = await waitForRows(api, ['Principals', 'Users'], (rows) => rows.some((r) => r.label === USER));
    const userRow = users.find((r) => r.label === USER)!;
    assert.equal(userRow.contextValue, 'principal.user', 'the menu keys on principal.*');
    await vscode.commands.executeCommand('kmsLab.whatCanRead', userRow.node);
    const view = await readyView(new RegExp(`:user/${USER}$`), (v) => v.tables.length === 3);
    assert.equal(view.kind, 'user');
    assert.equal(panelOf(new RegExp(`:user/${USER}$`))?.title, `What ${USER} can read`);
    const byName = new Map(view.tables.map((t) => [t.tableName, t]));
    assert.deepEqual([...byName.keys()].sort(), [LAB_TABLE, OTHER_TABLE, OWNED_TABLE].sort());

    const lab = byName.get(LAB_TABLE)!;
    assert.equal(lab.read, 'allowed', JSON.stringify(lab));
    assert.equal(lab.table.state, 'open');
    assert.equal(lab.key?.state, 'open');
    assert.match(lab.encryption, /customer managed key alias\/kms-lab/);
    assert.ok(lab.key?.statements.some((s) => s.sid === 'Allow use of the key'), JSON.stringify(lab.key?.statements));

    const owned = byName.get(OWNED_TABLE)!;
    assert.equal(owned.read, 'allowed');
    assert.equal(owned.encryption, 'AWS owned key');
    assert.equal(owned.key, undefined, 'readable by the table lock alone: there is no key lock');
    assert.equal(owned.table.state, 'open');

    const denied = byName.get(OTHER_TABLE)!;
    assert.equal(denied.read, 'denied');
    assert.equal(denied.table.state, 'open');
    assert.equal(denied.key?.state, 'shut', 'the key lock is the one named as shut');
    assert.match(denied.encryption, /alias\/reverse-other/);
    assert.match(denied.key?.reason ?? '', /kms:Decrypt/);

    // Step 8 (the revoke) is announced: the answer is marked stale at once (the step shows the table panel over it),
    // and collected again when it is shown.
    await runStep('revoke', ['Update Key Policy']);
    await waitFor(() => {
      const shown = panelOf(new RegExp(`:user/${USER}$`));
      return shown?.view.state === 'ready' && (shown.view.stale || (shown.visible && shown.view.tables.find((t) => t.tableName === LAB_TABLE)?.read === 'denied'));
    }, 20_000);
    await vscode.commands.executeCommand('kmsLab.whatCanRead', userRow.node);
    const revoked = await readyView(new RegExp(`:user/${USER}$`), (v) => v.tables.find((t) => t.tableName === LAB_TABLE)?.read === 'denied');
    assert.equal(revoked.tables.find((t) => t.tableName === LAB_TABLE)?.key?.state, 'shut');

    // For the status bar's identity, from the palette: the sandbox's admin reads every table.
    await vscode.commands.executeCommand('kmsLab.whatCanIRead');
    const admin = await readyView(/:user\/admin$/, (v) => v.tables.length === 3);
    assert.deepEqual(admin.tables.map((t) => t.read), ['allowed', 'allowed', 'allowed']);
  });
});
