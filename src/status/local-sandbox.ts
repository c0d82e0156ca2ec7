import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ConnectionTarget } from '../aws/types';
import type { RunningSandbox } from '../sandbox/index';
import { startSandboxProcess } from '../sandbox/process/supervisor';
import { wipeDataDir } from '../sandbox/storage/data-dir';
import { readSettings } from '../config';

export const SANDBOX_LABEL = 'Local sandbox';

/**
 * The embedded offline AWS account. It runs in a process of its own (nothing it does can block the extension host),
 * on 127.0.0.1 and a free port, and is restarted on the same port if it stops answering; its state, the admin's
 * access key included, lives in the extension's global storage (0700 folder, 0600 files).
 */
export class LocalSandbox implements vscode.Disposable {
  private sandbox: RunningSandbox | undefined;
  /** The AWS timing factor the running sandbox was started with (0: instant). */
  awsTiming = 0;
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
    // A start under way finishes first, so that what it starts is stopped too.
    await this.starting?.catch(() => undefined);
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
    await wipeDataDir(this.dataDir);
    this.log.info('Local sandbox reset');
    if (wasRunning) await this.start();
  }

  private async boot(region?: string): Promise<RunningSandbox> {
    await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await fs.chmod(this.dataDir, 0o700);
    const started = Date.now();
    const sandbox = await startSandboxProcess({
      entry: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'sandbox-child.js').fsPath,
      dataDir: this.dataDir,
      port: 0,
      region,
      ...readSettings().sandboxTiming,
      log: (line) => this.log.debug(`sandbox: ${line}`),
      onRestart: ({ reason, pid }) => {
        this.log.warn(`Local sandbox ${reason}; restarted (process ${pid}) on ${sandbox.endpoint}`);
        void vscode.window.showWarningMessage(`The local sandbox ${reason} and was restarted. Writes it had acknowledged are kept.`);
      },
      onFailure: (reason) => {
        this.log.error(reason);
        if (this.sandbox === sandbox) {
          this.sandbox = undefined;
          this.emitter.fire(false);
        }
        void vscode.window.showErrorMessage(reason);
      },
    });
    this.sandbox = sandbox;
    const { awsTiming, throttleRate } = readSettings().sandboxTiming;
    this.awsTiming = awsTiming;
    const timing = awsTiming > 0 || throttleRate > 0 ? `, AWS timing ×${awsTiming}, throttle rate ${throttleRate}` : '';
    this.log.info(
      `Local sandbox listening on ${sandbox.endpoint} (account ${sandbox.accountId}, process ${sandbox.pid}, started in ${Date.now() - started} ms${timing})`,
    );
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
