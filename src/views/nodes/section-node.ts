import * as vscode from 'vscode';
import { ContextValues } from '../context-values';
import { PagedListNode } from './paged-list-node';

/** A top-level section or a folder: a paged list with a heading. */
export abstract class SectionNode<T> extends PagedListNode<T> {
  protected abstract readonly heading: string;
  protected abstract readonly icon: string;
  protected readonly contextValue: string = ContextValues.section;

  protected description(): string | undefined {
    return undefined;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.heading, vscode.TreeItemCollapsibleState.Expanded);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = this.contextValue;
    item.description = this.description();
    return item;
  }
}
