import * as vscode from 'vscode';
import { AwsLayerError } from './aws/errors';
import { isCancellation } from './cancellation';
import { Commands } from './command-ids';
import { errorMessage } from './error-message';

interface ErrorAction {
  title: string;
  run(): Thenable<unknown>;
}

/** The one place that turns an error into a log line and a message with the actions that can fix it. */
export async function presentError(log: vscode.LogOutputChannel, what: string, error: unknown): Promise<void> {
  if (isCancellation(error)) return;
  const message = errorMessage(error);
  log.error(`${what}: ${message}`);
  const actions = actionsFor(error);
  const choice = await vscode.window.showErrorMessage(message, ...actions.map((a) => a.title));
  await actions.find((a) => a.title === choice)?.run();
}

export { errorMessage };

function actionsFor(error: unknown): ErrorAction[] {
  if (!(error instanceof AwsLayerError)) return [showLog()];
  switch (error.kind) {
    case 'sso-expired':
      return [{ title: 'Run aws sso login', run: () => vscode.commands.executeCommand(Commands.ssoLogin, error.profile) }, showLog()];
    case 'unknown-profile':
    case 'endpoint-unreachable':
    case 'invalid-credentials':
      return [{ title: 'Switch Profile…', run: () => vscode.commands.executeCommand(Commands.switchProfile) }, showLog()];
    default:
      return [showLog()];
  }
}

function showLog(): ErrorAction {
  return { title: 'Show Log', run: () => vscode.commands.executeCommand(Commands.showLog) };
}
