import * as vscode from 'vscode';
import { backoffMs } from '../../aws/backoff';
import { AwsLayerError } from '../../aws/errors';
import type { DynamoTable } from '../../aws/types';
import { Commands } from '../../commands';
import { ContextValues } from '../context-values';
import { ENCRYPTION_LABELS, formatDate } from '../labels';
import type { TreeContext } from '../tree-context';
import { LazyNode } from './lazy-node';
import { InfoNode } from './message-node';
import { ResourceNode } from './resource-node';

const INACCESSIBLE = 'INACCESSIBLE_ENCRYPTION_CREDENTIALS';
/** Statuses DynamoDB leaves on its own: the node describes the table again until it has (CreateTable, UpdateTable, DeleteTable are asynchronous). */
const CHANGING = new Set(['CREATING', 'UPDATING', 'DELETING', 'ARCHIVING']);
/** How long a table's status is followed: on AWS a table is CREATING for seconds, an SSE change can take minutes. */
const FOLLOW_STATUS_MS = 10 * 60_000;

export class TableNode extends LazyNode {
  private following: ReturnType<typeof setTimeout> | undefined;
  private followedSince: number | undefined;
  private followAttempt = 0;

  constructor(
    parent: ResourceNode,
    private readonly tree: TreeContext,
    public table: DynamoTable,
  ) {
    super(parent);
  }

  override get arn(): string {
    return this.table.arn;
  }

  getTreeItem(): vscode.TreeItem {
    const table = this.table;
    const item = new vscode.TreeItem(table.name, vscode.TreeItemCollapsibleState.Collapsed);
    const inaccessible = table.status === INACCESSIBLE;
    item.description = [ENCRYPTION_LABELS[table.encryption], table.status === 'ACTIVE' ? undefined : inaccessible ? 'key inaccessible' : table.status]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = inaccessible ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('database');
    item.contextValue = ContextValues.table(table.encryption);
    // Names, statuses and ARNs come from AWS and may hold any character: they go in as text, never as Markdown.
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**').appendText(table.name).appendMarkdown('**  \n');
    tooltip.appendMarkdown('Status: ').appendText(table.status).appendMarkdown(`  \nEncryption: ${ENCRYPTION_LABELS[table.encryption]}  \n`);
    if (table.kmsKeyArn) tooltip.appendMarkdown('Key: ').appendText(table.kmsKeyArn).appendMarkdown('  \n');
    if (table.problem) tooltip.appendMarkdown('$(warning) ').appendText(`${table.problem}`).appendMarkdown('  \n');
    if (table.inaccessibleSince) tooltip.appendMarkdown(`$(warning) Key inaccessible since ${formatDate(table.inaccessibleSince)}: items cannot be read or written until the key is enabled again.  \n`);
    tooltip.appendMarkdown('Partition key: ').appendText(table.keySchema.map((k) => k.name).join(', '));
    item.tooltip = tooltip;
    this.followStatus();
    return item;
  }

  /** While the table is CREATING, UPDATING or DELETING, describes it again (with growing, jittered waits) and re-renders it. */
  private followStatus(): void {
    if (!CHANGING.has(this.table.status) || this.following) return;
    this.followedSince ??= Date.now();
    if (Date.now() - this.followedSince > FOLLOW_STATUS_MS) return;
    this.following = setTimeout(() => void this.describeAgain(), backoffMs(++this.followAttempt, 500, 10_000));
  }

  private async describeAgain(): Promise<void> {
    try {
      this.table = await this.tree.session.dynamodb.describeTableAgain(this.table.name);
    } catch (error) {
      if (error instanceof AwsLayerError && error.kind === 'not-found') {
        // Deleted: the list it was in is read again.
        if (this.parent) {
          this.parent.reset();
          this.tree.changes.changed(this.parent);
        }
        return;
      }
      // Throttled beyond the SDK's retries, or the session is gone: the next render tries again.
    } finally {
      this.following = undefined;
    }
    if (!CHANGING.has(this.table.status)) this.followedSince = undefined;
    this.reset();
    this.tree.changes.changed(this);
  }

  protected async loadChildren(): Promise<ResourceNode[]> {
    const table = this.table;
    const children: ResourceNode[] = [];
    if (table.encryption === 'aws-owned') {
      children.push(new InfoNode(this, 'Encrypted with an AWS owned key', 'lock', ContextValues.info, 'The key belongs to DynamoDB, not to your account: no key policy applies.'));
    } else if (table.kmsKeyArn) {
      children.push(new KeyLinkNode(this, this.tree, table));
    }
    children.push(new InfoNode(this, `Key schema: ${table.keySchema.map((k) => `${k.name} (${k.type === 'HASH' ? 'partition' : 'sort'})`).join(', ')}`, 'symbol-key', ContextValues.info));
    return children;
  }
}

/** "Encrypted with alias/x": clicking it reveals the key in the tree. */
class KeyLinkNode extends ResourceNode {
  private label: string | undefined;

  constructor(
    parent: ResourceNode,
    private readonly tree: TreeContext,
    private readonly table: DynamoTable,
  ) {
    super(parent);
  }

  override get arn(): string | undefined {
    return this.table.kmsKeyArn;
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    this.label ??= await this.resolveLabel();
    const item = new vscode.TreeItem(`Encrypted with ${this.label}`, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('key');
    item.description = ENCRYPTION_LABELS[this.table.encryption];
    item.tooltip = this.table.kmsKeyArn;
    item.contextValue = ContextValues.keyLink;
    item.command = { command: Commands.revealKey, title: 'Reveal Key', arguments: [this.table.kmsKeyArn] };
    return item;
  }

  private async resolveLabel(): Promise<string> {
    const arn = this.table.kmsKeyArn ?? '';
    try {
      const key = await this.tree.session.kms.describeKey(arn);
      return key.aliases[0] ?? key.keyId;
    } catch {
      return arn.split('/').pop() ?? arn;
    }
  }
}
