// `npm run test:integration`: the extension-host tests (mocha, inside VS Code) and then the Playwright
// UI tests, all in the pinned code-server, offline, with a throwaway HOME and AWS files.
//   node test/harness/run-integration.mjs [--grep <pattern>] [--host-only] [--ui-only] [--keep]
// First line: `integration: running in VS Code <version>`. Last line: `integration: <N> passed, <M> failed`.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deferCleanup, runCleanups } from './cleanup.mjs';
import { compileExtensionHostTests } from './compile-tests.mjs';
import { ensureCodeServer, repoRoot, vscodeVersion } from './code-server.mjs';
import { runExtensionHostTests } from './extension-tests.mjs';
import { createIsolatedEnv } from './isolated-env.mjs';
import { findUiTests, runUiTests } from './ui-tests.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.KMS_LAB_INTEGRATION_TIMEOUT_MS ?? 20 * 60_000);
const HOST_TIMEOUT_MS = 12 * 60_000;
const UI_TIMEOUT_MS = 6 * 60_000;

const { values: options } = parseArgs({
  options: {
    grep: { type: 'string' },
    'host-only': { type: 'boolean', default: false },
    'ui-only': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const resultsDir = path.join(repoRoot, 'test-results/integration');
let reported = false;

function report(passed, failed) {
  if (reported) return;
  reported = true;
  console.log(`integration: ${passed} passed, ${failed} failed`);
}

/** The UI test process makes its fixtures with the SDK: keep it away from the real AWS files and identity. */
function uiRunnerEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/kms-lab-ui-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kms-lab-ui-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(options.keep ? { KMS_LAB_KEEP_TMP: '1' } : {}),
  };
}

async function main() {
  ensureCodeServer();
  const version = vscodeVersion();
  console.log(`integration: running in VS Code ${version}`);
  rmSync(resultsDir, { recursive: true, force: true });
  let passed = 0;
  let failed = 0;
  const problems = [];

  if (!options['ui-only']) {
    const extensionTestsPath = await compileExtensionHostTests();
    const isolated = createIsolatedEnv({
      name: 'integration',
      extraEnv: {
        KMS_LAB_EXPECTED_VSCODE_VERSION: version,
        KMS_LAB_TEST_RESULTS: resultsDir,
        ...(options.grep ? { KMS_LAB_TEST_GREP: options.grep } : {}),
      },
    });
    if (!options.keep) deferCleanup(isolated.cleanup);
    console.log(`integration: extension-host tests (mocha) in ${isolated.root}`);
    const host = await runExtensionHostTests({ isolated, extensionTestsPath, logDir: resultsDir, timeoutMs: HOST_TIMEOUT_MS });
    passed += host.passed;
    failed += host.failed;
    if (host.problem) problems.push(`extension host: ${host.problem}`);
  }

  if (!options['host-only']) {
    const files = findUiTests();
    if (files.length > 0) {
      console.log(`integration: UI tests (Playwright) ${files.map((f) => path.relative(repoRoot, f)).join(' ')}`);
      const ui = await runUiTests({
        files,
        logDir: resultsDir,
        timeoutMs: UI_TIMEOUT_MS,
        grep: options.grep,
        env: uiRunnerEnv(),
      });
      passed += ui.passed;
      failed += ui.failed;
      if (ui.problem) problems.push(`UI tests: ${ui.problem}`);
    }
  }

  for (const problem of problems) console.error(`integration: ${problem}`);
  if (failed > 0) console.error(`integration: logs and screenshots are in ${path.relative(process.cwd(), path.join(repoRoot, 'test-results'))}/`);
  if (passed + failed === 0) {
    console.error('integration: no test ran');
    failed = 1;
  }
  await runCleanups();
  report(passed, failed);
  return failed === 0 ? 0 : 1;
}

const guard = setTimeout(async () => {
  console.error(`integration: gave up after ${Math.round(OVERALL_TIMEOUT_MS / 1000)} s (overall limit)`);
  await runCleanups();
  report(0, 1);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`integration: interrupted (${signal})`);
    await runCleanups();
    report(0, 1);
    process.exit(130);
  });
}

try {
  const code = await main();
  clearTimeout(guard);
  process.exit(code);
} catch (error) {
  console.error(`integration: ${error.stack ?? error}`);
  await runCleanups();
  report(0, 1);
  process.exit(1);
}
