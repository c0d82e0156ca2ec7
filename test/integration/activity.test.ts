// Issue 16 inside VS Code, against the embedded sandbox: after the lab's steps 1–7, the table panel's Activity lists
// the test user's refused read and then its allowed one (kms:Decrypt asked by DynamoDB, the table in the encryption
// context), Who can read? shows the user's last read, and a principal who can read but never did is flagged.
// Only a person's answers are stubbed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { AttachUserPolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { addKeyUser } from '../../src/policy';
import { getKmsLabApi, stubInputBox, stubMessages, switchProfile, waitFor, type KmsLabTestApi } from './support';

const region = 'us-east-1';
const TABLE = 'kms-lab-table';
const USER = 'kms-lab-test-user';
const IDLE = 'activity-idle-reader';

describe('activity', function () {
  this.timeout(480_000);
  let api: KmsLabTestApi;

  before(async () => {
    api = await getKmsLabApi();
    await api.whenIdle();
  });

  after(async () => {
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview));
    const reset = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    reset.restore();
  });

  async function runStep(id: string, answers: string[] = []): Promise<string> {
    const messages = stubMessages(answers);
    const status = (await vscode.commands.executeCommand(`kmsLab.lab.${id}`)) as { state: string; detail?: string } | undefined;
    messages.restore();
    assert.equal(status?.state, 'done', `step ${id}: ${status?.detail ?? messages.calls.map((c) => c.message).join(' | ')}`);
    return status?.detail ?? '';
  }

  const panel = () => api.tablePanels().find((p) => p.subject.tableName === TABLE);

  it("activity: the lab's refused and allowed reads are in the key's activity", async () => {
    await switchProfile(api, 'Local sandbox', region);
    const reset = stubMessages(['Reset']);
    await vscode.commands.executeCommand('kmsLab.sandbox.reset');
    reset.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`, 20_000);

    // Step 3 asks for the item as JSON: the person accepts the lab's sample.
    stubInputBox([(options) => options?.value]);
    for (const id of ['createKey', 'createTable', 'addItem', 'createTestUser']) await runStep(id);
    const refused = await runStep('readAsTestUser');
    assert.match(refused, /CloudTrail: DynamoDB asked KMS on kms-lab-test-user's behalf; KMS refused/);
    await runStep('grant', ['Update Key Policy']);
    const allowed = await runStep('readAgain');
    assert.match(allowed, /CloudTrail: DynamoDB asked KMS on kms-lab-test-user's behalf; KMS allowed it/);

    // Someone who can read the table (DynamoDB access, and a key user) and never did.
    const target = api.currentTarget() as { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
    const config = { region, endpoint: target.endpoint, credentials: target.credentials };
    const iam = new IAMClient(config);
    const kms = new KMSClient(config);
    const idleArn = (await iam.send(new CreateUserCommand({ UserName: IDLE }))).User!.Arn!;
    await iam.send(new AttachUserPolicyCommand({ UserName: IDLE, PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    // GetKeyPolicy and PutKeyPolicy take a key id, never an alias.
    const keyId = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/kms-lab' }))).KeyMetadata!.KeyId!;
    const keyPolicy = (await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!;
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: addKeyUser(keyPolicy, idleArn) }));
    iam.destroy();
    kms.destroy();

    // The table's Activity: the test user's refused read, then the allowed one, each asked by DynamoDB for this table.
    await vscode.commands.executeCommand('kmsLab.showActivity', { tableName: TABLE });
    const shown = await waitFor(() => {
      const activity = panel()?.activity;
      return activity?.state === 'ready' && activity.principals.some((p) => p.name === USER) ? activity : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(panel()?.activity)}`);
    });
    const user = shown.principals.find((p) => p.name === USER)!;
    const reads = user.entries.filter((e) => e.kind === 'read' || e.kind === 'read-refused');
    assert.equal(reads[0]?.kind, 'read-refused', `oldest first: ${JSON.stringify(reads)}`);
    assert.equal(reads.at(-1)?.kind, 'read');
    // Step 5 refused a Scan and a GetItem: the sandbox records each kms:Decrypt DynamoDB asked for.
    assert.ok(user.readsRefused >= 1 && user.readsAllowed >= 1, JSON.stringify(user));
    for (const read of reads) {
      assert.equal(read.tableName, TABLE);
      assert.equal(read.invokedBy, 'dynamodb.amazonaws.com');
    }
    assert.match(reads[0]!.errorCode ?? '', /AccessDenied/);

    // Who can read? beside it: the user's last read, and the idle reader flagged.
    await vscode.commands.executeCommand('kmsLab.whoCanRead', { tableName: TABLE });
    const joined = await waitFor(() => {
      const rows = panel()?.activity.rows ?? [];
      return panel()?.access === 'ready' && rows.some((r) => r.principal === idleArn) ? rows : undefined;
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}: access ${panel()?.access}, ${JSON.stringify(panel()?.activity.rows)}`);
    });
    const userRow = joined.find((r) => r.principal === user.principal);
    assert.equal(userRow?.lastRead, user.lastRead);
    assert.ok(userRow?.lastRead, 'the test user has a last read');
    assert.deepEqual(userRow?.flags, [`refused ${user.readsRefused} ${user.readsRefused === 1 ? 'time' : 'times'}`]);
    assert.deepEqual(joined.find((r) => r.principal === idleArn)?.flags, ['can read, never did']);
  });
});
