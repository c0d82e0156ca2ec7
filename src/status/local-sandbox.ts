import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ConnectionTarget } from '../aws/types';
import type { RunningSandbox } from '../sandbox/index';

export const SANDBOX_LABEL = 'Local sandbox';

/**
 * The embedded offline AWS account. It runs inside the extension host on 127.0.0.1 and a free port;
 * its state, the admin's access key included, lives in the extension's global storage (0700 folder, 0600 files).
 */
export class LocalSandbox implements vscode.Disposable {
  private sandbox: RunningSandbox | undefined;
  private starting: Promise<RunningSandbox> | undefined;
  private readonly emitter = new vscode.EventEmitter<boolean>();
  readonly onDidChangeRunning = this.emitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get running(): RunningSandbox | undefined {
    return this.sandbox;
  }

  get dataDir(): string {
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'sandbox').fsPath;
  }

  /** Starts the sandbox if needed and returns the connection target that reaches it. */
  async start(region?: string): Promise<ConnectionTarget> {
    const running = this.sandbox ?? (await (this.starting ??= this.boot(region).finally(() => (this.starting = undefined))));
    return { kind: 'static', label: SANDBOX_LABEL, region: region ?? running.region, endpoint: running.endpoint, credentials: running.admin };
  }

  async stop(): Promise<void> {
    const running = this.sandbox;
    this.sandbox = undefined;
    if (!running) return;
    await running.stop();
    this.log.info('Local sandbox stopped');
    this.emitter.fire(false);
  }

  /** Deletes every key, table, item and user of the sandbox account. */
  async reset(): Promise<void> {
    const wasRunning = this.sandbox !== undefined;
    await this.stop();
    const { resetSandbox } = await import('../sandbox/index');
    await resetSandbox(this.dataDir);
    this.log.info('Local sandbox reset');
    if (wasRunning) await this.start();
  }

  private async boot(region?: string): Promise<RunningSandbox> {
    await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await fs.chmod(this.dataDir, 0o700);
    const { startSandbox } = await import('../sandbox/index');
    const started = Date.now();
    const sandbox = await startSandbox({ dataDir: this.dataDir, port: 0, region, log: (line) => this.log.debug(`sandbox: ${line}`) });
    this.sandbox = sandbox;
    this.log.info(`Local sandbox listening on ${sandbox.endpoint} (account ${sandbox.accountId}, started in ${Date.now() - started} ms)`);
    this.emitter.fire(true);
    return sandbox;
  }

  dispose(): void {
    void this.stop();
    this.emitter.dispose();
  }
}

export function isSandboxTarget(target: ConnectionTarget | undefined): boolean {
  return target?.kind === 'static' && target.label === SANDBOX_LABEL;
}
