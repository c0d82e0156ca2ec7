// kill -9 under load: every KMS key and DynamoDB item whose write was acknowledged is there after a restart.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { waitForActive } from './helpers/tables';
import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');
const bundle = path.join(root, 'out/crash-test/sandbox-cli.cjs');
let workDir: string;

before(async () => {
  await esbuild.build({ entryPoints: [path.join(root, 'src/sandbox/cli.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning' });
  workDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-crash-'));
});
after(() => rm(workDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };
}

async function start(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [bundle, '--port', '0', '--data', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (lines.length === 5) resolve();
    });
  });
  const value = (name: string) => lines.find((line) => line.startsWith(`${name}=`))!.slice(name.length + 1);
  return {
    child,
    config: {
      endpoint: value('AWS_ENDPOINT_URL'),
      region: value('AWS_REGION'),
      credentials: { accessKeyId: value('AWS_ACCESS_KEY_ID'), secretAccessKey: value('AWS_SECRET_ACCESS_KEY') },
      maxAttempts: 1,
    },
  };
}

test('acknowledged keys and items survive kill -9', async () => {
  const dataDir = path.join(workDir, 'data');
  const first = await start(dataDir);
  const ddb = new DynamoDBClient(first.config);
  const kms = new KMSClient(first.config);
  const tableKey = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  await ddb.send(
    new CreateTableCommand({
      TableName: 'crash',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, KMSMasterKeyId: tableKey },
    }),
  );
  await waitForActive(ddb, 'crash');

  const ackedItems: string[] = [];
  const ackedKeys: string[] = [];
  let killed = false;
  const itemWriter = async (worker: number) => {
    for (let i = 0; !killed; i++) {
      const id = `w${worker}-${i}`;
      try {
        await ddb.send(new PutItemCommand({ TableName: 'crash', Item: { id: { S: id }, n: { N: String(i) } } }));
        ackedItems.push(id);
      } catch {
        return; // the server is gone
      }
    }
  };
  const keyWriter = async () => {
    while (!killed) {
      try {
        ackedKeys.push((await kms.send(new CreateKeyCommand({ Description: 'crash' }))).KeyMetadata!.KeyId!);
      } catch {
        return;
      }
    }
  };
  const writers = [itemWriter(0), itemWriter(1), itemWriter(2), itemWriter(3), keyWriter()];
  while (ackedItems.length < 200 || ackedKeys.length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
  const exited = new Promise((resolve) => first.child.once('exit', resolve));
  first.child.kill('SIGKILL');
  killed = true;
  await exited;
  await Promise.all(writers);
  ddb.destroy();
  kms.destroy();

  const second = await start(dataDir);
  try {
    const ddbAgain = new DynamoDBClient(second.config);
    const kmsAgain = new KMSClient(second.config);
    const missingItems: string[] = [];
    for (const id of ackedItems) {
      const item = await ddbAgain.send(new GetItemCommand({ TableName: 'crash', Key: { id: { S: id } } }));
      if (!item.Item) missingItems.push(id);
    }
    assert.deepEqual(missingItems, [], `${missingItems.length} of ${ackedItems.length} acknowledged items were lost`);
    for (const keyId of ackedKeys) {
      assert.equal((await kmsAgain.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyId, keyId);
    }
    ddbAgain.destroy();
    kmsAgain.destroy();
  } finally {
    const exited2 = new Promise((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    await exited2;
  }
});
