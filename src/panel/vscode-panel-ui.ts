// What the panel asks of VS Code, answered with VS Code's own dialogs, clipboard and commands.
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { vscodeKeyPolicyEditUi } from '../keypolicy/vscode-edit-ui';
import type { PanelUi, PrincipalChoice } from './controller';

type PrincipalItem = vscode.QuickPickItem & { arn?: string; typeIn?: boolean };

export const vscodePanelUi: PanelUi = {
  ...vscodeKeyPolicyEditUi,

  async pickPrincipal(title: string, choices: Promise<PrincipalChoice[]>): Promise<string | undefined> {
    const items = choices.then((list): PrincipalItem[] => [
      ...list.map((c) => ({ label: `$(${c.icon}) ${c.label}`, description: c.arn, arn: c.arn })),
      { label: '$(edit) Enter an ARN…', typeIn: true },
    ]);
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'A user or role of the account', matchOnDescription: true });
    if (!picked) return undefined;
    if (!picked.typeIn) return picked.arn;
    return vscode.window.showInputBox({
      title: 'KMS Lab: principal ARN',
      prompt: 'A user or role ARN, e.g. arn:aws:iam::111122223333:user/alice',
      ignoreFocusOut: true,
      validateInput: (value) => (/^arn:aws[\w-]*:(iam|sts)::\d{12}:.+/.test(value.trim()) ? undefined : 'Enter an IAM user or role ARN'),
    });
  },

  async copy(text: string, what: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${what}`, 3000);
  },

  async saveJson(title: string, fileName: string, text: string): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({ title, defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined, filters: { JSON: ['json'] } });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    const where = vscode.workspace.asRelativePath(target);
    vscode.window.setStatusBarMessage(`Saved ${where}`, 3000);
    return where;
  },

  async canOpenKeyPolicyEditor(): Promise<boolean> {
    return (await vscode.commands.getCommands(true)).includes(Commands.editKeyPolicy);
  },
  async openKeyPolicyEditor(keyArn: string): Promise<void> {
    await vscode.commands.executeCommand(Commands.editKeyPolicy, keyArn);
  },
  async ssoLogin(profile: string): Promise<void> {
    await vscode.commands.executeCommand(Commands.ssoLogin, profile);
  },
  async switchProfile(): Promise<void> {
    await vscode.commands.executeCommand(Commands.switchProfile);
  },
};
