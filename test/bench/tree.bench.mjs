// tree_load_ms: how long the resources tree takes to show 100 keys and 300 tables of the local sandbox,
// measured inside the pinned VS Code (median of five refreshes).
import { benchInVscode } from '../harness/bench-in-vscode.mjs';

export default async function run() {
  for (const line of await benchInVscode({ name: 'tree-load', entry: 'test/bench/vscode/tree-load.ts' })) console.log(line);
}
