// The lab's "predicted" result: the access analysis (src/access) for one principal and one table, from the real
// key policy, the principal's real IAM policies and the key's grants, collected with the admin's session.
import { whoCan, type AccessRow, type LockDecision } from '../access';
import { collectAccessSnapshot } from '../aws/access-snapshot';
import type { ReadPredictor } from './context';
import { lockSentence, type LockName, type Locks, type LockSummary } from './lesson';
import type { PredictedRead } from './record';

function summary(lock: LockDecision): LockSummary {
  return { verdict: lock.decision, reason: lock.reason };
}

export function toPrediction(row: AccessRow): PredictedRead {
  const locks: Locks = { table: summary(row.table), key: row.key ? summary(row.key) : undefined };
  // What decided the answer: the locks that do not open, or every lock when all do; table lock first.
  const all: [LockName, LockSummary][] = locks.key ? [['table', locks.table], ['key', locks.key]] : [['table', locks.table]];
  const deciding = row.read === 'allowed' ? all : all.filter(([, lock]) => lock.verdict !== 'allowed');
  const reasons = deciding.map(([name, lock]) => lockSentence(name, lock));
  if (row.unknowns.length > 0) reasons.push(`Not known: ${row.unknowns.join('; ')}.`);
  return { decision: row.read, reasons, locks };
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
