import * as vscode from 'vscode';
import type { AwsSession } from '../aws/session';
import type { Settings } from '../config';
import { changesEverything, type AccountChangeEvent } from '../session/account-changes';
import { KeysSection } from './nodes/keys-section';
import { InfoNode } from './nodes/message-node';
import type { TreeChanges } from './nodes/paged-list-node';
import { PrincipalsSection } from './nodes/principals-section';
import type { ResourceNode } from './nodes/resource-node';
import { TablesSection } from './nodes/tables-section';
import { touchedNodes } from './touches';

/** The kmsLab.resources tree: KMS keys, DynamoDB tables and IAM principals of the active profile. */
export class ResourcesProvider implements vscode.TreeDataProvider<ResourceNode>, TreeChanges, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ResourceNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: ResourceNode[] = [];
  private keysSection: KeysSection | undefined;
  /** Sections shown above the resources whenever a profile is selected, such as the lab's. */
  private leading: ResourceNode[] = [];
  private session: AwsSession | undefined;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly settings: () => Settings) {}

  get keys(): KeysSection | undefined {
    return this.keysSection;
  }

  /** Rebuilds the tree for a new profile or region (or empties it when there is none). */
  setSession(session: AwsSession | undefined): void {
    this.session = session;
    if (!session) {
      this.roots = [];
      this.keysSection = undefined;
    } else {
      const tree = { session, settings: this.settings, changes: this };
      const tables = new TablesSection(tree);
      const keys = new KeysSection(tree, tables);
      this.keysSection = keys;
      this.roots = [keys, tables, new PrincipalsSection(tree)];
    }
    this.emitter.fire(undefined);
  }

  setLeadingRoots(nodes: ResourceNode[]): void {
    this.leading = nodes;
    this.emitter.fire(undefined);
  }

  changed(node?: ResourceNode): void {
    this.emitter.fire(node);
  }

  /** Refresh everything: the session's cache and every section. */
  refreshAll(): void {
    this.session?.invalidate();
    for (const root of [...this.leading, ...this.roots]) root.reset();
    this.emitter.fire(undefined);
  }

  /**
   * Follows a change in the account: everything is read again after a change of everything; otherwise exactly the
   * loaded nodes the change touches are reset and re-rendered (fire(node)), and the rest of the tree stays as it is.
   */
  follow(event: AccountChangeEvent): void {
    if (changesEverything(event)) {
      this.refreshAll();
      return;
    }
    const touched = touchedNodes(this.roots, event);
    if (touched.length === 0) return;
    this.session?.invalidate();
    for (const node of touched) {
      node.reset();
      this.emitter.fire(node);
    }
  }

  /** Refresh one subtree (a section, a key, a table, a principal, or the owner of a failed load). */
  refreshNode(node: ResourceNode): void {
    this.session?.invalidate();
    node.reset();
    this.emitter.fire(node);
  }

  getTreeItem(node: ResourceNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    return node.getTreeItem();
  }

  async getChildren(node?: ResourceNode): Promise<ResourceNode[]> {
    if (!node) {
      if (this.session) return [...this.leading, ...this.roots];
      return [];
    }
    this.pending++;
    try {
      return await node.getChildren();
    } catch (error) {
      return [new InfoNode(node, `Failed: ${error instanceof Error ? error.message : String(error)}`, 'error')];
    } finally {
      this.pending--;
      if (this.pending === 0) setTimeout(() => this.notifyIdle(), 0);
    }
  }

  getParent(node: ResourceNode): ResourceNode | undefined {
    return node.parent;
  }

  /** Resolves when no load is in flight. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    if (this.pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
