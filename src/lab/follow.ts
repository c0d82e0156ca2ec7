// Which of the lab's steps a change in the account may have changed: those are checked again, the others are not.
import { keyIdOf, type AccountChange, type AccountChangeEvent } from '../session/account-changes';
import type { LabRecord } from './record';
import type { StepId } from './step';

const KEY_STEPS: StepId[] = ['createKey', 'createTable', 'grant', 'revoke', 'cleanUp'];
const KEY_POLICY_STEPS: StepId[] = ['grant', 'revoke'];
const TABLE_STEPS: StepId[] = ['createTable', 'addItem', 'cleanUp'];
const ITEM_STEPS: StepId[] = ['addItem'];
const USER_STEPS: StepId[] = ['createTestUser', 'grant', 'revoke', 'cleanUp'];

function isLabKey(record: LabRecord, keyIdOrArn: string): boolean {
  const known = record.keyArn ?? record.keyId;
  // Before step 1 has run, any new key may be the one the lab's alias names.
  if (!known) return true;
  return keyIdOf(keyIdOrArn) === keyIdOf(known) || keyIdOrArn === record.keyAlias;
}

function stepsFor(change: AccountChange, record: LabRecord): StepId[] | 'all' {
  switch (change.kind) {
    case 'everything':
      return 'all';
    case 'key': {
      if (!isLabKey(record, change.keyId)) return [];
      const lifecycle = change.aspects.some((aspect) => aspect !== 'policy' && aspect !== 'grants');
      return [...(lifecycle ? KEY_STEPS : []), ...(change.aspects.includes('policy') ? KEY_POLICY_STEPS : [])];
    }
    case 'table': {
      if (change.tableName !== record.tableName) return [];
      const lifecycle = change.aspects.some((aspect) => aspect === 'created' || aspect === 'deleted' || aspect === 'encryption');
      return [...(lifecycle ? TABLE_STEPS : []), ...(change.aspects.includes('items') ? ITEM_STEPS : [])];
    }
    case 'principal':
      return change.principalType === 'user' && change.name === record.testUserName ? USER_STEPS : [];
  }
}

/** The steps to check again after `event`, or 'all'. */
export function stepsToRecheck(event: AccountChangeEvent, record: LabRecord): StepId[] | 'all' {
  const steps = new Set<StepId>();
  for (const change of event.changes) {
    const touched = stepsFor(change, record);
    if (touched === 'all') return 'all';
    for (const step of touched) steps.add(step);
  }
  return [...steps];
}
