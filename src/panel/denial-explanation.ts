// Why a read was denied, in the policy engine's words: the account's policies are collected with the panel's admin
// identity (the status bar's), for the reader only, and both locks are explained: the table's, then the key's.
import { whoCan, type AccessRow } from '../access';
import { collectAccessSnapshot } from '../aws/access-snapshot';
import type { DynamoTable } from '../aws/types';
import { errorText } from './controller';
import type { DenialExplanation } from './items-protocol';
import { capitalise, rowLocks } from './locks';
import type { PaneSource } from './pane-source';

export interface DenialQuestion {
  reader: PaneSource;
  /** Who collects the policies; the reader itself when there is no other identity. */
  admin: PaneSource | undefined;
  table: DynamoTable | undefined;
  tableName: string;
}

/** What the locks cannot say: data the answer depends on, and why AWS may refuse a read the policies allow. */
export function rowNotes(row: AccessRow): string[] {
  const notes = row.key ? [] : ['There is no key lock: the table is encrypted with an AWS owned key.'];
  for (const unknown of row.unknowns) notes.push(`Not known: ${unknown}`);
  if (row.read !== 'denied') {
    notes.push(
      `The policies KMS Lab can read predict this read would be ${row.read}, yet AWS refused it. A change may not have reached every AWS endpoint yet, DynamoDB may still hold an older permission (it caches the table key for up to 5 minutes per caller), or something outside the account decides, such as an organisation's SCP.`,
    );
  }
  return notes;
}

export async function explainDenial(question: DenialQuestion): Promise<DenialExplanation> {
  const { reader } = question;
  const collector = question.admin ?? reader;
  try {
    const readerArn = reader.identity?.arn ?? (await reader.session.sts.getCallerIdentity()).arn;
    const snapshot = await collectAccessSnapshot(collector.session, { tables: [question.tableName], principalArns: [readerArn] });
    const tableArn = question.table?.arn || snapshot.tables[0]?.Table.TableArn;
    const unavailable = (problem: string): DenialExplanation => ({ state: 'unavailable', principal: readerArn, locks: [], notes: [], problem });
    if (!tableArn) return unavailable(`${collector.label} could not describe table ${question.tableName}`);
    const report = whoCan(snapshot, tableArn, { principals: [readerArn] });
    const row = report.rows.find((r) => r.principal === readerArn);
    if (!row) return unavailable(`the policies of ${readerArn} could not be read as ${collector.label}`);
    return { state: 'ready', principal: readerArn, locks: rowLocks(row), notes: rowNotes(row) };
  } catch (error) {
    return { state: 'unavailable', locks: [], notes: [], problem: `${capitalise(collector.label)} could not read the policies that decide it: ${errorText(error)}` };
  }
}
