// The lab's "predicted" result: the access analysis (src/access) for one principal and one table, from the real
// key policy, the principal's real IAM policies and the key's grants, collected with the admin's session.
import { whoCan, type AccessRow, type LockDecision } from '../access';
import { collectAccessSnapshot } from '../aws/access-snapshot';
import type { ReadPredictor } from './context';
import type { PredictedRead } from './record';

function lockLine(name: string, lock: LockDecision): string {
  return `${name}: ${lock.decision}, ${lock.reason}`;
}

export function toPrediction(row: AccessRow): PredictedRead {
  const locks = [row.table, ...(row.key ? [row.key] : [])];
  // What decided the answer: the locks that do not open, or every lock when all do.
  const deciding = row.read === 'allowed' ? locks : locks.filter((lock) => lock.decision !== 'allowed');
  const reasons = deciding.map((lock) => `${lock.lock === 'key' ? 'Key' : 'Table'} lock: ${lock.reason}`);
  if (row.unknowns.length > 0) reasons.push(`Not known: ${row.unknowns.join('; ')}.`);
  return {
    decision: row.read,
    reasons,
    tableLock: lockLine('Table lock (DynamoDB permissions)', row.table),
    keyLock: row.key ? lockLine('Key lock (kms:Decrypt)', row.key) : 'No key lock: the table is encrypted with an AWS owned key.',
  };
}

export const predictReadWithPolicies: ReadPredictor = async (admin, { tableName, principalArn }) => {
  const snapshot = await collectAccessSnapshot(admin, { tables: [tableName], principalArns: [principalArn] });
  const table = snapshot.tables.find((t) => t.Table.TableName === tableName);
  if (!table?.Table.TableArn) {
    const why = snapshot.missing.map((m) => `${m.what}: ${m.reason}`).join('; ');
    throw new Error(`Table ${tableName} could not be described${why ? ` (${why})` : ''}`);
  }
  const report = whoCan(snapshot, table.Table.TableArn, { principals: [principalArn] });
  const row = report.rows.find((r) => r.principal === principalArn);
  if (!row) throw new Error(`The analysis has no answer for ${principalArn}`);
  return toPrediction(row);
};
