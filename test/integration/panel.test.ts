// The table panel's commands inside VS Code, against the embedded local sandbox: every way of opening it (a table node,
// a key node, the palette with a table pick, the lab's call with "Read as"), its title, following the status bar, and
// a key that protects no table. Its webview really renders: the panel reports its first rows drawn.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { getKmsLabApi, stubMessages, stubQuickPick, switchProfile, waitFor, writeAwsFiles, type KmsLabTestApi } from './support';
import { waitForRows } from './tree-reader';

const region = 'us-east-1';
const TABLE = 'panel-commands-table';

/** A new table is CREATING for a moment, as on AWS. */
function tableActive(dynamodb: DynamoDBClient, name: string) {
  return waitFor(async () => (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus === 'ACTIVE');
}

function sandboxConfig(api: KmsLabTestApi) {
  const target = api.currentTarget() as { kind: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  assert.equal(target.kind, 'static');
  return { endpoint: target.endpoint, region, credentials: target.credentials };
}

const panelTabs = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('kmsLab.tablePanel'));

async function closePanels(): Promise<void> {
  await vscode.window.tabGroups.close(panelTabs());
}

describe('panel: commands', function () {
  this.timeout(180_000);
  let api: KmsLabTestApi;
  let keyArn: string;
  let lonelyKeyArn: string;
  let endpoint: string;

  before(async () => {
    api = await getKmsLabApi();
    await api.whenIdle();
    const picks = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picks.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`, 20_000);
    const config = sandboxConfig(api);
    endpoint = config.endpoint;
    const kms = new KMSClient(config);
    const dynamodb = new DynamoDBClient(config);
    const iam = new IAMClient(config);
    const key = await kms.send(new CreateKeyCommand({ Description: 'panel commands key' }));
    keyArn = key.KeyMetadata!.Arn!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/panel-commands', TargetKeyId: key.KeyMetadata!.KeyId! }));
    lonelyKeyArn = (await kms.send(new CreateKeyCommand({ Description: 'protects no table' }))).KeyMetadata!.Arn!;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
      }),
    );
    await tableActive(dynamodb, TABLE);
    await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'one' } } }));
    await iam.send(new CreateUserCommand({ UserName: 'panel-reader' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'panel-reader', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'panel-reader' }));
    writeAwsFiles({
      config: { 'profile reader': { region, endpoint_url: endpoint } },
      credentials: { reader: { aws_access_key_id: AccessKey!.AccessKeyId!, aws_secret_access_key: AccessKey!.SecretAccessKey! } },
    });
    for (const client of [kms, dynamodb, iam]) client.destroy();
    await vscode.commands.executeCommand('kmsLab.refresh');
  });

  afterEach(async () => {
    await waitFor(async () => {
      await closePanels();
      return api.tablePanels().length === 0;
    }, 10_000, 250).catch((error: Error) => {
      throw new Error(`${error.message}; open: ${JSON.stringify(api.tablePanels())}; tabs: ${JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => [t.label, (t.input as { viewType?: string })?.viewType]))}`);
    });
  });

  it('opens from a table node, with its rows drawn by the webview and the identity in the title', async () => {
    const tables = await waitForRows(api, ['DynamoDB tables'], (r) => r.some((t) => t.label === TABLE));
    await vscode.commands.executeCommand('kmsLab.openTablePanel', tables.find((t) => t.label === TABLE)!.node);
    const panel = await waitFor(() => api.tablePanels().find((p) => p.subject.tableName === TABLE && p.firstRowsMs !== undefined), 30_000);
    assert.equal(panel.title, `${TABLE} as admin`);
    assert.ok(panel.maxDomRows >= 1);
    assert.equal(panel.policyState, 'loaded');
    assert.equal(panelTabs().length, 1);
    assert.equal(panelTabs()[0]!.label, `${TABLE} as admin`);
  });

  it('opens the same panel again from the key node, rather than a second one', async () => {
    await vscode.commands.executeCommand('kmsLab.openTablePanel', { tableName: TABLE });
    await waitFor(() => api.tablePanels().length === 1);
    const keys = await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === 'alias/panel-commands'));
    await vscode.commands.executeCommand('kmsLab.openTablePanel', keys.find((k) => k.label === 'alias/panel-commands')!.node);
    assert.equal(api.tablePanels().length, 1);
    assert.equal(api.tablePanels()[0]!.subject.tableName, TABLE);
  });

  it('asks for the table when run from the palette, and a dismissed pick is no error', async () => {
    const messages = stubMessages();
    const dismissed = stubQuickPick([undefined]);
    await vscode.commands.executeCommand('kmsLab.openTablePanel');
    dismissed.restore();
    assert.equal(api.tablePanels().length, 0);
    assert.deepEqual(messages.calls, []);
    const picks = stubQuickPick([TABLE]);
    await vscode.commands.executeCommand('kmsLab.openTablePanel');
    assert.ok(picks.calls[0]!.labels.includes(TABLE));
    await waitFor(() => api.tablePanels().some((p) => p.subject.tableName === TABLE));
  });

  it("opens as the lab asks, reading as a second identity beside the first, and follows the status bar", async () => {
    await vscode.commands.executeCommand('kmsLab.openTablePanel', { tableName: TABLE, readAs: 'profile:reader' });
    await waitFor(() => api.tablePanels().find((p) => p.title === `${TABLE} as admin and panel-reader`), 20_000);
    assert.equal(api.tablePanels()[0]!.readAs, 'profile:reader');
    await switchProfile(api, 'reader', region);
    await waitFor(() => api.tablePanels().find((p) => p.title === `${TABLE} as panel-reader and panel-reader`), 20_000);
    const picks = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picks.restore();
    await waitFor(() => api.tablePanels().find((p) => p.title === `${TABLE} as admin and panel-reader`), 20_000);
  });

  it('shows the key policy alone for a key that protects no table', async () => {
    const keys = await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.tooltip.includes(lonelyKeyArn)));
    await vscode.commands.executeCommand('kmsLab.openTablePanel', keys.find((k) => k.tooltip.includes(lonelyKeyArn))!.node);
    const panel = await waitFor(() => api.tablePanels().find((p) => p.subject.keyArn === lonelyKeyArn && p.policyState === 'loaded'), 20_000);
    assert.equal(panel.subject.tableName, undefined);
    assert.equal(panel.title, `${lonelyKeyArn.split('/').pop()} as admin`);
  });

  it('says why an AWS owned key has no policy to edit, and why an AWS managed key is read-only', async () => {
    const dynamodb = new DynamoDBClient(sandboxConfig(api));
    const table = (name: string, managed: boolean) =>
      dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: managed ? { Enabled: true, SSEType: 'KMS' } : undefined,
        }),
      );
    await table('panel-owned-key', false);
    await table('panel-managed-key', true);
    await tableActive(dynamodb, 'panel-owned-key');
    await tableActive(dynamodb, 'panel-managed-key');
    dynamodb.destroy();
    await vscode.commands.executeCommand('kmsLab.openTablePanel', { tableName: 'panel-owned-key' });
    const owned = await waitFor(() => api.tablePanels().find((p) => p.subject.tableName === 'panel-owned-key' && p.policyState === 'none' && p.policyNote?.includes('AWS owned')), 20_000);
    assert.match(owned.policyNote!, /AWS owned key[\s\S]*no key policy to see or edit/);
    await vscode.commands.executeCommand('kmsLab.openTablePanel', { tableName: 'panel-managed-key' });
    const managed = await waitFor(() => api.tablePanels().find((p) => p.subject.tableName === 'panel-managed-key' && p.policyState === 'loaded'), 20_000);
    assert.match(managed.policyNote ?? '', /AWS managed key: its policy is managed by AWS and cannot be changed/);
  });

  it('says what it expects when given something that is neither a table nor a key', async () => {
    const messages = stubMessages();
    await vscode.commands.executeCommand('kmsLab.openTablePanel', 42);
    const shown = await messages.waitFor((m) => m.level === 'error');
    assert.match(shown.message, /expects a table node, a key node, or \{ tableName, readAs\? \}/);
    assert.equal(api.tablePanels().length, 0);
  });
});
