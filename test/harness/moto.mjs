// A real moto server on a free loopback port, for the UI tests (the extension-host tests have their own
// copy in test/integration/support/moto.ts, which runs inside VS Code).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './code-server.mjs';

export async function startMoto({ env = process.env } = {}) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Empty AWS files of its own: moto's boto3 reads them on requests, and the tests' files are not its business.
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'kms-lab-moto-'));
  writeFileSync(path.join(configDir, 'config'), '');
  writeFileSync(path.join(configDir, 'credentials'), '');
  const serverEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_')));
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: {
      ...serverEnv,
      AWS_CONFIG_FILE: path.join(configDir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(configDir, 'credentials'),
      MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.once('exit', () => rmSync(configDir, { recursive: true, force: true }));
  let stderr = '';
  let listening = false;
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    if (stderr.includes(`Running on ${endpoint}`)) listening = true; // our own banner, not another program's port
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    if (listening) {
      try {
        if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
      } catch {
        // not answering yet
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, port, stop };
}
