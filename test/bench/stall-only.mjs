// Measures sandbox_stall_ms alone (the sandbox bench measures it last, after everything else):
//   node test/bench/stall-only.mjs
//   BENCH_NO_MINIFY=1 STALL_PROF=/tmp/prof node test/bench/stall-only.mjs   (a CPU profile of the sandbox in /tmp/prof)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSandbox, startSandboxProcess } from './sandbox.bench.mjs';
import { measureStall } from './stall.mjs';

await buildSandbox();
const dataDir = await mkdtemp(path.join(tmpdir(), 'kms-lab-stall-'));
const sandbox = await startSandboxProcess(dataDir, process.env.STALL_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STALL_PROF}`] : []);
try {
  const results = await measureStall(sandbox);
  for (const [name, value] of Object.entries(results)) console.log(`${name}=${Number.isInteger(value) ? value : value.toFixed(1)}`);
} finally {
  sandbox.child.kill();
  await rm(dataDir, { recursive: true, force: true });
}
