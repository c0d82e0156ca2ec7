// Crash safety: the sandbox CLI is killed with SIGKILL while many clients write concurrently; after a restart,
// every write it acknowledged is there (IAM users, DynamoDB items in a table under a customer managed key).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as iam from '@aws-sdk/client-iam';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { startCli, type CliProcess } from './helpers/cli-process';
import { waitForActive } from './helpers/tables';

const WRITERS = 8;
const ACKS_BEFORE_KILL = 240;
const ROUNDS = 2;

const dirs: string[] = [];
let running: CliProcess | undefined;
after(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function clients(cli: CliProcess) {
  const config = { endpoint: cli.endpoint, region: cli.region, credentials: { ...cli.credentials }, maxAttempts: 1 };
  return { iam: new iam.IAMClient(config), ddb: new DynamoDBClient(config), kms: new KMSClient(config) };
}

async function allUsers(client: iam.IAMClient): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const page of iam.paginateListUsers({ client }, {})) for (const user of page.Users ?? []) names.add(user.UserName!);
  return names;
}

async function allItems(client: DynamoDBClient, table: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) ids.add(item['id']!.S!);
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

test(`kill -9 under load, ${ROUNDS} rounds: every acknowledged write survives the restart`, async () => {
  const dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'kms-lab-crash-')), 'data');
  dirs.push(path.dirname(dataDir));
  let cli = (running = await startCli(['--data', dataDir, '--port', '0']));
  const admin = { ...cli.credentials };
  let c = clients(cli);
  const key = await c.kms.send(new CreateKeyCommand({ Description: 'crash test' }));
  await c.ddb.send(
    new CreateTableCommand({
      TableName: 'crash-items',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyMetadata!.Arn },
    }),
  );
  await waitForActive(c.ddb, 'crash-items');
  const ackedUsers = new Set<string>();
  const ackedItems = new Set<string>();

  for (let round = 0; round < ROUNDS; round++) {
    let acks = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      cli.child.kill('SIGKILL');
    };
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const id = `r${round}-w${w}-${i}`;
        try {
          if (i % 2 === 0) {
            await c.iam.send(new iam.CreateUserCommand({ UserName: id }));
            ackedUsers.add(id);
          } else {
            await c.ddb.send(new PutItemCommand({ TableName: 'crash-items', Item: { id: { S: id }, round: { N: String(round) } } }));
            ackedItems.add(id);
          }
          if (++acks >= ACKS_BEFORE_KILL) kill();
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const exit = await cli.exited;
    assert.equal(exit.signal, 'SIGKILL');

    cli = running = await startCli(['--data', dataDir, '--port', '0']);
    assert.ok(
      cli.credentials.accessKeyId === admin.accessKeyId && cli.credentials.secretAccessKey === admin.secretAccessKey,
      'the admin key persists across the crash',
    );
    c = clients(cli);
    const users = await allUsers(c.iam);
    const missingUsers = [...ackedUsers].filter((name) => !users.has(name));
    assert.deepEqual(missingUsers, [], `round ${round}: acknowledged users lost`);
    const items = await allItems(c.ddb, 'crash-items');
    const missingItems = [...ackedItems].filter((id) => !items.has(id));
    assert.deepEqual(missingItems, [], `round ${round}: acknowledged items lost`);
  }
  assert.ok(ackedUsers.size >= ROUNDS * 60 && ackedItems.size >= ROUNDS * 60, `enough writes happened: ${ackedUsers.size} users, ${ackedItems.size} items`);
  cli.child.kill('SIGTERM');
  assert.equal((await cli.exited).code, 0, 'SIGTERM stops the CLI gracefully');
});
