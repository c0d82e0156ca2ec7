// The lab's state machine: every step's status from its real check, running a step after its prerequisites,
// announcing what a run changed in the account, and checking again the steps a change touches (the lab's own runs
// and everyone else's). No vscode here: the extension supplies the context, the UI and the change signal.
import { CancelledError, isCancellation } from '../cancellation';
import { sameScope, type AccountChangeEvent, type AccountChanges, type AccountScope } from '../session/account-changes';
import type { LabContext } from './context';
import { stepsToRecheck } from './follow';
import type { LabRecord } from './record';
import type { StepDefinition, StepId, StepStatus } from './step';
import { LAB_STEPS, stepById } from './steps';
import { tellStory, type StepView } from './story';

export type { StepView } from './story';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

const RECORDED_STEPS: readonly StepId[] = ['readAsTestUser', 'readAgain', 'revoke'];

export function scopeOf(ctx: LabContext): AccountScope {
  return { accountId: ctx.identity.account, region: ctx.region };
}

export interface LabOptions {
  /** The account change signal: the lab announces its runs there and follows everyone's changes. */
  changes?: AccountChanges;
}

export class Lab {
  private statuses = new Map<StepId, StepStatus>();
  private readonly running = new Set<StepId>();
  private readonly items = new Map<StepId, Record<string, unknown>>();
  private readonly listeners = new Set<() => void>();
  private context: LabContext | undefined;
  /** Steps waiting to be checked, and the one loop that checks them (so answers are applied in order). */
  private readonly pending = new Set<StepId>();
  private checking: Promise<void> | undefined;
  /** Bumped by reset(): checks begun before it are not applied. */
  private generation = 0;
  private everyStepChecked = false;

  /** `contextFor` builds the context of the active profile, or undefined when there is none. */
  constructor(
    private readonly contextFor: () => Promise<LabContext | undefined>,
    private readonly options: LabOptions = {},
  ) {
    options.changes?.subscribe((event) => this.follow(event));
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** True once every step has been checked for the current profile: the views tell what is known, not a default. */
  get loaded(): boolean {
    return this.everyStepChecked;
  }

  /** The steps in order, as the lab tells them (see story.ts). */
  views(): StepView[] {
    return tellStory({ steps: LAB_STEPS, checked: this.statuses, record: this.context?.record, running: this.running, items: this.items });
  }

  status(id: StepId): StepStatus | undefined {
    return this.statuses.get(id);
  }

  /** Forgets everything (a new profile or region, a reset sandbox): the next refresh reads it all again. */
  reset(): void {
    this.generation++;
    this.statuses.clear();
    this.items.clear();
    this.pending.clear();
    this.context = undefined;
    this.everyStepChecked = false;
    this.fire();
  }

  /** Runs every step's check against real state; what it shows is never older than the call. */
  refresh(): Promise<void> {
    return this.recheck(LAB_STEPS.map((step) => step.id));
  }

  /**
   * Runs a step. A missing prerequisite is offered to be run first. Failures are remembered for the tree and
   * rethrown; a cancelled prompt is not a failure. What the run may have changed is announced, however it ended.
   */
  async run(id: StepId): Promise<StepStatus> {
    const ctx = await this.requireContext();
    const step = stepById(id);
    await this.runPrerequisites(ctx, step);
    const before = ctx.record;
    this.running.add(id);
    this.fire();
    try {
      const status = await step.run(ctx);
      if (status.item) this.items.set(id, status.item);
      await ctx.update((record) => remember(record, id, status));
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
      // The read steps' states come from the record, which a run may have changed (a clean-up forgets the reads).
      void this.recheck(RECORDED_STEPS).catch(() => undefined);
      this.announce({ scope: scopeOf(ctx), changes: step.changes(before, ctx.record), source: `lab step ${step.number}` });
    }
  }

  /** A prerequisite known to be done is taken as done (a step that finds otherwise says so); the others are read now. */
  private async runPrerequisites(ctx: LabContext, step: StepDefinition): Promise<void> {
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
      if (choice !== action) throw new CancelledError();
      const outcome = await this.run(prerequisite);
      if (outcome.state !== 'done') throw new Error(`Step ${needed.number} (${needed.title}) is not done: ${outcome.detail ?? outcome.state}`);
    }
  }

  private announce(event: AccountChangeEvent): void {
    if (event.changes.length === 0) return;
    // With the signal, the lab hears its own announcement like everyone else's; without it, it follows directly.
    if (this.options.changes) this.options.changes.announce(event);
    else this.follow(event);
  }

  /** Checks again the steps a change may have changed, when it happened where the lab is looking. */
  private follow(event: AccountChangeEvent): void {
    const ctx = this.context;
    if (!ctx || !sameScope(event.scope, scopeOf(ctx))) return;
    const steps = stepsToRecheck(event, ctx.record);
    const ids = steps === 'all' ? LAB_STEPS.map((step) => step.id) : steps;
    if (ids.length > 0) void this.recheck(ids).catch(() => undefined);
  }

  /** Queues checks of `ids`; resolves once they (and any queued meanwhile) have been applied. */
  private recheck(ids: readonly StepId[]): Promise<void> {
    for (const id of ids) this.pending.add(id);
    this.checking ??= this.checkPending();
    return this.checking;
  }

  /** Checks until nothing is pending. A failed round (no profile, endpoint down) fails the callers only if it was the last. */
  private async checkPending(): Promise<void> {
    let failure: unknown;
    try {
      while (this.pending.size > 0) {
        const generation = this.generation;
        const ids = [...this.pending];
        this.pending.clear();
        let ctx: LabContext;
        try {
          ctx = await this.requireContext();
          failure = undefined;
        } catch (error) {
          failure = error;
          continue;
        }
        const results = await Promise.all(ids.map(async (id) => [id, await this.checkOne(ctx, stepById(id))] as const));
        if (generation !== this.generation) continue;
        for (const [id, status] of results) {
          // A step running now says for itself how it ends.
          if (!this.running.has(id)) this.statuses.set(id, status);
        }
        if (ids.length === LAB_STEPS.length) this.everyStepChecked = true;
        this.fire();
      }
      if (failure !== undefined) throw failure;
    } finally {
      this.checking = undefined;
    }
  }

  private async requireContext(): Promise<LabContext> {
    const ctx = await this.contextFor();
    if (!ctx) throw new Error('Choose an AWS profile or the local sandbox first (KMS Lab: Switch AWS Profile and Region…).');
    if (this.context && this.context.scope !== ctx.scope) {
      this.items.clear();
      this.everyStepChecked = false;
    }
    this.context = ctx;
    return ctx;
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

/** What the record keeps of a finished run: its failure, or when it was done. */
function remember(record: LabRecord, id: StepId, status: StepStatus): void {
  if (status.state === 'failed' && status.detail) record.failures[id] = status.detail;
  else delete record.failures[id];
  if (status.state === 'done') {
    record.finished = { ...record.finished, [id]: new Date().toISOString() };
  }
}
