// Runs dynalite's own mocha suite over HTTP against a fresh sandbox, signed with the admin's keys, and reports how
// many of its tests pass (bare dynalite passes them all). Not part of npm test.
//   node test/fidelity/dynalite-suite.mjs --dynalite <checkout> [--node-path <dirs>] [--failures <file>] [--source <dir>]
//     [--grep <title regex>]
// <checkout> is a clone of architect/dynalite outside this repository whose test/helpers.js honours
// DYNALITE_ENDPOINT (requests go there, signed for dynamodb, instead of to a dynalite it starts); --node-path lists
// where its test dependencies (mocha, should, aws4, and dynalite's own) are found. --source names another copy of this
// repository's src/ (an earlier commit, say) to measure instead; --grep runs only the tests whose titles match.
// A failure where the sandbox answers as DynamoDB itself does, and dynalite does not, is counted apart (on_purpose=)
// with the reason (see DIFFERENCES_ON_PURPOSE); the rest are counted as unexplained=.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { isDeepStrictEqual } from 'node:util';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    dynalite: { type: 'string' },
    'node-path': { type: 'string', default: path.join(root, 'node_modules') },
    failures: { type: 'string' },
    'table-creation-ms': { type: 'string' },
    source: { type: 'string', default: path.join(root, 'src') },
    grep: { type: 'string' },
  },
});

/** mocha reports an assertion's values as its diff shows them: sorted members, one per line. */
const withoutTopMember = (shown, member) => String(shown ?? '').split('\n').filter((line) => !line.startsWith(`  "${member}": `)).join('\n');

/**
 * Where dynalite's tests expect dynalite's answer and the sandbox answers as DynamoDB does. Each names the tests it
 * covers and checks that the assertion's actual and expected values differ by that alone.
 */
const DIFFERENCES_ON_PURPOSE = [
  {
    why: 'CreateTable answers DeletionProtectionEnabled: false, as DynamoDB does (aws-recordings: dynamodb test_table_crud); dynalite leaves it out',
    title: /^createTable functionality should succeed for /,
    explains: (err) =>
      typeof err?.actual === 'string' &&
      err.actual.includes('\n  "DeletionProtectionEnabled": false') &&
      !String(err.expected).includes('"DeletionProtectionEnabled"') &&
      withoutTopMember(err.actual, 'DeletionProtectionEnabled') === err.expected,
  },
];

/** The reason a failure is a difference on purpose, or undefined. */
function onPurpose(failure) {
  return DIFFERENCES_ON_PURPOSE.find((difference) => difference.title.test(failure.fullTitle) && difference.explains(failure.err))?.why;
}
if (!args.dynalite) {
  console.error('usage: node test/fidelity/dynalite-suite.mjs --dynalite <checkout> [--node-path <dirs>] [--failures <file>]');
  process.exit(2);
}
const checkout = path.resolve(args.dynalite);
if (!readFileSync(path.join(checkout, 'test/helpers.js'), 'utf8').includes('DYNALITE_ENDPOINT')) {
  console.error(`${checkout}/test/helpers.js does not read DYNALITE_ENDPOINT; see the comment at the top of this script`);
  process.exit(2);
}

async function startSandbox(workDir) {
  const script = path.join(workDir, 'sandbox-cli.js');
  await esbuild.build({
    entryPoints: [path.join(path.resolve(args.source), 'sandbox/cli.ts')],
    nodePaths: [path.join(root, 'node_modules')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const extra = args['table-creation-ms'] === undefined ? [] : ['--table-creation-ms', args['table-creation-ms']];
  const child = spawn(process.execPath, [script, '--data', path.join(workDir, 'data'), ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
  });
  let stdout = '';
  const lines = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const lines = stdout.split('\n');
      if (lines.length > 5) resolve(lines.slice(0, 5));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before it was ready`)));
  });
  const env = Object.fromEntries(lines.filter((line) => line.includes('=')).map((line) => line.split(/=(.*)/s).slice(0, 2)));
  return { child, env };
}

const workDir = mkdtempSync(path.join(os.tmpdir(), 'kms-lab-dynalite-suite-'));
let sandbox;
try {
  sandbox = await startSandbox(workDir);
  const report = path.join(workDir, 'mocha.json');
  const mocha = path.join(args['node-path'].split(':').find((dir) => spawnSync('test', ['-e', path.join(dir, 'mocha/bin/mocha.js')]).status === 0) ?? '', 'mocha/bin/mocha.js');
  const run = spawnSync(process.execPath, [mocha, '--require', 'should', '--reporter', 'json', '--reporter-option', `output=${report}`, '-t', '10s', ...(args.grep ? ['--grep', args.grep] : [])], {
    cwd: checkout,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_PATH: args['node-path'],
      DYNALITE_ENDPOINT: sandbox.env.AWS_ENDPOINT_URL,
      AWS_REGION: sandbox.env.AWS_REGION,
      AWS_ACCESS_KEY_ID: sandbox.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: sandbox.env.AWS_SECRET_ACCESS_KEY,
      AWS_CONFIG_FILE: '/nonexistent/kms-lab-dynalite-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kms-lab-dynalite-credentials',
    },
  });
  const result = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`passes=${result.stats.passes}`);
  console.log(`failures=${result.stats.failures}`);
  console.log(`pending=${result.stats.pending}`);
  console.log(`dynalite_suite=${result.stats.passes}/${result.stats.passes + result.stats.failures}`);
  const reasons = result.failures.map(onPurpose);
  console.log(`on_purpose=${reasons.filter(Boolean).length}`);
  console.log(`unexplained=${reasons.filter((reason) => !reason).length}`);
  for (const why of new Set(reasons.filter(Boolean))) console.log(`  on purpose (${reasons.filter((reason) => reason === why).length}): ${why}`);
  if (args.failures) {
    const lines = result.failures.map((failure, n) => {
      const heading = reasons[n] ? `${failure.fullTitle}\n    ON PURPOSE: ${reasons[n]}` : failure.fullTitle;
      return `${heading}\n    ${String(failure.err?.message ?? '').split("\n").slice(0, 60).join('\n    ')}`;
    });
    writeFileSync(args.failures, `${lines.join('\n')}\n`);
  }
  if (run.status !== 0 && result.stats.failures === 0) console.error(run.stderr.slice(-2000));
} finally {
  sandbox?.child.kill('SIGTERM');
  await new Promise((resolve) => (sandbox ? sandbox.child.once('exit', resolve) : resolve()));
  rmSync(workDir, { recursive: true, force: true });
}
