// Measures sandbox_stall_ms alone (the sandbox bench measures it last, after everything else): node test/bench/stall-only.mjs
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { measureStall } from './stall.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(root, 'package.json'));
const esbuild = require('esbuild');
const cli = path.join(root, 'out/bench/sandbox-cli.cjs');
await esbuild.build({ bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', minify: false, entryPoints: [path.join(root, 'src/sandbox/cli.ts')], outfile: cli });
const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-stall-'));
const child = spawn(process.execPath, [...(process.env.STALL_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.STALL_PROF] : []), cli, '--port', '0', '--data', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const lines = [];
await new Promise((resolve) => createInterface({ input: child.stdout }).on('line', (line) => lines.push(line) === 5 && resolve()));
const value = (name) => lines.find((line) => line.startsWith(`${name}=`)).slice(name.length + 1);
try {
  const results = await measureStall({ endpoint: value('AWS_ENDPOINT_URL'), credentials: { accessKeyId: value('AWS_ACCESS_KEY_ID'), secretAccessKey: value('AWS_SECRET_ACCESS_KEY') } });
  for (const [name, v] of Object.entries(results)) console.log(`${name}=${Number.isInteger(v) ? v : v.toFixed(1)}`);
} finally {
  child.kill();
  await rm(dataDir, { recursive: true, force: true });
}
