// lab_sandbox_ms: lab steps 1–9 against the embedded sandbox, inside the pinned VS Code, every prompt answered at
// once (median of three full runs, each ending with the clean-up).
import { benchInVscode } from '../harness/bench-in-vscode.mjs';

export default async function run() {
  for (const line of await benchInVscode({ name: 'lab', entry: 'test/bench/vscode/lab-run.ts' })) console.log(line);
}
