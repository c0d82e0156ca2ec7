// Signed means signed: the headers that decide what a request does (its date, X-Amz-Target, the session token, and
// the content type of the JSON protocols) must be in SignedHeaders, or the request is refused as AWS refuses it; and
// every client the project uses (SDK v3, boto3, AWS CLI v1 and v2) signs them and still works.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as iam from '@aws-sdk/client-iam';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { jsonRequest, queryRequest, sendSigned, type SigningOptions } from './helpers/raw-request';

describe('signed headers', () => {
  let sb: TestSandbox;
  let session: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  before(async () => {
    sb = await startTestSandbox();
    const admin = new iam.IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sb.accountId}:root` }, Action: 'sts:AssumeRole' }] };
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'signer', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    await admin.send(new iam.AttachRolePolicyCommand({ RoleName: 'signer', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const assumed = await new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials }).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${sb.accountId}:role/signer`, RoleSessionName: 'signer' }),
    );
    session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
  });
  after(() => sb.stop());

  const kms = (extra: Partial<SigningOptions> = {}): SigningOptions => ({ service: 'kms', region: sb.region, credentials: sb.credentials, ...extra });

  test('security: a captured request cannot be replayed as another operation (X-Amz-Target must be signed)', async () => {
    const created = await sendSigned(sb.endpoint, jsonRequest('TrentService.CreateKey', {}, '1.1'), kms());
    const keyId = JSON.parse(created.body).KeyMetadata.KeyId as string;
    const replayed = await sendSigned(sb.endpoint, jsonRequest('TrentService.DescribeKey', { KeyId: keyId }, '1.1'), kms({ unsignedHeaders: ['x-amz-target'] }), (signed) => {
      signed.headers['x-amz-target'] = 'TrentService.DisableKey';
    });
    assert.equal(replayed.status, 400);
    assert.deepEqual(JSON.parse(replayed.body), {
      __type: 'IncompleteSignatureException',
      message: "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    });
    // Signed, the target cannot be changed either: the signature no longer holds.
    const tampered = await sendSigned(sb.endpoint, jsonRequest('TrentService.DescribeKey', { KeyId: keyId }, '1.1'), kms(), (signed) => {
      signed.headers['x-amz-target'] = 'TrentService.DisableKey';
    });
    assert.equal(JSON.parse(tampered.body).__type, 'InvalidSignatureException');
    const described = await sendSigned(sb.endpoint, jsonRequest('TrentService.DescribeKey', { KeyId: keyId }, '1.1'), kms());
    assert.equal(JSON.parse(described.body).KeyMetadata.KeyState, 'Enabled');
  });

  test('security: the date, the session token and a JSON request\'s content type must be signed too', async () => {
    const cases: [string, SigningOptions, string, string][] = [
      ['x-amz-date', kms({ unsignedHeaders: ['x-amz-date'] }), 'IncompleteSignatureException', "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."],
      ['content-type', kms({ unsignedHeaders: ['content-type'] }), 'IncompleteSignatureException', "'Content-Type' must be a 'SignedHeader' in the AWS Authorization."],
      [
        'x-amz-security-token',
        kms({ credentials: session, unsignedHeaders: ['x-amz-security-token'] }),
        'IncompleteSignatureException',
        "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS Authorization.",
      ],
    ];
    for (const [header, signing, type, message] of cases) {
      const response = await sendSigned(sb.endpoint, jsonRequest('TrentService.ListKeys', {}, '1.1'), signing);
      assert.equal(response.status, 400, header);
      assert.deepEqual(JSON.parse(response.body), { __type: type, message }, header);
    }
    const query = await sendSigned(sb.endpoint, queryRequest({ Action: 'GetCallerIdentity', Version: '2011-06-15' }), {
      service: 'sts',
      region: sb.region,
      credentials: session,
      unsignedHeaders: ['x-amz-security-token'],
    });
    assert.equal(query.status, 400);
    assert.match(query.body, /<Code>IncompleteSignature<\/Code><Message>&apos;X-Amz-Security-Token&apos; must be a &apos;SignedHeader&apos; in the AWS Authorization\.<\/Message>/);
    // With everything signed, the session works.
    const fine = await sendSigned(sb.endpoint, jsonRequest('TrentService.ListKeys', {}, '1.1'), kms({ credentials: session }));
    assert.equal(fine.status, 200);
  });

  test('SDK v3 clients sign what is required, with and without a session token', async () => {
    for (const credentials of [sb.credentials, session]) {
      const config = { endpoint: sb.endpoint, region: sb.region, credentials };
      assert.ok(Array.isArray((await new KMSClient(config).send(new ListKeysCommand({}))).Keys));
      assert.ok(Array.isArray((await new DynamoDBClient(config).send(new ListTablesCommand({}))).TableNames));
      assert.ok(Array.isArray((await new iam.IAMClient(config).send(new iam.ListUsersCommand({}))).Users));
      assert.match((await new STSClient(config).send(new GetCallerIdentityCommand({}))).Arn!, /^arn:aws:(iam|sts)::123456789012:/);
    }
  });

  test('boto3 signs what is required, with and without a session token', { skip: needsBoto3 }, async () => {
    for (const credentials of [sb.credentials, session]) {
      const out = await runBoto3(
        { endpoint: sb.endpoint, region: sb.region, credentials },
        `print(json.dumps([len(kms.list_keys()['Keys']) >= 0, 'TableNames' in ddb.list_tables(), 'Users' in iam.list_users(), sts.get_caller_identity()['Account']]))`,
      );
      assert.deepEqual(out, [true, true, true, sb.accountId]);
    }
  });

  /** Each AWS CLI on the PATH, one per major version: `type -a aws` lists v1 (pip) and v2 where both are installed. */
  const clis = (() => {
    const found = spawnSync('bash', ['-c', 'type -ap aws'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const byMajor = new Map<string, string>();
    for (const path of found) {
      const version = /aws-cli\/(\d+)\./.exec(spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout + spawnSync(path, ['--version'], { encoding: 'utf8' }).stderr)?.[1];
      if (version && !byMajor.has(version)) byMajor.set(version, path);
    }
    return byMajor;
  })();

  function runCli(path: string, args: string[], credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PYENV_ROOT: process.env.PYENV_ROOT,
      AWS_CONFIG_FILE: '/nonexistent/kms-lab-test-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kms-lab-test-credentials',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: sb.region,
      AWS_PAGER: '',
    };
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
    return new Promise((resolve, reject) =>
      execFile(path, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], { env, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${path} ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
      ),
    );
  }

  for (const major of ['1', '2']) {
    test(`AWS CLI v${major} signs what is required, with and without a session token`, { skip: clis.has(major) ? false : `no AWS CLI v${major} on the PATH` }, async () => {
      const path = clis.get(major)!;
      for (const credentials of [sb.credentials, session]) {
        assert.ok(Array.isArray(JSON.parse(await runCli(path, ['kms', 'list-keys'], credentials)).Keys));
        assert.ok(Array.isArray(JSON.parse(await runCli(path, ['dynamodb', 'list-tables'], credentials)).TableNames));
        assert.ok(Array.isArray(JSON.parse(await runCli(path, ['iam', 'list-users'], credentials)).Users));
        assert.equal(JSON.parse(await runCli(path, ['sts', 'get-caller-identity'], credentials)).Account, sb.accountId);
      }
    });
  }
});
