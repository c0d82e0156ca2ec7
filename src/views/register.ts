import * as vscode from 'vscode';
import { Commands, registerCommand } from '../commands';
import type { Settings } from '../config';
import type { Connection } from '../status/connection';
import { describeTarget } from '../status/targets';
import { KeyNode } from './nodes/key-node';
import { KeyPolicyNode } from './nodes/key-policy-node';
import type { LoadsMore } from './nodes/load-more-node';
import { PolicyNode } from './nodes/principal-node';
import { ResourceNode } from './nodes/resource-node';
import { keyLabel } from './labels';
import { POLICY_SCHEME, PolicyDocuments } from './policy-documents';
import { ResourcesProvider } from './resources-provider';

export interface ResourcesView {
  provider: ResourcesProvider;
  view: vscode.TreeView<ResourceNode>;
}

/** The resources tree and the commands that act on its nodes. */
export function registerResourcesView(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, connection: Connection, settings: () => Settings): ResourcesView {
  const provider = new ResourcesProvider(settings);
  const view = vscode.window.createTreeView('kmsLab.resources', { treeDataProvider: provider, showCollapseAll: true });
  const documents = new PolicyDocuments();
  context.subscriptions.push(provider, view, documents, vscode.workspace.registerTextDocumentContentProvider(POLICY_SCHEME, documents));

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

  registerCommand(context, log, Commands.refresh, () => {
    connection.invalidate();
    provider.refreshAll();
  });
  registerCommand(context, log, Commands.refreshNode, (node?: ResourceNode) => {
    if (node instanceof ResourceNode) provider.refreshNode(node);
    else provider.refreshAll();
  });
  registerCommand(context, log, Commands.loadMore, async (node?: ResourceNode & LoadsMore) => {
    if (node && typeof node.loadMore === 'function') await node.loadMore();
  });
  registerCommand(context, log, Commands.openKeyPolicy, async (node?: KeyNode | KeyPolicyNode) => {
    const session = connection.session;
    if (!session || !(node instanceof KeyNode || node instanceof KeyPolicyNode)) return;
    const policy = await session.kms.getKeyPolicy(node.key.keyId);
    await documents.show(`${keyLabel(node.key)} key policy`, node.key.arn, policy.text);
  });
  registerCommand(context, log, Commands.openPolicyDocument, async (node?: PolicyNode) => {
    const session = connection.session;
    if (!session || !(node instanceof PolicyNode)) return;
    const text = await session.iam.policyDocument(node.principal, node.policy);
    await documents.show(`${node.principal.name} ${node.policy.name}`, node.policy.arn ?? `${node.principal.arn}#${node.policy.name}`, text);
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

