import * as vscode from 'vscode';
import { Commands } from '../../commands';
import { ContextValues } from '../context-values';
import { ResourceNode } from './resource-node';

export interface LoadsMore {
  loadMore(): Promise<void>;
}

/** The last row of a long list; clicking it fetches the next page into its parent. */
export class LoadMoreNode extends ResourceNode {
  constructor(
    parent: ResourceNode & LoadsMore,
    private readonly loadedCount: number,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.description = `${this.loadedCount} shown`;
    item.contextValue = ContextValues.loadMore;
    item.command = { command: Commands.loadMore, title: 'Load More', arguments: [this.parent] };
    return item;
  }
}
