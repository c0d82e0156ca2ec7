import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { KmsLabApi } from './api';
import { Commands, registerCommand } from './commands';
import { onDidChangeSettings, readSettings } from './config';
import { presentError } from './notify';
import { Connection } from './status/connection';
import { LocalSandbox } from './status/local-sandbox';
import { registerProfileStatus } from './status/register';
import { registerResourcesView } from './views/register';
import { registerKeyPolicies } from './keypolicy/register';
import { readIamPolicy } from './views/policy-documents';
import { ExtraIdentities } from './status/identities';
import { registerTablePanel } from './panel/register';
import { registerReversePanel } from './panel/reverse-register';
import { registerLab } from './lab/register';
import { predictReadWithPolicies } from './lab/predict';
import { labSection } from './views/lab';
import { registerAccountChanges } from './session/register';

export function activate(context: vscode.ExtensionContext): KmsLabApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('KMS Lab', { log: true });
  context.subscriptions.push(log);
  let settings = readSettings();

  const sandbox = new LocalSandbox(context, log);
  context.subscriptions.push(sandbox);
  const connection = new Connection(context.globalState, log, settings, sandbox);
  context.subscriptions.push(connection);
  const identities = new ExtraIdentities();
  context.subscriptions.push(identities);
  // The one signal that says what in the account changed: every feature announces its changes and follows the others'.
  const changes = registerAccountChanges(context, log, connection);
  const status = registerProfileStatus(context, { log, connection, identities, changes });
  const resources = registerResourcesView(context, { log, connection, changes, settings: () => settings });
  const keyPolicies = registerKeyPolicies(context, log, connection, readIamPolicy, changes);
  const panels = registerTablePanel(context, { log, connection, identities, keyPolicies: keyPolicies.store, changes, localSandbox: () => ({ endpoint: sandbox.running?.endpoint, awsTiming: sandbox.awsTiming }) });
  const reverse = registerReversePanel(context, { log, connection, changes });
  const lab = registerLab(context, { log, connection, identities, keyPolicies: keyPolicies.store, predict: predictReadWithPolicies, changes, sandboxTiming: () => sandbox.awsTiming });
  resources.provider.setLeadingRoots([labSection(lab.lab, resources.provider)]);
  registerCommand(context, log, Commands.showLog, () => log.show());

  context.subscriptions.push(
    onDidChangeSettings((next) => {
      settings = next;
      if (!connection.updateSettings(next)) resources.provider.refreshAll();
    }),
  );

  // Reading profiles touches the disk: do it after activation returns (not even its first synchronous part before).
  const ready = Promise.resolve()
    .then(() => connection.initialize())
    .catch((error: unknown) => presentError(log, 'Loading AWS profiles failed', error));

  const activationMs = performance.now() - started;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    tree: resources.provider,
    whenIdle: async () => {
      await ready;
      await resources.provider.whenIdle();
    },
    status: { text: () => status.text, tooltip: () => status.tooltipText },
    // Other extensions can read this API: the lab test user's secret (a derived target's) never leaves secret storage.
    currentTarget: () => {
      const target = connection.target;
      return target?.kind === 'derived' ? { ...target, credentials: { accessKeyId: target.credentials.accessKeyId, secretAccessKey: '' } } : target;
    },
    selection: () => resources.view.selection,
    tablePanels: () => panels.list(),
    reversePanels: () => reverse.list(),
    lab: {
      views: () => lab.lab.views(),
      refresh: () => lab.lab.refresh(),
      walkthroughKeys: () => lab.walkthroughKeys(),
      logUri: context.logUri,
    },
  };
}

export function deactivate(): void {}
