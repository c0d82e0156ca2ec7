// Starts a real sandbox on a free loopback port in a fresh temporary folder, ready for SDK v3 clients:
//   const sb = await startTestSandbox();
//   const iam = new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
//   ...
//   await sb.stop(); // stops the server and deletes the folder
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../../src/sandbox/index';

export interface TestSandbox {
  endpoint: string;
  region: string;
  accountId: string;
  /** The admin's access key (AdministratorAccess). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  dataDir: string;
  sandbox: RunningSandbox;
  /** Stops the server; deletes the data folder unless keepData was asked for. */
  stop(): Promise<void>;
}

/**
 * Tests of other behaviour create a table and use it at once, so their sandbox makes tables ACTIVE before CreateTable
 * answers; the tests of the CREATING window ask for one (tableCreationMs).
 */
export const TEST_TABLE_CREATION_MS = 0;

export interface TestSandboxOptions extends Partial<SandboxOptions> {
  /** Keep the folder after stop(), e.g. to restart on the same data. */
  keepData?: boolean;
}

export async function startTestSandbox(options: TestSandboxOptions = {}): Promise<TestSandbox> {
  const { keepData, ...rest } = options;
  const dataDir = rest.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'kms-lab-sandbox-')));
  const sandbox = await startSandbox({ port: 0, tableCreationMs: TEST_TABLE_CREATION_MS, ...rest, dataDir });
  return {
    endpoint: sandbox.endpoint,
    region: sandbox.region,
    accountId: sandbox.accountId,
    credentials: { ...sandbox.admin },
    dataDir,
    sandbox,
    async stop() {
      await sandbox.stop();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
