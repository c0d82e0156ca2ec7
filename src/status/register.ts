import * as path from 'node:path';
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { configFilePaths } from '../aws/profiles';
import { Commands, registerCommand } from '../commands';
import type { Connection } from './connection';
import type { ExtraIdentities } from './identities';
import { isSandboxTarget } from './local-sandbox';
import { pickTarget } from './profile-picker';
import { ProfileStatusItem } from './profile-status-item';

/** The profile/region status bar item and the commands around profiles. */
export function registerProfileStatus(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, connection: Connection, identities: ExtraIdentities): ProfileStatusItem {
  const item = new ProfileStatusItem(connection);
  context.subscriptions.push(item);

  registerCommand(context, log, Commands.switchProfile, async () => {
    const target = await pickTarget(connection, identities);
    if (target) await connection.select(target);
  });

  registerCommand(context, log, Commands.ssoLogin, async (profile?: string) => {
    const target = connection.target;
    const name = typeof profile === 'string' ? profile : target?.kind === 'profile' ? target.profile : undefined;
    if (!name || !/^[\w.+@-]+$/.test(name)) throw new Error('Choose an SSO profile first.');
    const terminal = vscode.window.createTerminal({ name: `aws sso login (${name})` });
    terminal.show();
    terminal.sendText(`aws sso login --profile ${name}`);
    const done = await vscode.window.showInformationMessage(`Finish signing in for profile ${name} in the terminal, then reload.`, 'Reload');
    if (done) {
      connection.invalidate();
      await vscode.commands.executeCommand(Commands.refresh);
    }
  });

  registerCommand(context, log, Commands.openConfigFile, async () => {
    const { configFile } = configFilePaths(process.env);
    try {
      await fs.access(configFile);
    } catch {
      await fs.mkdir(path.dirname(configFile), { recursive: true, mode: 0o700 });
      await fs.writeFile(configFile, '[default]\nregion = us-east-1\n', { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(configFile));
  });

  registerCommand(context, log, Commands.startSandbox, async () => {
    const target = await connection.sandbox.start(connection.target?.region);
    await connection.select(target);
  });

  registerCommand(context, log, Commands.stopSandbox, async () => {
    const wasCurrent = isSandboxTarget(connection.target);
    await connection.sandbox.stop();
    if (wasCurrent) await connection.clear();
  });

  registerCommand(context, log, Commands.resetSandbox, async () => {
    const confirm = await vscode.window.showWarningMessage(
      'Reset the local sandbox?',
      { modal: true, detail: 'Every key, table, item, user and role in the local sandbox account is deleted. Your AWS accounts are not touched.' },
      'Reset',
    );
    if (confirm !== 'Reset') return;
    const wasCurrent = isSandboxTarget(connection.target);
    await connection.sandbox.reset();
    if (wasCurrent) await connection.select(await connection.sandbox.start(connection.target?.region));
    void vscode.window.showInformationMessage('The local sandbox was reset to a new, empty account.');
  });

  return item;
}
