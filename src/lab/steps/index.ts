// The lab as one table of steps, in the walkthrough's order.
import type { StepDefinition, StepId } from '../step';
import { cleanUpStep } from './clean-up';
import { addItemStep } from './item';
import { createKeyStep } from './key';
import { grantStep, revokeStep } from './key-users';
import { readAgainStep, readAsTestUserStep } from './reads';
import { createTableStep } from './table';
import { createTestUserStep } from './test-user';

export const LAB_STEPS: readonly StepDefinition[] = [
  createKeyStep,
  createTableStep,
  addItemStep,
  createTestUserStep,
  readAsTestUserStep,
  grantStep,
  readAgainStep,
  revokeStep,
  cleanUpStep,
];

export function stepById(id: StepId): StepDefinition {
  const step = LAB_STEPS.find((s) => s.id === id);
  if (!step) throw new Error(`Unknown lab step ${id}`);
  return step;
}
