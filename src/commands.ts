import * as vscode from 'vscode';
import { isCancellation, presentError } from './notify';

/** Every command id, as in package.json. */
export const Commands = {
  switchProfile: 'kmsLab.switchProfile',
  refresh: 'kmsLab.refresh',
  refreshNode: 'kmsLab.refreshNode',
  loadMore: 'kmsLab.loadMore',
  openKeyPolicy: 'kmsLab.openKeyPolicy',
  openPolicyDocument: 'kmsLab.openPolicyDocument',
  openTablePanel: 'kmsLab.openTablePanel',
  whoCanRead: 'kmsLab.whoCanRead',
  whoCanDecrypt: 'kmsLab.whoCanDecrypt',
  exportAccessSnapshot: 'kmsLab.exportAccessSnapshot',
  analyseAccessSnapshot: 'kmsLab.analyseAccessSnapshot',
  editKeyPolicy: 'kmsLab.editKeyPolicy',
  keyPolicyHistory: 'kmsLab.keyPolicyHistory',
  restoreKeyPolicyVersion: 'kmsLab.restoreKeyPolicyVersion',
  revealKey: 'kmsLab.revealKey',
  copyArn: 'kmsLab.copyArn',
  ssoLogin: 'kmsLab.ssoLogin',
  openConfigFile: 'kmsLab.openConfigFile',
  showLog: 'kmsLab.showLog',
  startSandbox: 'kmsLab.sandbox.start',
  stopSandbox: 'kmsLab.sandbox.stop',
  resetSandbox: 'kmsLab.sandbox.reset',
  labCreateKey: 'kmsLab.lab.createKey',
  labCreateTable: 'kmsLab.lab.createTable',
  labAddItem: 'kmsLab.lab.addItem',
  labCreateTestUser: 'kmsLab.lab.createTestUser',
  labReadAsTestUser: 'kmsLab.lab.readAsTestUser',
  labGrant: 'kmsLab.lab.grant',
  labReadAgain: 'kmsLab.lab.readAgain',
  labRevoke: 'kmsLab.lab.revoke',
  labCleanUp: 'kmsLab.lab.cleanUp',
  labRefresh: 'kmsLab.lab.refresh',
  labOpenWalkthrough: 'kmsLab.lab.openWalkthrough',
  labOpenPanel: 'kmsLab.lab.openPanel',
  labExportTestUserProfile: 'kmsLab.lab.exportTestUserProfile',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Thrown when a person dismisses a quick pick or input box: not an error. */
export class CancelledError extends Error {
  constructor(what = 'Cancelled') {
    super(what);
    this.name = 'CancelledError';
  }
}

/**
 * Registers a command whose failures are logged once and shown once, with the actions that can fix them.
 * A cancelled pick is silent.
 */
export function registerCommand(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  id: CommandId,
  handler: (...args: any[]) => unknown,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        if (isCancellation(error)) return undefined;
        await presentError(log, `${id} failed`, error);
        return undefined;
      }
    }),
  );
}
