// Why a read was denied, in the policy engine's words: the account's policies are collected with the panel's admin
// identity (the status bar's), for the reader only, and both locks are explained: the table's and the key's.
import { whoCan, type AccessRow, type LockDecision } from '../access';
import { collectAccessSnapshot } from '../aws/access-snapshot';
import type { DynamoTable } from '../aws/types';
import { errorMessage } from '../notify';
import type { PaneSource } from './pane-source';
import type { DenialExplanation } from './protocol';

export interface DenialQuestion {
  reader: PaneSource;
  /** Who collects the policies; the reader itself when there is no other identity. */
  admin: PaneSource | undefined;
  table: DynamoTable | undefined;
  tableName: string;
}

const VERDICT: Record<string, string> = { allowed: 'opens', denied: 'stays shut', conditional: 'opens only under a condition', unknown: 'cannot be judged' };

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lockSentence(name: string, lock: LockDecision): string {
  return `${name} ${VERDICT[lock.decision] ?? lock.decision}: ${lock.reason.replace(/\.$/, '')}.`;
}

/** The sentences of one principal's row: each lock with its reason, then what the answer could not see. */
export function rowSentences(row: AccessRow): string[] {
  const sentences = [lockSentence('The table lock', row.table)];
  if (row.key) sentences.push(lockSentence('The key lock', row.key));
  else sentences.push('There is no key lock: the table is encrypted with an AWS owned key.');
  for (const unknown of row.unknowns) sentences.push(`Not known: ${unknown}`);
  if (row.read !== 'denied') {
    sentences.push(
      `The policies KMS Lab can read predict this read would be ${row.read}, yet AWS refused it. A change may not have reached every AWS endpoint yet, DynamoDB may still hold an older permission (it caches the table key for up to 5 minutes per caller), or something outside the account decides, such as an organisation's SCP.`,
    );
  }
  return sentences;
}

export async function explainDenial(question: DenialQuestion): Promise<DenialExplanation> {
  const { reader } = question;
  const collector = question.admin ?? reader;
  try {
    const readerArn = reader.identity?.arn ?? (await reader.session.sts.getCallerIdentity()).arn;
    const snapshot = await collectAccessSnapshot(collector.session, { tables: [question.tableName], principalArns: [readerArn] });
    const tableArn = question.table?.arn || snapshot.tables[0]?.Table.TableArn;
    if (!tableArn) return { state: 'unavailable', principal: readerArn, sentences: [], problem: `${collector.label} could not describe table ${question.tableName}` };
    const report = whoCan(snapshot, tableArn, { principals: [readerArn] });
    const row = report.rows.find((r) => r.principal === readerArn);
    if (!row) return { state: 'unavailable', principal: readerArn, sentences: [], problem: `the policies of ${readerArn} could not be read as ${collector.label}` };
    return { state: 'ready', principal: readerArn, sentences: rowSentences(row) };
  } catch (error) {
    return { state: 'unavailable', sentences: [], problem: `${capitalise(collector.label)} could not read the policies that decide it: ${errorMessage(error)}` };
  }
}
