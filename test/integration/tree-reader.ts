// Reads the KMS Lab resources tree the way VS Code does: getChildren, then getTreeItem for each node.
import * as vscode from 'vscode';
import type { KmsLabTestApi } from './support';
import { waitFor } from './support';

export interface Row {
  node: unknown;
  label: string;
  description: string;
  contextValue: string;
  tooltip: string;
  command?: vscode.Command;
}

function text(value: string | vscode.TreeItemLabel | boolean | undefined): string {
  if (value === undefined || typeof value === 'boolean') return '';
  return typeof value === 'string' ? value : value.label;
}

export async function rows(api: KmsLabTestApi, parent?: unknown): Promise<Row[]> {
  const nodes = ((await api.tree.getChildren(parent as never)) ?? []) as unknown[];
  return Promise.all(
    nodes.map(async (node) => {
      const item = await api.tree.getTreeItem(node as never);
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : text(item.tooltip);
      return { node, label: text(item.label), description: text(item.description), contextValue: item.contextValue ?? '', tooltip, command: item.command };
    }),
  );
}

export async function child(api: KmsLabTestApi, parent: unknown, label: string | RegExp): Promise<Row> {
  const all = await rows(api, parent);
  const found = all.find((r) => (typeof label === 'string' ? r.label === label : label.test(r.label)));
  if (!found) throw new Error(`no child ${String(label)}; children are: ${all.map((r) => `${r.label} (${r.description})`).join(', ')}`);
  return found;
}

/** Follows a path of labels from the root. */
export async function at(api: KmsLabTestApi, ...path: (string | RegExp)[]): Promise<Row> {
  let current: Row | undefined;
  for (const label of path) current = await child(api, current?.node, label);
  if (!current) throw new Error('empty path');
  return current;
}

/** Waits until the children under a path satisfy a check (the tree reloads asynchronously after a switch). */
export async function waitForRows(api: KmsLabTestApi, path: (string | RegExp)[], check: (rows: Row[]) => boolean, timeoutMs = 20_000): Promise<Row[]> {
  let last: Row[] = [];
  try {
    return await waitFor(async () => {
      const parent = path.length ? (await at(api, ...path)).node : undefined;
      last = await rows(api, parent);
      return check(last) ? last : undefined;
    }, timeoutMs, 200);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nchildren under ${path.join(' > ') || 'root'}: ${last.map((r) => `${r.label} (${r.description})`).join(', ')}`);
  }
}
