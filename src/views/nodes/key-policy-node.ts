import * as vscode from 'vscode';
import type { KmsKey } from '../../aws/types';
import { Commands } from '../../commands';
import { ContextValues } from '../context-values';
import { ResourceNode } from './resource-node';

export class KeyPolicyNode extends ResourceNode {
  constructor(
    parent: ResourceNode,
    readonly key: KmsKey,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Key policy', vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('json');
    item.description = 'default';
    item.tooltip = 'Open the key policy as JSON';
    item.contextValue = ContextValues.keyPolicy;
    item.command = { command: Commands.openKeyPolicy, title: 'Open Key Policy', arguments: [this] };
    return item;
  }
}
