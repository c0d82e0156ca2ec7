import * as vscode from 'vscode';
import type { KmsKey } from '../../aws/types';
import { ContextValues } from '../context-values';
import { formatDate, keyLabel, rotationLabel } from '../labels';
import type { TreeContext } from '../tree-context';
import { GrantsNode } from './grants-node';
import { KeyPolicyNode } from './key-policy-node';
import { ProtectedTablesNode } from './protected-tables-node';
import { ResourceNode } from './resource-node';
import type { TablesSection } from './tables-section';

export class KeyNode extends ResourceNode {
  private children: ResourceNode[] | undefined;

  constructor(
    parent: ResourceNode,
    private readonly tree: TreeContext,
    readonly key: KmsKey,
    private readonly tables: TablesSection,
  ) {
    super(parent);
  }

  override get arn(): string {
    return this.key.arn;
  }

  getTreeItem(): vscode.TreeItem {
    const key = this.key;
    const item = new vscode.TreeItem(keyLabel(key), vscode.TreeItemCollapsibleState.Collapsed);
    const parts = [key.state, key.keyManager === 'AWS' ? 'AWS managed' : rotationLabel(key.rotationEnabled)];
    item.description = key.problem ? `${parts.join(' · ')} · incomplete` : parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon('key', stateColor(key.state));
    item.contextValue = ContextValues.key;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${keyLabel(key)}**\n\n`);
    if (key.description) tooltip.appendText(`${key.description}\n\n`);
    if (key.problem) tooltip.appendMarkdown('$(warning) ').appendText(`${key.problem}\n\n`);
    const rows: [string, string][] = [
      ['Key ID', key.keyId],
      ['ARN', key.arn],
      ['Aliases', key.aliases.join(', ') || '—'],
      ['State', key.state],
      ['Managed by', key.keyManager === 'AWS' ? 'AWS' : 'customer'],
      ['Spec', key.keySpec ?? '—'],
      ['Usage', key.keyUsage ?? '—'],
      ['Rotation', rotationLabel(key.rotationEnabled)],
      ['Created', formatDate(key.creationDate)],
    ];
    if (key.deletionDate) rows.push(['Deletion', formatDate(key.deletionDate)]);
    tooltip.appendMarkdown(rows.map(([name, value]) => `${name}: \`${value}\``).join('  \n'));
    item.tooltip = tooltip;
    return item;
  }

  override getChildren(): Promise<ResourceNode[]> {
    this.children ??= [
      new KeyPolicyNode(this, this.key),
      new GrantsNode(this, this.tree, this.key),
      new ProtectedTablesNode(this, this.tree, this.key, this.tables),
    ];
    return Promise.resolve(this.children);
  }

  override loadedChildren(): readonly ResourceNode[] {
    return this.children ?? [];
  }

  override reset(): void {
    for (const child of this.children ?? []) child.reset();
  }
}

function stateColor(state: string): vscode.ThemeColor | undefined {
  switch (state) {
    case 'Enabled':
      return undefined;
    case 'PendingDeletion':
      return new vscode.ThemeColor('errorForeground');
    default:
      return new vscode.ThemeColor('disabledForeground');
  }
}
