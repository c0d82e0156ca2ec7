import type * as vscode from 'vscode';

/** One node of the resources tree. Each kind of node is its own small class. */
export abstract class ResourceNode {
  constructor(readonly parent: ResourceNode | undefined) {}

  abstract getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;

  getChildren(): Promise<ResourceNode[]> {
    return Promise.resolve([]);
  }

  /** Forget what was loaded, so the next getChildren asks AWS again. */
  reset(): void {}

  /** The ARN this node stands for, for "Copy ARN". */
  get arn(): string | undefined {
    return undefined;
  }
}
