// The key policy draft as the panel checks it while a person types: problems at their real positions, the console's
// view of administrators and users, and edits of that view applied to the text.
import { describeProblem, policyProblems } from '../keypolicy';
import type { EditResult } from '../keypolicy/editing';
import { addKeyAdministrator, addKeyUser, awsPrincipalProblem, keyUsersAndAdministrators, parsePolicy, removeKeyAdministrator, removeKeyUser } from '../policy';
import type { KeyRoleEdit, KeyRolesView, PolicyMarker, SaveOutcome } from './policy-protocol';

export interface PolicyCheck {
  markers: PolicyMarker[];
  roles?: KeyRolesView;
  bytes: number;
}

export function checkPolicy(text: string): PolicyCheck {
  const markers: PolicyMarker[] = policyProblems(text).map((problem) => {
    const range = problem.range;
    return {
      from: range?.start ?? 0,
      to: range?.end ?? 0,
      line: range?.line ?? 1,
      severity: problem.severity,
      message: problem.message,
      statementIndex: problem.statementIndex,
    };
  });
  const parsed = parsePolicy(text);
  const roles = parsed.document ? keyUsersAndAdministrators(parsed.document) : undefined;
  return { markers, roles, bytes: Buffer.byteLength(text, 'utf8') };
}

/** The text with one principal added to or removed from the console's statements. Throws with a sentence when it cannot. */
export function editKeyRoles(text: string, edit: KeyRoleEdit, arn: string): string {
  const principal = arn.trim();
  if (edit === 'addUser' || edit === 'addAdministrator') {
    const problem = awsPrincipalProblem(principal);
    if (problem) throw new Error(`Not added: ${problem}`);
  }
  switch (edit) {
    case 'addUser':
      return addKeyUser(text, principal);
    case 'removeUser':
      return removeKeyUser(text, principal);
    case 'addAdministrator':
      return addKeyAdministrator(text, principal);
    case 'removeAdministrator':
      return removeKeyAdministrator(text, principal);
  }
}

/** What the pane says after Save (or Restore). */
export function saveOutcome(result: EditResult): SaveOutcome {
  switch (result.kind) {
    case 'saved':
      return { kind: 'saved', message: ['Saved. The previous policy is in the history.', ...(result.notes ?? [])].join(' ') };
    case 'invalid': {
      const first = result.problems[0];
      const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more)` : '';
      return { kind: 'invalid', message: `Not saved: ${first ? describeProblem(first) : 'the policy is not valid'}${more}. Your text is kept.` };
    }
    case 'lockout':
      return { kind: 'lockout', message: `${result.message} Your text is kept.` };
    case 'conflict':
      return {
        kind: 'conflict',
        message: 'Not saved: the key policy was changed outside this panel since it was loaded. Compare the other change with yours; nothing was overwritten and your text is kept.',
        theirs: result.theirs,
      };
    case 'failed':
      return { kind: 'failed', message: `${result.message} Your text is kept.` };
    case 'cancelled':
      return { kind: 'cancelled' };
  }
}
