// The lab's state machine: every step's status from its real check, running a step after its prerequisites, and
// remembering failures so the tree can show them. No vscode here: the extension supplies the context and the UI.
import { AwsLayerError } from '../aws/errors';
import { StepCancelled } from './cancel';
import type { LabContext } from './context';
import type { ReadResult } from './record';
import type { StepDefinition, StepId, StepStatus } from './step';
import { LAB_STEPS, stepById } from './steps';

export interface StepView {
  step: StepDefinition;
  status: StepStatus;
  running: boolean;
  /** The first step not done whose prerequisites are: what to do next. */
  next: boolean;
  /** For the read steps: what was observed and predicted. */
  read?: ReadResult;
  /** The item the step last read, in memory only. */
  item?: Record<string, unknown>;
}

const READ_SLOT: Partial<Record<StepId, 'beforeGrant' | 'afterGrant' | 'afterRevoke'>> = {
  readAsTestUser: 'beforeGrant',
  readAgain: 'afterGrant',
  revoke: 'afterRevoke',
};

function isCancellation(error: unknown): boolean {
  return error instanceof StepCancelled || (error instanceof Error && error.name === 'CancelledError') || (error instanceof AwsLayerError && error.kind === 'mfa-cancelled');
}

const REFRESH_AFTER_RUN_MS = 300;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Lab {
  private statuses = new Map<StepId, StepStatus>();
  private readonly running = new Set<StepId>();
  private readonly items = new Map<StepId, Record<string, unknown>>();
  private readonly listeners = new Set<() => void>();
  private context: LabContext | undefined;
  private refreshing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** `contextFor` builds the context of the active profile, or undefined when there is none. */
  constructor(private readonly contextFor: () => Promise<LabContext | undefined>) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The steps in order, with what is known of each. */
  views(): StepView[] {
    let nextFound = false;
    return LAB_STEPS.map((step) => {
      const status = this.statuses.get(step.id) ?? { state: 'todo' as const };
      const ready = step.prerequisites.every((p) => this.statuses.get(p)?.state === 'done');
      const next = !nextFound && status.state !== 'done' && ready;
      if (next) nextFound = true;
      const slot = READ_SLOT[step.id];
      return { step, status, running: this.running.has(step.id), next, read: slot ? this.context?.record.reads[slot] : undefined, item: this.items.get(step.id) };
    });
  }

  status(id: StepId): StepStatus | undefined {
    return this.statuses.get(id);
  }

  /** Forgets everything (a new profile or region): the next refresh reads it all again. */
  reset(): void {
    clearTimeout(this.refreshTimer);
    this.statuses.clear();
    this.items.clear();
    this.context = undefined;
    this.fire();
  }

  /**
   * Runs every step's check against real state. A call made while a refresh is under way gets one more refresh after
   * it (shared by every such call), so what it sees is never older than the call.
   */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.checkAll().finally(() => (this.refreshing = undefined));
      return this.refreshing;
    }
    this.queued ??= this.refreshing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.refresh();
      });
    return this.queued;
  }

  /**
   * Runs a step. A missing prerequisite is offered to be run first. Failures are remembered for the tree and
   * rethrown; a cancelled prompt is not a failure.
   */
  async run(id: StepId): Promise<StepStatus> {
    const ctx = await this.requireContext();
    const step = stepById(id);
    // A prerequisite known to be done is taken as done (a step that finds otherwise says so); the others are read now.
    const unknown = step.prerequisites.filter((p) => this.statuses.get(p)?.state !== 'done');
    const checked = await Promise.all(unknown.map(async (p) => [p, await this.checkOne(ctx, stepById(p))] as const));
    for (const [prerequisite, status] of checked) this.statuses.set(prerequisite, status);
    for (const prerequisite of step.prerequisites) {
      if (this.statuses.get(prerequisite)?.state === 'done') continue;
      const needed = stepById(prerequisite);
      const action = `Run Step ${needed.number} First`;
      const choice = await ctx.ui.choose(
        `Step ${step.number} (${step.title}) needs step ${needed.number} (${needed.title}) first.`,
        this.statuses.get(prerequisite)?.detail ?? '',
        [action] as const,
      );
      if (choice !== action) throw new StepCancelled();
      const outcome = await this.run(prerequisite);
      if (outcome.state !== 'done') throw new Error(`Step ${needed.number} (${needed.title}) is not done: ${outcome.detail ?? outcome.state}`);
    }
    this.running.add(id);
    this.fire();
    try {
      const status = await step.run(ctx);
      if (status.item) this.items.set(id, status.item);
      await ctx.update((record) => {
        if (status.state === 'failed' && status.detail) record.failures[id] = status.detail;
        else delete record.failures[id];
      });
      this.statuses.set(id, status);
      return status;
    } catch (error) {
      if (!isCancellation(error)) {
        const message = errorText(error);
        await ctx.update((record) => {
          record.failures[id] = message;
        });
        this.statuses.set(id, { state: 'failed', detail: message });
      }
      throw error;
    } finally {
      this.running.delete(id);
      this.fire();
      // The other steps may have changed too (a clean-up undoes them all): read them again soon, without holding up
      // the caller, and once for a quick run of several steps.
      this.scheduleRefresh();
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh().catch(() => undefined), REFRESH_AFTER_RUN_MS);
    this.refreshTimer.unref?.();
  }

  private async requireContext(): Promise<LabContext> {
    const ctx = await this.contextFor();
    if (!ctx) throw new Error('Choose an AWS profile or the local sandbox first (KMS Lab: Switch AWS Profile and Region…).');
    if (this.context && this.context.scope !== ctx.scope) this.items.clear();
    this.context = ctx;
    return ctx;
  }

  private async checkAll(): Promise<void> {
    const ctx = await this.requireContext();
    const results = await Promise.all(LAB_STEPS.map(async (step): Promise<[StepId, StepStatus]> => [step.id, await this.checkOne(ctx, step)]));
    this.statuses = new Map(results);
    this.fire();
  }

  private async checkOne(ctx: LabContext, step: StepDefinition): Promise<StepStatus> {
    try {
      const status = await step.check(ctx);
      // A failure the last run met stays visible until the step is done.
      const failure = ctx.record.failures[step.id];
      return status.state === 'todo' && failure ? { state: 'failed', detail: failure } : status;
    } catch (error) {
      return { state: 'failed', detail: errorText(error) };
    }
  }

  private fire(): void {
    for (const listener of this.listeners) listener();
  }
}
