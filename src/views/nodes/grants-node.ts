import * as vscode from 'vscode';
import type { KmsGrant, KmsKey } from '../../aws/types';
import type { AccountChangeEvent } from '../../session/account-changes';
import { ContextValues } from '../context-values';
import { grantsTouched } from '../touches';
import { formatDate } from '../labels';
import type { TreeContext } from '../tree-context';
import { LazyNode } from './lazy-node';
import { InfoNode } from './message-node';
import { ResourceNode } from './resource-node';

export class GrantsNode extends LazyNode {
  constructor(
    parent: ResourceNode,
    private readonly tree: TreeContext,
    private readonly key: KmsKey,
  ) {
    super(parent);
  }

  override touchedBy(event: AccountChangeEvent): boolean {
    return grantsTouched(event, this.key.keyId);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Grants', vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = new vscode.ThemeIcon('shield');
    item.contextValue = ContextValues.grants;
    return item;
  }

  protected async loadChildren(): Promise<ResourceNode[]> {
    const grants = await this.tree.session.kms.listGrants(this.key.keyId);
    if (grants.length === 0) return [new InfoNode(this, 'No grants')];
    return grants.map((grant) => new GrantNode(this, grant));
  }
}

class GrantNode extends ResourceNode {
  constructor(
    parent: ResourceNode,
    private readonly grant: KmsGrant,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const grant = this.grant;
    const item = new vscode.TreeItem(grant.name || grant.grantId.slice(0, 12), vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('unlock');
    item.description = `${grant.granteePrincipal ?? 'unknown grantee'} · ${grant.operations.join(', ')}`;
    item.contextValue = ContextValues.grant;
    item.tooltip = new vscode.MarkdownString(undefined, true).appendMarkdown(
      [
        `Grant ID: \`${grant.grantId}\``,
        `Grantee: \`${grant.granteePrincipal ?? '—'}\``,
        `Retiring principal: \`${grant.retiringPrincipal ?? '—'}\``,
        `Operations: ${grant.operations.map((o) => `\`${o}\``).join(', ')}`,
        `Created: ${formatDate(grant.creationDate)}`,
      ].join('  \n'),
    );
    return item;
  }
}
