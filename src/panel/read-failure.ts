// A failed read of a table, in words for the pane that shows it: what failed, for whom, AWS's own error, and what to do.
import { AwsLayerError } from '../aws/errors';
import type { ConnectionTarget } from '../aws/types';
import type { PaneAction, ReadFailure } from './items-protocol';

function awsOriginal(error: AwsLayerError): { code?: string; message?: string } {
  const cause = error.cause as { message?: unknown; name?: unknown } | undefined;
  const message = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : undefined;
  return { code: error.code, message };
}

function signInActions(target: ConnectionTarget | undefined): PaneAction[] {
  return target?.kind === 'profile' ? [{ kind: 'ssoLogin', profile: target.profile }, { kind: 'retry' }] : [{ kind: 'retry' }];
}

/** `who` names the identity ("kms-lab-test-user", "profile dev"); `tableName` the table read. */
export function readFailure(error: unknown, who: string, tableName: string, target?: ConnectionTarget): ReadFailure {
  if (!(error instanceof AwsLayerError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid-input', message };
  }
  const { code, message: awsMessage } = awsOriginal(error);
  const base = { awsCode: code, awsMessage };
  switch (error.kind) {
    case 'access-denied':
      // The two locks come next (the explanation), AWS's own words after them; this sentence stands in until then.
      return { ...base, kind: 'access-denied', message: `${who} may not read ${tableName}.`, detail: error.message };
    case 'not-found':
      return {
        ...base,
        kind: 'not-found',
        message: `Table ${tableName} does not exist (any more) for ${who} in this region: it may have been deleted while the panel was open.`,
        actions: [{ kind: 'retry' }],
      };
    case 'sso-expired':
      return { ...base, kind: 'sso-expired', message: error.message, actions: signInActions(target) };
    case 'invalid-credentials':
      return {
        ...base,
        kind: 'invalid-credentials',
        message: `${error.message}. If the session has expired, sign in again or pick another profile.`,
        actions: [...(target?.kind === 'profile' ? [{ kind: 'switchProfile' } as PaneAction] : []), { kind: 'retry' }],
      };
    case 'endpoint-unreachable':
      return { ...base, kind: 'endpoint-unreachable', message: error.message, actions: [{ kind: 'retry' }] };
    default:
      return { ...base, kind: 'other', message: error.message, actions: [{ kind: 'retry' }] };
  }
}
