// What the lab says when a step finishes: one notification per step, saying what it did (the read steps lead with
// the two locks, and AWS's own words come second). Pure, so unit tests read the words.
import type { StepDefinition, StepStatus } from './step';

export const OPEN_PANEL = 'Open Items and Key Policy';
export const SHOW_REPORT = 'Show Report';

export interface FinishedMessage {
  text: string;
  actions: string[];
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The notification for a step that finished done or waiting; undefined for a state that is reported as an error. */
export function finishedMessage(step: StepDefinition, status: StepStatus): FinishedMessage | undefined {
  if (status.state !== 'done' && status.state !== 'waiting') return undefined;
  const prefix = `Step ${step.number}`;
  if (status.state === 'waiting') return { text: `${prefix} is waiting for AWS: ${sentence(status.detail ?? 'AWS has not caught up yet')}`, actions: [] };
  switch (step.id) {
    case 'readAsTestUser':
    case 'readAgain':
    case 'revoke':
      return { text: `${prefix}: ${sentence(status.detail ?? 'done')}`, actions: [OPEN_PANEL] };
    case 'addItem':
      return { text: `${prefix} done: ${sentence(status.detail ?? 'the item is written')} The table panel shows it as you read it.`, actions: [] };
    case 'cleanUp':
      return { text: `${prefix} done. ${sentence(status.detail ?? 'Nothing was left to remove')}`, actions: [SHOW_REPORT] };
    default:
      return { text: `${prefix} done: ${sentence(status.detail ?? step.title)}`, actions: [] };
  }
}
