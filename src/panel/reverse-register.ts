// "What can this principal read?": on a user or role of the tree, on a user's groups (a group stands for its members),
// with a principal's ARN (the API, tests), and from the palette for the status bar's identity. One panel per principal.
import * as vscode from 'vscode';
import { CancelledError, Commands, registerCommand } from '../commands';
import type { AccountChanges } from '../session/account-changes';
import type { Connection } from '../status/connection';
import { GroupsNode } from '../views/nodes/groups-node';
import { REVERSE_VIEW_TYPE } from './reverse-protocol';
import { ReversePanel, type ReversePanelInfo } from './reverse-panel';
import { vscodePanelUi } from './vscode-panel-ui';
import { webviewOptions } from './html';

export interface ReversePanels {
  list(): ReversePanelInfo[];
}

const PRINCIPAL_ARN = /^arn:[\w-]+:(iam|sts)::\d{12}:/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The status bar's identity, as STS names it. */
async function activeIdentity(connection: Connection): Promise<string> {
  const session = connection.session;
  if (!session) throw new Error('No AWS profile is selected: pick one in the status bar first.');
  return (await session.sts.getCallerIdentity()).arn;
}

/** A principal node, the groups under a user (one picked when there are several), an ARN, or nothing: the status bar's. */
async function principalOf(arg: unknown, connection: Connection): Promise<string> {
  if (typeof arg === 'string' && PRINCIPAL_ARN.test(arg)) return arg;
  if (arg instanceof GroupsNode) {
    const name = arg.groups.length === 1 ? arg.groups[0] : (await vscode.window.showQuickPick(arg.groups, { title: 'KMS Lab: what can the members of which group read?' }));
    if (!name) throw new CancelledError();
    return arg.groupArn(name);
  }
  const principal = isObject(arg) && isObject(arg.principal) ? arg.principal : undefined;
  if (principal && typeof principal.arn === 'string') return principal.arn;
  if (arg !== undefined) throw new Error(`${Commands.whatCanRead} expects a user, role or group of the tree, or a principal's ARN`);
  return activeIdentity(connection);
}

/** The principal a reloaded page kept; it came from the page, so it must still look like a principal's ARN. */
function restoredPrincipal(state: unknown): string | undefined {
  const principal = isObject(state) ? state.principal : undefined;
  return typeof principal === 'string' && principal.length <= 2048 && PRINCIPAL_ARN.test(principal) ? principal : undefined;
}

export function registerReversePanel(context: vscode.ExtensionContext, deps: { log: vscode.LogOutputChannel; connection: Connection; changes: AccountChanges }): ReversePanels {
  const open = new Map<string, ReversePanel>();
  const panelDeps = { ...deps, ui: vscodePanelUi, extensionUri: context.extensionUri };

  const show = async (arg: unknown): Promise<void> => {
    const principal = await principalOf(arg, deps.connection);
    const existing = open.get(principal);
    if (existing) return existing.reveal();
    const panel = vscode.window.createWebviewPanel(REVERSE_VIEW_TYPE, 'What can read', vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri, vscode.Uri.joinPath),
      retainContextWhenHidden: true,
    });
    track(principal, new ReversePanel(panel, principal, panelDeps));
  };
  const track = (principal: string, reverse: ReversePanel): void => {
    open.set(principal, reverse);
    reverse.onDidDispose(() => {
      if (open.get(principal) === reverse) open.delete(principal);
    });
  };
  registerCommand(context, deps.log, Commands.whatCanRead, show);
  registerCommand(context, deps.log, Commands.whatCanIRead, () => show(undefined));
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(REVERSE_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const principal = restoredPrincipal(state);
        if (principal === undefined || open.has(principal)) {
          if (principal === undefined && state !== undefined) deps.log.warn('What can read: the saved state of a panel was not usable and was dropped');
          panel.dispose();
          return;
        }
        track(principal, new ReversePanel(panel, principal, panelDeps));
      },
    }),
    { dispose: () => [...open.values()].forEach((p) => p.dispose()) },
  );
  return { list: () => [...open.values()].map((p) => p.info()) };
}
