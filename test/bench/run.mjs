// npm run bench: runs every test/bench/*.bench.mjs in turn. Each prints name=value lines on stdout.
//   node test/bench/run.mjs [filter]   runs only the benches whose file name contains filter
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = path.dirname(new URL(import.meta.url).pathname);
const filter = process.argv[2] ?? '';
const benches = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.mjs') && name.includes(filter))
  .sort();

let failed = 0;
for (const name of benches) {
  const started = Date.now();
  try {
    const bench = await import(pathToFileURL(path.join(dir, name)).href);
    await bench.default();
    console.error(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed++;
    console.error(`bench: ${name} failed: ${error instanceof Error ? error.stack : error}`);
  }
}
process.exit(failed ? 1 : 0);
