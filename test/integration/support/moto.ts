// A real moto server (an independent AWS emulator) on a free loopback port, for tests of the AWS layer.
import { spawn, type ChildProcess } from 'node:child_process';
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

export async function startMoto(options: { env?: Record<string, string> } = {}): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
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
