// A lab context on the real local sandbox, with scripted answers instead of a person, and in-memory state and
// secrets instead of VS Code's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AwsSession } from '../../../src/aws/session';
import type { StaticCredentials } from '../../../src/aws/types';
import { KeyPolicyStore } from '../../../src/keypolicy/store';
import type { LabBackend } from '../../../src/lab/backend';
import { LabContext, type LabServices, type ReadPredictor } from '../../../src/lab/context';
import { Lab, type LabOptions } from '../../../src/lab/lab';
import { LabRecords, type KeyValueStore } from '../../../src/lab/record';
import { TestUserSecrets, type SecretStore } from '../../../src/lab/secrets';
import type { InputRequest, LabUi } from '../../../src/lab/ui';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox/index';

/** VS Code's global state, in memory. */
export class MemoryState implements KeyValueStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

/** VS Code's SecretStorage, in memory. */
export class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

export type Answer = string | boolean | undefined | ((request: InputRequest) => string | undefined);

/** Answers prompts in order; a prompt with no answer left fails the test, as an unexpected question would. */
export class ScriptedUi implements LabUi {
  readonly asked: { kind: string; message: string }[] = [];
  readonly diffs: { title: string; before: string; after: string }[] = [];
  private readonly answers: Answer[] = [];

  answer(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  get pending(): number {
    return this.answers.length;
  }

  private next(kind: string, message: string): Answer {
    this.asked.push({ kind, message });
    if (this.answers.length === 0) throw new Error(`unexpected ${kind}: ${message}`);
    return this.answers.shift();
  }

  async confirm(message: string, _detail: string, action: string): Promise<boolean> {
    const answer = this.next('confirm', message);
    return answer === true || answer === action;
  }

  async choose<T extends string>(message: string, _detail: string, choices: readonly T[]): Promise<T | undefined> {
    const answer = this.next('choose', message);
    if (answer === undefined) return undefined;
    if (!choices.includes(answer as T)) throw new Error(`"${String(answer)}" is not among ${choices.join(', ')} for: ${message}`);
    return answer as T;
  }

  async input(request: InputRequest): Promise<string | undefined> {
    const answer = this.next('input', request.title);
    const value = typeof answer === 'function' ? answer(request) : (answer as string | undefined);
    if (value === undefined) return undefined;
    const problem = request.validate(value);
    if (problem) throw new Error(`input "${request.title}" rejects ${value}: ${problem}`);
    return value;
  }

  /** Every progress message reported, in order. */
  readonly reports: string[] = [];

  async progress<T>(_title: string, task: (report: (message: string) => void) => Promise<T>): Promise<T> {
    return task((message) => this.reports.push(message));
  }

  async showPolicyDiff(title: string, before: string, after: string): Promise<void> {
    this.diffs.push({ title, before, after });
  }
}

export interface LabHarness {
  sandbox: RunningSandbox;
  admin: AwsSession;
  state: MemoryState;
  secrets: MemorySecrets;
  ui: ScriptedUi;
  context(backend?: LabBackend): Promise<LabContext>;
  lab(backend?: LabBackend, options?: LabOptions): Lab;
  services: LabServices;
  close(): Promise<void>;
}

const SANDBOX_BACKEND: LabBackend = { kind: 'sandbox', label: 'the local sandbox', scopePart: 'sandbox' };

export async function labHarness(predict: ReadPredictor, sandboxOptions: Partial<SandboxOptions> = {}): Promise<LabHarness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kms-lab-lab-'));
  const sandbox = await startSandbox({ ...sandboxOptions, dataDir });
  const base = { kind: 'static' as const, label: 'Local sandbox', region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin };
  const admin = new AwsSession(base);
  const state = new MemoryState();
  const secrets = new MemorySecrets();
  const ui = new ScriptedUi();
  const sessions: AwsSession[] = [];
  const keyPolicies = new KeyPolicyStore({ historyDir: path.join(dataDir, 'history') });
  const services: LabServices = {
    records: new LabRecords(state),
    secrets: new TestUserSecrets(secrets),
    keyPolicies,
    predict,
    ui,
    sessionAs(userName: string, credentials: StaticCredentials) {
      const session = new AwsSession({ kind: 'derived', label: userName, region: sandbox.region, base, credentials });
      sessions.push(session);
      return session;
    },
  };
  const context = async (backend = SANDBOX_BACKEND) => {
    admin.invalidate();
    return new LabContext(admin, await admin.sts.getCallerIdentity(), backend, services);
  };
  return {
    sandbox,
    admin,
    state,
    secrets,
    ui,
    context,
    lab: (backend = SANDBOX_BACKEND, options?: LabOptions) => new Lab(() => context(backend), options),
    services,
    async close() {
      for (const session of sessions) session.dispose();
      admin.dispose();
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
