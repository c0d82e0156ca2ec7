import * as vscode from 'vscode';
import type { IamPrincipal, Page } from '../../aws/types';
import type { AccountChangeEvent } from '../../session/account-changes';
import { ContextValues } from '../context-values';
import { principalListTouched } from '../touches';
import type { TreeContext } from '../tree-context';
import { PrincipalNode } from './principal-node';
import { ResourceNode } from './resource-node';
import { SectionNode } from './section-node';

/** IAM users and roles, each in its own paged folder. */
export class PrincipalsSection extends ResourceNode {
  private readonly folders: PrincipalFolder[];

  constructor(tree: TreeContext) {
    super(undefined);
    this.folders = [new PrincipalFolder(this, tree, 'user'), new PrincipalFolder(this, tree, 'role')];
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Principals', vscode.TreeItemCollapsibleState.Expanded);
    item.iconPath = new vscode.ThemeIcon('organization');
    item.description = 'IAM, global';
    item.contextValue = ContextValues.section;
    return item;
  }

  override getChildren(): Promise<ResourceNode[]> {
    return Promise.resolve(this.folders);
  }

  override loadedChildren(): readonly ResourceNode[] {
    return this.folders;
  }

  override reset(): void {
    for (const folder of this.folders) folder.reset();
  }
}

class PrincipalFolder extends SectionNode<IamPrincipal> {
  protected readonly heading: string;
  protected readonly icon: string;
  protected override readonly contextValue = ContextValues.folder;

  constructor(
    parent: ResourceNode,
    private readonly tree: TreeContext,
    private readonly kind: 'user' | 'role',
  ) {
    super(parent, tree.changes);
    this.heading = kind === 'user' ? 'Users' : 'Roles';
    this.icon = kind === 'user' ? 'person' : 'shield';
  }

  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
    return item;
  }

  override touchedBy(event: AccountChangeEvent): boolean {
    return principalListTouched(event, this.kind);
  }

  protected fetchPage(pageToken: string | undefined): Promise<Page<IamPrincipal>> {
    const options = { pageToken, pageSize: this.tree.settings().pageSize };
    return this.kind === 'user' ? this.tree.session.iam.listUsers(options) : this.tree.session.iam.listRoles(options);
  }

  protected toNode(principal: IamPrincipal): ResourceNode {
    return new PrincipalNode(this, this.tree, principal);
  }

  protected emptyLabel(): string {
    return this.kind === 'user' ? 'No IAM users' : 'No IAM roles';
  }
}
