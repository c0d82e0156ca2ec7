// "Who can read" without a panel: export the account snapshot of a table to a JSON file, and analyse such a file
// later (offline, in a review, in CI) into a Markdown report.
import * as vscode from 'vscode';
import { loadSnapshot, saveSnapshot, toMarkdown, whoCan } from '../access';
import { collectAccessSnapshot } from '../aws/access-snapshot';
import { CancelledError } from '../commands';
import type { Connection } from '../status/connection';

export async function exportAccessSnapshot(connection: Connection, tableName: string): Promise<vscode.Uri | undefined> {
  const session = connection.session;
  if (!session) throw new Error('No AWS profile is selected: pick one in the status bar first.');
  const snapshot = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `KMS Lab: collecting who can read ${tableName}`, cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let last = 0;
      return collectAccessSnapshot(session, {
        tables: [tableName],
        signal: abort.signal,
        onProgress: (done, total, what) => {
          const percent = total > 0 ? Math.round((done / total) * 100) : 0;
          progress.report({ message: `${what} (${done}/${total})`, increment: percent - last });
          last = percent;
        },
      });
    },
  );
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Save the access snapshot of ${tableName}`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, `access-snapshot-${tableName}.json`) : undefined,
    filters: { JSON: ['json'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, Buffer.from(saveSnapshot(snapshot), 'utf8'));
  vscode.window.setStatusBarMessage(`Saved the access snapshot of ${tableName} (${snapshot.authorizationDetails.UserDetailList.length} users, ${snapshot.authorizationDetails.RoleDetailList.length} roles)`, 5000);
  return target;
}

/** Reads a snapshot file, asks which of its tables, and opens who can read it as Markdown. */
export async function analyseAccessSnapshot(file?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const uri =
    file ??
    (await vscode.window.showOpenDialog({ title: 'KMS Lab: analyse an access snapshot', canSelectMany: false, filters: { JSON: ['json'] } }))?.[0];
  if (!uri) throw new CancelledError();
  const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  let snapshot;
  try {
    snapshot = loadSnapshot(text);
  } catch (error) {
    throw new Error(`${vscode.workspace.asRelativePath(uri)} is not an access snapshot KMS Lab can read: ${(error as Error).message}`);
  }
  const tables = snapshot.tables.map((t) => ({ label: t.Table.TableName ?? '', description: t.Table.TableArn, arn: t.Table.TableArn ?? '' }));
  if (tables.length === 0) throw new Error(`${vscode.workspace.asRelativePath(uri)} holds no table to analyse`);
  const picked = tables.length === 1 ? tables[0] : await vscode.window.showQuickPick(tables, { title: 'KMS Lab: who can read which table?' });
  if (!picked) throw new CancelledError();
  const report = whoCan(snapshot, picked.arn);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: toMarkdown(report) });
  await vscode.window.showTextDocument(document);
  return document;
}
