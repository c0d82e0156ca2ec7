// The resources tree and the status bar against two real moto servers (two accounts), switched from the status bar.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { AddUserToGroupCommand, AttachGroupPolicyCommand, AttachUserPolicyCommand, CreateGroupCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { getKmsLabApi, startMoto, switchProfile, waitFor, writeAwsFiles, type KmsLabTestApi, type Moto } from './support';
import { at, child, rows, waitForRows } from './tree-reader';

const region = 'us-east-1';
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

function clients(endpoint: string) {
  const config = { endpoint, region, credentials };
  return { kms: new KMSClient(config), dynamodb: new DynamoDBClient(config), iam: new IAMClient({ ...config, region: 'us-east-1' }) };
}

function table(name: string, sse?: CreateTableCommandInput['SSESpecification']): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: sse,
  };
}

async function seedLabAccount(endpoint: string): Promise<string> {
  const { kms, dynamodb, iam } = clients(endpoint);
  const key = await kms.send(new CreateKeyCommand({ Description: 'KMS Lab key' }));
  const keyId = key.KeyMetadata!.KeyId!;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/kms-lab', TargetKeyId: keyId }));
  await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  for (let i = 0; i < 6; i++) await kms.send(new CreateKeyCommand({ Description: `extra key ${i}` }));
  await dynamodb.send(new CreateTableCommand(table('lab-owned')));
  await dynamodb.send(new CreateTableCommand(table('lab-managed', { Enabled: true })));
  // moto echoes an alias ARN back in KMSMasterKeyArn: the extension must still resolve it to the key.
  await dynamodb.send(new CreateTableCommand(table('lab-cmk', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/kms-lab' })));
  for (let i = 1; i <= 4; i++) await dynamodb.send(new CreateTableCommand(table(`pad-${i}`)));
  await iam.send(new CreateUserCommand({ UserName: 'test-user' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'test-user', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'test-user', PolicyName: 'read-own-tags', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUserTags', Resource: '*' }] }) }));
  await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'test-user' }));
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  await iam.send(new CreateRoleCommand({ RoleName: 'lab-role', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  for (const c of [kms, dynamodb, iam]) c.destroy();
  return keyId;
}


describe('resources tree and profile switching (moto)', function () {
  this.timeout(120_000);
  let accountA: Moto;
  let accountB: Moto;
  let api: KmsLabTestApi;
  let labKeyId: string;

  before(async () => {
    [accountA, accountB] = await Promise.all([startMoto({ env: { MOTO_ACCOUNT_ID: '111111111111' } }), startMoto({ env: { MOTO_ACCOUNT_ID: '222222222222' } })]);
    labKeyId = await seedLabAccount(accountA.endpoint);
    const other = clients(accountB.endpoint);
    const key = await other.kms.send(new CreateKeyCommand({ Description: 'other account key' }));
    await other.kms.send(new CreateAliasCommand({ AliasName: 'alias/other-account', TargetKeyId: key.KeyMetadata!.KeyId! }));
    other.kms.destroy();
    writeAwsFiles({
      config: {
        'profile account-a': { region, endpoint_url: accountA.endpoint },
        'profile account-b': { region, endpoint_url: accountB.endpoint },
      },
      credentials: {
        'account-a': { aws_access_key_id: credentials.accessKeyId, aws_secret_access_key: credentials.secretAccessKey },
        'account-b': { aws_access_key_id: credentials.accessKeyId, aws_secret_access_key: credentials.secretAccessKey },
      },
    });
    api = await getKmsLabApi();
    await switchProfile(api, 'account-a', region);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('kmsLab').update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    await Promise.all([accountA?.stop(), accountB?.stop()]);
  });

  it('shows the caller identity of the chosen profile in the status bar tooltip', async () => {
    await waitFor(() => api.status.tooltip().includes('111111111111'), 10_000);
    assert.match(api.status.tooltip(), /Profile: `account-a`/);
    assert.match(api.status.tooltip(), /Region: `us-east-1`/);
  });

  it('has the lab, then the three sections', async () => {
    const top = await rows(api);
    assert.deepEqual(top.map((r) => r.label), ['Lab', 'KMS keys', 'DynamoDB tables', 'Principals']);
  });

  it('lists the customer managed key by alias, with its state and rotation', async () => {
    const keys = await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === 'alias/kms-lab'));
    const key = keys.find((k) => k.label === 'alias/kms-lab')!;
    assert.equal(key.description, 'Enabled · rotation on');
    assert.match(key.tooltip, new RegExp(labKeyId));
    const children = await rows(api, key.node);
    assert.deepEqual(children.map((c) => c.label), ['Key policy', 'Grants', 'Tables it protects']);
  });

  it('tells the three kinds of table encryption apart', async () => {
    const tables = await waitForRows(api, ['DynamoDB tables'], (r) => r.length >= 3);
    const row = (name: string) => tables.find((t) => t.label === name);
    for (const [name, kind] of [['lab-owned', 'AWS owned key'], ['lab-managed', 'AWS managed key'], ['lab-cmk', 'customer managed key']]) {
      assert.equal(row(name!)?.description, kind, `${name}: ${row(name!)?.tooltip}`);
    }
  });

  it('links a customer managed table to its key, resolving the alias moto returns', async () => {
    const link = await at(api, 'DynamoDB tables', 'lab-cmk', /^Encrypted with /);
    assert.equal(link.label, 'Encrypted with alias/kms-lab');
    assert.equal(link.command?.command, 'kmsLab.revealKey');
    assert.match(String(link.command?.arguments?.[0]), new RegExp(`:key/${labKeyId}$`));
    const owned = await rows(api, (await at(api, 'DynamoDB tables', 'lab-owned')).node);
    assert.equal(owned[0]?.label, 'Encrypted with an AWS owned key');
  });

  it('lists the tables a key protects under the key', async () => {
    const protectedTables = await rows(api, (await at(api, 'KMS keys', 'alias/kms-lab', 'Tables it protects')).node);
    assert.deepEqual(protectedTables.map((t) => t.label), ['lab-cmk']);
  });

  it('opens the key policy as JSON', async () => {
    const policyRow = await at(api, 'KMS keys', 'alias/kms-lab', 'Key policy');
    await vscode.commands.executeCommand(policyRow.command!.command, ...(policyRow.command!.arguments ?? []));
    const editor = await waitFor(() => (vscode.window.activeTextEditor?.document.uri.scheme === 'kmslab' ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.languageId, 'json');
    const policy = JSON.parse(editor.document.getText());
    assert.ok(Array.isArray(policy.Statement) && policy.Statement.length > 0, 'the policy has statements');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('lists users and roles with their attached, inline and group policies', async () => {
    const policies = await rows(api, (await at(api, 'Principals', 'Users', 'test-user')).node);
    const byLabel = new Map(policies.map((p) => [p.label, p.description]));
    const shown = policies.map((p) => `${p.label} (${p.description})`).join(', ');
    assert.equal(byLabel.get('AmazonDynamoDBFullAccess'), 'managed', shown);
    assert.equal(byLabel.get('read-own-tags'), 'inline');
    assert.equal(byLabel.get('AmazonDynamoDBReadOnlyAccess'), 'managed, via group readers');
    const roles = await rows(api, (await at(api, 'Principals', 'Roles')).node);
    assert.ok(roles.some((r) => r.label === 'lab-role'), `roles: ${roles.map((r) => r.label).join(', ')}`);
  });

  // moto ignores Limit on ListKeys, so paging is checked on tables (and on keys against the local sandbox).
  it('pages long lists with "Load more"', async () => {
    await vscode.workspace.getConfiguration('kmsLab').update('pageSize', 5, vscode.ConfigurationTarget.Global);
    const firstPage = await waitForRows(api, ['DynamoDB tables'], (r) => r.some((k) => k.label === 'Load more…'));
    assert.equal(firstPage.length, 6, 'five tables and "Load more"');
    const loadMore = firstPage.at(-1)!;
    assert.equal(loadMore.description, '5 shown');
    await vscode.commands.executeCommand(loadMore.command!.command, ...(loadMore.command!.arguments ?? []));
    const all = await waitForRows(api, ['DynamoDB tables'], (r) => !r.some((k) => k.label === 'Load more…'));
    assert.deepEqual(all.map((t) => t.label).sort(), ['lab-cmk', 'lab-managed', 'lab-owned', 'pad-1', 'pad-2', 'pad-3', 'pad-4']);
    await vscode.workspace.getConfiguration('kmsLab').update('pageSize', undefined, vscode.ConfigurationTarget.Global);
  });

  it('switches account and endpoint with the profile', async () => {
    await switchProfile(api, 'account-b', region);
    await waitFor(() => api.status.tooltip().includes('222222222222'), 10_000);
    const keys = await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === 'alias/other-account'));
    assert.ok(!keys.some((k) => k.label === 'alias/kms-lab'), 'account A\'s key is gone');
    await switchProfile(api, 'account-a', region);
    await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === 'alias/kms-lab'));
  });

  it('follows an edit of the config file without a reload', async () => {
    writeAwsFiles({
      config: {
        'profile account-a': { region, endpoint_url: accountB.endpoint },
        'profile account-b': { region, endpoint_url: accountB.endpoint },
      },
    });
    await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === 'alias/other-account'), 20_000);
    await waitFor(() => api.status.tooltip().includes('222222222222'), 10_000);
    writeAwsFiles({
      config: {
        'profile account-a': { region, endpoint_url: accountA.endpoint },
        'profile account-b': { region, endpoint_url: accountB.endpoint },
      },
    });
    await waitForRows(api, ['KMS keys'], (r) => r.some((k) => k.label === 'alias/kms-lab'), 20_000);
  });

  it('reveals the key of a table from its link', async () => {
    const link = await at(api, 'DynamoDB tables', 'lab-cmk', /^Encrypted with /);
    await vscode.commands.executeCommand(link.command!.command, ...(link.command!.arguments ?? []));
    const key = await child(api, (await at(api, 'KMS keys')).node, 'alias/kms-lab');
    const selected = await waitFor(() => (api as KmsLabTestApi & { selection(): readonly unknown[] }).selection()[0]);
    assert.equal(selected, key.node, 'the key is selected in the view');
  });
});
