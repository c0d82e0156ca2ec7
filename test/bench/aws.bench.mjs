// The AWS layer's costs: the lazily loaded SDK bundle, reading profiles, and listing 300 tables and 100 keys
// through the real wrappers against moto (the data part of the tree's load).
//   aws_sdk_bundle_bytes            size of dist/sdk.js as esbuild builds it for production
//   aws_sdk_load_ms                 median time to require that bundle in a fresh node process
//   aws_profiles_load_ms            median loadProfiles() over a config with 200 profiles (SDK already loaded)
//   aws_list_300_tables_100_keys_ms          median time for a fresh session to list and describe 300 tables and 100 keys on moto
//   aws_list_300_tables_100_keys_sandbox_ms  the same on the local sandbox (the extension's default target)
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const outdir = path.join(root, 'out/bench');
const require = createRequire(import.meta.url);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function buildInputs() {
  mkdirSync(outdir, { recursive: true });
  const sdkBundle = path.join(outdir, 'aws-sdk.js');
  await esbuild.build({
    entryPoints: [path.join(root, 'src/aws/sdk-entry.ts')],
    outfile: sdkBundle,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  const layer = path.join(outdir, 'aws-layer.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { AwsSession } from './src/aws/session';",
        "export { loadProfiles } from './src/aws/profiles';",
        "export { loadSdk } from './src/aws/sdk';",
        "export { startMoto } from './test/unit/aws/support/moto';",
        "export { startSandbox } from './src/sandbox/index';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    outfile: layer,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return { sdkBundle, layer };
}

function sdkLoadMs(bundle) {
  const script = `const t = performance.now(); require(${JSON.stringify(bundle)}); process.stdout.write(String(performance.now() - t));`;
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    if (result.status !== 0) throw new Error(`loading the SDK bundle failed: ${result.stderr}`);
    runs.push(Number(result.stdout));
  }
  return median(runs);
}

async function profilesLoadMs(layer) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kms-lab-bench-'));
  try {
    const config = [];
    const credentials = [];
    for (let i = 0; i < 200; i++) {
      config.push(`[profile p${i}]`, 'region = us-east-1', i % 3 === 0 ? `role_arn = arn:aws:iam::123456789012:role/r${i}\nsource_profile = p${i + 1}` : '', '');
      credentials.push(`[p${i}]`, `aws_access_key_id = AKIDBENCH${i}`, 'aws_secret_access_key = bench-secret', '');
    }
    writeFileSync(path.join(dir, 'config'), config.join('\n'), { mode: 0o600 });
    writeFileSync(path.join(dir, 'credentials'), credentials.join('\n'), { mode: 0o600 });
    const env = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), HOME: dir };
    await layer.loadSdk();
    const runs = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      const result = await layer.loadProfiles(env);
      runs.push(performance.now() - started);
      if (result.profiles.length !== 200) throw new Error(`expected 200 profiles, got ${result.profiles.length}`);
    }
    return median(runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inBatches(count, size, task) {
  for (let start = 0; start < count; start += size) {
    await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, i) => task(start + i)));
  }
}

async function onMoto(layer) {
  const moto = await layer.startMoto({ MOTO_IAM_LOAD_MANAGED_POLICIES: 'false' });
  try {
    return await listMs(layer, moto.endpoint, { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' });
  } finally {
    await moto.stop();
  }
}

async function onSandbox(layer) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-bench-sandbox-'));
  const sandbox = await layer.startSandbox({ dataDir });
  try {
    return await listMs(layer, sandbox.endpoint, sandbox.admin);
  } finally {
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** 100 keys with aliases, and 300 tables: a third each AWS owned, AWS managed and under one of the keys. */
async function createResources(endpoint, credentials) {
  const { KMSClient, CreateKeyCommand, CreateAliasCommand } = require('@aws-sdk/client-kms');
  const { DynamoDBClient, CreateTableCommand } = require('@aws-sdk/client-dynamodb');
  const kms = new KMSClient({ region: 'us-east-1', endpoint, credentials });
  const ddb = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials });
  try {
    const keyIds = [];
    await inBatches(100, 10, async (i) => {
      const key = await kms.send(new CreateKeyCommand({ Description: `bench ${i}` }));
      keyIds[i] = key.KeyMetadata.KeyId;
      await kms.send(new CreateAliasCommand({ AliasName: `alias/bench-${i}`, TargetKeyId: keyIds[i] }));
    });
    await inBatches(300, 10, (i) =>
      ddb.send(
        new CreateTableCommand({
          TableName: `bench-${String(i).padStart(3, '0')}`,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: i % 3 === 0 ? undefined : i % 3 === 1 ? { Enabled: true } : { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyIds[i % 100] },
        }),
      ),
    );
  } finally {
    kms.destroy();
    ddb.destroy();
  }
}

async function allPages(list) {
  const items = [];
  let pageToken;
  do {
    const page = await list(pageToken);
    items.push(...page.items);
    pageToken = page.nextToken;
  } while (pageToken);
  return items;
}

/** A fresh session lists every key and table, both sections at once as the tree does; median of three. */
async function listMs(layer, endpoint, credentials) {
  await createResources(endpoint, credentials);
  const target = { kind: 'static', label: 'bench', region: 'us-east-1', endpoint, credentials };
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const session = new layer.AwsSession(target);
    try {
      const started = performance.now();
      const [keys, tables] = await Promise.all([
        allPages((pageToken) => session.kms.listKeys({ pageToken, pageSize: 100 })),
        allPages((pageToken) => session.dynamodb.listTables({ pageToken, pageSize: 100 })),
      ]);
      runs.push(performance.now() - started);
      if (keys.length !== 100 || tables.length !== 300) throw new Error(`listed ${keys.length} keys and ${tables.length} tables`);
    } finally {
      session.dispose();
    }
  }
  return median(runs);
}

export default async function run() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { sdkBundle, layer: layerFile } = await buildInputs();
  console.log(`aws_sdk_bundle_bytes=${statSync(sdkBundle).size}`);
  console.log(`aws_sdk_load_ms=${sdkLoadMs(sdkBundle).toFixed(1)}`);
  const layer = require(layerFile);
  console.log(`aws_profiles_load_ms=${(await profilesLoadMs(layer)).toFixed(1)}`);
  console.log(`aws_list_300_tables_100_keys_ms=${(await onMoto(layer)).toFixed(0)}`);
  console.log(`aws_list_300_tables_100_keys_sandbox_ms=${(await onSandbox(layer)).toFixed(0)}`);
}
