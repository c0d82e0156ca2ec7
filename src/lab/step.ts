// One lab step as data: what it is, what it needs first, how to tell it is done, and how to do it.
import type { AccountChange } from '../session/account-changes';
import type { LabContext } from './context';
import type { LabRecord } from './record';

export type StepId = 'createKey' | 'createTable' | 'addItem' | 'createTestUser' | 'readAsTestUser' | 'grant' | 'readAgain' | 'revoke' | 'cleanUp';

export type StepState = 'done' | 'todo' | 'failed' | 'waiting';

export interface StepStatus {
  state: StepState;
  /** Plain words: what is there, what went wrong, or what the step is waiting for. */
  detail?: string;
  /** The item a step read, to show (in memory only: item values are never stored or logged). */
  item?: Record<string, unknown>;
}

export interface StepDefinition {
  id: StepId;
  /** 1–9, as in the walkthrough. */
  number: number;
  title: string;
  /** Steps that must be done first. */
  prerequisites: StepId[];
  /** Reads real state (never only what the lab remembers), so it is true after a restart or work done elsewhere. */
  check(ctx: LabContext): Promise<StepStatus>;
  /** Idempotent and resumable: running a done step again changes nothing; a half-done step is finished. */
  run(ctx: LabContext): Promise<StepStatus>;
  /**
   * What a run may have changed in the account, from the lab's record before and after it (announced on the account
   * change signal after every run, finished or not: a step stopped halfway may have changed something).
   */
  changes(before: LabRecord, after: LabRecord): AccountChange[];
}

/** A step that reads and changes nothing in the account. */
export const changesNothing = (): AccountChange[] => [];

export const done = (detail?: string): StepStatus => ({ state: 'done', detail });
export const todo = (detail?: string): StepStatus => ({ state: 'todo', detail });
export const failed = (detail: string): StepStatus => ({ state: 'failed', detail });
