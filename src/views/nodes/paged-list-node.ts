import type { Page } from '../../aws/types';
import { LoadMoreNode, type LoadsMore } from './load-more-node';
import { ErrorNode, InfoNode } from './message-node';
import { ResourceNode } from './resource-node';

export interface TreeChanges {
  /** Re-render a subtree (or everything when node is undefined). */
  changed(node?: ResourceNode): void;
}

/**
 * A node whose children are a paginated AWS list: first page on expand, "Load more" for the rest,
 * an error node that retries, and an empty-state node that says so.
 */
export abstract class PagedListNode<T> extends ResourceNode implements LoadsMore {
  private items: T[] | undefined;
  private nextToken: string | undefined;
  private failure: unknown;
  private loading: Promise<void> | undefined;
  private readonly nodes = new Map<T, ResourceNode>();

  constructor(
    parent: ResourceNode | undefined,
    protected readonly changes: TreeChanges,
  ) {
    super(parent);
  }

  protected abstract fetchPage(pageToken: string | undefined): Promise<Page<T>>;
  protected abstract toNode(item: T): ResourceNode;
  protected abstract emptyLabel(): string;

  /** What has been loaded so far (undefined before the first page). */
  get loadedItems(): readonly T[] | undefined {
    return this.items;
  }

  get hasMore(): boolean {
    return this.nextToken !== undefined;
  }

  override async getChildren(): Promise<ResourceNode[]> {
    if (this.items === undefined && this.failure === undefined) await this.loadFirstPage();
    if (this.items === undefined) return [new ErrorNode(this, this.failure, this)];
    const children = this.items.map((item) => this.nodeFor(item));
    if (children.length === 0 && this.failure === undefined) return [new InfoNode(this, this.emptyLabel())];
    if (this.failure !== undefined) children.push(new ErrorNode(this, this.failure, this));
    else if (this.nextToken !== undefined) children.push(new LoadMoreNode(this, children.length));
    return children;
  }

  async loadMore(): Promise<void> {
    if (this.items === undefined || this.nextToken === undefined) return;
    try {
      const page = await this.fetchPage(this.nextToken);
      this.items.push(...page.items);
      this.nextToken = page.nextToken;
      this.failure = undefined;
    } catch (error) {
      this.failure = error;
    }
    this.changes.changed(this);
  }

  /** Loads every remaining page; used when a complete list is needed (e.g. the tables a key protects). */
  async loadAll(): Promise<readonly T[]> {
    if (this.items === undefined) await this.loadFirstPage();
    if (this.items === undefined) throw this.failure;
    while (this.nextToken !== undefined) {
      const page = await this.fetchPage(this.nextToken);
      this.items.push(...page.items);
      this.nextToken = page.nextToken;
    }
    return this.items;
  }

  override loadedChildren(): readonly ResourceNode[] {
    return (this.items ?? []).flatMap((item) => this.nodes.get(item) ?? []);
  }

  /** The same node object for the same item, so the tree can reveal it. */
  nodeFor(item: T): ResourceNode {
    let node = this.nodes.get(item);
    if (!node) {
      node = this.toNode(item);
      this.nodes.set(item, node);
    }
    return node;
  }

  override reset(): void {
    this.nodes.clear();
    this.items = undefined;
    this.nextToken = undefined;
    this.failure = undefined;
    this.loading = undefined;
  }

  private loadFirstPage(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const page = await this.fetchPage(undefined);
        this.items = [...page.items];
        this.nextToken = page.nextToken;
        this.failure = undefined;
      } catch (error) {
        this.items = undefined;
        this.failure = error;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
