import * as path from 'node:path';
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { configFilePaths } from '../aws/profiles';
import { Commands, registerCommand } from '../commands';
import type { AccountChanges, AccountScope } from '../session/account-changes';
import type { Connection } from './connection';
import type { ExtraIdentities } from './identities';
import { isSandboxTarget } from './local-sandbox';
import { pickTarget } from './profile-picker';
import { ProfileStatusItem } from './profile-status-item';

/** The profile/region status bar item and the commands around profiles. */
export interface ProfileStatusDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  identities: ExtraIdentities;
  changes: AccountChanges;
}

export function registerProfileStatus(context: vscode.ExtensionContext, deps: ProfileStatusDeps): ProfileStatusItem {
  const { log, connection, identities, changes } = deps;
  const item = new ProfileStatusItem(connection);
  context.subscriptions.push(item);
  // The sandbox's account as last seen running: a stop or a restart changes what every view of it shows.
  let sandboxScope: AccountScope | undefined;
  const announceSandbox = (reason: 'sandbox-reset' | 'sandbox-restart', source: string) => {
    const scope = sandboxScope ?? { region: connection.target?.region ?? 'us-east-1' };
    changes.announce({ scope, changes: [{ kind: 'everything', reason }], source });
  };
  context.subscriptions.push(
    connection.sandbox.onDidChangeRunning((running) => {
      const sandbox = connection.sandbox.running;
      if (running && sandbox) sandboxScope = { accountId: sandbox.accountId, region: sandbox.region };
      announceSandbox('sandbox-restart', running ? 'the local sandbox started' : 'the local sandbox stopped');
    }),
  );

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
    announceSandbox('sandbox-reset', 'Reset Local Sandbox');
    if (wasCurrent) await connection.select(await connection.sandbox.start(connection.target?.region));
    void vscode.window.showInformationMessage('The local sandbox was reset to a new, empty account.');
  });

  return item;
}
