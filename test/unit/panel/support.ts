// The table panel's controllers on the real local sandbox: a key, a table it encrypts with items, and the lab's test
// user (full DynamoDB access, no use of the key). Only what a person answers is scripted (PanelUi); the page is a
// recorder that drops what is posted before it is ready, as VS Code's webview would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { silentLogger } from '../../../src/aws/log';
import { AwsSession } from '../../../src/aws/session';
import type { ConnectionTarget, StaticCredentials } from '../../../src/aws/types';
import type { PanelHost, PanelUi, PrincipalChoice } from '../../../src/panel/controller';
import type { HostMessage } from '../../../src/panel/protocol';
import type { ReadAsChoice, ReadAsDirectory } from '../../../src/panel/read-as';
import { PanelScope } from '../../../src/panel/scope';
import { addKeyUser, removeKeyUser } from '../../../src/policy';
import { AccountChanges, type AccountChangeEvent } from '../../../src/session/account-changes';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/index';
import { waitForActive } from '../sandbox/helpers/tables';

export const TABLE = 'panel-unit-table';
export const USER = 'kms-lab-test-user';

export interface Fixture {
  dir: string;
  sandbox: RunningSandbox;
  admin: AwsSession;
  keyId: string;
  keyArn: string;
  userArn: string;
  user: StaticCredentials;
  kms: KMSClient;
  stop(): Promise<void>;
}

export function target(fixture: Fixture, label: string, credentials: StaticCredentials): ConnectionTarget {
  return { kind: 'static', label, region: fixture.sandbox.region, endpoint: fixture.sandbox.endpoint, credentials };
}

/** `timing`: the sandbox keeping AWS's timing (and throttling), as `--aws-timing` and `--throttle-rate` make it. */
export async function startFixture(items = 3, timing: { awsTiming?: number; throttleRate?: number } = {}): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kms-lab-panel-unit-'));
  const sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), ...timing });
  const config = { region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin, maxAttempts: 10 };
  const kms = new KMSClient(config);
  const dynamodb = new DynamoDBClient(config);
  const iam = new IAMClient(config);
  const admin = new AwsSession({ kind: 'static', label: 'Local sandbox', region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.admin });
  const key = await admin.kms.createKey({ description: 'panel unit key' });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.keyId },
    }),
  );
  await waitForActive(dynamodb, TABLE);
  for (let i = 1; i <= items; i++) await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: `item-${i}` } } }));
  const user = await iam.send(new CreateUserCommand({ UserName: USER }));
  await iam.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  const accessKey = (await iam.send(new CreateAccessKeyCommand({ UserName: USER }))).AccessKey!;
  dynamodb.destroy();
  iam.destroy();
  return {
    dir,
    sandbox,
    admin,
    keyId: key.keyId,
    keyArn: key.arn,
    userArn: user.User!.Arn!,
    user: { accessKeyId: accessKey.AccessKeyId!, secretAccessKey: accessKey.SecretAccessKey! },
    kms,
    async stop() {
      admin.dispose();
      kms.destroy();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function livePolicy(fixture: Fixture): Promise<string> {
  return (await fixture.kms.send(new GetKeyPolicyCommand({ KeyId: fixture.keyId, PolicyName: 'default' }))).Policy ?? '';
}

/** Changes the key policy outside KMS Lab (as the console would): names the test user as a key user, or not. */
export async function setKeyUser(fixture: Fixture, named: boolean): Promise<void> {
  const live = await livePolicy(fixture);
  const next = named ? addKeyUser(live, fixture.userArn) : removeKeyUser(live, fixture.userArn);
  await fixture.kms.send(new PutKeyPolicyCommand({ KeyId: fixture.keyId, PolicyName: 'default', Policy: next }));
}

/** The page: keeps what it was sent once ready, and what was dropped before. */
export class RecordingPage implements PanelHost {
  ready = false;
  visible = true;
  readonly received: HostMessage[] = [];
  readonly dropped: HostMessage[] = [];

  post(message: HostMessage): void {
    // Posted messages are copied, as postMessage does: later changes on the host side do not reach the page.
    (this.ready ? this.received : this.dropped).push(structuredClone(message));
  }

  isVisible(): boolean {
    return this.visible;
  }

  of<T extends HostMessage['type']>(type: T, from: HostMessage[] = this.received): Extract<HostMessage, { type: T }>[] {
    return from.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
  }

  last<T extends HostMessage['type']>(type: T): Extract<HostMessage, { type: T }> | undefined {
    return this.of(type).at(-1);
  }

  clear(): void {
    this.received.length = 0;
    this.dropped.length = 0;
  }
}

/** A person's answers, in order; a question with no answer left fails the test. */
export class ScriptedPanelUi implements PanelUi {
  readonly asked: string[] = [];
  readonly copied: { text: string; what: string }[] = [];
  private readonly answers: (boolean | string | undefined)[] = [];

  answer(...answers: (boolean | string | undefined)[]): this {
    this.answers.push(...answers);
    return this;
  }

  private next(question: string): boolean | string | undefined {
    this.asked.push(question);
    if (this.answers.length === 0) throw new Error(`unexpected question: ${question}`);
    return this.answers.shift();
  }

  async confirmOverwrite(keyLabel: string): Promise<boolean> {
    return this.next(`overwrite ${keyLabel}`) === true;
  }
  async confirmDiscard(): Promise<boolean> {
    return this.next('discard') === true;
  }
  async confirmRestoreOverDraft(): Promise<boolean> {
    return this.next('restore over draft') === true;
  }
  async pickPrincipal(title: string, choices: Promise<PrincipalChoice[]>): Promise<string | undefined> {
    const list = await choices;
    const answer = this.next(`${title}: ${list.map((c) => c.label).join(', ')}`);
    return typeof answer === 'string' ? answer : undefined;
  }
  async copy(text: string, what: string): Promise<void> {
    this.copied.push({ text, what });
  }
  async saveJson(): Promise<string | undefined> {
    return undefined;
  }
  async canOpenKeyPolicyEditor(): Promise<boolean> {
    return false;
  }
  async openKeyPolicyEditor(): Promise<void> {}
  async ssoLogin(): Promise<void> {}
  async switchProfile(): Promise<void> {}
}

/** "Read as" offers the test user (as the lab's identity) and nothing else. */
export function readAsTestUser(fixture: Fixture, options: { gone?: () => boolean } = {}): ReadAsDirectory {
  return {
    async choices(): Promise<ReadAsChoice[]> {
      if (options.gone?.()) return [];
      return [{ kind: 'identity', id: `lab:sandbox:${USER}`, label: USER, description: 'lab test user', arn: fixture.userArn, target: async () => target(fixture, USER, fixture.user) }];
    },
  };
}

export function scopeOf(fixture: Fixture, readAs: ReadAsDirectory, options: { readAs?: string; readAsLabel?: string } = {}): PanelScope {
  const connection = { target: fixture.admin.target, session: fixture.admin };
  return new PanelScope({ region: fixture.sandbox.region, tableName: TABLE }, { log: silentLogger, connection, readAs, openSession: (t) => new AwsSession(t) }, options);
}

export function keyPolicyChange(fixture: Fixture, source = 'a test'): AccountChangeEvent {
  return { scope: { region: fixture.sandbox.region }, changes: [{ kind: 'key', keyId: fixture.keyId, aspects: ['policy'] }], source };
}

export async function waitUntil<T>(fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitUntil: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export { AccountChanges };
