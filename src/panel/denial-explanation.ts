// Why a read was denied, in the policy engine's words: collected with the panel's admin identity, for the reader only.
import type { DynamoTable } from '../aws/types';
import type { PaneSource } from './pane-source';
import type { DenialExplanation } from './protocol';

export interface DenialQuestion {
  reader: PaneSource;
  admin: PaneSource | undefined;
  table: DynamoTable | undefined;
  tableName: string;
}

export async function explainDenial(question: DenialQuestion): Promise<DenialExplanation> {
  return { state: 'unavailable', sentences: [], principal: question.reader.identity?.arn, problem: 'TODO' };
}
