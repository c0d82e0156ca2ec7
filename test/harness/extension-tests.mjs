// Runs the compiled mocha entry inside the extension host of a real VS Code (code-server), opened in
// Chromium with extensionTestsPath in the payload, and streams what the tests print.
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { launchChromium } from './browser.mjs';
import { deferCleanup } from './cleanup.mjs';
import { repoRoot, startCodeServer, workbenchUrl } from './code-server.mjs';

const START = 'integration-start';
const COUNTS = /^integration-counts: (\d+) (\d+)$/m;
const NOISE = /open-vsx\.org/;

/**
 * Returns { passed, failed, exitCode, problem } where problem explains a run that never reported counts.
 * Everything VS Code logs outside the test run goes to `<logDir>/workbench.log`.
 */
export async function runExtensionHostTests({ isolated, extensionTestsPath, logDir, timeoutMs, out = process.stdout }) {
  mkdirSync(logDir, { recursive: true });
  const workbenchLog = createWriteStream(path.join(logDir, 'workbench.log'));
  const serverLog = createWriteStream(path.join(logDir, 'code-server.log'));
  const cleanups = [];
  try {
    const server = await startCodeServer({
      env: isolated.env,
      userDataDir: isolated.userDataDir,
      extensionsDir: isolated.extensionsDir,
      folder: isolated.workspace,
      onOutput: (text) => serverLog.write(text),
    });
    cleanups.push(deferCleanup(() => server.stop()));
    const browser = await launchChromium();
    cleanups.push(deferCleanup(() => browser.close().catch(() => {})));
    const page = await browser.newPage();

    let inRun = false;
    let counts;
    const onLine = (level, text) => {
      if (text === START) {
        inRun = true;
        return;
      }
      const match = COUNTS.exec(text);
      if (match) {
        counts = { passed: Number(match[1]), failed: Number(match[2]) };
        inRun = false;
        return;
      }
      if (inRun && !NOISE.test(text)) out.write(`${level === 'error' ? '[error] ' : ''}${text}\n`);
      else workbenchLog.write(`[${level}] ${text}\n`);
    };

    let finish;
    const finished = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (level, args) => {
      onLine(level, Array.isArray(args) ? format(...args) : String(args));
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish({ exitCode: Number(code) }));
    page.on('crash', () => finish({ exitCode: 1, problem: 'the workbench page crashed' }));
    page.on('pageerror', (error) => workbenchLog.write(`[pageerror] ${error.stack ?? error}\n`));

    const timer = setTimeout(() => finish({ exitCode: 1, problem: `the extension-host tests did not finish within ${timeoutMs / 1000} s` }), timeoutMs);
    const url = workbenchUrl(server, isolated.workspace, { extensionDevelopmentPath: repoRoot, extensionTestsPath });
    await page.goto(url);
    const result = await finished;
    clearTimeout(timer);

    if (!counts) {
      return { passed: 0, failed: 1, exitCode: result.exitCode, problem: result.problem ?? `the test entry exited with ${result.exitCode} without reporting counts (see ${logDir})` };
    }
    if (result.problem) return { ...counts, failed: counts.failed + 1, exitCode: result.exitCode, problem: result.problem };
    if (result.exitCode !== 0 && counts.failed === 0) {
      return { ...counts, failed: 1, exitCode: result.exitCode, problem: `the test entry exited with ${result.exitCode}` };
    }
    return { ...counts, exitCode: result.exitCode };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    workbenchLog.end();
    serverLog.end();
  }
}
