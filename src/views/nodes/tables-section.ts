import type { DynamoTable, Page } from '../../aws/types';
import type { AccountChangeEvent } from '../../session/account-changes';
import { tableListTouched } from '../touches';
import type { TreeContext } from '../tree-context';
import type { ResourceNode } from './resource-node';
import { SectionNode } from './section-node';
import { TableNode } from './table-node';

export class TablesSection extends SectionNode<DynamoTable> {
  protected readonly heading = 'DynamoDB tables';
  protected readonly icon = 'database';

  constructor(private readonly tree: TreeContext) {
    super(undefined, tree.changes);
  }

  override touchedBy(event: AccountChangeEvent): boolean {
    return tableListTouched(event);
  }

  protected override description(): string {
    return this.tree.session.target.region;
  }

  protected fetchPage(pageToken: string | undefined): Promise<Page<DynamoTable>> {
    return this.tree.session.dynamodb.listTables({ pageToken, pageSize: this.tree.settings().pageSize });
  }

  protected toNode(table: DynamoTable): ResourceNode {
    return new TableNode(this, this.tree, table);
  }

  protected emptyLabel(): string {
    return 'No tables in this region';
  }
}
