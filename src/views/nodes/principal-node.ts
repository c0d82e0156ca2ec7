import * as vscode from 'vscode';
import type { AttachedPolicy, IamPrincipal } from '../../aws/types';
import { Commands } from '../../commands';
import type { AccountChangeEvent } from '../../session/account-changes';
import { ContextValues } from '../context-values';
import { principalPoliciesTouched } from '../touches';
import type { TreeContext } from '../tree-context';
import { GroupsNode } from './groups-node';
import { LazyNode } from './lazy-node';
import { InfoNode } from './message-node';
import { ResourceNode } from './resource-node';

const POLICY_KIND_LABELS: Record<AttachedPolicy['kind'], string> = {
  managed: 'managed',
  inline: 'inline',
  'group-managed': 'managed, via group',
  'group-inline': 'inline, via group',
};

export class PrincipalNode extends LazyNode {
  constructor(
    parent: ResourceNode,
    private readonly tree: TreeContext,
    readonly principal: IamPrincipal,
  ) {
    super(parent);
  }

  override get arn(): string {
    return this.principal.arn;
  }

  override touchedBy(event: AccountChangeEvent): boolean {
    return principalPoliciesTouched(event, this.principal.kind, this.principal.name);
  }

  getTreeItem(): vscode.TreeItem {
    const principal = this.principal;
    const item = new vscode.TreeItem(principal.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = new vscode.ThemeIcon(principal.kind === 'user' ? 'person' : 'shield');
    item.description = principal.kind;
    item.tooltip = principal.arn;
    item.contextValue = ContextValues.principal(principal.kind);
    return item;
  }

  protected async loadChildren(): Promise<ResourceNode[]> {
    const details = await this.tree.session.iam.principalDetails(this.principal);
    const children: ResourceNode[] = details.policies.map((policy) => new PolicyNode(this, this.principal, policy));
    if (children.length === 0) children.push(new InfoNode(this, 'No policies'));
    if (details.groups.length > 0) children.push(new GroupsNode(this, this.principal.arn, details.groups));
    return children;
  }
}

export class PolicyNode extends ResourceNode {
  constructor(
    parent: ResourceNode,
    readonly principal: IamPrincipal,
    readonly policy: AttachedPolicy,
  ) {
    super(parent);
  }

  override get arn(): string | undefined {
    return this.policy.arn;
  }

  getTreeItem(): vscode.TreeItem {
    const policy = this.policy;
    const item = new vscode.TreeItem(policy.name, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('file-code');
    item.description = policy.group ? `${POLICY_KIND_LABELS[policy.kind]} ${policy.group}` : POLICY_KIND_LABELS[policy.kind];
    item.tooltip = policy.arn ?? `Inline policy of ${policy.group ?? this.principal.name}`;
    item.contextValue = ContextValues.policy;
    item.command = { command: Commands.openPolicyDocument, title: 'Open Policy Document', arguments: [this] };
    return item;
  }
}
