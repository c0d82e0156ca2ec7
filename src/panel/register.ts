// The table panel's commands and serializer. Opened from a table node, a key node, the command palette (with a table
// pick) and the lab: executeCommand('kmsLab.openTablePanel', { tableName, readAs? }).
import * as vscode from 'vscode';
import type { LocalSandboxTiming } from './new-keys';
import type { DynamoTable, KmsKey } from '../aws/types';
import { CancelledError, Commands, registerCommand } from '../commands';
import type { KeyPolicyStore } from '../keypolicy';
import { PolicyDrafts } from '../keypolicy/drafts';
import type { AccountChanges } from '../session/account-changes';
import type { Connection } from '../status/connection';
import type { ExtraIdentities } from '../status/identities';
import { connectionReadAs } from './read-as-choices';
import { vscodePanelUi } from './vscode-panel-ui';
import { webviewOptions } from './html';
import { InvalidMessageError, parseWebviewMessage } from './incoming';
import { analyseAccessSnapshot, exportAccessSnapshot } from './snapshot-commands';
import { PANEL_VIEW_TYPE, type PanelSubject, type PersistedState } from './protocol';
import { panelKey, TablePanel, type PanelInfo } from './table-panel';

export interface TablePanelDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  identities: ExtraIdentities;
  keyPolicies: KeyPolicyStore;
  /** The account's change signal: every open panel follows it. */
  changes: AccountChanges;
  /** The local sandbox's endpoint and AWS timing, for whether a new access key may still be refused. */
  localSandbox?: () => LocalSandboxTiming;
}

/** How the lab (and other callers) ask for a panel. */
export interface OpenTablePanelArgs {
  tableName: string;
  /** An ExtraIdentity id (or a "Read as" id such as "profile:dev") to show beside the status bar's identity. */
  readAs?: string;
}

export interface TablePanels {
  /** The open panels, for tests and the API. */
  list(): PanelInfo[];
  open(subject: PanelSubject, options?: { readAs?: string; openedAt?: number }): Promise<TablePanel>;
}

export function registerTablePanel(context: vscode.ExtensionContext, deps: TablePanelDeps): TablePanels {
  const open = new Map<string, TablePanel>();
  const panelDeps = {
    ...deps,
    drafts: new PolicyDrafts(context.globalState),
    readAs: connectionReadAs(deps.connection, deps.identities),
    ui: vscodePanelUi,
    extensionUri: context.extensionUri,
  };

  const track = (panel: TablePanel): TablePanel => {
    open.set(panel.key, panel);
    panel.onDidDispose(() => {
      if (open.get(panel.key) === panel) open.delete(panel.key);
    });
    return panel;
  };

  const openPanel = async (subject: PanelSubject, options: { readAs?: string; openedAt?: number } = {}): Promise<TablePanel> => {
    const existing = open.get(panelKey(subject));
    if (existing) {
      await existing.reveal(options.readAs);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, subject.tableName ?? 'Key policy', vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri, vscode.Uri.joinPath),
      retainContextWhenHidden: true,
    });
    return track(new TablePanel(panel, subject, panelDeps, options));
  };

  const activeRegion = (): string => {
    const region = deps.connection.target?.region;
    if (!region || !deps.connection.session) throw new Error('No AWS profile is selected: pick one in the status bar first.');
    return region;
  };

  registerCommand(context, deps.log, Commands.openTablePanel, async (arg?: unknown) => {
    const openedAt = Date.now();
    const request = await subjectOf(arg, deps.connection, activeRegion());
    await openPanel(request.subject, { readAs: request.readAs, openedAt });
  });

  const whoCan = async (arg: unknown) => {
    const request = await subjectOf(arg, deps.connection, activeRegion());
    if (!request.subject.tableName) {
      throw new Error(`No DynamoDB table in ${request.subject.region} uses this key. "Who can read?" answers for a table's data: create or pick a table encrypted with it.`);
    }
    const panel = await openPanel(request.subject, { readAs: request.readAs });
    await panel.showAccess();
  };
  registerCommand(context, deps.log, Commands.whoCanRead, whoCan);
  registerCommand(context, deps.log, Commands.whoCanDecrypt, whoCan);
  registerCommand(context, deps.log, Commands.showActivity, async (arg?: unknown) => {
    const request = await subjectOf(arg, deps.connection, activeRegion());
    const panel = await openPanel(request.subject, { readAs: request.readAs });
    await panel.showActivity();
  });
  registerCommand(context, deps.log, Commands.exportAccessSnapshot, async (arg?: unknown) => {
    const request = await subjectOf(arg, deps.connection, activeRegion());
    if (!request.subject.tableName) throw new Error('An access snapshot is collected for a table: this key protects none.');
    return exportAccessSnapshot(deps.connection, request.subject.tableName);
  });
  registerCommand(context, deps.log, Commands.analyseAccessSnapshot, (file?: unknown) => analyseAccessSnapshot(file instanceof vscode.Uri ? file : undefined));

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const restored = restoredState(state, deps.log);
        if (!restored) {
          panel.dispose();
          return;
        }
        if (open.has(panelKey(restored.subject))) {
          panel.dispose();
          return;
        }
        track(new TablePanel(panel, restored.subject, panelDeps, { state: restored }));
      },
    }),
    { dispose: () => [...open.values()].forEach((p) => p.dispose()) },
  );

  return { list: () => [...open.values()].map((p) => p.info()), open: openPanel };
}

/** The state VS Code kept for a panel across a reload: it came from the webview, so it is checked like a message. */
function restoredState(state: unknown, log: vscode.LogOutputChannel): PersistedState | undefined {
  if (state === undefined || state === null) return undefined;
  try {
    const message = parseWebviewMessage({ type: 'ready', state });
    return message.type === 'ready' ? message.state : undefined;
  } catch (error) {
    if (!(error instanceof InvalidMessageError)) throw error;
    log.warn(`Table panel: the saved state of a panel was not usable and was dropped: ${error.message}`);
    return undefined;
  }
}

interface SubjectRequest {
  subject: PanelSubject;
  readAs?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A table node, a key node, the lab's { tableName, readAs }, a table name, or nothing (then ask). */
async function subjectOf(arg: unknown, connection: Connection, region: string): Promise<SubjectRequest> {
  if (typeof arg === 'string' && arg !== '') return { subject: { region, tableName: arg } };
  if (isObject(arg) && typeof arg.tableName === 'string') {
    if (arg.readAs !== undefined && typeof arg.readAs !== 'string') throw new Error(`${Commands.openTablePanel}: readAs must be the id of an identity`);
    return { subject: { region, tableName: arg.tableName }, readAs: arg.readAs as string | undefined };
  }
  const node = isObject(arg) ? (arg as { table?: unknown; key?: unknown }) : undefined;
  if (isObject(node?.table) && typeof node.table.name === 'string') {
    return { subject: { region, tableName: node.table.name } };
  }
  if (isObject(node?.key) && typeof node.key.arn === 'string') {
    return { subject: await subjectOfKey(node.key as unknown as KmsKey, connection, region) };
  }
  if (arg !== undefined) throw new Error(`${Commands.openTablePanel} expects a table node, a key node, or { tableName, readAs? }`);
  return { subject: { region, tableName: await pickTable(connection) } };
}

async function allTables(connection: Connection): Promise<DynamoTable[]> {
  const session = connection.session;
  if (!session) throw new Error('No AWS profile is selected: pick one in the status bar first.');
  const tables: DynamoTable[] = [];
  let pageToken: string | undefined;
  do {
    const page = await session.dynamodb.listTables({ pageToken, pageSize: 100 });
    tables.push(...page.items);
    pageToken = page.nextToken;
  } while (pageToken && tables.length < 10_000);
  return tables;
}

/** The tables a key protects: one opens, several are offered, none opens the key's policy alone. */
async function subjectOfKey(key: KmsKey, connection: Connection, region: string): Promise<PanelSubject> {
  const tables = (await allTables(connection)).filter((t) => t.kmsKeyArn === key.arn);
  if (tables.length === 0) return { region, keyArn: key.arn };
  if (tables.length === 1) return { region, tableName: tables[0].name, keyArn: key.arn };
  const picked = await vscode.window.showQuickPick(
    tables.map((t) => ({ label: t.name, description: t.status })),
    { title: `KMS Lab: tables encrypted with ${key.aliases[0] ?? key.keyId}`, placeHolder: 'Which table?' },
  );
  if (!picked) throw new CancelledError();
  return { region, tableName: picked.label, keyArn: key.arn };
}

async function pickTable(connection: Connection): Promise<string> {
  const items = allTables(connection).then((tables) => {
    if (tables.length === 0) throw new Error(`There are no DynamoDB tables in ${connection.target?.region ?? 'this region'} for this profile.`);
    return tables.map((t) => ({ label: t.name, description: [t.encryption.replace(/-/g, ' ') + ' key', t.status === 'ACTIVE' ? undefined : t.status].filter(Boolean).join(' · ') }));
  });
  const picked = await vscode.window.showQuickPick(items, { title: 'KMS Lab: open a table', placeHolder: 'Which table?', matchOnDescription: true });
  if (!picked) throw new CancelledError();
  return picked.label;
}
