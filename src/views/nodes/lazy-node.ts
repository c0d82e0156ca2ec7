import { ErrorNode } from './message-node';
import { ResourceNode } from './resource-node';

/** A node whose children come from one AWS call, loaded on first expand; a failure becomes a retry node. */
export abstract class LazyNode extends ResourceNode {
  private children: Promise<ResourceNode[]> | undefined;
  private loaded: readonly ResourceNode[] = [];

  protected abstract loadChildren(): Promise<ResourceNode[]>;

  override getChildren(): Promise<ResourceNode[]> {
    this.children ??= this.loadChildren().then(
      (children) => (this.loaded = children),
      (error: unknown) => {
        this.children = undefined;
        return [new ErrorNode(this, error, this)];
      },
    );
    return this.children;
  }

  override loadedChildren(): readonly ResourceNode[] {
    return this.loaded;
  }

  override reset(): void {
    this.children = undefined;
    this.loaded = [];
  }
}
