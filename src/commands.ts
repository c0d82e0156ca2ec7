import * as vscode from 'vscode';
import { isCancellation } from './cancellation';
import type { CommandId } from './command-ids';
import { presentError } from './notify';

export { Commands, type CommandId } from './command-ids';

/** The one cancellation error (src/cancellation.ts), here too for the commands' callers. */
export { CancelledError } from './cancellation';

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
