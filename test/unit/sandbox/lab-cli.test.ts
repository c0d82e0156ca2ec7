// The lab end to end with the real AWS CLI against the standalone sandbox (`node dist/sandbox-cli.js`), using
// temporary config and credentials files with two profiles: admin and the test user the admin creates.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { addKeyUser } from '../../../src/policy';

const root = path.resolve(__dirname, '../../..');
const awsAvailable = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = awsAvailable ? false : 'the AWS CLI (`aws`) is not on PATH; install it to run the CLI lab test';

/** The CLI on PATH; behind a pyenv shim, the executable it resolves to (the shim costs a fraction of a second per call). */
function awsExecutable(): string {
  const resolved = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
  return resolved.status === 0 && resolved.stdout.trim() ? resolved.stdout.trim() : 'aws';
}

/** Debian's awscli package installs CLI v2 as /usr/bin/aws, behind the pip-installed v1 on PATH. */
function cliV2(): string | undefined {
  for (const candidate of ['/usr/bin/aws', '/usr/local/bin/aws']) {
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (version.status === 0 && /^aws-cli\/2\./.test(version.stdout + version.stderr)) return candidate;
  }
  return undefined;
}
const v2Command = cliV2();
let awsCommand = awsAvailable ? awsExecutable() : 'aws';

interface Sandbox {
  child: ChildProcess;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

let workDir: string;
let sandbox: Sandbox;
let configFile: string;
let credentialsFile: string;

/** Starts `node dist/sandbox-cli.js --port 0 --data <dir>` and reads its five lines. */
async function startStandalone(dataDir: string): Promise<Sandbox> {
  const child = spawn(process.execPath, [path.join(root, 'dist/sandbox-cli.js'), '--port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox printed no endpoint in 20 s: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}: ${stderr}`)));
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length === 5) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const value = (name: string) => {
    const line = lines.find((l) => l.startsWith(`${name}=`));
    assert.ok(line, `missing ${name} in ${lines.join(' | ')}`);
    return line.slice(name.length + 1);
  };
  assert.match(lines[0], /^listening http:\/\/127\.0\.0\.1:\d+$/);
  return { child, endpoint: value('AWS_ENDPOINT_URL'), accessKeyId: value('AWS_ACCESS_KEY_ID'), secretAccessKey: value('AWS_SECRET_ACCESS_KEY'), region: value('AWS_REGION') };
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function aws(profile: string, args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: workDir,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  for (const name of ['PYENV_ROOT', 'PYENV_VERSION', 'LANG', 'LC_ALL']) if (process.env[name]) env[name] = process.env[name];
  return new Promise((resolve) => {
    execFile(awsCommand, [...args, '--profile', profile, '--endpoint-url', sandbox.endpoint, '--output', 'json'], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(profile: string, args: string[]): Promise<any> {
  const result = await aws(profile, args);
  assert.equal(result.code, 0, `aws ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim() ? JSON.parse(result.stdout) : {};
}

async function refused(profile: string, args: string[]): Promise<string> {
  const result = await aws(profile, args);
  assert.notEqual(result.code, 0, `aws ${args.join(' ')} should have failed`);
  return result.stderr;
}

async function writeProfiles(profiles: Record<string, { accessKeyId: string; secretAccessKey: string }>): Promise<void> {
  const names = Object.keys(profiles);
  await writeFile(configFile, names.map((name) => `[profile ${name}]\nregion = ${sandbox.region}\n`).join('\n'), { mode: 0o600 });
  await writeFile(
    credentialsFile,
    names.map((name) => `[${name}]\naws_access_key_id = ${profiles[name].accessKeyId}\naws_secret_access_key = ${profiles[name].secretAccessKey}\n`).join('\n'),
    { mode: 0o600 },
  );
}

before(async () => {
  if (skip) return;
  const build = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, `node esbuild.mjs failed: ${build.stderr}`);
  workDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-cli-'));
  configFile = path.join(workDir, 'config');
  credentialsFile = path.join(workDir, 'credentials');
});

async function stopStandalone(): Promise<void> {
  if (sandbox && sandbox.child.exitCode === null) {
    const exited = new Promise((resolve) => sandbox.child.once('exit', resolve));
    sandbox.child.kill('SIGTERM');
    await exited;
  }
}

after(async () => {
  if (skip) return;
  await stopStandalone();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test('the lab with the AWS CLI v1: the key policy is the second lock on the table', { skip }, async () => {
  awsCommand = awsExecutable();
  await runLab('cli-v1');
});

test('the lab with the AWS CLI v2', { skip: skip || (v2Command ? false : 'AWS CLI v2 is not installed (Debian: apt-get install awscli)') }, async () => {
  awsCommand = v2Command!;
  await runLab('cli-v2');
});

async function runLab(name: string): Promise<void> {
  sandbox = await startStandalone(path.join(workDir, name));
  await writeProfiles({ admin: sandbox });
  try {
    await labSteps();
  } finally {
    await stopStandalone();
  }
}

async function labSteps(): Promise<void> {
  // 1–3. The admin creates a key, a table encrypted with it, and an item.
  const key = (await ok('admin', ['kms', 'create-key', '--description', 'KMS Lab key'])).KeyMetadata;
  assert.equal(key.KeyManager, 'CUSTOMER');
  await ok('admin', ['kms', 'create-alias', '--alias-name', 'alias/kms-lab', '--target-key-id', key.KeyId]);
  const table = await ok('admin', [
    'dynamodb', 'create-table', '--table-name', 'kms-lab',
    '--attribute-definitions', 'AttributeName=id,AttributeType=S',
    '--key-schema', 'AttributeName=id,KeyType=HASH',
    '--billing-mode', 'PAY_PER_REQUEST',
    '--sse-specification', 'Enabled=true,SSEType=KMS,KMSMasterKeyId=alias/kms-lab',
  ]);
  assert.equal(table.TableDescription.SSEDescription.KMSMasterKeyArn, key.Arn);
  await ok('admin', ['dynamodb', 'wait', 'table-exists', '--table-name', 'kms-lab']);
  await ok('admin', ['dynamodb', 'put-item', '--table-name', 'kms-lab', '--item', '{"id":{"S":"1"},"note":{"S":"hello"}}']);

  // 4. The test user, with AmazonDynamoDBFullAccess only, and its own profile.
  const user = (await ok('admin', ['iam', 'create-user', '--user-name', 'test'])).User;
  await ok('admin', ['iam', 'attach-user-policy', '--user-name', 'test', '--policy-arn', 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess']);
  const accessKey = (await ok('admin', ['iam', 'create-access-key', '--user-name', 'test'])).AccessKey;
  await writeProfiles({ admin: sandbox, test: { accessKeyId: accessKey.AccessKeyId, secretAccessKey: accessKey.SecretAccessKey } });
  assert.equal((await ok('test', ['sts', 'get-caller-identity'])).Arn, user.Arn);

  // 5. The user sees the table but cannot read it.
  assert.equal((await ok('test', ['dynamodb', 'describe-table', '--table-name', 'kms-lab'])).Table.SSEDescription.KMSMasterKeyArn, key.Arn);
  for (const args of [['dynamodb', 'scan', '--table-name', 'kms-lab'], ['dynamodb', 'get-item', '--table-name', 'kms-lab', '--key', '{"id":{"S":"1"}}']]) {
    const stderr = await refused('test', args);
    assert.match(stderr, /An error occurred \(AccessDeniedException\) when calling the (Scan|GetItem) operation: KMS key access denied error: /);
  }

  // 6. The admin adds the user to the key policy.
  const policy = (await ok('admin', ['kms', 'get-key-policy', '--key-id', key.KeyId, '--policy-name', 'default'])).Policy;
  const policyFile = path.join(workDir, 'policy.json');
  await writeFile(policyFile, addKeyUser(policy, user.Arn));
  await ok('admin', ['kms', 'put-key-policy', '--key-id', key.KeyId, '--policy-name', 'default', '--policy', `file://${policyFile}`]);

  // 7. The user reads the table.
  const scanned = await ok('test', ['dynamodb', 'scan', '--table-name', 'kms-lab']);
  assert.deepEqual(scanned.Items, [{ id: { S: '1' }, note: { S: 'hello' } }]);

  // Disabling the key makes the table inaccessible; enabling it restores it.
  await ok('admin', ['kms', 'disable-key', '--key-id', key.KeyId]);
  const inaccessible = (await ok('admin', ['dynamodb', 'describe-table', '--table-name', 'kms-lab'])).Table;
  assert.equal(inaccessible.TableStatus, 'INACCESSIBLE_ENCRYPTION_CREDENTIALS');
  assert.ok(inaccessible.SSEDescription.InaccessibleEncryptionDateTime);
  assert.match(await refused('test', ['dynamodb', 'scan', '--table-name', 'kms-lab']), /AccessDeniedException/);
  await ok('admin', ['kms', 'enable-key', '--key-id', key.KeyId]);
  assert.equal((await ok('admin', ['dynamodb', 'describe-table', '--table-name', 'kms-lab'])).Table.TableStatus, 'ACTIVE');
  assert.equal((await ok('test', ['dynamodb', 'scan', '--table-name', 'kms-lab'])).Count, 1);
}
