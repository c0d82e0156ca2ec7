// The lab, end to end, inside VS Code: steps 1–9 against the embedded sandbox (where the key really guards the data),
// and steps 1–7 against moto (which does not enforce the key, and must be reported as such). Only the person's
// answers are stubbed: input boxes and confirmations.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import type { StepView } from '../../src/lab/lab';
import type { StepStatus } from '../../src/lab/step';
import { getKmsLabApi, startMoto, stubInputBox, stubMessages, stubQuickPick, switchProfile, testTempDir, waitFor, writeAwsFiles, type KmsLabTestApi, type Moto } from './support';
import { at, rows } from './tree-reader';

const region = 'us-east-1';
const USER = 'kms-lab-test-user';
const TABLE = 'kms-lab-table';
const ALIAS = 'alias/kms-lab';

type Target = { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };

function adminClients(target: Target) {
  const config = { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
  return { kms: new KMSClient(config), dynamodb: new DynamoDBClient(config), iam: new IAMClient(config) };
}

async function runStep(id: string): Promise<StepStatus> {
  return (await vscode.commands.executeCommand(`kmsLab.lab.${id}`)) as StepStatus;
}

function view(api: KmsLabTestApi, id: string): StepView {
  const found = api.lab.views().find((v) => v.step.id === id);
  if (!found) throw new Error(`no lab step ${id}`);
  return found;
}

/** Every file under `dir` whose contents include `needle` (binary files too). */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const full = path.join(current, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile() && stat.size < 50_000_000 && readFileSync(full).includes(needle)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/** The KMS Lab output channel's log file(s): "<n>-KMS Lab.log" under the window's exthost log folder. */
function kmsLabLogs(api: KmsLabTestApi): string[] {
  const exthost = path.dirname(api.lab.logUri.fsPath);
  const logs: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/KMS Lab\.log$/.test(name)) logs.push(full);
    }
  };
  walk(exthost);
  return logs;
}

describe('the lab', function () {
  this.timeout(240_000);
  let api: KmsLabTestApi;

  before(async () => {
    api = await getKmsLabApi();
  });

  // Step 3 opens the table panel: none is left open for the tests that follow.
  after(async () => {
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview));
  });

  it('lab: the test user is denied before the grant and reads after it', async () => {
    const picks = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picks.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`);
    const target = api.currentTarget() as unknown as Target;
    const admin = adminClients(target);
    const itemSecret = `item-value-${Math.random().toString(36).slice(2)}`;

    // The tree shows the lab first, nothing done yet, step 1 next.
    const steps = await waitFor(async () => {
      const found = await rows(api, (await at(api, 'Lab')).node);
      return found.length === 9 ? found : undefined;
    });
    assert.equal(steps[0].label, '1. Create the key');
    assert.equal(steps[0].description, 'next');

    const messages = stubMessages();
    assert.equal((await runStep('createKey')).state, 'done');
    const key = await admin.kms.send(new DescribeKeyCommand({ KeyId: ALIAS }));
    assert.equal(key.KeyMetadata?.KeyManager, 'CUSTOMER');
    assert.equal(key.KeyMetadata?.KeySpec, 'SYMMETRIC_DEFAULT');
    const policy = JSON.parse((await admin.kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyMetadata!.KeyId!, PolicyName: 'default' }))).Policy!);
    assert.deepEqual(policy.Statement.map((s: { Sid: string }) => s.Sid), ['Enable IAM User Permissions', 'Allow access for Key Administrators']);
    assert.equal(policy.Statement[1].Principal.AWS, 'arn:aws:iam::123456789012:user/admin');

    // Run twice: nothing is created twice.
    assert.equal((await runStep('createKey')).state, 'done');
    const aliases = (await admin.kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    assert.equal(aliases.filter((a) => a.AliasName === ALIAS).length, 1);

    assert.equal((await runStep('createTable')).state, 'done');
    const table = await admin.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));
    assert.equal(table.Table?.TableStatus, 'ACTIVE');
    assert.equal(table.Table?.SSEDescription?.KMSMasterKeyArn, key.KeyMetadata?.Arn);

    const input = stubInputBox([(options) => {
      const item = JSON.parse(options?.value ?? '{}');
      return JSON.stringify({ ...item, message: itemSecret });
    }]);
    assert.equal((await runStep('addItem')).state, 'done');
    assert.equal(input.calls.length, 1);

    assert.equal((await runStep('createTestUser')).state, 'done');
    await waitFor(() => view(api, 'createTestUser').status.state === 'done');

    // The test user is a lab identity in the status bar's picker: the whole view, as that user.
    const asUser = stubQuickPick([USER]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    asUser.restore();
    assert.ok(asUser.calls[0].labels.includes('Lab identities'));
    await waitFor(() => api.status.text() === `$(key) ${USER} · ${region}`);
    const asUserTarget = api.currentTarget() as unknown as { kind: string; credentials: { secretAccessKey: string } };
    assert.equal(asUserTarget.kind, 'derived');
    assert.equal(asUserTarget.credentials.secretAccessKey, '', "the API does not hand out the test user's secret");
    await waitFor(() => api.status.tooltip().includes(`arn:aws:iam::123456789012:user/${USER}`), 10_000);
    const users = await waitFor(async () => {
      const found = await rows(api, (await at(api, 'Principals', 'Users')).node);
      return found.length > 0 && found[0].label !== 'Loading…' ? found : undefined;
    }, 20_000);
    assert.match(users[0].label, /Missing permission iam:ListUsers/);
    const back = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    back.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`);

    // Step 5: observed and predicted both deny, with AWS's own message and the policy engine's reason.
    const denied = await runStep('readAsTestUser');
    assert.equal(denied.state, 'done', denied.detail);
    const before = view(api, 'readAsTestUser').read!;
    assert.equal(before.observed.outcome, 'denied');
    assert.equal(before.observed.code, 'AccessDeniedException');
    assert.match(before.observed.message ?? '', /KMS key access denied/);
    assert.equal(before.predicted?.decision, 'denied');
    assert.match(before.predicted!.reasons.join(' '), /kms:Decrypt/);
    assert.ok(before.agree);
    // From step 5, the table panel opens with the test user as the second identity.
    await vscode.commands.executeCommand('kmsLab.lab.openPanel', 'readAsTestUser');
    const panel = await waitFor(() => api.tablePanels().find((p) => p.title.includes(TABLE)));
    assert.match(panel.readAs ?? '', new RegExp(USER));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const underStep5 = await rows(api, (await at(api, 'Lab', '5. Read as the test user')).node);
    assert.deepEqual(underStep5.slice(0, 5).map((r) => r.label), ['Table lock: open', 'Key lock: shut', 'Observed: refused (AccessDeniedException)', 'CloudTrail: kms:Decrypt refused', 'Observed and predicted agree']);

    // Step 6: the console's two statements, after a diff and a confirmation.
    const grantAnswers = stubMessages(['Update Key Policy']);
    assert.equal((await runStep('grant')).state, 'done');
    assert.match(grantAnswers.calls[0].message, /Add kms-lab-test-user as a key user of alias\/kms-lab\?/);
    const granted = JSON.parse((await admin.kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyMetadata!.KeyId!, PolicyName: 'default' }))).Policy!);
    const userArn = 'arn:aws:iam::123456789012:user/kms-lab-test-user';
    for (const sid of ['Allow use of the key', 'Allow attachment of persistent resources']) {
      const statement = granted.Statement.find((s: { Sid: string }) => s.Sid === sid);
      assert.ok(statement, `statement ${sid}`);
      assert.deepEqual([statement.Principal.AWS].flat(), [userArn]);
    }
    grantAnswers.restore();

    // Step 7: both succeed, and the item is shown.
    const allowed = await runStep('readAgain');
    assert.equal(allowed.state, 'done', allowed.detail);
    const after = view(api, 'readAgain');
    assert.equal(after.read?.observed.outcome, 'allowed');
    assert.equal(after.read?.predicted?.decision, 'allowed');
    assert.equal(after.item?.message, itemSecret);

    // Step 8: the denial comes back.
    const revokeAnswers = stubMessages(['Update Key Policy']);
    const revoked = await runStep('revoke');
    assert.equal(revoked.state, 'done', revoked.detail);
    assert.equal(view(api, 'revoke').read?.observed.outcome, 'denied');
    assert.equal(view(api, 'revoke').read?.predicted?.decision, 'denied');
    revokeAnswers.restore();

    // The secret lives in SecretStorage only: exporting it as a profile is the one way to see it, and before that
    // no file of this VS Code (state, logs, AWS files) holds it.
    const exportAnswers = stubMessages(['Write Profile']);
    stubInputBox(['kms-lab-export-check']);
    await vscode.commands.executeCommand('kmsLab.lab.exportTestUserProfile');
    exportAnswers.restore();
    const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE!;
    const secret = /aws_secret_access_key = (\S+)/.exec(readFileSync(credentialsFile, 'utf8'))?.[1];
    assert.ok(secret && secret.length >= 20, 'the exported profile holds the secret');
    writeAwsFiles({ credentials: '', config: '' });
    const isolatedRoot = path.dirname(testTempDir());
    // The sandbox's own account data holds the key, as AWS's IAM does (it verifies signatures with it); that is
    // the AWS side, not KMS Lab's copy.
    const sandboxData = path.join('globalStorage', 'kms-lab.kms-lab', 'sandbox') + path.sep;
    const leaks = filesContaining(isolatedRoot, secret).filter((file) => !file.includes(sandboxData));
    assert.deepEqual(leaks, [], 'the secret access key is in a file');
    const logs = kmsLabLogs(api);
    assert.ok(logs.length > 0, 'the KMS Lab log file exists');
    const logText = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.match(logText, /Lab step 7 \(Read again\): done/);
    assert.ok(!logText.includes(secret), 'the log holds the secret access key');
    assert.ok(!logText.includes(itemSecret), "the log holds the item's value");

    // Step 9: only the lab's resources, the key scheduled for deletion after a confirmation naming it.
    const cleanAnswers = stubMessages(['Clean Up', 'Schedule Deletion']);
    const cleaned = await runStep('cleanUp');
    assert.equal(cleaned.state, 'done', cleaned.detail);
    assert.match(cleanAnswers.calls[1].message, new RegExp(`Schedule the deletion of KMS key ${key.KeyMetadata!.KeyId}`));
    await assert.rejects(admin.iam.send(new GetUserCommand({ UserName: USER })), /NoSuchEntity|cannot be found/);
    await assert.rejects(admin.dynamodb.send(new DescribeTableCommand({ TableName: TABLE })), /ResourceNotFound|not found/);
    assert.ok(!((await admin.kms.send(new ListAliasesCommand({}))).Aliases ?? []).some((a) => a.AliasName === ALIAS));
    assert.equal((await admin.kms.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata!.KeyId! }))).KeyMetadata?.KeyState, 'PendingDeletion');
    assert.ok(!((await admin.iam.send(new ListUsersCommand({}))).Users ?? []).some((u) => u.UserName === USER));
    // Its report, in full, as a Markdown document.
    await vscode.commands.executeCommand('kmsLab.lab.showCleanupReport');
    const report = await waitFor(() => (vscode.window.activeTextEditor?.document.languageId === 'markdown' ? vscode.window.activeTextEditor.document : undefined));
    assert.match(report.getText(), /^# KMS Lab: clean-up report\n/);
    assert.match(report.getText(), /## Removed\n\n- IAM user kms\\-lab\\-test\\-user/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await api.lab.refresh();
    assert.equal(view(api, 'cleanUp').status.state, 'done');
    assert.equal(view(api, 'createKey').status.state, 'todo');
    messages.restore();
    for (const client of Object.values(admin)) client.destroy();
  });

  describe('against moto', () => {
    let moto: Moto;

    before(async () => {
      moto = await startMoto();
      writeAwsFiles({
        config: { 'profile lab-moto': { region, endpoint_url: moto.endpoint } },
        credentials: { 'lab-moto': { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
      });
    });

    after(async () => {
      writeAwsFiles({ config: '', credentials: '' });
      await moto?.stop();
    });

    it("lab: against moto the emulator's missing enforcement is reported", async () => {
      await switchProfile(api, 'lab-moto', region);
      const quiet = stubMessages();
      stubInputBox([(options) => options?.value]);
      for (const id of ['createKey', 'createTable', 'addItem', 'createTestUser']) {
        const status = await runStep(id);
        assert.equal(status.state, 'done', `${id}: ${status.detail}`);
      }
      // moto returns the items: observed allowed, predicted denied; reported as an error, never called a success.
      assert.equal(await runStep('readAsTestUser'), undefined);
      const shown = await quiet.waitFor((m) => m.level === 'error');
      assert.match(shown.message, /did not enforce the key/);
      quiet.restore();
      const step5 = view(api, 'readAsTestUser');
      assert.equal(step5.status.state, 'failed');
      assert.equal(step5.read?.observed.outcome, 'allowed');
      assert.equal(step5.read?.predicted?.decision, 'denied');
      assert.equal(step5.read?.agree, false);
      assert.match(step5.status.detail ?? '', /did not enforce the key/);
      assert.match(step5.status.detail ?? '', new RegExp(`the emulator at ${moto.endpoint.replace(/[.]/g, '\\.')}`));

      const confirm = stubMessages(['Update Key Policy']);
      assert.equal((await runStep('grant')).state, 'done');
      confirm.restore();
      const step7 = await runStep('readAgain');
      assert.equal(step7.state, 'done', step7.detail);
      assert.equal(view(api, 'readAgain').read?.observed.outcome, 'allowed');
      assert.equal(view(api, 'readAgain').read?.predicted?.decision, 'allowed');
    });
  });
});
