import * as vscode from 'vscode';

/** The embedded sandbox's timing settings; it reads them when it starts, so it is stopped (the caller starts it again). */
export async function setTiming(awsTiming: number, throttleRate: number): Promise<void> {
  const config = vscode.workspace.getConfiguration('kmsLab');
  await config.update('sandbox.awsTiming', awsTiming || undefined, vscode.ConfigurationTarget.Global);
  await config.update('sandbox.throttleRate', throttleRate || undefined, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('kmsLab.sandbox.stop');
}

/** Back to instant answers and no throttling, with the sandbox running again, for the tests after. */
export async function restoreInstantTiming(): Promise<void> {
  await setTiming(0, 0);
  await vscode.commands.executeCommand('kmsLab.sandbox.start');
}
