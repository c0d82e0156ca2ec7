import * as vscode from 'vscode';
import type { Lab, StepView } from '../../lab/lab';
import { awsSaid, lockRow, NO_KEY_LOCK, type LockName, type LockSummary } from '../../lab/lesson';
import type { ReadResult } from '../../lab/record';
import { ContextValues } from '../context-values';
import { DescribedNode, ErrorNode, InfoNode } from './message-node';
import { ResourceNode } from './resource-node';

const STATE_ICONS: Record<string, vscode.ThemeIcon> = {
  done: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  waiting: new vscode.ThemeIcon('watch'),
  running: new vscode.ThemeIcon('loading~spin'),
  next: new vscode.ThemeIcon('arrow-right', new vscode.ThemeColor('charts.blue')),
  todo: new vscode.ThemeIcon('circle-large-outline'),
};

function stateOf(view: StepView): string {
  if (view.running) return 'running';
  if (view.status.state === 'todo' && view.next) return 'next';
  return view.status.state;
}

const STATE_WORDS: Record<string, string> = { done: 'done', failed: 'failed', waiting: 'waiting', running: 'running…', next: 'next', todo: '' };

/** "Lab": the nine steps with their state; clicking a step runs it. */
export class LabSection extends ResourceNode {
  private loaded = false;
  /** Counts fetches: each fetch's step ids are new, so fetches that overlap in VS Code never claim the same id. */
  private generation = 0;

  constructor(
    private readonly lab: Lab,
    private readonly stepCommand: (view: StepView) => string,
  ) {
    super(undefined);
  }

  getTreeItem(): vscode.TreeItem {
    const views = this.lab.views();
    const item = new vscode.TreeItem('Lab', vscode.TreeItemCollapsibleState.Expanded);
    item.iconPath = new vscode.ThemeIcon('beaker');
    item.contextValue = ContextValues.labSection;
    item.description = this.lab.loaded ? `${views.filter((v) => v.status.state === 'done').length} of ${views.length} steps done` : 'encrypt a table with your own key';
    item.tooltip = 'The lab "Encrypt a DynamoDB table with a customer managed KMS key". Click a step to run it.';
    return item;
  }

  override async getChildren(): Promise<ResourceNode[]> {
    if (!this.loaded) {
      try {
        await this.lab.refresh();
      } catch (error) {
        return [new ErrorNode(this, error, this)];
      }
      this.loaded = true;
    }
    const generation = ++this.generation;
    return this.lab.views().map((view) => new LabStepNode(this, view, this.stepCommand(view), generation));
  }

  override reset(): void {
    this.loaded = false;
  }
}

export class LabStepNode extends ResourceNode {
  constructor(
    parent: ResourceNode,
    readonly view: StepView,
    private readonly command: string,
    private readonly generation: number,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const { step, status } = this.view;
    const state = stateOf(this.view);
    const expandable = status.detail !== undefined || this.view.read !== undefined || this.view.item !== undefined;
    const collapsed = state === 'failed' || this.view.read !== undefined ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(`${step.number}. ${step.title}`, expandable ? collapsed : vscode.TreeItemCollapsibleState.None);
    // New on every fetch of the section: VS Code then applies this collapsible state (new results open).
    item.id = `lab-step-${step.id}#${this.generation}`;
    item.iconPath = STATE_ICONS[state];
    item.description = [STATE_WORDS[state], this.view.note].filter(Boolean).join(' · ') || undefined;
    item.contextValue = ContextValues.labStep(step.id);
    const tooltip = new vscode.MarkdownString(`**Step ${step.number}: ${step.title}**\n\n`);
    if (status.detail) tooltip.appendText(status.detail).appendMarkdown('\n\n');
    tooltip.appendMarkdown(status.state === 'done' ? '_Click to run it again (nothing is created twice)._' : '_Click to run this step._');
    item.tooltip = tooltip;
    item.command = { command: this.command, title: `Run step ${step.number}` };
    return item;
  }

  override getChildren(): Promise<ResourceNode[]> {
    const { status, read, item } = this.view;
    const children: ResourceNode[] = [];
    if (read) children.push(...readNodes(this, read, this.view.readIsEarlier === true));
    else if (status.detail) children.push(new InfoNode(this, status.detail, status.state === 'failed' ? 'warning' : 'info', ContextValues.info, status.detail));
    if (item) children.push(new ItemNode(this, item));
    return Promise.resolve(children);
  }
}

/** The read's lesson: the table lock, then the key lock, then what AWS did (its own words second), then agreement. */
function readNodes(parent: ResourceNode, read: ReadResult, earlier: boolean): ResourceNode[] {
  const nodes: ResourceNode[] = [];
  if (earlier) nodes.push(new InfoNode(parent, `Earlier result, observed ${read.at.slice(0, 16).replace('T', ' ')} UTC`, 'history', ContextValues.info, 'A later step changed what this read would give now.'));
  const locks = read.predicted?.locks;
  if (locks) {
    nodes.push(lockNode(parent, 'table', locks.table));
    if (locks.key) nodes.push(lockNode(parent, 'key', locks.key));
    else nodes.push(new InfoNode(parent, NO_KEY_LOCK, 'unlock', ContextValues.labPredicted, NO_KEY_LOCK));
  } else if (read.predicted) {
    nodes.push(new InfoNode(parent, `Predicted: ${read.predicted.decision}`, 'lightbulb', ContextValues.labPredicted, read.predicted.reasons.join('\n\n')));
  } else {
    nodes.push(new InfoNode(parent, 'Predicted: not known', 'question', ContextValues.labPredicted, read.predictionProblem));
  }
  const observed = read.observed;
  const said = awsSaid(observed);
  const observedLabel =
    observed.outcome === 'allowed'
      ? `Observed: read ${observed.itemCount ?? 0} item${observed.itemCount === 1 ? '' : 's'}`
      : `Observed: ${observed.outcome === 'denied' ? 'refused' : 'failed'}${observed.code ? ` (${observed.code})` : ''}`;
  nodes.push(new DescribedNode(parent, observedLabel, said ?? 'Scan and GetItem succeeded', 'eye', ContextValues.labObserved, said ?? `Scan returned ${observed.itemCount ?? 0} item(s); GetItem succeeded.`));
  if (read.trail) nodes.push(trailNode(parent, read.trail));
  const verdict = read.agree ? 'Observed and predicted agree' : 'Observed and predicted disagree';
  nodes.push(new InfoNode(parent, verdict, read.agree ? 'check' : 'warning', ContextValues.info, read.summary));
  return nodes;
}

/** DynamoDB's kms:Decrypt on the user's behalf as CloudTrail recorded it; the record itself in the tooltip. */
function trailNode(parent: ResourceNode, trail: NonNullable<ReadResult['trail']>): ResourceNode {
  const event = trail.event;
  if (!event) return new InfoNode(parent, 'CloudTrail: not recorded yet', 'history', ContextValues.info, trail.sentence);
  const label = `CloudTrail: kms:${event.eventName} ${event.refused ? 'refused' : 'allowed'}`;
  return new DescribedNode(parent, label, trail.sentence.replace(/^CloudTrail: /, ''), 'history', ContextValues.info, `${trail.sentence}\n\n${event.record}`);
}

function lockNode(parent: ResourceNode, name: LockName, lock: LockSummary): ResourceNode {
  const row = lockRow(name, lock);
  const icon = lock.verdict === 'allowed' ? 'unlock' : 'lock';
  return new DescribedNode(parent, row.label, row.description, icon, ContextValues.labPredicted, row.tooltip);
}

/** An item the lab read, as JSON in the tooltip (shown, never logged or stored). */
class ItemNode extends ResourceNode {
  constructor(
    parent: ResourceNode,
    private readonly item: Record<string, unknown>,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const id = typeof this.item.id === 'string' ? this.item.id : 'item';
    const node = new vscode.TreeItem(`Item ${id}`, vscode.TreeItemCollapsibleState.None);
    node.iconPath = new vscode.ThemeIcon('json');
    node.description = 'as read, decrypted by DynamoDB';
    node.contextValue = ContextValues.labItem;
    node.tooltip = new vscode.MarkdownString().appendCodeblock(JSON.stringify(this.item, null, 2), 'json');
    return node;
  }
}
