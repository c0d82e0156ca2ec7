// Bad input gets a clear message, not a crash or an empty tree.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { freePort, getKmsLabApi, startMoto, stubMessages, stubQuickPick, switchProfile, writeAwsFiles, type KmsLabTestApi, type Moto } from './support';
import { waitForRows } from './tree-reader';

const region = 'us-east-1';


describe('clear messages for bad input', function () {
  this.timeout(120_000);
  let api: KmsLabTestApi;
  let restricted: Moto;
  let restrictedKeys: { id: string; secret: string };

  before(async () => {
    // moto enforces IAM after the first three requests, which create a user who may use DynamoDB, IAM and STS but not KMS.
    restricted = await startMoto({ env: { INITIAL_NO_AUTH_ACTION_COUNT: '3' } });
    const iam = new IAMClient({ endpoint: restricted.endpoint, region, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) } });
    await iam.send(new CreateUserCommand({ UserName: 'no-kms' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'no-kms',
        PolicyName: 'everything-but-kms',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:*', 'iam:*', 'sts:*'], Resource: '*' }] }),
      }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'no-kms' }));
    iam.destroy();
    restrictedKeys = { id: key.AccessKey!.AccessKeyId!, secret: key.AccessKey!.SecretAccessKey! };
    api = await getKmsLabApi();
  });

  after(async () => {
    await restricted?.stop();
  });

  it('names the missing permission in the section that failed, and loads the others', async () => {
    writeAwsFiles({
      config: { 'profile no-kms': { region, endpoint_url: restricted.endpoint } },
      credentials: { 'no-kms': { aws_access_key_id: restrictedKeys.id, aws_secret_access_key: restrictedKeys.secret } },
    });
    await switchProfile(api, 'no-kms', region);
    const keys = await waitForRows(api, ['KMS keys'], (r) => r.length > 0 && r[0]!.contextValue.startsWith('error'));
    assert.equal(keys[0]!.label, 'Missing permission kms:ListKeys');
    assert.equal(keys[0]!.command?.command, 'kmsLab.refreshNode', 'clicking the error retries');
    const tables = await waitForRows(api, ['DynamoDB tables'], (r) => r.length > 0);
    assert.equal(tables[0]!.label, 'No tables in this region');
    const users = await waitForRows(api, ['Principals', 'Users'], (r) => r.length > 0);
    assert.ok(users.some((u) => u.label === 'no-kms'), `users: ${users.map((u) => u.label).join(', ')}`);
  });

  it('says which endpoint cannot be reached', async () => {
    const closedPort = await freePort();
    writeAwsFiles({
      config: { 'profile offline': { region, endpoint_url: `http://127.0.0.1:${closedPort}` } },
      credentials: { offline: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x'.repeat(40) } },
    });
    const messages = stubMessages();
    await switchProfile(api, 'offline', region);
    const keys = await waitForRows(api, ['KMS keys'], (r) => r.length > 0 && r[0]!.contextValue.startsWith('error'), 30_000);
    assert.equal(keys[0]!.label, 'Cannot reach the endpoint');
    assert.match(keys[0]!.tooltip, new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    // The file watcher may first report that the previous test's profile is gone: wait for this profile's error.
    const shown = await messages.waitFor((m) => m.level === 'error' && m.message.includes(`127.0.0.1:${closedPort}`), 30_000);
    assert.match(shown.message, /Cannot reach/);
    messages.restore();
  });

  it('offers aws sso login when the SSO token is missing', async () => {
    writeAwsFiles({
      config: {
        'profile sso-dev': { sso_session: 'corp', sso_account_id: '111122223333', sso_role_name: 'Admin', region },
        'sso-session corp': { sso_start_url: 'https://corp.awsapps.com/start', sso_region: region, sso_registration_scopes: 'sso:account:access' },
      },
      credentials: '',
    });
    const messages = stubMessages();
    await switchProfile(api, 'sso-dev', region);
    // Rewriting the files may first report the profile an earlier test left active as gone; the SSO error follows.
    const shown = await messages.waitFor((m) => m.level === 'error' && m.message.includes('sso-dev'), 30_000);
    assert.match(shown.message, /aws sso login --profile sso-dev/);
    assert.ok(shown.buttons.includes('Run aws sso login'), `buttons: ${shown.buttons.join(', ')}`);
    const keys = await waitForRows(api, ['KMS keys'], (r) => r.length > 0 && r[0]!.contextValue.startsWith('error'), 30_000);
    assert.equal(keys[0]!.contextValue, 'error.sso');
    messages.restore();
  });

  it('names the file and line of a malformed config, and still offers the profiles of the other file', async () => {
    const messages = stubMessages();
    const files = writeAwsFiles({
      config: '[profile good]\nregion = us-east-1\n\nthis line is not ini\n',
      credentials: { 'from-credentials': { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x'.repeat(40) } },
    });
    const warning = await messages.waitFor((m) => m.level === 'warning', 20_000);
    assert.match(warning.message, new RegExp(`${path.basename(files.configFile)} line 4`));
    const picks = stubQuickPick([undefined]);
    await vscode.commands.executeCommand('kmsLab.switchProfile');
    const labels = picks.calls[0]!.labels.map((l) => l.replace(/\$\([^)]+\)\s*/g, ''));
    assert.ok(labels.includes('from-credentials'), `offered: ${labels.join(', ')}`);
    assert.ok(labels.includes('good'), `offered: ${labels.join(', ')}`);
    picks.restore();
    messages.restore();
  });
});
