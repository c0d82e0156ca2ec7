// Sandbox speed, in one run, with the same SDK v3 client and load against three servers, each in its own process:
//   the sandbox (KMS + DynamoDB, CMK table, every request signed, authorized and KMS-checked),
//   moto_server (CMK table; it checks nothing), and bare dynalite (its own HTTP server, plain table).
// Prints name=value lines: sandbox_vs_moto_ratio (throughput on the lab mix of item and KMS operations, median of
// per-slice ratios; goal >= 5), sandbox_vs_dynalite_latency_ratio
// (median item latency, goal <= 1.3), sandbox_stall_ms (longest admin ListKeys under attack, goal < 100; stall.mjs),
// sandbox_start_ms (goal < 300), sandbox_txn_ops_per_s beside moto_txn_ops_per_s
// (TransactWriteItems of 10 puts each, transactions per second, one at a time), and the raw figures.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { measureStall } from './stall.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(root, 'package.json'));
const esbuild = require('esbuild');
const { DynamoDBClient, CreateTableCommand, DescribeTableCommand, PutItemCommand, GetItemCommand, QueryCommand, TransactWriteItemsCommand } = require('@aws-sdk/client-dynamodb');
const { KMSClient, CreateKeyCommand, EncryptCommand, DecryptCommand } = require('@aws-sdk/client-kms');
const { NodeHttpHandler } = require('@smithy/node-http-handler');

const LATENCY_ROUNDS = 300; // sequential Put + Get + Query rounds per server
const THROUGHPUT_OPS = 1600; // ops per server and mix in the concurrent phase
const THROUGHPUT_SLICES = 8;
const CONCURRENCY = 16;
const START_RUNS = 5;
const TXN_SLICES = 4;
const SANDBOX_TXNS_PER_SLICE = 50;
const MOTO_TXNS_PER_SLICE = 8;

const outDir = path.join(root, 'out/bench');
const cliBundle = path.join(outDir, 'sandbox-cli.cjs');
const startBundle = path.join(outDir, 'sandbox-start.cjs');

export async function buildSandbox() {
  // BENCH_NO_MINIFY keeps function names, for a CPU profile (STALL_PROF in stall-only.mjs).
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', minify: !process.env.BENCH_NO_MINIFY };
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'src/sandbox/cli.ts')], outfile: cliBundle });
  // Measures a cold start in a fresh process: load the sandbox module, create the account, listen.
  await esbuild.build({
    ...common,
    stdin: {
      contents: `
        const started = performance.now();
        const { startSandbox } = require('./src/sandbox/index');
        startSandbox({ dataDir: process.argv[2], port: 0 }).then(async (sandbox) => {
          const ready = performance.now() - started;
          await sandbox.stop();
          process.stdout.write(String(ready));
        });`,
      resolveDir: root,
      loader: 'js',
    },
    outfile: startBundle,
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, name) {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      await fetch(url, { method: 'GET' });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${name} did not answer at ${url}`);
}

/** The sandbox CLI in a child process (nodeArgs before the script, e.g. --cpu-prof), once it has printed its five lines. */
export async function startSandboxProcess(dataDir, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, cliBundle, '--port', '0', '--data', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (lines.length === 5) resolve();
    });
  });
  const value = (name) => lines.find((line) => line.startsWith(`${name}=`)).slice(name.length + 1);
  return {
    child,
    endpoint: value('AWS_ENDPOINT_URL'),
    credentials: { accessKeyId: value('AWS_ACCESS_KEY_ID'), secretAccessKey: value('AWS_SECRET_ACCESS_KEY') },
  };
}

async function startMoto() {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const endpoint = `http://127.0.0.1:${port}`;
  const failed = new Promise((_, reject) => child.once('error', reject));
  await Promise.race([waitForHttp(`${endpoint}/moto-api/`, child, 'moto_server'), failed]);
  return { child, endpoint, credentials: { accessKeyId: 'AKIDBENCHMOTO', secretAccessKey: 'bench' } };
}

async function startDynalite(dataDir) {
  const port = await freePort();
  const args = [path.join(root, 'node_modules/dynalite/cli.js'), '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'];
  if (dataDir) args.push('--path', dataDir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(endpoint, child, 'dynalite');
  return { child, endpoint, credentials: { accessKeyId: 'AKIDBENCHDYNALITE', secretAccessKey: 'bench' } };
}

async function stop(server) {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
}

function clients(server) {
  const config = {
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: server.credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: CONCURRENCY } }),
  };
  return { ddb: new DynamoDBClient(config), kms: new KMSClient(config) };
}

async function prepare(server, withKms) {
  const { ddb, kms } = clients(server);
  const table = `bench-${Date.now()}`;
  let keyId;
  if (withKms) keyId = (await kms.send(new CreateKeyCommand({ Description: 'bench' }))).KeyMetadata.KeyId;
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(withKms ? { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId } } : {}),
    }),
  );
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await ddb.send(new DescribeTableCommand({ TableName: table }))).Table.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ddb, kms, table, keyId };
}

const itemOps = (target) => [
  (i) => target.ddb.send(new PutItemCommand({ TableName: target.table, Item: { pk: { S: `p${i % 50}` }, sk: { N: String(i) }, body: { S: 'x'.repeat(100) } } })),
  (i) => target.ddb.send(new GetItemCommand({ TableName: target.table, Key: { pk: { S: `p${i % 50}` }, sk: { N: String(i) } } })),
  (i) => target.ddb.send(new QueryCommand({ TableName: target.table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: `p${i % 50}` } }, Limit: 10 })),
];

/** One TransactWriteItems of 10 puts under one partition: every item sealed, authorized and KMS-checked. */
const txnOps = (target) => [
  (i) =>
    target.ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: Array.from({ length: 10 }, (_, j) => ({ Put: { TableName: target.table, Item: { pk: { S: `txn-${i}` }, sk: { N: String(j) }, body: { S: 'x'.repeat(100) } } } })),
      }),
    ),
];

const kmsOps = (target) => [
  () => target.kms.send(new EncryptCommand({ KeyId: target.keyId, Plaintext: Buffer.from('benchmark payload') })),
  async () => {
    const blob = target.blob ?? (target.blob = (await target.kms.send(new EncryptCommand({ KeyId: target.keyId, Plaintext: Buffer.from('p') }))).CiphertextBlob);
    return target.kms.send(new DecryptCommand({ CiphertextBlob: blob }));
  },
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Latency samples (ms) of LATENCY_ROUNDS sequential Put, Get and Query rounds, taken in slices interleaved across
 * targets so that load from elsewhere on the machine falls on all of them alike. */
async function itemLatencies(targets) {
  const samples = targets.map(() => []);
  for (const target of targets) {
    const ops = itemOps(target);
    for (let i = 0; i < 30; i++) await ops[i % 3](i); // warm up connections and code paths
  }
  const slice = 30;
  for (let start = 0; start < LATENCY_ROUNDS * 3; start += slice) {
    for (const [index, target] of targets.entries()) {
      const ops = itemOps(target);
      for (let i = start; i < start + slice; i++) {
        const began = performance.now();
        await ops[i % 3](1000 + Math.floor(i / 3));
        samples[index].push(performance.now() - began);
      }
    }
  }
  return samples.map(median);
}

/**
 * Operations per second with CONCURRENCY requests in flight over each target's mix, measured in THROUGHPUT_SLICES
 * slices that alternate between targets. Returns each target's slice rates; comparing rates of the same slice round
 * keeps a burst of load from elsewhere on the machine from landing on one target only.
 */
async function throughputs(mixes) {
  const rates = mixes.map(() => []);
  const perSlice = THROUGHPUT_OPS / THROUGHPUT_SLICES;
  for (let slice = 0; slice < THROUGHPUT_SLICES; slice++) {
    for (const [index, ops] of mixes.entries()) {
      let next = 0;
      const began = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < perSlice) {
            const i = next++;
            await ops[i % ops.length](5000 + slice * perSlice + i);
          }
        }),
      );
      rates[index].push(perSlice / ((performance.now() - began) / 1000));
    }
  }
  return rates;
}

/**
 * Transactions per second, one at a time, in TXN_SLICES slices alternating between targets, each on a fresh table.
 * moto_server copies a table for every transaction (its time and memory grow with every one, and concurrent ones
 * fail), so it runs fewer per slice; a rate is a rate.
 */
async function transactionRates(targets, perSlice) {
  const rates = targets.map(() => []);
  const counters = targets.map(() => 0);
  for (let slice = 0; slice < TXN_SLICES; slice++) {
    for (const [index, target] of targets.entries()) {
      const [send] = txnOps(target);
      const began = performance.now();
      for (let n = 0; n < perSlice[index]; n++) await send(counters[index]++);
      rates[index].push(perSlice[index] / ((performance.now() - began) / 1000));
    }
  }
  return rates;
}

/** Median over slice rounds of one target's rate divided by another's. */
function medianRatio(numerator, denominator) {
  return median(numerator.map((rate, slice) => rate / denominator[slice]));
}

async function coldStartMs() {
  const samples = [];
  for (let run = 0; run < START_RUNS; run++) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-bench-start-'));
    try {
      const result = spawnSync(process.execPath, [startBundle, dataDir], { cwd: root, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`sandbox start failed: ${result.stderr}`);
      samples.push(Number(result.stdout));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return median(samples);
}

const fmt = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 3 : 1));

export default async function run() {
  await buildSandbox();
  const work = await mkdtemp(path.join(tmpdir(), 'kms-lab-bench-'));
  const servers = [];
  const results = {};
  try {
    results.sandbox_start_ms = await coldStartMs();

    // All servers run side by side (idle ones cost nothing); measurements alternate between them.
    const sandbox = await startSandboxProcess(path.join(work, 'sandbox'));
    servers.push(sandbox);
    const dynalite = await startDynalite(path.join(work, 'dynalite'));
    servers.push(dynalite);
    const dynaliteMemory = await startDynalite(undefined);
    servers.push(dynaliteMemory);
    const moto = await startMoto().catch((error) => {
      console.error(`bench: moto_server unavailable (${error.message}); sandbox_vs_moto_ratio is not measured`);
      return undefined;
    });
    if (moto) servers.push(moto);
    const sandboxTarget = await prepare(sandbox, true);
    const dynaliteTarget = await prepare(dynalite, false);
    const memoryTarget = await prepare(dynaliteMemory, false);
    const motoTargets = moto ? [await prepare(moto, true)] : [];

    // Transactions first, while moto's tables are small (it copies them for every transaction).
    const txnTargets = [await prepare(sandbox, true), ...(moto ? [await prepare(moto, true)] : [])];
    const txnRates = await transactionRates(txnTargets, [SANDBOX_TXNS_PER_SLICE, MOTO_TXNS_PER_SLICE]);
    [results.sandbox_item_median_ms, results.dynalite_item_median_ms, results.dynalite_memory_item_median_ms, results.moto_item_median_ms] =
      await itemLatencies([sandboxTarget, dynaliteTarget, memoryTarget, ...motoTargets]);
    const itemRates = await throughputs([itemOps(sandboxTarget), itemOps(dynaliteTarget), ...motoTargets.map(itemOps)]);
    const kmsRates = await throughputs([kmsOps(sandboxTarget), ...motoTargets.map(kmsOps)]);
    const mixedRates = await throughputs([
      [...itemOps(sandboxTarget), ...kmsOps(sandboxTarget)],
      ...motoTargets.map((target) => [...itemOps(target), ...kmsOps(target)]),
    ]);
    [results.sandbox_item_ops_per_s, results.dynalite_item_ops_per_s, results.moto_item_ops_per_s] = itemRates.map(median);
    [results.sandbox_kms_ops_per_s, results.moto_kms_ops_per_s] = kmsRates.map(median);
    [results.sandbox_txn_ops_per_s, results.moto_txn_ops_per_s] = txnRates.map(median);
    [results.sandbox_mixed_ops_per_s, results.moto_mixed_ops_per_s] = mixedRates.map(median);
    if (moto) results.sandbox_vs_moto_ratio = medianRatio(mixedRates[0], mixedRates[1]);
    results.sandbox_vs_dynalite_latency_ratio = results.sandbox_item_median_ms / results.dynalite_item_median_ms;
    results.sandbox_vs_dynalite_memory_latency_ratio = results.sandbox_item_median_ms / results.dynalite_memory_item_median_ms;
    // Last, as it leaves a user and a hostile key behind: the longest an admin waits while another principal attacks.
    Object.assign(results, await measureStall(sandbox));
  } finally {
    for (const server of servers) await stop(server).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
  const order = ['sandbox_vs_moto_ratio', 'sandbox_vs_dynalite_latency_ratio', 'sandbox_stall_ms', 'sandbox_start_ms', 'sandbox_txn_ops_per_s', 'moto_txn_ops_per_s', 'sandbox_vs_dynalite_memory_latency_ratio'];
  for (const name of [...order, ...Object.keys(results).filter((n) => !order.includes(n))]) {
    if (results[name] !== undefined) console.log(`${name}=${fmt(results[name])}`);
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) await run();
