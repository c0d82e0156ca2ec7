// Runs inside VS Code's extension host (see tree.bench.mjs): fills the local sandbox with 100 keys and
// 300 tables, then times how long the KMS Lab tree takes to show all of them.
import * as vscode from 'vscode';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KmsLabApi } from '../../../src/api';

const KEYS = 100;
const TABLES = 300;
const RUNS = 5;

async function labels(api: KmsLabApi, parent?: unknown): Promise<{ node: unknown; label: string; command?: vscode.Command }[]> {
  const nodes = ((await api.tree.getChildren(parent as never)) ?? []) as unknown[];
  return Promise.all(
    nodes.map(async (node) => {
      const item = await api.tree.getTreeItem(node as never);
      return { node, label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''), command: item.command };
    }),
  );
}

/** Expands a section and follows "Load more…" until everything is shown; returns how many rows it shows. */
async function fill(api: KmsLabApi, section: unknown): Promise<number> {
  for (;;) {
    const rows = await labels(api, section);
    const more = rows.find((r) => r.label === 'Load more…');
    if (!more) return rows.length;
    await vscode.commands.executeCommand(more.command!.command, ...(more.command!.arguments ?? []));
  }
}

async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await task(next++);
  }));
}

export async function run(): Promise<void> {
  console.log('integration-start');
  try {
    await measure();
  } catch (error) {
    console.log(`tree bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    throw error;
  }
}

async function measure(): Promise<void> {
  const extension = vscode.extensions.getExtension<KmsLabApi>('kms-lab.kms-lab')!;
  const api = await extension.activate();
  await api.whenIdle();
  await vscode.commands.executeCommand('kmsLab.sandbox.start');
  const target = api.currentTarget();
  if (target?.kind !== 'static') throw new Error('the local sandbox did not become the current profile');
  const config = { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
  const kms = new KMSClient(config);
  const dynamodb = new DynamoDBClient(config);
  await inParallel(KEYS, 8, (i) => kms.send(new CreateKeyCommand({ Description: `bench key ${i}` })));
  await inParallel(TABLES, 8, (i) =>
    dynamodb.send(
      new CreateTableCommand({
        TableName: `bench-${String(i).padStart(3, '0')}`,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    ),
  );
  await vscode.workspace.getConfiguration('kmsLab').update('pageSize', 1000, vscode.ConfigurationTarget.Global);

  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await vscode.commands.executeCommand('kmsLab.refresh');
    const started = performance.now();
    const sections = await labels(api);
    const keysSection = sections.find((s) => s.label === 'KMS keys');
    const tablesSection = sections.find((s) => s.label === 'DynamoDB tables');
    const [keys, tables] = await Promise.all([fill(api, keysSection!.node), fill(api, tablesSection!.node)]);
    samples.push(performance.now() - started);
    if (keys < KEYS || tables < TABLES) {
      const shown = async (section: unknown) => (await labels(api, section)).slice(0, 3).map((r) => r.label).join(', ');
      throw new Error(`the tree showed ${keys} keys and ${tables} tables, not ${KEYS} and ${TABLES}: ${await shown(keysSection!.node)} | ${await shown(tablesSection!.node)}`);
    }
  }
  samples.sort((a, b) => a - b);
  console.log(`tree_load_ms=${Math.round(samples[Math.floor(samples.length / 2)]!)}`);
  console.log(`tree_load_min_ms=${Math.round(samples[0]!)}`);
  kms.destroy();
  dynamodb.destroy();
  console.log('integration-counts: 1 0');
}
