// Key policies in an editor tab, through the kmslab: file system, against the local sandbox: save, history, schema
// and Problems, a refused save that keeps the text, a conflict that is never overwritten without the person's say.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { addKeyUser, keyUsersAndAdministrators } from '../../src/policy';
import { getKmsLabApi, stubMessages, stubQuickPick, switchProfile, waitFor, writeAwsFiles, type KmsLabTestApi } from './support';

const region = 'us-east-1';

interface SandboxTarget {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

function pretty(text: string): string {
  return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
}

async function replaceText(document: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was applied');
  assert.equal(document.getText(), text);
}

/** What the file system says when VS Code saves this text (VS Code shows it as "Failed to save …: <message>"). */
async function saveRefusal(uri: vscode.Uri, text: string): Promise<string> {
  try {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the save should have been refused');
}

function kmsLabDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'KMS Lab');
}

describe('key policies in an editor tab', function () {
  this.timeout(180_000);
  let api: KmsLabTestApi;
  let sandbox: SandboxTarget;
  let kms: KMSClient;
  let iam: IAMClient;
  let keyId: string;
  let keyArn: string;
  let aliceArn: string;
  const suffix = Date.now().toString(36);

  const live = async () => (await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy ?? '';

  before(async () => {
    api = await getKmsLabApi();
    const picks = stubQuickPick(['Local sandbox', region]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    picks.restore();
    await waitFor(() => api.status.text() === `$(key) Local sandbox · ${region}`, 30_000);
    sandbox = api.currentTarget() as unknown as SandboxTarget;
    const config = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials };
    kms = new KMSClient(config);
    iam = new IAMClient(config);
    const key = await kms.send(new CreateKeyCommand({ Description: `editor tab ${suffix}` }));
    keyId = key.KeyMetadata!.KeyId!;
    keyArn = key.KeyMetadata!.Arn!;
    aliceArn = (await iam.send(new CreateUserCommand({ UserName: `kp-alice-${suffix}` }))).User!.Arn!;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    kms?.destroy();
    iam?.destroy();
  });

  it('panel: the key policy saves from an editor tab', async () => {
    // Opened from the command the tree and the panel use, as an ordinary editable JSON tab.
    const editor = (await vscode.commands.executeCommand('kmsLab.editKeyPolicy', keyArn)) as vscode.TextEditor;
    const document = editor.document;
    assert.equal(document.uri.toString(), `kmslab:/sandbox/${region}/keys/${keyId}/policy.json`);
    assert.equal(document.languageId, 'json');
    const original = await live();
    assert.equal(document.getText(), pretty(original));

    // An invalid JSON save is refused with its line, the text stays, and the Problems panel has it too.
    const lines = pretty(original).split('\n');
    const broken = lines.findIndex((l) => l.includes('"Sid"'));
    lines[broken] = lines[broken].replace(/,$/, '');
    const invalid = lines.join('\n');
    await replaceText(document, invalid);
    const refusal = await saveRefusal(document.uri, invalid);
    assert.match(refusal, new RegExp(`Key policy not saved: line ${broken + 2}, column \\d+: Expected ','`));
    assert.equal(await document.save(), false);
    assert.ok(document.isDirty);
    assert.equal(document.getText(), invalid);
    const syntax = await waitFor(() => kmsLabDiagnostics(document.uri).find((d) => d.code === 'json-syntax'));
    assert.equal(syntax.range.start.line, broken + 1);
    assert.equal(await live(), original);

    // The schema reaches the tab through VS Code's JSON support: a wrong Effect is flagged, and completion offers the right ones.
    const wrongEffect = pretty(original).replace('"Effect": "Allow"', '"Effect": "Alow"');
    await replaceText(document, wrongEffect);
    // VS Code's JSON language server sets no source on its diagnostics; the schema's enum is what it quotes.
    const fromSchema = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.source !== 'KMS Lab');
    const schemaProblem = await waitFor(() => fromSchema().find((d) => /Valid values: "Allow", "Deny"/.test(d.message)), 30_000);
    assert.equal(document.getText(schemaProblem.range), '"Alow"');
    const engineProblem = await waitFor(() => kmsLabDiagnostics(document.uri).find((d) => d.code === 'invalid-effect'));
    assert.equal(engineProblem.severity, vscode.DiagnosticSeverity.Error);
    const completions = (await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', document.uri, schemaProblem.range.start.translate(0, 1))) as vscode.CompletionList;
    const labels = completions.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.some((l) => l.includes('Deny')), `completion offers Deny: ${labels.join(', ')}`);
    const effectKey = document.positionAt(document.getText().indexOf('"Effect"') + 2);
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', document.uri, effectKey)) as vscode.Hover[];
    // Markdown: the schema's description comes back with its punctuation escaped.
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n').replace(/\\/g, '');
    assert.match(hoverText, /Allow or Deny \(case matters\)/);

    // Add a key user and save: the sandbox holds the new policy, and the tab shows it as KMS returns it.
    const compact = JSON.stringify(JSON.parse(addKeyUser(pretty(original), aliceArn)));
    await replaceText(document, compact);
    assert.equal(await document.save(), true);
    assert.deepEqual(keyUsersAndAdministrators(await live()).users, [aliceArn]);
    await waitFor(() => document.getText() === pretty(compact) && !document.isDirty, 10_000);

    // The history holds the old policy: pick it, see it beside the live one.
    const pick = stubQuickPick([(items) => items[0]]);
    const messages = stubMessages([undefined]);
    await vscode.commands.executeCommand('kmsLab.keyPolicyHistory', keyArn);
    assert.equal(pick.calls.length, 1);
    assert.equal(pick.calls[0].items.length, 1);
    const shown = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(shown instanceof vscode.TabInputTextDiff, 'the history opens as a diff');
    assert.match(shown.modified.path, new RegExp(`/keys/${keyId}/history/`));
    const older = await vscode.workspace.openTextDocument(shown.modified);
    assert.deepEqual(JSON.parse(older.getText()), JSON.parse(original));
    assert.match(messages.calls.at(-1)?.message ?? '', /Restore the key policy/);
    messages.restore();
    await vscode.window.showTextDocument(document);

    // A change made meanwhile through the SDK is detected. Cancel: nothing is written, the text stays.
    const outside = JSON.parse(await live());
    outside.Statement.push({ Sid: 'Outside', Effect: 'Allow', Principal: { AWS: aliceArn }, Action: 'kms:Encrypt', Resource: '*' });
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(outside) }));
    const mine = document.getText().replace(`"Id": "key-default-1"`, `"Id": "mine-${suffix}"`);
    await replaceText(document, mine);
    const cancel = stubMessages([undefined]);
    assert.equal(await document.save(), false);
    assert.equal(cancel.calls[0].options?.modal, true);
    assert.match(cancel.calls[0].message, /changed by someone else since you opened it/);
    assert.deepEqual(cancel.calls[0].buttons, ['Compare', 'Overwrite…']);
    cancel.restore();
    assert.deepEqual(JSON.parse(await live()), outside);
    assert.ok(document.isDirty);
    assert.equal(document.getText(), mine);

    // Compare: the live policy opens beside mine; still nothing is written.
    const compare = stubMessages(['Compare']);
    assert.equal(await document.save(), false);
    const diff = await waitFor(() => {
      const input = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input).find((i) => i instanceof vscode.TabInputTextDiff && i.original.path.endsWith('/live-policy.json'));
      return input as vscode.TabInputTextDiff | undefined;
    });
    assert.equal(diff.modified.toString(), document.uri.toString());
    const theirs = await vscode.workspace.openTextDocument(diff.original);
    await waitFor(() => theirs.getText().includes('"Sid": "Outside"'));
    compare.restore();
    assert.deepEqual(JSON.parse(await live()), outside);
    assert.equal(document.getText(), mine);

    // Overwrite, but only after the second, explicit confirmation; the replaced version goes into the history.
    const declined = stubMessages(['Overwrite…', undefined]);
    assert.equal(await document.save(), false);
    assert.equal(declined.calls.length, 2);
    declined.restore();
    assert.deepEqual(JSON.parse(await live()), outside);
    const confirmed = stubMessages(['Overwrite…', 'Overwrite']);
    await vscode.window.showTextDocument(document);
    assert.equal(await document.save(), true);
    confirmed.restore();
    assert.deepEqual(JSON.parse(await live()), JSON.parse(mine));

    // Restore the first version from the history's diff with one click: KMS holds it again, and the tab follows.
    const oldest = stubQuickPick([(items) => items.at(-1)]);
    const later = stubMessages([undefined]);
    await vscode.commands.executeCommand('kmsLab.keyPolicyHistory', keyArn);
    assert.equal(oldest.calls[0].items.length, 2);
    oldest.restore();
    const version = vscode.window.tabGroups.activeTabGroup.activeTab?.input as vscode.TabInputTextDiff;
    assert.match(version.modified.path, /\/history\//);
    await vscode.commands.executeCommand('kmsLab.restoreKeyPolicyVersion', version.modified);
    later.restore();
    assert.deepEqual(JSON.parse(await live()), JSON.parse(original));
    await waitFor(() => document.getText() === pretty(original) && !document.isDirty, 10_000);
  });

  it('text that did not come from the tab (e.g. a restored backup) is saved only after the person has the say', async () => {
    const key = await kms.send(new CreateKeyCommand({ Description: `unknown base ${suffix}` }));
    const id = key.KeyMetadata!.KeyId!;
    const uri = vscode.Uri.parse(`kmslab:/sandbox/${region}/keys/${id}/policy.json`);
    const policy = async () => (await kms.send(new GetKeyPolicyCommand({ KeyId: id, PolicyName: 'default' }))).Policy ?? '';
    const before = await policy();
    const text = addKeyUser(pretty(before), aliceArn);

    const cancelled = stubMessages([undefined]);
    assert.match(await saveRefusal(uri, text), /Not saved/);
    assert.match(cancelled.calls[0].message, /does not know which version of the key policy/);
    assert.equal(cancelled.calls[0].options?.modal, true);
    cancelled.restore();
    assert.equal(await policy(), before);

    const overwrite = stubMessages(['Overwrite…', 'Overwrite']);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    overwrite.restore();
    assert.deepEqual(keyUsersAndAdministrators(await policy()).users, [aliceArn]);
  });

  it("an AWS managed key's policy and IAM policy documents open read-only, saying why", async () => {
    const dynamodb = new DynamoDBClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials });
    try {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: `kp-managed-${suffix}`,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { Enabled: true },
        }),
      );
    } finally {
      dynamodb.destroy();
    }
    const managed = ((await vscode.commands.executeCommand('kmsLab.editKeyPolicy', 'alias/aws/dynamodb')) as vscode.TextEditor).document;
    assert.match(managed.getText(), /kms:ViaService/);
    assert.equal((await vscode.workspace.fs.stat(managed.uri)).permissions, vscode.FilePermission.Readonly);
    const why = await waitFor(() => kmsLabDiagnostics(managed.uri).find((d) => d.code === 'read-only'));
    assert.match(why.message, /AWS managed key: its policy is managed by AWS and cannot be changed/);

    const userName = `kp-iam-${suffix}`;
    await iam.send(new CreateUserCommand({ UserName: userName }));
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }] };
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'describe', PolicyDocument: JSON.stringify(document) }));
    const uri = vscode.Uri.parse(`kmslab:/sandbox/iam/users/${userName}/inline/describe.json`);
    const opened = await vscode.workspace.openTextDocument(uri);
    assert.deepEqual(JSON.parse(opened.getText()), document);
    assert.equal((await vscode.workspace.fs.stat(uri)).permissions, vscode.FilePermission.Readonly);
    assert.match(await saveRefusal(uri, '{}'), /read-only/);
  });

  it('a denied kms:PutKeyPolicy and then rejected credentials each say so, and keep the unsaved text', async () => {
    const userName = `kp-reader-${suffix}`;
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: userName,
        PolicyName: 'read-key-policies',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:ListAliases'], Resource: '*' }] }),
      }),
    );
    const accessKey = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    const profile = `kp-reader-${suffix}`;
    writeAwsFiles({
      config: { [`profile ${profile}`]: { region, endpoint_url: sandbox.endpoint } },
      credentials: { [profile]: { aws_access_key_id: accessKey.AccessKeyId!, aws_secret_access_key: accessKey.SecretAccessKey! } },
    });
    // The profile list follows the files through a watcher: retry until the new profile can be picked.
    await waitFor(() => switchProfile(api, profile, region).then(() => true), 60_000, 500);

    // A tab of another profile says so rather than saving as the wrong identity.
    const sandboxTab = vscode.Uri.parse(`kmslab:/sandbox/${region}/keys/${keyId}/policy.json`);
    assert.match(await saveRefusal(sandboxTab, '{}'), new RegExp(`belongs to "sandbox", but the active profile is ${profile}`));

    const editor = (await vscode.commands.executeCommand('kmsLab.editKeyPolicy', keyArn)) as vscode.TextEditor;
    const document = editor.document;
    assert.equal(document.uri.path, `/${profile}/${region}/keys/${keyId}/policy.json`);
    const before = await live();
    const edited = addKeyUser(document.getText(), aliceArn.replace('kp-alice', 'kp-other'));
    await replaceText(document, edited);
    const denied = await saveRefusal(document.uri, edited);
    assert.match(denied, /Access denied: kms:PutKeyPolicy is not allowed for arn:aws:iam::\d{12}:user\/kp-reader/);
    assert.match(denied, new RegExp(`profile ${profile}`));
    assert.equal(await document.save(), false);
    assert.ok(document.isDirty);
    assert.equal(document.getText(), edited);

    // The profile's access key is deleted meanwhile: its credentials are now refused, and the text still stays.
    await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKey.AccessKeyId! }));
    const rejected = await saveRefusal(document.uri, edited);
    assert.match(rejected, /credentials \(profile kp-reader-[a-z0-9]+\) were rejected/);
    assert.equal(await document.save(), false);
    assert.equal(document.getText(), edited);
    assert.equal(await live(), before);
  });
});
