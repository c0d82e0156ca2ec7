// `npm run test:desktop`: the same extension-host suite in desktop VS Code through @vscode/test-electron,
// for machines that can download VS Code. Same isolation as the code-server harness: a throwaway HOME,
// empty AWS files, no AWS_* variables from outside.
//   node test/harness/run-desktop.mjs [--vscode <version|stable|insiders>] [--grep <pattern>] [--keep]
import { runTests } from '@vscode/test-electron';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileExtensionHostTests } from './compile-tests.mjs';
import { repoRoot } from './code-server.mjs';
import { createIsolatedEnv } from './isolated-env.mjs';

// The VS Code that code-server 4.100.3 ships, so both launchers test the same version by default.
const DEFAULT_VSCODE = '1.100.3';

const { values: options } = parseArgs({
  options: {
    vscode: { type: 'string', default: DEFAULT_VSCODE },
    grep: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const COUNTS = /integration-counts: (\d+) (\d+)\s*$/;
let counts;
let partialLine = '';
// runTests pipes VS Code's output to our stdout in chunks: watch its lines for the suite's counts.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const lines = (partialLine + String(chunk)).split(/\r?\n/);
  partialLine = lines.pop() ?? '';
  for (const line of lines) {
    const match = COUNTS.exec(line);
    if (match) counts = { passed: Number(match[1]), failed: Number(match[2]) };
  }
  return write(chunk, ...rest);
};

const extensionTestsPath = await compileExtensionHostTests();
const isolated = createIsolatedEnv({
  name: 'desktop',
  keepXdg: true, // the desktop app needs the session's XDG_RUNTIME_DIR and friends
  extraEnv: {
    ...(/^\d+\.\d+\.\d+$/.test(options.vscode) ? { KMS_LAB_EXPECTED_VSCODE_VERSION: options.vscode } : {}),
    KMS_LAB_TEST_RESULTS: path.join(repoRoot, 'test-results/desktop'),
    ...(options.grep ? { KMS_LAB_TEST_GREP: options.grep } : {}),
  },
});
// runTests merges this over process.env; an undefined value removes a variable from VS Code's environment.
const removed = Object.fromEntries(Object.keys(process.env).filter((name) => !(name in isolated.env)).map((name) => [name, undefined]));

let exitCode = 1;
try {
  console.log(`integration: running in VS Code ${options.vscode} (desktop)`);
  exitCode = await runTests({
    version: options.vscode,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: { ...removed, ...isolated.env },
    launchArgs: [isolated.workspace, `--user-data-dir=${isolated.userDataDir}`, `--extensions-dir=${isolated.extensionsDir}`, '--disable-extensions'],
  });
} catch (error) {
  console.error(`integration: ${error.message}`);
  exitCode = 1;
} finally {
  if (!options.keep) isolated.cleanup();
}
const passed = counts?.passed ?? 0;
const failed = counts ? counts.failed + (exitCode !== 0 && counts.failed === 0 ? 1 : 0) : 1;
console.log(`integration: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && exitCode === 0 ? 0 : 1);
