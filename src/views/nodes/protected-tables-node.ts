import * as vscode from 'vscode';
import type { KmsKey } from '../../aws/types';
import type { AccountChangeEvent } from '../../session/account-changes';
import { ContextValues } from '../context-values';
import { tableListTouched } from '../touches';
import type { TreeContext } from '../tree-context';
import { LazyNode } from './lazy-node';
import { InfoNode } from './message-node';
import type { ResourceNode } from './resource-node';
import { TableNode } from './table-node';
import type { TablesSection } from './tables-section';

/** The tables whose data this key encrypts. */
export class ProtectedTablesNode extends LazyNode {
  constructor(
    parent: ResourceNode,
    private readonly tree: TreeContext,
    private readonly key: KmsKey,
    private readonly tables: TablesSection,
  ) {
    super(parent);
  }

  override touchedBy(event: AccountChangeEvent): boolean {
    return tableListTouched(event);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Tables it protects', vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = ContextValues.protectedTables;
    return item;
  }

  protected async loadChildren(): Promise<ResourceNode[]> {
    const all = await this.tables.loadAll();
    const protectedTables = all.filter((table) => table.kmsKeyArn === this.key.arn);
    if (protectedTables.length === 0) return [new InfoNode(this, 'No DynamoDB table uses this key')];
    return protectedTables.map((table) => new TableNode(this, this.tree, table));
  }
}
