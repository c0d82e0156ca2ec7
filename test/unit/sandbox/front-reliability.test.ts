// One sandbox per data folder: a second one says which sandbox holds the folder (process and endpoint), a folder left
// by a killed sandbox is taken over, and a running sandbox's folder cannot be reset under it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { resetSandbox, startSandbox } from '../../../src/sandbox/index';
import { runCli, startCli, type CliProcess } from './helpers/cli-process';

const dirs: string[] = [];
const clis: CliProcess[] = [];
after(async () => {
  for (const cli of clis) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kms-lab-lock-'));
  dirs.push(dir);
  return path.join(dir, 'data');
}

describe('one sandbox per data folder', () => {
  test('a second sandbox on a folder in use says which sandbox holds it; a reset waits for it to stop', async () => {
    const dataDir = await folder();
    const first = await startSandbox({ dataDir, port: 0 });
    try {
      await assert.rejects(
        startSandbox({ dataDir, port: 0 }),
        new RegExp(`^Error: Another sandbox holds the data folder ${dataDir}: process ${process.pid}, listening on ${first.endpoint.replace(/\./g, '\\.')}\\. Stop it first`),
      );
      await assert.rejects(resetSandbox(dataDir), new RegExp(`The sandbox in ${dataDir} is running \\(process ${process.pid}\\)`));
      // The first one is unharmed.
      await new KMSClient({ endpoint: first.endpoint, region: first.region, credentials: first.admin }).send(new ListKeysCommand({}));
    } finally {
      await first.stop();
    }
    const again = await startSandbox({ dataDir, port: 0 });
    await again.stop();
    await resetSandbox(dataDir);
  });

  test('between two CLIs the second names the first; after the first is killed, the folder is taken over', async () => {
    const dataDir = await folder();
    const first = await startCli(['--data', dataDir, '--port', '0']);
    clis.push(first);
    const second = await runCli(['--data', dataDir, '--port', '0']);
    assert.equal(second.code, 1);
    assert.equal(second.stdout, '');
    assert.match(second.stderr, new RegExp(`^sandbox: Another sandbox holds the data folder .*: process ${first.child.pid}, listening on ${first.endpoint.replace(/\./g, '\\.')}\\.`));
    first.child.kill('SIGKILL');
    await first.exited;
    const third = await startCli(['--data', dataDir, '--port', '0']);
    clis.push(third);
    assert.deepEqual(third.credentials, first.credentials);
    third.child.kill('SIGINT');
    assert.deepEqual(await third.exited, { code: 0, signal: null });
  });
});
