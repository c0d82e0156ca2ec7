// lab_sandbox_ms: lab steps 1–9 against the embedded sandbox, inside the pinned VS Code, every prompt answered at
// once (median of three full runs, each ending with the clean-up); lab_aws_timing_ms: one more run with the sandbox at
// AWS's timing 0.02 and throttle rate 0.1 (goal: under 3× lab_sandbox_ms plus the scaled delays the lab waits for).
import { benchInVscode } from '../harness/bench-in-vscode.mjs';

export default async function run() {
  for (const line of await benchInVscode({ name: 'lab', entry: 'test/bench/vscode/lab-run.ts' })) console.log(line);
}
