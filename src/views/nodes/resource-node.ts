import type * as vscode from 'vscode';
import type { AccountChangeEvent } from '../../session/account-changes';

/** One node of the resources tree. Each kind of node is its own small class. */
export abstract class ResourceNode {
  constructor(readonly parent: ResourceNode | undefined) {}

  abstract getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;

  getChildren(): Promise<ResourceNode[]> {
    return Promise.resolve([]);
  }

  /** The children loaded so far, loading none: what an account change may have made stale. */
  loadedChildren(): readonly ResourceNode[] {
    return [];
  }

  /** True when the change may have changed what this node shows: it is then reset and re-rendered, with its subtree. */
  touchedBy(_event: AccountChangeEvent): boolean {
    return false;
  }

  /** Forget what was loaded, so the next getChildren asks AWS again. */
  reset(): void {}

  /** The ARN this node stands for, for "Copy ARN". */
  get arn(): string | undefined {
    return undefined;
  }
}
