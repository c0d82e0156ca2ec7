// The standalone sandbox CLI: its five lines, argument checks, refusal of foreign folders, graceful stop,
// and IAM and STS driven by the real AWS CLI (v1) with --endpoint-url and temporary config files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { runCli, startCli, type CliProcess } from './helpers/cli-process';

let workDir: string;
const started: CliProcess[] = [];

before(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-cli-'));
});
after(async () => {
  for (const cli of started) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
  await rm(workDir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<CliProcess> {
  const cli = await startCli(args);
  started.push(cli);
  return cli;
}

describe('the sandbox CLI', () => {
  test('prints exactly the five lines, with working admin credentials, and stops on SIGINT', async () => {
    const dataDir = path.join(workDir, 'five-lines');
    const cli = await start(['--port', '0', '--data', dataDir]);
    const port = new URL(cli.endpoint).port;
    assert.deepEqual(cli.lines.map((line) => line.replace(/=.*/, '=…')), [
      `listening http://127.0.0.1:${port}`,
      'AWS_ENDPOINT_URL=…',
      'AWS_ACCESS_KEY_ID=…',
      'AWS_SECRET_ACCESS_KEY=…',
      'AWS_REGION=…',
    ]);
    assert.equal(cli.endpoint, `http://127.0.0.1:${port}`);
    assert.match(cli.credentials.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(cli.credentials.secretAccessKey.length, 40);
    assert.equal(cli.region, 'us-east-1');
    const who = await new STSClient({ endpoint: cli.endpoint, region: cli.region, credentials: { ...cli.credentials } }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:iam::123456789012:user/admin');
    if (process.platform !== 'win32') {
      assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
      assert.equal((await stat(path.join(dataDir, 'iam.json'))).mode & 0o777, 0o600);
    }
    cli.child.kill('SIGINT');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
  });

  test('--account and --region shape the account; the folder remembers them and refuses others', async () => {
    const dataDir = path.join(workDir, 'other-account');
    const cli = await start(['--data', dataDir, '--account', '111122223333', '--region', 'eu-west-1']);
    const who = await new STSClient({ endpoint: cli.endpoint, region: 'eu-west-1', credentials: { ...cli.credentials } }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:iam::111122223333:user/admin');
    assert.equal(cli.region, 'eu-west-1');
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0);

    const again = await start(['--data', dataDir]);
    assert.equal(again.region, 'eu-west-1');
    assert.equal(again.credentials.accessKeyId, cli.credentials.accessKeyId);
    again.child.kill('SIGTERM');
    await again.exited;

    const conflicting = await runCli(['--data', dataDir, '--account', '123456789012']);
    assert.equal(conflicting.code, 1);
    assert.match(conflicting.stderr, /belongs to account 111122223333, not 123456789012/);
    assert.equal(conflicting.stdout, '');
  });

  test('argument mistakes exit 2 with a clear message and the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['--port', '0'], /--data <dir> is required/],
      [['--data', workDir, '--port', 'eighty'], /--port must be a number from 0 to 65535, got "eighty"/],
      [['--data', workDir, '--port', '70000'], /--port must be a number from 0 to 65535/],
      [['--data', workDir, '--account', '12345'], /--account must be exactly 12 digits, got "12345"/],
      [['--data', workDir, '--region', 'Mars'], /--region must be a region name such as us-east-1, got "Mars"/],
      [['--data', workDir, '--bogus'], /Unknown option '--bogus'/],
      [['--data'], /argument missing|--data/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')} → ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^Usage: npm run sandbox -- --data <dir>/m);
      assert.equal(result.stdout, '');
    }
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stderr, /^Usage:/);
  });

  test('a folder that is not a sandbox folder is left alone; a busy port is reported', async () => {
    const foreign = path.join(workDir, 'foreign');
    await mkdir(foreign);
    await writeFile(path.join(foreign, 'notes.txt'), 'mine');
    const refused = await runCli(['--data', foreign]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is not empty and is not a KMS Lab sandbox data folder/);
    assert.equal((await stat(path.join(foreign, 'notes.txt'))).size, 4);

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await runCli(['--data', path.join(workDir, 'busy'), '--port', String(port)]);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, new RegExp(`Could not listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      blocker.close();
    }
  });
});

const awsAvailable = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

/** The real executable behind a pyenv shim, which otherwise costs a fraction of a second per call. */
function awsExecutable(): string {
  const resolved = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
  return resolved.status === 0 && resolved.stdout.trim() ? resolved.stdout.trim() : 'aws';
}

describe('IAM and STS with the real AWS CLI v1', { skip: awsAvailable ? false : 'the AWS CLI (aws) is not on PATH' }, () => {
  const aws = awsAvailable ? awsExecutable() : 'aws';
  let cli: CliProcess;
  let configFile: string;
  let credentialsFile: string;

  before(async () => {
    cli = await start(['--data', path.join(workDir, 'aws-cli')]);
    configFile = path.join(workDir, 'aws-config');
    credentialsFile = path.join(workDir, 'aws-credentials');
    await writeFile(configFile, `[default]\nregion = ${cli.region}\noutput = json\n`, { mode: 0o600 });
    await writeFile(credentialsFile, `[default]\naws_access_key_id = ${cli.credentials.accessKeyId}\naws_secret_access_key = ${cli.credentials.secretAccessKey}\n`, { mode: 0o600 });
  });

  function run(args: string[], credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: workDir, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_PAGER: '' };
    if (credentials) {
      env['AWS_ACCESS_KEY_ID'] = credentials.accessKeyId;
      env['AWS_SECRET_ACCESS_KEY'] = credentials.secretAccessKey;
      if (credentials.sessionToken) env['AWS_SESSION_TOKEN'] = credentials.sessionToken;
    }
    return new Promise((resolve) => {
      execFile(aws, ['--endpoint-url', cli.endpoint, ...args], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  async function json(args: string[], credentials?: Parameters<typeof run>[1]): Promise<any> {
    const result = await run(args, credentials);
    assert.equal(result.code, 0, `aws ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
  }

  test('users, errors, inline policies (decoded by the CLI), AWS managed documents and simulation', async () => {
    assert.equal((await json(['sts', 'get-caller-identity'])).Arn, 'arn:aws:iam::123456789012:user/admin');
    const created = await json(['iam', 'create-user', '--user-name', 'cli-user', '--tags', 'Key=team,Value=lab']);
    assert.equal(created.User.Arn, 'arn:aws:iam::123456789012:user/cli-user');
    const duplicate = await run(['iam', 'create-user', '--user-name', 'cli-user']);
    assert.notEqual(duplicate.code, 0);
    assert.match(duplicate.stderr, /An error occurred \(EntityAlreadyExists\) when calling the CreateUser operation: User with name cli-user already exists\./);

    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
    await json(['iam', 'put-user-policy', '--user-name', 'cli-user', '--policy-name', 'assume', '--policy-document', JSON.stringify(document)]);
    const inline = await json(['iam', 'get-user-policy', '--user-name', 'cli-user', '--policy-name', 'assume']);
    assert.deepEqual(inline.PolicyDocument, document, 'the CLI decodes the URL-encoded document');
    const version = await json(['iam', 'get-policy-version', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess', '--version-id', 'v1']);
    assert.deepEqual(version.PolicyVersion.Document, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const simulated = await json([
      'iam', 'simulate-principal-policy',
      '--policy-source-arn', 'arn:aws:iam::123456789012:user/cli-user',
      '--action-names', 'sts:AssumeRole', 'kms:Decrypt',
    ]);
    assert.deepEqual(simulated.EvaluationResults.map((r: { EvalDecision: string }) => r.EvalDecision), ['allowed', 'implicitDeny']);
  });

  test('a new user\'s access key works at once; it assumes a role and acts as the session', async () => {
    const key = (await json(['iam', 'create-access-key', '--user-name', 'cli-user'])).AccessKey;
    const userCredentials = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    assert.equal((await json(['sts', 'get-caller-identity'], userCredentials)).Arn, 'arn:aws:iam::123456789012:user/cli-user');
    const denied = await run(['iam', 'list-users'], userCredentials);
    assert.match(denied.stderr, /\(AccessDenied\) when calling the ListUsers operation: User: arn:aws:iam::123456789012:user\/cli-user is not authorized to perform: iam:ListUsers/);

    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/cli-user' }, Action: 'sts:AssumeRole' }] };
    const role = await json(['iam', 'create-role', '--role-name', 'CliRole', '--assume-role-policy-document', JSON.stringify(trust)]);
    assert.deepEqual(role.Role.AssumeRolePolicyDocument, trust);
    const assumed = await json(['sts', 'assume-role', '--role-arn', role.Role.Arn, '--role-session-name', 'cli-session'], userCredentials);
    assert.match(assumed.Credentials.AccessKeyId, /^ASIA/);
    const session = { accessKeyId: assumed.Credentials.AccessKeyId, secretAccessKey: assumed.Credentials.SecretAccessKey, sessionToken: assumed.Credentials.SessionToken };
    assert.equal((await json(['sts', 'get-caller-identity'], session)).Arn, 'arn:aws:sts::123456789012:assumed-role/CliRole/cli-session');
  });
});

const pythonWithBoto3 = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;

describe('boto3', { skip: pythonWithBoto3 ? false : 'python3 with boto3 is not available' }, () => {
  test('all four services work unmodified with endpoint_url; botocore accepts DynamoDB\'s x-amz-crc32', async () => {
    const cli = await start(['--data', path.join(workDir, 'boto3')]);
    const script = `
import json, os, boto3
e = os.environ['AWS_ENDPOINT_URL']
s = boto3.session.Session(region_name=os.environ['AWS_REGION'], aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'])
iam, sts, kms, ddb = (s.client(n, endpoint_url=e) for n in ('iam', 'sts', 'kms', 'dynamodb'))
out = {'arn': sts.get_caller_identity()['Arn']}
iam.create_user(UserName='boto')
iam.put_user_policy(UserName='boto', PolicyName='p', PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
out['policy'] = iam.get_user_policy(UserName='boto', PolicyName='p')['PolicyDocument']
try:
    iam.get_user(UserName='nope')
except iam.exceptions.NoSuchEntityException as err:
    out['error'] = [err.response['Error']['Code'], err.response['ResponseMetadata']['HTTPStatusCode']]
key = kms.create_key()['KeyMetadata']['Arn']
ddb.create_table(TableName='boto-table', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST', SSESpecification={'Enabled': True, 'SSEType': 'KMS', 'KMSMasterKeyId': key})
ddb.get_waiter('table_exists').wait(TableName='boto-table', WaiterConfig={'Delay': 0.1, 'MaxAttempts': 100})
ddb.put_item(TableName='boto-table', Item={'id': {'S': 'x'}, 'text': {'S': '\\u00fc' * 200}})
out['item'] = ddb.get_item(TableName='boto-table', Key={'id': {'S': 'x'}})['Item']['text']['S']
out['sse'] = ddb.describe_table(TableName='boto-table')['Table']['SSEDescription']['KMSMasterKeyArn'] == key
print(json.dumps(out))
`;
    const env = {
      PATH: process.env['PATH'],
      HOME: workDir,
      AWS_CONFIG_FILE: path.join(workDir, 'boto3-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, 'boto3-credentials'),
      AWS_ENDPOINT_URL: cli.endpoint,
      AWS_REGION: cli.region,
      AWS_ACCESS_KEY_ID: cli.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cli.credentials.secretAccessKey,
    };
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('python3', ['-c', script], { env, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr })),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      arn: 'arn:aws:iam::123456789012:user/admin',
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      error: ['NoSuchEntity', 404],
      item: 'ü'.repeat(200),
      sse: true,
    });
  });
});
