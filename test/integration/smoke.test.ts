// Smoke tests: the harness's VS Code is isolated and its helpers work, and KMS Lab activates with
// every command its manifest contributes.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { EXTENSION_ID, getKmsLabApi, kmsLabExtension } from './support/extension';
import { awsFilePaths, startMoto, stubInputBox, stubMessages, stubQuickPick, testTempDir, waitFor, writeAwsFiles } from './support';

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, path.resolve(child));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

describe('the test VS Code', () => {
  it('is the version the harness announced', function () {
    const expected = process.env.KMS_LAB_EXPECTED_VSCODE_VERSION;
    if (!expected) this.skip(); // the desktop runner does not know its version in advance
    assert.equal(vscode.version, expected);
  });

  it('keeps HOME and the AWS files inside the test folder, with no AWS credentials from outside', () => {
    const root = path.dirname(testTempDir());
    assert.ok(isInside(root, os.homedir()), `HOME ${os.homedir()} is not inside ${root}`);
    const { configFile, credentialsFile } = awsFilePaths();
    assert.ok(isInside(root, configFile));
    assert.ok(isInside(root, credentialsFile));
    for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      assert.equal(process.env[name], undefined, `${name} leaked into the extension host`);
    }
  });
});

describe('integration test helpers', () => {
  it('stubQuickPick answers by label without the icon, records the items, and restores the original', async () => {
    const original = vscode.window.showQuickPick;
    const stub = stubQuickPick(['dev', undefined]);
    assert.notEqual(vscode.window.showQuickPick, original);
    const picked = await vscode.window.showQuickPick([{ label: '$(account) default' }, { label: '$(account) dev' }], { title: 'profile' });
    assert.equal(picked?.label, '$(account) dev');
    assert.equal(await vscode.window.showQuickPick(['us-east-1']), undefined);
    assert.deepEqual(stub.calls.map((c) => c.labels), [['$(account) default', '$(account) dev'], ['us-east-1']]);
    await assert.rejects(Promise.resolve(vscode.window.showQuickPick(['x'])), /no answers left/);
    stub.restore();
    assert.equal(vscode.window.showQuickPick, original);
  });

  it('stubQuickPick fails clearly when the answer is not offered', async () => {
    stubQuickPick(['missing']);
    await assert.rejects(Promise.resolve(vscode.window.showQuickPick(['a', 'b'])), /no item missing; it offered: "a", "b"/);
  });

  it('stubInputBox types answers and honours the box validation', async () => {
    const stub = stubInputBox(['123456', 'abc']);
    const validateInput = (value: string) => (/^\d{6}$/.test(value) ? undefined : 'six digits');
    assert.equal(await vscode.window.showInputBox({ prompt: 'MFA code', validateInput }), '123456');
    await assert.rejects(Promise.resolve(vscode.window.showInputBox({ prompt: 'MFA code', validateInput })), /rejects "abc": six digits/);
    assert.equal(stub.calls.length, 2);
    assert.equal(stub.calls[0].options?.prompt, 'MFA code');
  });

  it('stubMessages records messages and presses the requested button', async () => {
    const stub = stubMessages(['Retry']);
    const answer = await vscode.window.showWarningMessage('Could not list keys', { modal: false }, 'Retry', 'Show Log');
    assert.equal(answer, 'Retry');
    void vscode.window.showErrorMessage('second', { title: 'OK' });
    const error = await stub.waitFor((m) => m.level === 'error');
    assert.deepEqual(error.buttons, ['OK']);
    assert.deepEqual(stub.calls.map((c) => [c.level, c.message]), [['warning', 'Could not list keys'], ['error', 'second']]);
  });

  it('waitFor returns the first truthy value and reports a timeout', async () => {
    let n = 0;
    assert.equal(await waitFor(() => (++n >= 3 ? n : 0), 2000, 10), 3);
    await assert.rejects(waitFor(() => false, 100, 10), /not met within 100 ms/);
  });

  it('writeAwsFiles writes private files and refuses paths outside the test folder', () => {
    // The extension watches these files: keep any endpoint it might try on loopback.
    const { configFile, credentialsFile } = writeAwsFiles({
      config: { default: { region: 'us-east-1', endpoint_url: 'http://127.0.0.1:9' }, 'profile dev': { region: 'eu-west-1', endpoint_url: 'http://127.0.0.1:9' } },
      credentials: '',
    });
    assert.equal(readFileSync(configFile, 'utf8'), '[default]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n\n[profile dev]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:9\n');
    assert.equal(statSync(configFile).mode & 0o777, 0o600);
    assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    writeAwsFiles({ config: '' });

    const saved = process.env.AWS_CONFIG_FILE;
    const outside = path.join(path.dirname(path.dirname(testTempDir())), `kms-lab-not-a-test-file-${process.pid}`);
    process.env.AWS_CONFIG_FILE = outside;
    try {
      assert.throws(() => writeAwsFiles({ config: '[default]\n' }), /outside the test's temporary folder/);
    } finally {
      process.env.AWS_CONFIG_FILE = saved;
    }
    assert.equal(existsSync(outside), false);
  });

  it('startMoto serves AWS calls on loopback and stops', async function () {
    const moto = await startMoto();
    try {
      assert.match(moto.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      const sts = new STSClient({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.match(identity.Account ?? '', /^\d{12}$/);
    } finally {
      await moto.stop();
    }
    await assert.rejects(fetch(`${moto.endpoint}/moto-api/data.json`));
  });
});

describe('KMS Lab extension', () => {
  const manifest = () => JSON.parse(readFileSync(path.join(kmsLabExtension().extensionPath, 'package.json'), 'utf8'));

  it(`is installed as ${EXTENSION_ID}`, () => {
    const extension = kmsLabExtension();
    assert.equal(extension.packageJSON.displayName, 'KMS Lab');
  });

  it('activates and returns its API', async () => {
    const api = await getKmsLabApi();
    assert.equal(kmsLabExtension().isActive, true);
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs = ${api.activationMs}`);
    assert.equal(typeof api.tree.getChildren, 'function');
    assert.equal(typeof api.tree.getTreeItem, 'function');
    assert.equal(typeof api.whenIdle, 'function');
    assert.equal(typeof api.currentTarget, 'function');
    await api.whenIdle();
    assert.match(api.status.text(), /^\$\(key\) /);
    assert.equal(typeof api.status.tooltip(), 'string');
  });

  it('registers every command its package.json contributes', async () => {
    await getKmsLabApi();
    const contributed: string[] = (manifest().contributes?.commands ?? []).map((c: { command: string }) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    for (const id of contributed) assert.match(id, /^kmsLab\./);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('has menus that refer only to contributed commands', () => {
    const contributes = manifest().contributes ?? {};
    const contributed = new Set((contributes.commands ?? []).map((c: { command: string }) => c.command));
    const referenced = Object.values(contributes.menus ?? {}).flatMap((entries) => (entries as { command?: string }[]).map((e) => e.command).filter(Boolean));
    const unknown = referenced.filter((id) => !contributed.has(id));
    assert.deepEqual(unknown, []);
  });

  it('shows labelled sections when a target is chosen, and an empty tree (the welcome view) when not', async () => {
    const api = await getKmsLabApi();
    await api.whenIdle();
    const roots = (await api.tree.getChildren()) ?? [];
    if (api.currentTarget() === undefined) {
      assert.deepEqual(roots, []);
      return;
    }
    assert.ok(roots.length > 0, `target ${JSON.stringify(api.currentTarget())} is chosen but the tree is empty`);
    for (const node of roots) {
      const item = await api.tree.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : item.label?.label;
      assert.ok(label, 'a root tree item has no label');
    }
  });
});
