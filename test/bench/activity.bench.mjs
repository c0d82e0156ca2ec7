// Who did read: a key's activity from the sandbox's CloudTrail.
//   activity_lookup_10000_ms   median wall time to page through a table's 10,000 CloudTrail events on the local
//                              sandbox (LookupEvents by the key's ARN, 50 a page, through the AWS layer) and build the
//                              per-principal summary. Goal < 1500.
//   activity_summary_10000_ms  of which the summary alone (summarizeActivity), median.
// The events are real: 20 users read the table through DynamoDB (some refused by the key policy), so each read is
// DynamoDB's kms:Decrypt on the user's behalf.
//   node test/bench/activity.bench.mjs      (or through test/bench/run.mjs activity)
import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = path.join(root, 'out/bench');
const require = createRequire(import.meta.url);
const EVENTS = 10_000;
const USERS = 20;
const RUNS = 3;
const TABLE = 'kms-lab-activity';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function build() {
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, 'activity.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { summarizeActivity } from './src/access';",
        "export { AwsSession } from './src/aws/session';",
        "export { startSandbox } from './src/sandbox/index';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    minify: !process.env.BENCH_NO_MINIFY,
    logLevel: 'warning',
  });
  return require(outfile);
}

/** A CMK table, USERS users (every fourth without kms:Decrypt), and EVENTS reads spread over them, 16 at a time. */
async function prepare(sandbox) {
  const { DynamoDBClient, CreateTableCommand, DescribeTableCommand, PutItemCommand, GetItemCommand } = require('@aws-sdk/client-dynamodb');
  const { KMSClient, CreateKeyCommand } = require('@aws-sdk/client-kms');
  const { IAMClient, CreateUserCommand, AttachUserPolicyCommand, PutUserPolicyCommand, CreateAccessKeyCommand } = require('@aws-sdk/client-iam');
  const config = (credentials) => ({ region: sandbox.region, endpoint: sandbox.endpoint, credentials, maxAttempts: 1 });
  const admin = config(sandbox.admin);
  const keyArn = (await new KMSClient(admin).send(new CreateKeyCommand({ Description: 'activity bench' }))).KeyMetadata.Arn;
  const ddb = new DynamoDBClient(admin);
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    }),
  );
  // CreateTable answers CREATING, as on AWS: items wait for ACTIVE.
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await ddb.send(new DescribeTableCommand({ TableName: TABLE }))).Table.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: '1' } } }));
  const iam = new IAMClient(admin);
  const readers = [];
  for (let i = 0; i < USERS; i++) {
    const UserName = `reader-${i}`;
    await iam.send(new CreateUserCommand({ UserName }));
    await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
    if (i % 4 !== 0) {
      const decrypt = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });
      await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'decrypt', PolicyDocument: decrypt }));
    }
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey;
    readers.push(new DynamoDBClient(config({ accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey })));
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < EVENTS) {
        const i = next++;
        await readers[i % USERS].send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: '1' } } })).catch((error) => {
          if (error.name !== 'AccessDeniedException') throw error;
        });
      }
    }),
  );
  return keyArn;
}

export default async function run() {
  const { AwsSession, startSandbox, summarizeActivity } = await build();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-bench-activity-'));
  const sandbox = await startSandbox({ dataDir });
  const session = new AwsSession({ kind: 'static', label: 'bench', region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  try {
    const keyArn = await prepare(sandbox);
    const totals = [];
    const summaries = [];
    let found;
    for (let run = 0; run < RUNS; run++) {
      const began = performance.now();
      found = await session.cloudtrail.keyEvents({ keyArn, tableName: TABLE, limit: 20_000 });
      const summarized = performance.now();
      const summary = summarizeActivity(found.events, { keyArn, tableName: TABLE });
      const done = performance.now();
      if (summary.principals.length < USERS) throw new Error(`only ${summary.principals.length} principals in the summary`);
      totals.push(done - began);
      summaries.push(done - summarized);
    }
    const reads = found.events.filter((event) => event.eventName === 'Decrypt').length;
    if (reads < EVENTS) throw new Error(`only ${reads} Decrypt events were found`);
    console.log(`activity_lookup_10000_ms=${median(totals).toFixed(1)}`);
    console.log(`activity_summary_10000_ms=${median(summaries).toFixed(1)}`);
    console.log(`activity_events=${found.events.length}`);
    console.log(`activity_pages=${found.pages}`);
  } finally {
    session.dispose();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
