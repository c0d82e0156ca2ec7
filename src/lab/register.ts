// The lab in VS Code: a command per step with one notification when it finishes, the walkthrough's ticks, the test
// user as an identity the status bar and the panel can use, and the export of its key as a profile (only when asked,
// after a warning). The lab follows the account change signal; a reset sandbox makes it forget that account.
import * as vscode from 'vscode';
import { AwsSession } from '../aws/session';
import type { ConnectionTarget, DerivedTarget, StaticCredentials } from '../aws/types';
import { Commands, registerCommand, type CommandId } from '../commands';
import type { KeyPolicyStore } from '../keypolicy/store';
import type { AccountChanges } from '../session/account-changes';
import type { Connection } from '../status/connection';
import { testUserIdentityId, type ExtraIdentities, type ExtraIdentity } from '../status/identities';
import { isSandboxTarget } from '../status/local-sandbox';
import { detectBackend } from './backend';
import { LabContext, type LabServices, type ReadPredictor } from './context';
import { exportProfile } from './export-profile';
import { Lab, scopeOf } from './lab';
import { finishedMessage, OPEN_PANEL, SHOW_REPORT } from './messages';
import { LabRecords } from './record';
import { cleanupReportMarkdown } from './report';
import { TestUserSecrets } from './secrets';
import type { StepDefinition, StepId, StepStatus } from './step';
import { LAB_STEPS } from './steps';
import { DIFF_SCHEME, PolicyDiffDocuments, VscodeLabUi } from './vscode-ui';
import { WalkthroughProgress, WALKTHROUGH_ID } from './walkthrough';

export { WALKTHROUGH_ID } from './walkthrough';

/** Each step's command, which is also its walkthrough step's id. */
export const STEP_COMMANDS: Record<StepId, CommandId> = {
  createKey: Commands.labCreateKey,
  createTable: Commands.labCreateTable,
  addItem: Commands.labAddItem,
  createTestUser: Commands.labCreateTestUser,
  readAsTestUser: Commands.labReadAsTestUser,
  grant: Commands.labGrant,
  readAgain: Commands.labReadAgain,
  revoke: Commands.labRevoke,
  cleanUp: Commands.labCleanUp,
};

export const stepCommand = (id: StepId): CommandId => STEP_COMMANDS[id];

export interface LabDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  identities: ExtraIdentities;
  keyPolicies: KeyPolicyStore;
  predict: ReadPredictor;
  changes: AccountChanges;
  /** The running local sandbox's AWS timing factor (0: instant). */
  sandboxTiming?: () => number;
}

/** What the extension (and its API) reads of the lab. */
export interface LabFeature {
  lab: Lab;
  /** The walkthrough's completion context keys, as last set. */
  walkthroughKeys(): Record<string, boolean>;
}

/** The profile the lab acts as: the active one, or, when the view is switched to the test user, the one it was made on. */
function adminTarget(target: ConnectionTarget | undefined): Exclude<ConnectionTarget, DerivedTarget> | undefined {
  if (!target) return undefined;
  return target.kind === 'derived' ? target.base : target;
}

export function registerLab(context: vscode.ExtensionContext, deps: LabDeps): LabFeature {
  const { log, connection, identities, changes } = deps;
  const diffs = new PolicyDiffDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs));
  const secrets = new TestUserSecrets(context.secrets);
  const records = new LabRecords(context.globalState);
  const services: LabServices = {
    records,
    secrets,
    keyPolicies: deps.keyPolicies,
    predict: deps.predict,
    ui: new VscodeLabUi(diffs),
    sessionAs: (userName: string, credentials: StaticCredentials) => {
      const base = adminTarget(connection.target);
      if (!base) throw new Error('No AWS profile is selected.');
      return new AwsSession({ kind: 'derived', label: userName, region: base.region, base, credentials }, { logger: log });
    },
  };

  let adminSession: { target: ConnectionTarget; session: AwsSession } | undefined;
  /** The admin session: the connection's own, or one made on the base target while the view is the test user's. */
  const sessionFor = (target: ConnectionTarget): AwsSession | undefined => {
    if (target.kind !== 'derived') return connection.session;
    if (adminSession?.target !== target) {
      adminSession?.session.dispose();
      adminSession = { target, session: new AwsSession(target.base, { logger: log }) };
    }
    return adminSession.session;
  };
  context.subscriptions.push({ dispose: () => adminSession?.session.dispose() });

  const contextFor = async (): Promise<LabContext | undefined> => {
    const target = connection.target;
    const session = target && sessionFor(target);
    const base = adminTarget(target);
    if (!session || !base) return undefined;
    const identity = await session.sts.getCallerIdentity();
    const backend = await detectBackend(session, isSandboxTarget(base), deps.sandboxTiming?.() ?? 0);
    return new LabContext(session, identity, backend, services);
  };

  const lab = new Lab(contextFor, { changes });
  offerWalkthroughOnce(context);
  const walkthrough = new WalkthroughProgress(log, stepCommand);
  context.subscriptions.push(
    lab.onDidChange(() => {
      if (lab.loaded) walkthrough.sync(lab.views());
    }),
  );

  const refreshQuietly = () => {
    if (connection.target) void lab.refresh().catch((error: unknown) => log.warn(`Lab state could not be read: ${error instanceof Error ? error.message : String(error)}`));
  };

  /** After a step: one notification that says what it did, with what can be opened next. */
  const tell = async (step: StepDefinition, status: StepStatus) => {
    const message = finishedMessage(step, status);
    if (!message) return;
    const choice = await vscode.window.showInformationMessage(message.text, ...message.actions);
    if (choice === OPEN_PANEL) await vscode.commands.executeCommand(Commands.labOpenPanel, step.id);
    if (choice === SHOW_REPORT) await showCleanupReport();
  };

  const showCleanupReport = async () => {
    const ctx = await contextFor();
    const report = ctx?.record.cleanup;
    if (!ctx || !report) throw new Error('There is no clean-up report for this account and region: run step 9 (Clean up) first.');
    const content = cleanupReportMarkdown(report, { backend: ctx.backend.label, accountId: ctx.identity.account, region: ctx.region });
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(document, { preview: true });
  };

  for (const step of LAB_STEPS) {
    registerCommand(context, log, stepCommand(step.id), async () => {
      const status = await lab.run(step.id);
      log.info(`Lab step ${step.number} (${step.title}): ${status.state}`);
      if (status.state === 'failed') throw new Error(status.detail ?? `Step ${step.number} failed`);
      if (step.id === 'createTestUser' || step.id === 'cleanUp') identities.changed();
      // Step 3 shows the item it wrote, as the admin reads it, in the table panel.
      if (step.id === 'addItem' && status.state === 'done') await openPanel(undefined).catch((error: unknown) => log.warn(`Step 3: the table panel did not open: ${error instanceof Error ? error.message : String(error)}`));
      void tell(step, status).catch((error: unknown) => log.warn(`Lab step ${step.number}: ${error instanceof Error ? error.message : String(error)}`));
      return status;
    });
  }

  /** The table panel of the lab table; after a read step, with the test user beside the admin. */
  const openPanel = async (stepId: StepId | undefined) => {
    const ctx = await contextFor();
    if (!ctx) return;
    const record = ctx.record;
    const readAs = stepId === 'readAsTestUser' || stepId === 'readAgain' || stepId === 'revoke' ? testUserIdentityId(record.testUserName) : undefined;
    await vscode.commands.executeCommand(Commands.openTablePanel, { tableName: record.tableName, readAs });
  };

  registerCommand(context, log, Commands.labRefresh, async () => {
    const ctx = await contextFor();
    if (!ctx) return lab.refresh();
    // Refresh re-reads everything the lab shows, and every view of the account with it.
    changes.announce({ scope: scopeOf(ctx), changes: [{ kind: 'everything', reason: 'refresh' }], source: 'Lab: Refresh' });
    return lab.refresh();
  });
  registerCommand(context, log, Commands.labOpenWalkthrough, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false));
  registerCommand(context, log, Commands.labOpenPanel, (arg?: StepId | { view?: { step?: { id?: StepId } } }) => openPanel(typeof arg === 'string' ? arg : arg?.view?.step?.id));
  registerCommand(context, log, Commands.labShowCleanupReport, showCleanupReport);
  registerCommand(context, log, Commands.labTryAwsTiming, () => useAwsTiming(log));
  registerCommand(context, log, Commands.labExportTestUserProfile, async () => {
    const ctx = await contextFor();
    if (!ctx) throw new Error('Choose an AWS profile or the local sandbox first.');
    const credentials = await secrets.get(ctx.scope, ctx.record.testUserName);
    if (!credentials) throw new Error(`KMS Lab holds no access key for ${ctx.record.testUserName}: run step 4 (Create the test user) first.`);
    const endpoint = await ctx.admin.endpointFor('dynamodb');
    await exportProfile({ userName: ctx.record.testUserName, credentials, region: ctx.region, endpoint });
  });

  context.subscriptions.push(
    identities.register(async (current) => {
      const base = adminTarget(current);
      const ctx = base ? await contextFor() : undefined;
      if (!ctx || !base) return [];
      const name = ctx.record.testUserName;
      const credentials = await secrets.get(ctx.scope, name);
      if (!credentials) return [];
      const identity: ExtraIdentity = {
        id: testUserIdentityId(name),
        label: name,
        description: `lab test user · ${ctx.backend.label}`,
        arn: ctx.userArn(),
        target: async () => {
          const fresh = await secrets.get(ctx.scope, name);
          if (!fresh) throw new Error(`The access key of ${name} is no longer stored: run lab step 4 again.`);
          return { kind: 'derived', label: name, region: base.region, base, credentials: fresh };
        },
      };
      return [identity];
    }),
    connection.onDidChangeTarget(() => {
      lab.reset();
      refreshQuietly();
    }),
    // A reset sandbox is a new, empty account: the lab forgets what it did there, and its test user's key.
    changes.subscribe((event) => {
      if (!event.changes.some((change) => change.kind === 'everything' && change.reason === 'sandbox-reset')) return;
      void forgetSandbox(records, secrets).then(() => {
        identities.changed();
        lab.reset();
        refreshQuietly();
      });
    }),
  );
  return { lab, walkthroughKeys: () => walkthrough.contextKeys };
}

async function forgetSandbox(records: LabRecords, secrets: TestUserSecrets): Promise<void> {
  const forgotten = await records.forget('sandbox:');
  await Promise.all(forgotten.map(({ scope, record }) => secrets.delete(scope, record.testUserName)));
}

/** The first time KMS Lab runs, its walkthrough opens, unless VS Code is told not to open walkthroughs on install. */
function offerWalkthroughOnce(context: vscode.ExtensionContext): void {
  const OFFERED = 'kmsLab.lab.walkthroughOffered';
  if (context.globalState.get<boolean>(OFFERED)) return;
  if (!vscode.workspace.getConfiguration('workbench.welcomePage.walkthroughs').get<boolean>('openOnInstall', true)) return;
  void context.globalState.update(OFFERED, true);
  setTimeout(() => void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false), 0);
}

/** The walkthrough's "Try it with AWS's timing": AWS's delays five times faster (DynamoDB's 5-minute cache: 1 minute). */
export const WALKTHROUGH_AWS_TIMING = 0.2;

async function useAwsTiming(log: vscode.LogOutputChannel): Promise<void> {
  await vscode.workspace.getConfiguration('kmsLab').update('sandbox.awsTiming', WALKTHROUGH_AWS_TIMING, vscode.ConfigurationTarget.Global);
  // The sandbox reads its timing when it starts: restart it, and work in it.
  await vscode.commands.executeCommand(Commands.stopSandbox);
  await vscode.commands.executeCommand(Commands.startSandbox);
  log.info(`Local sandbox restarted with AWS's timing ×${WALKTHROUGH_AWS_TIMING}`);
  void vscode.window.showInformationMessage(
    `The local sandbox now keeps AWS's timing, five times faster: run the lab's steps again, and watch step 8 wait for DynamoDB's cached table key. Set kmsLab.sandbox.awsTiming to 0 for instant answers again.`,
  );
}
