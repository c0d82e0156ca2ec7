// The walkthrough follows the lab as the tree tells it: a step's completion context key and its tick are set when
// the step is shown done, and cleared when it no longer is (after the clean-up or a reset sandbox). VS Code's
// onContext completion only ever ticks, once a session, so the ticks are also set and cleared explicitly.
import * as vscode from 'vscode';
import type { LogOutputChannel } from 'vscode';
import type { StepId } from './step';
import type { StepView } from './story';

export const WALKTHROUGH_ID = 'kms-lab.kms-lab#kmsLab.lab';

export const doneContextKey = (id: StepId) => `kmsLab.lab.done.${id}`;

export class WalkthroughProgress {
  private readonly shown = new Map<StepId, boolean>();

  constructor(
    private readonly log: LogOutputChannel,
    /** The walkthrough step id (as in package.json) of each lab step. */
    private readonly walkthroughStepOf: (id: StepId) => string,
  ) {}

  /** The completion context keys as last set: what the walkthrough shows ticked. */
  get contextKeys(): Record<string, boolean> {
    return Object.fromEntries([...this.shown].map(([id, done]) => [doneContextKey(id), done]));
  }

  sync(views: readonly StepView[]): void {
    for (const view of views) {
      const id = view.step.id;
      const done = view.status.state === 'done';
      if (this.shown.get(id) === done) continue;
      this.shown.set(id, done);
      void vscode.commands.executeCommand('setContext', doneContextKey(id), done);
      const tick = done ? 'welcome.markStepComplete' : 'welcome.markStepIncomplete';
      void Promise.resolve(vscode.commands.executeCommand(tick, `${WALKTHROUGH_ID}#${this.walkthroughStepOf(id)}`)).catch((error: unknown) =>
        this.log.debug(`Walkthrough tick of ${id} not changed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}
