import * as vscode from 'vscode';
import { Commands, registerCommand } from '../commands';
import type { Settings } from '../config';
import { sameScope, type AccountChanges } from '../session/account-changes';
import { connectionScope } from '../session/register';
import type { Connection } from '../status/connection';
import { isSandboxTarget } from '../status/local-sandbox';
import { describeTarget } from '../status/targets';
import { targetName } from '../keypolicy/uri';
import { KeyNode } from './nodes/key-node';
import { KeyPolicyNode } from './nodes/key-policy-node';
import type { LoadsMore } from './nodes/load-more-node';
import { PolicyNode } from './nodes/principal-node';
import { ResourceNode } from './nodes/resource-node';
import { showIamPolicy } from './policy-documents';
import { ResourcesProvider } from './resources-provider';

export interface ResourcesView {
  provider: ResourcesProvider;
  view: vscode.TreeView<ResourceNode>;
}

/** The resources tree and the commands that act on its nodes. */
export interface ResourcesViewDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  changes: AccountChanges;
  settings: () => Settings;
}

export function registerResourcesView(context: vscode.ExtensionContext, deps: ResourcesViewDeps): ResourcesView {
  const { log, connection, changes } = deps;
  const provider = new ResourcesProvider(deps.settings);
  const view = vscode.window.createTreeView('kmsLab.resources', { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view);

  const describe = () => {
    const target = connection.target;
    view.description = target ? `${describeTarget(target)} · ${target.region}` : undefined;
  };
  context.subscriptions.push(
    connection.onDidChangeTarget(() => {
      provider.setSession(connection.session);
      describe();
    }),
  );
  provider.setSession(connection.session);
  describe();
  context.subscriptions.push(
    changes.subscribe((event) => {
      const scope = connectionScope(connection);
      if (scope && sameScope(event.scope, scope)) provider.follow(event);
    }),
  );

  // Refresh: every view re-reads what it shows, the tree included (through the signal).
  registerCommand(context, log, Commands.refresh, () => {
    connection.invalidate();
    const scope = connectionScope(connection);
    if (scope) changes.announce({ scope, changes: [{ kind: 'everything', reason: 'refresh' }], source: 'Refresh' });
    else provider.refreshAll();
  });
  registerCommand(context, log, Commands.refreshNode, (node?: ResourceNode) => {
    if (node instanceof ResourceNode) provider.refreshNode(node);
    else provider.refreshAll();
  });
  registerCommand(context, log, Commands.loadMore, async (node?: ResourceNode & LoadsMore) => {
    if (node && typeof node.loadMore === 'function') await node.loadMore();
  });
  // Key policies open as editable kmslab: tabs (src/keypolicy); IAM policies as read-only ones on the same scheme.
  registerCommand(context, log, Commands.openKeyPolicy, async (node?: KeyNode | KeyPolicyNode) => {
    if (!(node instanceof KeyNode || node instanceof KeyPolicyNode)) return;
    await vscode.commands.executeCommand(Commands.editKeyPolicy, node.key.arn || node.key.keyId);
  });
  registerCommand(context, log, Commands.openPolicyDocument, async (node?: PolicyNode) => {
    const target = connection.target;
    if (!target || !(node instanceof PolicyNode)) return;
    await showIamPolicy(targetName(target, isSandboxTarget(target)), node.principal, node.policy);
  });
  registerCommand(context, log, Commands.revealKey, async (arnOrNode?: string | ResourceNode) => {
    const arn = typeof arnOrNode === 'string' ? arnOrNode : arnOrNode?.arn;
    const keys = provider.keys;
    if (!arn || !keys) return;
    const node = await keys.findKey(arn);
    if (node) {
      await view.reveal(node, { select: true, focus: true, expand: true });
      return;
    }
    const choice = await vscode.window.showInformationMessage(
      `The key ${arn} is not listed under KMS keys (AWS managed keys are hidden unless "kmsLab.showAwsManagedKeys" is on).`,
      'Show AWS Managed Keys',
    );
    if (choice) await vscode.workspace.getConfiguration('kmsLab').update('showAwsManagedKeys', true, vscode.ConfigurationTarget.Global);
  });
  registerCommand(context, log, Commands.copyArn, async (node?: ResourceNode) => {
    const arn = node?.arn;
    if (!arn) return;
    await vscode.env.clipboard.writeText(arn);
    vscode.window.setStatusBarMessage(`Copied ${arn}`, 3000);
  });

  return { provider, view };
}

