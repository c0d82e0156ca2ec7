// The embedded local sandbox, picked like any profile from the status bar.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateAliasCommand, CreateKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { getKmsLabApi, stubMessages, stubQuickPick, waitFor, type KmsLabTestApi } from './support';
import { rows, waitForRows } from './tree-reader';

const region = 'us-east-1';

function sandboxClients(api: KmsLabTestApi) {
  const target = api.currentTarget() as { kind: string; endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  assert.equal(target.kind, 'static');
  const config = { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
  return { kms: new KMSClient(config), dynamodb: new DynamoDBClient(config), endpoint: target.endpoint };
}

describe('the local sandbox', function () {
  this.timeout(120_000);
  let api: KmsLabTestApi;

  before(async () => {
    api = await getKmsLabApi();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('kmsLab').update('pageSize', undefined, vscode.ConfigurationTarget.Global);
  });

  it('starts when picked in the profile picker, on loopback, as the sandbox admin', async () => {
    const picks = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picks.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`);
    const { endpoint } = sandboxClients(api);
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    await waitFor(() => api.status.tooltip().includes('arn:aws:iam::123456789012:user/admin'), 10_000);
  });

  it('shows what is created in it, and pages keys with "Load more"', async () => {
    const { kms, dynamodb } = sandboxClients(api);
    const key = await kms.send(new CreateKeyCommand({ Description: 'sandbox lab key' }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/sandbox-lab', TargetKeyId: key.KeyMetadata!.KeyId! }));
    for (let i = 0; i < 5; i++) await kms.send(new CreateKeyCommand({ Description: `filler ${i}` }));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'sandbox-cmk',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/sandbox-lab' },
      }),
    );
    // A new table is CREATING for a moment, as on AWS; the view shows that status until it is ACTIVE.
    await waitFor(async () => (await dynamodb.send(new DescribeTableCommand({ TableName: 'sandbox-cmk' }))).Table?.TableStatus === 'ACTIVE');
    await vscode.commands.executeCommand('kmsLab.refresh');
    const tables = await waitForRows(api, ['DynamoDB tables'], (r) => r.some((t) => t.label === 'sandbox-cmk'));
    assert.equal(tables.find((t) => t.label === 'sandbox-cmk')!.description, 'customer managed key');

    await vscode.workspace.getConfiguration('kmsLab').update('pageSize', 5, vscode.ConfigurationTarget.Global);
    const firstPage = await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === 'Load more…'));
    // At most a page of 5 keys (fewer when AWS managed keys other tests made fall in it: they are not listed), then "Load more…".
    assert.ok(firstPage.length >= 2 && firstPage.length <= 6, `first page: ${firstPage.map((k) => k.label).join(', ')}`);
    assert.equal(firstPage.at(-1)!.label, 'Load more…');
    let all = firstPage;
    while (all.at(-1)!.label === 'Load more…') {
      const more = all.at(-1)!;
      const shown = all.length;
      await vscode.commands.executeCommand(more.command!.command, ...(more.command!.arguments ?? []));
      all = await waitForRows(api, ['KMS keys'], (r) => r.length > shown || !r.some((k) => k.label === 'Load more…'));
    }
    // Keys other tests left behind (a lab key pending deletion, say) are listed too: count the account's customer keys.
    const awsManaged = new Set(((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).filter((a) => a.AliasName?.startsWith('alias/aws/')).map((a) => a.TargetKeyId));
    const customerKeys = ((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? []).filter((k) => !awsManaged.has(k.KeyId));
    assert.ok(customerKeys.length >= 6);
    assert.equal(all.length, customerKeys.length);
    assert.ok(all.some((k) => k.label === 'alias/sandbox-lab'));
    kms.destroy();
    dynamodb.destroy();
  });

  it('refuses a request whose signature is wrong', async () => {
    const target = api.currentTarget() as { endpoint: string; credentials: { accessKeyId: string } };
    const forged = new DynamoDBClient({ endpoint: target.endpoint, region, credentials: { accessKeyId: target.credentials.accessKeyId, secretAccessKey: 'not-the-secret'.padEnd(40, 'x') } });
    await assert.rejects(forged.send(new ScanCommand({ TableName: 'sandbox-cmk' })), (error: Error) => error.name === 'InvalidSignatureException');
    forged.destroy();
  });

  it('stops, leaving no profile selected, and starts again with its data', async () => {
    await vscode.commands.executeCommand('kmsLab.sandbox.stop');
    await waitFor(() => api.status.text() === '$(key) No AWS profile');
    assert.deepEqual(await rows(api), []);
    await vscode.commands.executeCommand('kmsLab.sandbox.start');
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`);
    await waitForRows(api, ['DynamoDB tables'], (r) => r.some((t) => t.label === 'sandbox-cmk'));
  });

  it('resets to an empty account after confirmation', async () => {
    const messages = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    assert.equal(messages.calls[0]?.level, 'warning');
    assert.equal(messages.calls[0]?.options?.modal, true);
    await waitForRows(api, ['DynamoDB tables'], (r) => r.length === 1 && r[0]!.label === 'No tables in this region');
    await waitForRows(api, ['KMS keys'], (r) => r.length === 1 && r[0]!.label === 'No customer managed keys in this region');
    messages.restore();
  });
});
