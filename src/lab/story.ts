// The lab's story: each step's state as the tree, the walkthrough and the notifications tell it, derived from what
// the checks find in the account now AND from the lab's own history. After the revoke, step 6 reads "done, then
// revoked by step 8" and step 7 keeps the result it had, marked as earlier; no step is "next" before a step shown
// done that depends on it. Pure: unit tests feed it statuses and a record.
import type { LabRecord, ReadResult } from './record';
import type { StepDefinition, StepId, StepStatus } from './step';

export interface StepView {
  step: StepDefinition;
  /** The state shown: what the check found, qualified by the lab's history. */
  status: StepStatus;
  running: boolean;
  /** The first step not done whose prerequisites are: what to do next. */
  next: boolean;
  /** How the history qualifies the state, in a few words: "then revoked by step 8", "earlier, before the revoke". */
  note?: string;
  /** For the read steps: what was observed and predicted. */
  read?: ReadResult;
  /** The read happened before a later change that would now give another answer. */
  readIsEarlier?: boolean;
  /** The item the step last read, in memory only. */
  item?: Record<string, unknown>;
}

export const READ_SLOT: Partial<Record<StepId, 'beforeGrant' | 'afterGrant' | 'afterRevoke'>> = {
  readAsTestUser: 'beforeGrant',
  readAgain: 'afterGrant',
  revoke: 'afterRevoke',
};

export interface StoryInput {
  steps: readonly StepDefinition[];
  /** What each step's check (or its last run) found; a step with none is not started. */
  checked: ReadonlyMap<StepId, StepStatus>;
  record?: LabRecord;
  running: ReadonlySet<StepId>;
  items: ReadonlyMap<StepId, Record<string, unknown>>;
}

const NOT_STARTED: StepStatus = { state: 'todo' };

function time(iso: string | undefined): string {
  return iso ? ` at ${iso.slice(11, 16)} UTC` : '';
}

/** Step 8 ran after step 6 and its removal is what the key policy shows now. */
function revokedAfterGrant(checked: ReadonlyMap<StepId, StepStatus>, record: LabRecord | undefined): boolean {
  const granted = record?.finished?.grant;
  const revoked = record?.reads.afterRevoke;
  return !!granted && !!revoked && granted <= revoked.at && checked.get('revoke')?.state === 'done';
}

export function tellStory(input: StoryInput): StepView[] {
  const { steps, checked, record, running, items } = input;
  const shown = new Map<StepId, StepView>();
  const user = record?.testUserName ?? 'the test user';
  const views = steps.map((step): StepView => {
    let status = checked.get(step.id) ?? NOT_STARTED;
    let note: string | undefined;
    let readIsEarlier = false;
    const slot = READ_SLOT[step.id];
    const read = slot ? record?.reads[slot] : undefined;

    if (step.id === 'grant' && status.state !== 'done' && status.state !== 'failed' && revokedAfterGrant(checked, record)) {
      note = 'then revoked by step 8';
      status = { state: 'done', detail: `Done${time(record?.finished?.grant)}, then revoked by step 8: the key policy no longer names ${user} as a key user.` };
    }
    if (step.id === 'readAgain' && status.state === 'done' && shown.get('grant')?.note) {
      note = 'earlier, before the revoke';
      readIsEarlier = true;
      status = { ...status, detail: `Observed${time(read?.at)}, before step 8 revoked the grant: ${status.detail ?? ''}`.trim() };
    }
    if (step.id === 'readAsTestUser' && status.state === 'done' && record?.finished?.grant && read && read.at < record.finished.grant) {
      note = 'before the grant';
    }
    // A step shown done needs its prerequisites done too: otherwise its result is from an earlier state.
    const missing = step.prerequisites.map((id) => shown.get(id)).find((view) => view && view.status.state !== 'done');
    if (status.state === 'done' && missing) {
      note = 'earlier result';
      readIsEarlier = read !== undefined;
      status = {
        state: 'todo',
        detail: `Done earlier${time(read?.at ?? record?.finished?.[step.id])}, but step ${missing.step.number} (${missing.step.title}) is not done now: run it, then this step again.`,
      };
    }
    const view: StepView = { step, status, running: running.has(step.id), next: false, note, read, readIsEarlier: readIsEarlier || undefined, item: items.get(step.id) };
    shown.set(step.id, view);
    return view;
  });
  const next = views.find((view) => view.status.state !== 'done' && view.step.prerequisites.every((id) => shown.get(id)?.status.state === 'done'));
  if (next) next.next = true;
  return views;
}
