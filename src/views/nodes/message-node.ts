import * as vscode from 'vscode';
import { AwsLayerError } from '../../aws/errors';
import { Commands } from '../../commands';
import { errorMessage } from '../../notify';
import { ContextValues } from '../context-values';
import { ResourceNode } from './resource-node';

/** An empty list or a piece of information: says so in words. */
export class InfoNode extends ResourceNode {
  constructor(
    parent: ResourceNode | undefined,
    private readonly label: string,
    private readonly icon = 'info',
    private readonly contextValue: string = ContextValues.empty,
    private readonly tooltip?: string,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = this.contextValue;
    item.tooltip = this.tooltip;
    return item;
  }
}

/** A load that failed: names what failed, and clicking it retries the owning subtree. */
export class ErrorNode extends ResourceNode {
  constructor(
    parent: ResourceNode | undefined,
    readonly error: unknown,
    private readonly retryTarget: ResourceNode | undefined,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const error = this.error;
    const item = new vscode.TreeItem(headline(error), vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = new vscode.MarkdownString().appendText(errorMessage(error)).appendMarkdown('\n\n_Click to retry._');
    item.description = 'retry';
    const sso = error instanceof AwsLayerError && error.kind === 'sso-expired';
    item.contextValue = sso ? ContextValues.ssoError : ContextValues.error;
    item.command = { command: Commands.refreshNode, title: 'Retry', arguments: [this.retryTarget ?? this] };
    return item;
  }
}

function headline(error: unknown): string {
  if (error instanceof AwsLayerError) {
    switch (error.kind) {
      case 'access-denied':
        return error.action ? `Missing permission ${error.action}` : 'Access denied';
      case 'sso-expired':
        return `SSO session expired: run aws sso login${error.profile ? ` --profile ${error.profile}` : ''}`;
      case 'endpoint-unreachable':
        return 'Cannot reach the endpoint';
      case 'unknown-profile':
        return error.profile ? `Profile ${error.profile} is not defined` : 'Unknown profile';
      case 'invalid-credentials':
        return 'Credentials were refused';
      case 'mfa-cancelled':
        return 'MFA code needed';
      case 'throttled':
        return 'Throttled by AWS';
      default:
        break;
    }
  }
  const message = errorMessage(error);
  return message.length > 80 ? `${message.slice(0, 77)}…` : message;
}

/** A row of information with a description beside its label, and its full text in the tooltip. */
export class DescribedNode extends ResourceNode {
  constructor(
    parent: ResourceNode | undefined,
    private readonly label: string,
    private readonly description: string,
    private readonly icon: string,
    private readonly contextValue: string,
    private readonly tooltip: string,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.description = this.description;
    item.contextValue = this.contextValue;
    item.tooltip = this.tooltip;
    return item;
  }
}
