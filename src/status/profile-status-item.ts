import * as vscode from 'vscode';
import { Commands } from '../commands';
import { errorMessage } from '../notify';
import type { Connection } from './connection';
import { describeTarget } from './targets';

/** `$(key) <profile> · <region>` in the status bar; its tooltip says who the caller is. */
export class ProfileStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kmsLab.profile', vscode.StatusBarAlignment.Left, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly connection: Connection) {
    this.item.name = 'KMS Lab: AWS Profile';
    this.item.command = { command: Commands.switchProfile, title: 'Switch AWS Profile and Region' };
    this.disposables.push(
      connection.onDidChangeTarget(() => this.render()),
      connection.onDidChangeIdentity(() => this.render()),
      connection.onDidChangeProfiles(() => this.render()),
    );
    this.render();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
  }

  private render(): void {
    const target = this.connection.target;
    const identity = this.connection.identity;
    this.item.text = target ? `$(key) ${describeTarget(target)} · ${target.region}` : '$(key) No AWS profile';
    this.item.accessibilityInformation = { label: `KMS Lab AWS profile: ${target ? `${describeTarget(target)}, region ${target.region}` : 'none'}` };
    this.item.backgroundColor = identity.state === 'failed' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;

    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**KMS Lab** — AWS profile\n\n');
    if (!target) {
      tooltip.appendMarkdown('No profile selected.\n\n');
    } else {
      tooltip.appendMarkdown(`Profile: \`${describeTarget(target)}\`  \nRegion: \`${target.region}\`  \n`);
      if (target.kind === 'static') tooltip.appendMarkdown(`Endpoint: \`${target.endpoint}\`  \n`);
      switch (identity.state) {
        case 'loading':
          tooltip.appendMarkdown('$(sync~spin) Asking sts:GetCallerIdentity…\n\n');
          break;
        case 'known':
          tooltip.appendMarkdown(`Account: \`${identity.identity.account}\`  \nCaller: \`${identity.identity.arn}\`\n\n`);
          break;
        case 'failed':
          tooltip.appendMarkdown('$(warning) ').appendText(errorMessage(identity.error)).appendMarkdown('\n\n');
          break;
        case 'none':
          break;
      }
    }
    tooltip.appendMarkdown('Click to switch profile or region.');
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
