// The test entry VS Code loads in the extension host (extensionTestsPath). It runs every compiled
// *.test.js next to it with mocha and prints two machine-readable lines for the harness:
//   integration-start                      before the first test
//   integration-counts: <passed> <failed>  after the last
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { restoreAllStubs } from './support/stubs';

function findCompiledTests(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return findCompiledTests(full);
      return name.endsWith('.test.js') ? [full] : [];
    })
    .sort();
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: Number(process.env.KMS_LAB_TEST_TIMEOUT_MS ?? 60_000) });
  const grep = process.env.KMS_LAB_TEST_GREP;
  if (grep) mocha.grep(grep);
  mocha.rootHooks({ afterEach: () => restoreAllStubs() });
  for (const file of findCompiledTests(__dirname)) mocha.addFile(file);
  console.log('integration-start');

  const { passed, failed } = await new Promise<{ passed: number; failed: number }>((resolve, reject) => {
    try {
      let passes = 0;
      let failures = 0;
      const runner = mocha.run(() => resolve({ passed: passes, failed: failures }));
      runner.on('pass', () => passes++);
      runner.on('fail', () => failures++);
    } catch (error) {
      reject(error);
    }
  });
  console.log(`integration-counts: ${passed} ${failed}`);
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
}
