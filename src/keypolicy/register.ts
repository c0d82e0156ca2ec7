// Wiring of key policy editing: the store, the kmslab: file system, the Problems panel, and the commands.
import * as vscode from 'vscode';
import type { ConnectionTarget, KmsKey } from '../aws/types';
import { CancelledError, Commands, registerCommand } from '../commands';
import type { Connection } from '../status/connection';
import { isSandboxTarget } from '../status/local-sandbox';
import type { AccountChanges } from '../session/account-changes';
import { KeyPolicyDiagnostics } from './diagnostics';
import { announceKeyPolicySaves } from './editing';
import { KmslabFileSystem, keyPolicyUri, type IamPolicyReader } from './file-system';
import { KeyPolicyHistoryCommands } from './history-command';
import { KeyPolicyStore } from './store';
import { vscodeKeyPolicyEditUi } from './vscode-edit-ui';
import { KMSLAB_SCHEME, parseKeyArn, parsePath, targetName } from './uri';

export interface KeyPolicyEditing {
  store: KeyPolicyStore;
  /** Opens a key policy (by key ARN or key id of the active profile) as an editable tab. */
  openKeyPolicyEditor(keyArn: string): Promise<vscode.TextEditor>;
}

/** What the commands accept: a key ARN or id, a tree node with a key, or a kmslab: key policy URI. */
type KeyArgument = string | { key: KmsKey } | { keyArn: string } | vscode.Uri | undefined;

/** Tabs restored at startup wait this long after activation for the last profile to be selected again. */
const SELECTION_WAIT_MS = 10_000;

function nameOf(target: ConnectionTarget): string {
  return targetName(target, isSandboxTarget(target));
}

/** `changes`: the account's change signal, on which every key policy save is announced and which open tabs follow. */
export function registerKeyPolicies(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  connection: Connection,
  readIamPolicy: IamPolicyReader,
  changes: AccountChanges,
): KeyPolicyEditing {
  const store = new KeyPolicyStore({ historyDir: vscode.Uri.joinPath(context.globalStorageUri, 'key-policy-history').fsPath, logger: log });
  context.subscriptions.push(announceKeyPolicySaves(store, changes));
  const activatedAt = Date.now();
  const whenSelected = (): Promise<void> => {
    const left = activatedAt + SELECTION_WAIT_MS - Date.now();
    if (connection.target || left <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const subscription = connection.onDidChangeTarget(done);
      const timer = setTimeout(done, left);
    });
  };
  const active = { get target() { return connection.target; }, get session() { return connection.session; }, nameOf, whenSelected };
  const files = new KmslabFileSystem(store, active, log, readIamPolicy, vscodeKeyPolicyEditUi, changes);
  const diagnostics = new KeyPolicyDiagnostics((uri) => files.documentOf(uri)?.readOnlyReason);
  const history = new KeyPolicyHistoryCommands(store, files, vscodeKeyPolicyEditUi);
  context.subscriptions.push(files, diagnostics, vscode.workspace.registerFileSystemProvider(KMSLAB_SCHEME, files, { isCaseSensitive: true }));

  const selected = () => {
    const { target, session } = connection;
    if (!target || !session) throw new Error('No AWS profile is selected: choose one in the status bar to work with key policies.');
    return { target, session };
  };

  /** A key ARN or id from whatever the command was given; with nothing, the open key policy tab or a pick. */
  const keyOf = async (arg: KeyArgument): Promise<string> => {
    if (typeof arg === 'string' && arg.trim() !== '') return arg.trim();
    if (arg instanceof vscode.Uri) return keyFromUri(arg);
    if (typeof arg === 'object' && 'key' in arg) return arg.key.arn || arg.key.keyId;
    if (typeof arg === 'object' && 'keyArn' in arg) return arg.keyArn;
    const open = vscode.window.activeTextEditor?.document.uri;
    if (open?.scheme === KMSLAB_SCHEME && parsePath(open.path).kind !== 'folder' && parsePath(open.path).kind !== 'iam-policy') return keyFromUri(open);
    return pickKey();
  };

  const keyFromUri = (uri: vscode.Uri): string => {
    const path = parsePath(uri.path);
    if (path.kind === 'folder' || path.kind === 'iam-policy') throw new Error(`${uri.path} is not a key policy`);
    return files.documentOf(keyPolicyUri(path))?.keyArn ?? path.keyId;
  };

  const pickKey = async (): Promise<string> => {
    const { session } = selected();
    const keys = (await session.kms.listKeys({ includeAwsManaged: true, pageSize: 100 })).items;
    if (keys.length === 0) throw new Error('There are no KMS keys in this account and region.');
    const picked = await vscode.window.showQuickPick(
      keys.map((key) => ({ label: `$(key) ${key.aliases[0] ?? key.keyId}`, description: key.keyManager === 'AWS' ? 'AWS managed' : key.state, detail: key.arn, key })),
      { title: 'Key policy of which key?', matchOnDetail: true },
    );
    if (!picked) throw new CancelledError('No key picked');
    return picked.key.arn;
  };

  const openKeyPolicyEditor = async (keyArnOrId: string): Promise<vscode.TextEditor> => {
    const { target, session } = selected();
    const arn = parseKeyArn(keyArnOrId);
    if (arn && arn.region !== target.region) {
      throw new Error(`The key ${keyArnOrId} is in ${arn.region}, but the active region is ${target.region}. Switch region in the status bar to edit its policy.`);
    }
    // A key id is used as it is; an alias is resolved to its key first.
    const keyId = arn?.keyId ?? (/^[A-Za-z0-9-]+$/.test(keyArnOrId) ? keyArnOrId : (await session.kms.describeKey(keyArnOrId)).keyId);
    const uri = keyPolicyUri({ target: nameOf(target), region: target.region, keyId });
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: false });
  };

  registerCommand(context, log, Commands.editKeyPolicy, async (arg?: KeyArgument) => openKeyPolicyEditor(await keyOf(arg)));
  registerCommand(context, log, Commands.keyPolicyHistory, async (arg?: KeyArgument) => {
    const { target, session } = selected();
    const keyIdOrArn = await keyOf(arg);
    const key = await session.kms.describeKey(keyIdOrArn);
    await history.show(session, nameOf(target), key.arn, key.aliases[0] ?? key.keyId);
  });
  registerCommand(context, log, Commands.restoreKeyPolicyVersion, (uri?: vscode.Uri) => history.restoreShown(uri));

  return { store, openKeyPolicyEditor };
}
