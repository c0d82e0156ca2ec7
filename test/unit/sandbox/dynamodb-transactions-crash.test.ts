// kill -9 during concurrent transactions: after a restart on the same data, every acknowledged transaction is there
// in full, and no transaction (acknowledged or not) is there in part.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, ScanCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { waitForActive } from './helpers/tables';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { buildCli } from './helpers/cli-process';

const ITEMS_PER_TRANSACTION = 10;
let workDir: string;
let cli: string;

before(async () => {
  cli = await buildCli();
  workDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-txn-crash-'));
});
after(() => rm(workDir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };
}

async function start(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [cli, '--port', '0', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
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

async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...page.Items!);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

test('transactions are all-or-nothing across kill -9', async () => {
  const dataDir = path.join(workDir, 'data');
  const first = await start(dataDir);
  const ddb = new DynamoDBClient(first.config);
  const keyId = (await new KMSClient(first.config).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  for (const table of ['orders', 'audit']) {
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId },
      }),
    );
    await waitForActive(ddb, table);
  }

  const acknowledged: string[] = [];
  const attempted: string[] = [];
  let killed = false;
  const worker = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const txn = `w${w}-t${i}`;
      attempted.push(txn);
      const puts = Array.from({ length: ITEMS_PER_TRANSACTION }, (_, j) => ({
        Put: { TableName: j % 2 ? 'audit' : 'orders', Item: { id: { S: `${txn}-${j}` }, txn: { S: txn }, payload: { S: 'x'.repeat(200) } } },
      }));
      try {
        await ddb.send(new TransactWriteItemsCommand({ TransactItems: puts, ClientRequestToken: txn }));
        acknowledged.push(txn);
      } catch {
        return; // the server is gone
      }
    }
  };
  const workers = Array.from({ length: 6 }, (_, w) => worker(w));
  while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 5));
  const exited = new Promise((resolve) => first.child.once('exit', resolve));
  first.child.kill('SIGKILL');
  killed = true;
  await exited;
  await Promise.all(workers);
  ddb.destroy();

  const second = await start(dataDir);
  try {
    const again = new DynamoDBClient(second.config);
    const count = new Map<string, number>();
    for (const table of ['orders', 'audit']) {
      for (const item of await scanAll(again, table)) count.set(item.txn!.S!, (count.get(item.txn!.S!) ?? 0) + 1);
    }
    const lost = acknowledged.filter((txn) => count.get(txn) !== ITEMS_PER_TRANSACTION);
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged transactions are not there in full`);
    const partial = [...count].filter(([, n]) => n !== ITEMS_PER_TRANSACTION);
    assert.deepEqual(partial, [], 'no transaction is there in part');
    assert.ok([...count.keys()].every((txn) => attempted.includes(txn)));
    again.destroy();
  } finally {
    const exited2 = new Promise((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    await exited2;
  }
});
