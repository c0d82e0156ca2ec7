// A real moto server (an independent AWS emulator) on a free loopback port, for tests of the AWS layer.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { waitFor } from './wait';

export interface Moto {
  endpoint: string;
  port: number;
  /** Forgets every resource, as a fresh server would. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

// moto's boto3 reads AWS_CONFIG_FILE on requests: give it empty files of its own, so that what a test
// writes into the extension's AWS files (even a malformed file, on purpose) cannot break the server.
let motoConfigDir: string | undefined;
function serverEnvironment(): NodeJS.ProcessEnv {
  if (!motoConfigDir) {
    motoConfigDir = mkdtempSync(path.join(process.env.KMS_LAB_TEST_TMP ?? os.tmpdir(), 'moto-aws-'));
    writeFileSync(path.join(motoConfigDir, 'config'), '');
    writeFileSync(path.join(motoConfigDir, 'credentials'), '');
    const dir = motoConfigDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...env, AWS_CONFIG_FILE: path.join(motoConfigDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(motoConfigDir, 'credentials') };
}

export async function startMoto(options: { env?: Record<string, string> } = {}): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...serverEnvironment(), MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  // moto logs every request and any traceback to stderr: keep it with the test results.
  const logDir = process.env.KMS_LAB_TEST_RESULTS;
  if (logDir && child.stderr) {
    mkdirSync(logDir, { recursive: true });
    child.stderr.pipe(createWriteStream(path.join(logDir, `moto-${port}.log`)));
  }
  let stderr = '';
  let listening = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    // Only our own server's banner proves the port is ours, not another program's.
    if (stderr.includes(`Running on ${endpoint}`)) listening = true;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
      if (!listening) return false;
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      return response.ok;
    }, 60_000, 100);
  } catch (error) {
    await stop();
    throw new Error(`moto_server did not start on ${endpoint}: ${(error as Error).message}\n${stderr}`);
  }

  return {
    endpoint,
    port,
    stop,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
  };
}
