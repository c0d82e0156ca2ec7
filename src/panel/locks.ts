// The lab's lesson in the panel's words: a read of an encrypted table passes two locks, the table lock (DynamoDB
// permissions) and then the key lock (kms:Decrypt on the table's key, asked by DynamoDB on your behalf). Each is
// open or shut, decided by a statement; every place in the panel that shows a read's result says it this way.
import type { AccessRow, DecidingStatement, LockDecision } from '../access';
import type { LockLine } from './items-protocol';
import { LOCK_WORDS } from './protocol';

const STATE: Record<LockDecision['decision'], LockLine['state']> = { allowed: 'open', denied: 'shut', conditional: 'conditional', unknown: 'unknown' };

/** Where a deciding statement lives, in words. */
export function sourceText(statement: DecidingStatement): string {
  const s = statement.source;
  switch (s.type) {
    case 'managed':
      return `managed policy ${statement.policy}`;
    case 'inline':
      return `inline policy ${statement.policy}`;
    case 'group-managed':
      return `managed policy ${statement.policy} of group ${s.group ?? ''}`.trim();
    case 'group-inline':
      return `inline policy ${statement.policy} of group ${s.group ?? ''}`.trim();
    case 'boundary':
      return `permissions boundary ${statement.policy}`;
    case 'key-policy':
      return 'the key policy';
    case 'table-policy':
      return "the table's resource policy";
    case 'session':
      return 'the session policy';
    case 'scp':
      return `service control policy ${statement.policy}${s.target ? ` (attached to ${s.target})` : ''}`;
    case 'rcp':
      return `resource control policy ${statement.policy}${s.target ? ` (attached to ${s.target})` : ''}`;
    default:
      return `${statement.policy} (outside the account)`;
  }
}

/** 'Allow statement "Allow use of the key" of the key policy'. */
export function statementText(statement: DecidingStatement): string {
  const name = statement.sid ? `"${statement.sid}"` : `#${statement.index + 1}`;
  return `${statement.effect} statement ${name} of ${sourceText(statement)}`;
}

/** Whether the engine's sentence already names the statement (its Sid, or its policy), so it need not be said twice. */
function names(reason: string, statement: DecidingStatement): boolean {
  return (!!statement.sid && reason.includes(statement.sid)) || (statement.source.type !== 'key-policy' && reason.includes(statement.policy));
}

export function lockLine(lock: LockDecision): LockLine {
  const words = LOCK_WORDS[lock.lock];
  // A shut lock is decided by an explicit Deny when there is one; otherwise by the absence of any Allow.
  const deciding = lock.deciding.find((s) => s.effect === 'Deny') ?? (lock.decision === 'denied' ? undefined : lock.deciding[0]);
  const grant = lock.decision !== 'denied' && !deciding ? lock.grants[0] : undefined;
  const reason = lock.reason.replace(/\.$/, '');
  return {
    lock: lock.lock,
    name: words.name,
    what: words.what,
    state: STATE[lock.decision],
    reason,
    deciding: deciding && !names(reason, deciding) ? statementText(deciding) : grant ? `grant ${grant.name ?? grant.grantId}` : undefined,
  };
}

/** "Key lock (kms:Decrypt on …): shut. The key policy does not name …. Decided by …." */
export function lockSentence(line: LockLine): string {
  const decided = line.deciding ? ` Decided by the ${line.deciding}.` : '';
  return `${line.name} (${line.what}): ${line.state}. ${capitalise(line.reason)}.${decided}`;
}

/** The table lock, then the key lock (none under an AWS owned key). */
export function rowLocks(row: AccessRow): LockLine[] {
  return [lockLine(row.table), ...(row.key ? [lockLine(row.key)] : [])];
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
