// Replays the calls behind real AWS's recorded answers (../shared/aws-recordings, read at run time, never copied)
// against a fresh sandbox, and reports how many recorded entries the sandbox matches, per service, and how many of
// the KMS tests that only assert (kms-assertions.json) hold.
//   node test/fidelity/replay.mjs [--only <text>] [--diff] [--json <file>] [--recordings <dir>] [--source <dir>]
// --only keeps the scenarios whose test id contains text; --diff prints every difference; --source measures another
// copy of this repository's src/ (an earlier commit, say).
// Not part of npm test: it needs python3 with boto3, and the recordings outside the repository.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { differences } from './compare.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../..');
const SERVICES = ['kms', 'dynamodb', 'iam', 'sts'];
/** The account the recordings show; the sandbox is started with it so ARNs compare as they are. */
const RECORDED_ACCOUNT = '111111111111';
/**
 * Members AWS added to its answers after some recordings were made. An older recording still matches when the
 * sandbox's answer differs from it only by these members; such entries are counted apart ("later=").
 */
const ADDED_LATER = [
  {
    // Absent from ReEncrypt (June 2025), present in DescribeKey (August 2025) and Decrypt (September 2025).
    what: 'KMS key material ids',
    before: '2025-08-01',
    members: ['KeyMaterialId', 'SourceKeyMaterialId', 'DestinationKeyMaterialId'],
  },
];

function withoutLaterMembers(answer, validated) {
  if (!answer || typeof answer !== 'object' || Array.isArray(answer)) return undefined;
  const later = ADDED_LATER.filter((change) => validated < change.before).flatMap((change) => change.members);
  if (!later.some((member) => Object.hasOwn(answer, member))) return undefined;
  return Object.fromEntries(Object.entries(answer).filter(([member]) => !later.includes(member)));
}

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    diff: { type: 'boolean', default: false },
    json: { type: 'string' },
    recordings: { type: 'string', default: path.resolve(root, '../../shared/aws-recordings') },
    source: { type: 'string', default: path.join(root, 'src') },
  },
});

function loadRecordings(dir) {
  if (!existsSync(dir)) throw new Error(`no recordings at ${dir} (pass --recordings <dir>)`);
  const recorded = Object.fromEntries(SERVICES.map((service) => [service, JSON.parse(readFileSync(path.join(dir, `${service}.json`), 'utf8')).scenarios]));
  recorded.kmsAssertions = JSON.parse(readFileSync(path.join(dir, 'kms-assertions.json'), 'utf8')).tests;
  return recorded;
}

/** "tests/aws/services/kms/test_kms.py::TestKMS::test_x[p]" → "TestKMS::test_x[p]", the name the replay script uses. */
function shortId(test) {
  return test.split('::').slice(1).join('::');
}

async function startSandbox(workDir) {
  const script = path.join(workDir, 'sandbox-cli.js');
  await esbuild.build({
    entryPoints: [path.join(path.resolve(args.source), 'sandbox/cli.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    nodePaths: [path.join(root, 'node_modules')],
  });
  const child = spawn(process.execPath, [script, '--data', path.join(workDir, 'data'), '--account', RECORDED_ACCOUNT], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const lines = stdout.split('\n');
      if (lines.length > 5) resolve(lines.slice(0, 5));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before it was ready: ${stderr}`)));
  });
  const env = Object.fromEntries(lines.filter((line) => line.includes('=')).map((line) => line.split(/=(.*)/s).slice(0, 2)));
  return { child, env };
}

function runScenarios(env, only) {
  const result = spawnSync('python3', [path.join(here, 'scenarios/run.py'), only], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PYTHONDONTWRITEBYTECODE: '1',
      AWS_CONFIG_FILE: '/nonexistent/kms-lab-fidelity-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kms-lab-fidelity-credentials',
      ...env,
    },
  });
  if (result.status !== 0) throw new Error(`the replay script failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const recordings = loadRecordings(args.recordings);
const workDir = mkdtempSync(path.join(os.tmpdir(), 'kms-lab-fidelity-'));
let sandbox;
try {
  sandbox = await startSandbox(workDir);
  const { snapshots: answers, assertions } = runScenarios(sandbox.env, args.only);
  const report = {};
  for (const service of SERVICES) {
    const rows = [];
    for (const scenario of recordings[service]) {
      const id = shortId(scenario.test);
      if (!id.includes(args.only)) continue;
      const answered = answers[id];
      for (const [entry, recorded] of Object.entries(scenario.entries)) {
        let diff;
        if (answered === undefined) diff = ['not replayed'];
        else if (answered.__failed__ && !Object.hasOwn(answered, entry)) diff = [`scenario failed: ${answered.__failed__}`];
        else if (!Object.hasOwn(answered, entry)) diff = ['entry not produced'];
        else diff = differences(recorded, answered[entry]);
        let later = false;
        const older = diff.length > 0 && answered?.[entry] !== undefined ? withoutLaterMembers(answered[entry], scenario.last_validated_date) : undefined;
        if (older && differences(recorded, older).length === 0) [diff, later] = [[], true];
        rows.push({ test: id, entry, matched: diff.length === 0, later, diff });
      }
    }
    report[service] = rows;
  }
  let total = 0;
  let matched = 0;
  for (const service of SERVICES) {
    const rows = report[service];
    const ok = rows.filter((row) => row.matched).length;
    total += rows.length;
    matched += ok;
    const later = rows.filter((row) => row.later).length;
    console.log(`${service}=${ok}/${rows.length}${later ? ` (later=${later}: matched but for members AWS added after the recording)` : ''}`);
    if (args.diff) {
      for (const row of rows.filter((r) => !r.matched)) {
        console.log(`  ✗ ${row.test} ${row.entry}`);
        for (const line of row.diff.slice(0, 12)) console.log(`      ${line}`);
      }
    }
  }
  console.log(`total=${matched}/${total}`);
  // Tests that only assert (kms-assertions.json), reported apart from the recorded answers.
  const asserted = recordings.kmsAssertions.map((entry) => shortId(entry.test)).filter((id) => id.includes(args.only));
  const held = asserted.filter((id) => assertions[id] === 'ok');
  console.log(`kms_assertions=${held.length}/${asserted.length}`);
  if (args.diff) for (const id of asserted.filter((test) => assertions[test] !== 'ok')) console.log(`  ✗ ${id}: ${assertions[id] ?? 'not replayed'}`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ ...report, kmsAssertions: assertions }, null, 2));
} finally {
  sandbox?.child.kill('SIGTERM');
  await new Promise((resolve) => (sandbox ? sandbox.child.once('exit', resolve) : resolve()));
  rmSync(workDir, { recursive: true, force: true });
}
