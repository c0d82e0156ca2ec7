// The lab in VS Code: a command per step, the walkthrough's completion context keys, the test user as an identity
// the status bar and the panel can use, and the export of its key as a profile (only when asked, after a warning).
import * as vscode from 'vscode';
import { AwsSession } from '../aws/session';
import type { ConnectionTarget, DerivedTarget, StaticCredentials } from '../aws/types';
import { Commands, registerCommand, type CommandId } from '../commands';
import type { KeyPolicyStore } from '../keypolicy/store';
import type { Connection } from '../status/connection';
import type { ExtraIdentities, ExtraIdentity } from '../status/identities';
import { isSandboxTarget } from '../status/local-sandbox';
import { detectBackend } from './backend';
import { LabContext, type LabServices, type ReadPredictor } from './context';
import { exportProfile } from './export-profile';
import { Lab } from './lab';
import { LabRecords } from './record';
import { TestUserSecrets } from './secrets';
import type { StepId } from './step';
import { LAB_STEPS } from './steps';
import { DIFF_SCHEME, PolicyDiffDocuments, VscodeLabUi } from './vscode-ui';

export const WALKTHROUGH_ID = 'kms-lab.kms-lab#kmsLab.lab';

export const stepCommand = (id: StepId) => `kmsLab.lab.${id}` as CommandId;

export interface LabDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  identities: ExtraIdentities;
  keyPolicies: KeyPolicyStore;
  predict: ReadPredictor;
}

/** The profile the lab acts as: the active one, or, when the view is switched to the test user, the one it was made on. */
function adminTarget(target: ConnectionTarget | undefined): Exclude<ConnectionTarget, DerivedTarget> | undefined {
  if (!target) return undefined;
  return target.kind === 'derived' ? target.base : target;
}

export function registerLab(context: vscode.ExtensionContext, deps: LabDeps): Lab {
  const { log, connection, identities } = deps;
  const diffs = new PolicyDiffDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, diffs));
  const secrets = new TestUserSecrets(context.secrets);
  const services: LabServices = {
    records: new LabRecords(context.globalState),
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
    const backend = await detectBackend(session, isSandboxTarget(base));
    return new LabContext(session, identity, backend, services);
  };

  const lab = new Lab(contextFor);
  offerWalkthroughOnce(context);
  const setDoneKeys = () => {
    for (const view of lab.views()) void vscode.commands.executeCommand('setContext', `kmsLab.lab.done.${view.step.id}`, view.status.state === 'done');
  };
  context.subscriptions.push(lab.onDidChange(setDoneKeys));

  for (const step of LAB_STEPS) {
    registerCommand(context, log, stepCommand(step.id), async () => {
      const status = await lab.run(step.id);
      log.info(`Lab step ${step.number} (${step.title}): ${status.state}`);
      if (status.state === 'failed') throw new Error(status.detail ?? `Step ${step.number} failed`);
      if (status.state === 'waiting') void vscode.window.showInformationMessage(status.detail ?? `Step ${step.number} is waiting for AWS.`);
      if (step.id === 'createTestUser' || step.id === 'cleanUp') identities.changed();
      if (status.state === 'done' && (step.id === 'readAsTestUser' || step.id === 'readAgain')) offerPanel(step.id, status.detail);
      return status;
    });
  }
  /** After a read step: its conclusion, and the table panel with the admin and the test user side by side. */
  const offerPanel = (stepId: StepId, detail: string | undefined) => {
    const action = 'Open Items and Key Policy';
    void vscode.window.showInformationMessage(detail ?? 'Done.', action).then((choice) => {
      if (choice === action) void vscode.commands.executeCommand(Commands.labOpenPanel, stepId);
    });
  };
  registerCommand(context, log, Commands.labRefresh, () => lab.refresh());
  registerCommand(context, log, Commands.labOpenWalkthrough, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false));
  registerCommand(context, log, Commands.labOpenPanel, async (arg?: StepId | { view?: { step?: { id?: StepId } } }) => {
    const stepId = typeof arg === 'string' ? arg : arg?.view?.step?.id;
    const ctx = await contextFor();
    if (!ctx) return;
    const record = ctx.record;
    const readAs = stepId === 'readAsTestUser' || stepId === 'readAgain' ? testUserIdentityId(ctx.scope, record.testUserName) : undefined;
    await vscode.commands.executeCommand('kmsLab.openTablePanel', { tableName: record.tableName, readAs });
  });
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
        id: testUserIdentityId(ctx.scope, name),
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
      if (connection.target) void lab.refresh().catch((error: unknown) => log.warn(`Lab state could not be read: ${error instanceof Error ? error.message : String(error)}`));
    }),
  );
  return lab;
}

/** The first time KMS Lab runs, its walkthrough opens, unless VS Code is told not to open walkthroughs on install. */
function offerWalkthroughOnce(context: vscode.ExtensionContext): void {
  const OFFERED = 'kmsLab.lab.walkthroughOffered';
  if (context.globalState.get<boolean>(OFFERED)) return;
  if (!vscode.workspace.getConfiguration('workbench.welcomePage.walkthroughs').get<boolean>('openOnInstall', true)) return;
  void context.globalState.update(OFFERED, true);
  setTimeout(() => void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false), 0);
}

export function testUserIdentityId(scope: string, userName: string): string {
  return `lab:${scope}:${userName}`;
}
