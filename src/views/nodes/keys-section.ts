import type { KmsKey, Page } from '../../aws/types';
import type { AccountChangeEvent } from '../../session/account-changes';
import { keyListTouched } from '../touches';
import type { TreeContext } from '../tree-context';
import { KeyNode } from './key-node';
import type { ResourceNode } from './resource-node';
import { SectionNode } from './section-node';
import type { TablesSection } from './tables-section';

export class KeysSection extends SectionNode<KmsKey> {
  protected readonly heading = 'KMS keys';
  protected readonly icon = 'key';
  constructor(
    private readonly tree: TreeContext,
    private readonly tables: TablesSection,
  ) {
    super(undefined, tree.changes);
  }

  override touchedBy(event: AccountChangeEvent): boolean {
    return keyListTouched(event);
  }

  protected override description(): string {
    return this.tree.settings().showAwsManagedKeys ? `${this.tree.session.target.region} · incl. AWS managed` : this.tree.session.target.region;
  }

  protected fetchPage(pageToken: string | undefined): Promise<Page<KmsKey>> {
    const settings = this.tree.settings();
    return this.tree.session.kms.listKeys({ pageToken, pageSize: settings.pageSize, includeAwsManaged: settings.showAwsManagedKeys });
  }

  protected toNode(key: KmsKey): ResourceNode {
    return new KeyNode(this, this.tree, key, this.tables);
  }

  protected emptyLabel(): string {
    return this.tree.settings().showAwsManagedKeys ? 'No keys in this region' : 'No customer managed keys in this region';
  }

  /** The node of a key, loading further pages if needed. */
  async findKey(arnOrId: string): Promise<KeyNode | undefined> {
    const keys = await this.loadAll();
    const key = keys.find((k) => k.arn === arnOrId || k.keyId === arnOrId);
    return key ? (this.nodeFor(key) as KeyNode) : undefined;
  }
}
