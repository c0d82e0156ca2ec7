// Runs the Playwright UI tests (test/e2e/*.test.mjs) with node's test runner in a child process,
// streams its spec output and reads the counts from a TAP copy of the same run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { deferCleanup } from './cleanup.mjs';
import { repoRoot, stopProcessGroup } from './code-server.mjs';

export function findUiTests() {
  const dir = path.join(repoRoot, 'test/e2e');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.mjs'))
    .sort()
    .map((name) => path.join(dir, name));
}

function tapCount(tap, name) {
  const match = new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap);
  return match ? Number(match[1]) : undefined;
}

export async function runUiTests({ files, logDir, timeoutMs, grep, env = process.env, out = process.stdout }) {
  mkdirSync(logDir, { recursive: true });
  const tapFile = path.join(logDir, 'ui.tap');
  const args = [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...(grep ? [`--test-name-pattern=${grep}`] : []),
    ...files,
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = deferCleanup(() => stopProcessGroup(child));
  child.stdout.on('data', (chunk) => out.write(chunk));
  child.stderr.on('data', (chunk) => out.write(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stop();
  }, timeoutMs);
  const exitCode = await new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  clearTimeout(timer);
  await stop();

  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const passed = tapCount(tap, 'pass');
  const failed = tapCount(tap, 'fail');
  const cancelled = tapCount(tap, 'cancelled') ?? 0;
  if (timedOut) return { passed: passed ?? 0, failed: (failed ?? 0) + cancelled + 1, exitCode, problem: `the UI tests did not finish within ${timeoutMs / 1000} s` };
  if (passed === undefined || failed === undefined) return { passed: 0, failed: 1, exitCode, problem: `the UI test run exited with ${exitCode} without a summary` };
  if (exitCode !== 0 && failed + cancelled === 0) return { passed, failed: 1, exitCode, problem: `the UI test run exited with ${exitCode}` };
  return { passed, failed: failed + cancelled, exitCode };
}
