// Runs the sandbox in a process of its own, so that nothing a request does can block the process that started it
// (the extension host): started and stopped with it, its endpoint and admin key handed back as a RunningSandbox,
// pinged over IPC, and restarted on the same port and data when it exits unexpectedly or stops answering.
//   const sandbox = await startSandboxProcess({ entry: 'dist/sandbox-child.js', dataDir, onRestart, onFailure });
// Only Node built-ins here: importing this module does not load the sandbox itself.
import { fork, type ChildProcess } from 'node:child_process';
import type { RunningSandbox } from '../index';
import type { ChildStartOptions, FromChild, ReadyMessage, ToChild } from './messages';

export interface SupervisorOptions {
  /** The child's script (dist/sandbox-child.js). */
  entry: string;
  dataDir: string;
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
  /** AWS's delays times this factor (0: instant). */
  awsTiming?: number;
  /** Share of requests throttled (0: none). */
  throttleRate?: number;
  /** One line per request from the sandbox (never values or secrets), and the child's stderr. */
  log?: (line: string) => void;
  /** The sandbox stopped (exited, or did not answer a ping in time) and was started again. */
  onRestart?: (event: { reason: string; pid: number | undefined }) => void;
  /** The sandbox stopped and could not be started again: it stays stopped. */
  onFailure?: (reason: string) => void;
  pingIntervalMs?: number;
  /** A ping unanswered for this long counts as a stuck sandbox: it is killed and restarted. */
  unresponsiveMs?: number;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** More restarts than this within restartWindowMs, and the supervisor gives up. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** V8 heap limit of the sandbox's process. */
  maxMemoryMb?: number;
}

export interface SupervisedSandbox extends RunningSandbox {
  /** The process id of the sandbox now running, if any. */
  readonly pid: number | undefined;
  readonly restarts: number;
}

const DEFAULTS = {
  pingIntervalMs: 2_000,
  unresponsiveMs: 15_000,
  startTimeoutMs: 60_000,
  stopTimeoutMs: 10_000,
  maxRestarts: 3,
  restartWindowMs: 60_000,
  maxMemoryMb: 2_048,
};

const STDERR_TAIL = 2_000;

interface Launched {
  child: ChildProcess;
  ready: ReadyMessage;
  exited: Promise<void>;
  stderrTail: () => string;
}

function launch(options: SupervisorOptions & typeof DEFAULTS, port: number): Promise<Launched> {
  const child = fork(options.entry, [], {
    // The extension host's own flags (an inspector port, for one) must not be inherited; under Electron the child
    // has to run as plain Node.
    execArgv: [`--max-old-space-size=${options.maxMemoryMb}`],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  let stderr = '';
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) options.log?.(`stderr: ${line}`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const start: ChildStartOptions = {
    dataDir: options.dataDir,
    port,
    host: options.host,
    region: options.region,
    accountId: options.accountId,
    awsTiming: options.awsTiming,
    throttleRate: options.throttleRate,
    verbose: options.log !== undefined,
  };
  return new Promise<Launched>((resolve, reject) => {
    const fail = (error: Error) => {
      cleanup();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`The sandbox did not start within ${Math.round(options.startTimeoutMs / 1000)} s`)), options.startTimeoutMs);
    const onMessage = (message: FromChild) => {
      if (message.type === 'log') options.log?.(message.line);
      else if (message.type === 'failed') fail(new Error(message.message));
      else if (message.type === 'ready') {
        cleanup();
        resolve({ child, ready: message, exited, stderrTail: () => stderr });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      const detail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : '';
      fail(new Error(`The sandbox's process exited (${code ?? signal}) before it was ready${detail}`));
    };
    const onError = (error: Error) => fail(new Error(`Could not start the sandbox's process: ${error.message}`, { cause: error }));
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
    child.send({ type: 'start', options: start } satisfies ToChild);
  });
}

function describeExit(child: ChildProcess): string {
  return child.signalCode ? `was killed (${child.signalCode})` : `exited with code ${child.exitCode}`;
}

class Supervisor implements SupervisedSandbox {
  private current: Launched;
  private restartTimes: number[] = [];
  private restarting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private pingId = 0;
  private pendingPing: { id: number; since: number } | undefined;
  private readonly timer: NodeJS.Timeout;
  restarts = 0;

  constructor(
    private readonly options: SupervisorOptions & typeof DEFAULTS,
    first: Launched,
  ) {
    this.current = first;
    this.watch(first);
    this.timer = setInterval(() => this.tick(), options.pingIntervalMs);
    this.timer.unref();
  }

  get endpoint(): string {
    return this.current.ready.endpoint;
  }
  get port(): number {
    return this.current.ready.port;
  }
  get region(): string {
    return this.current.ready.region;
  }
  get accountId(): string {
    return this.current.ready.accountId;
  }
  get admin(): { accessKeyId: string; secretAccessKey: string } {
    return this.current.ready.admin;
  }
  get pid(): number | undefined {
    const child = this.current.child;
    return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.restarting;
    const { child, exited } = this.current;
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
    const killer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
    await exited;
    clearTimeout(killer);
  }

  private watch(launched: Launched): void {
    launched.child.on('message', (message: FromChild) => {
      if (message.type === 'pong' && this.pendingPing?.id === message.id) this.pendingPing = undefined;
      else if (message.type === 'log') this.options.log?.(message.line);
    });
    launched.child.once('exit', () => {
      if (this.stopping || this.current !== launched) return;
      this.restart(`${describeExit(launched.child)}`);
    });
  }

  private tick(): void {
    if (this.stopping || this.restarting) return;
    const { child } = this.current;
    if (this.pendingPing) {
      const silent = Date.now() - this.pendingPing.since;
      if (silent >= this.options.unresponsiveMs) this.restart(`stopped answering for ${(silent / 1000).toFixed(1)} s`);
      return;
    }
    if (!child.connected) return;
    this.pendingPing = { id: ++this.pingId, since: Date.now() };
    child.send({ type: 'ping', id: this.pingId } satisfies ToChild, undefined, {}, () => undefined);
  }

  private restart(reason: string): void {
    if (this.restarting || this.stopping) return;
    this.restarting = this.restartOnce(reason).finally(() => (this.restarting = undefined));
  }

  private async restartOnce(reason: string): Promise<void> {
    const old = this.current;
    this.pendingPing = undefined;
    if (old.child.exitCode === null && old.child.signalCode === null) old.child.kill('SIGKILL');
    await old.exited;
    const now = Date.now();
    this.restartTimes = this.restartTimes.filter((time) => now - time < this.options.restartWindowMs);
    if (this.restartTimes.length >= this.options.maxRestarts) {
      this.giveUp(`The sandbox ${reason}, and it already restarted ${this.restartTimes.length} times in ${Math.round(this.options.restartWindowMs / 1000)} s; it stays stopped.`);
      return;
    }
    this.restartTimes.push(now);
    let next: Launched;
    try {
      // Same port, so that clients holding the endpoint reach the new process.
      next = await launch(this.options, old.ready.port);
    } catch (error) {
      this.giveUp(`The sandbox ${reason}, and could not be started again: ${(error as Error).message}`);
      return;
    }
    this.current = next;
    // stop() waits for this restart, then stops the new process.
    if (this.stopping) return;
    this.restarts++;
    this.watch(next);
    this.options.onRestart?.({ reason, pid: next.child.pid });
  }

  private giveUp(reason: string): void {
    clearInterval(this.timer);
    this.stopping = Promise.resolve();
    this.options.onFailure?.(reason);
  }
}

/** Starts the sandbox in its own process; resolves once it listens, rejects with the reason it could not start. */
export async function startSandboxProcess(options: SupervisorOptions): Promise<SupervisedSandbox> {
  const full = { ...DEFAULTS, ...stripUndefined(options) } as SupervisorOptions & typeof DEFAULTS;
  const first = await launch(full, options.port ?? 0);
  return new Supervisor(full, first);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
