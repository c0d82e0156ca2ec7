// "Read as": the identities a panel can show the table as, beside the status bar's: other profiles, the environment's
// credentials, the local sandbox, and every extra identity (such as the lab's test user).
import type { ConnectionTarget } from '../aws/types';
import type { Connection } from '../status/connection';
import type { ExtraIdentities } from '../status/identities';
import { isSandboxTarget, SANDBOX_LABEL } from '../status/local-sandbox';
import type { ReadAsOption } from './protocol';

export interface ReadAsChoice extends ReadAsOption {
  /** The principal's ARN, when known without asking AWS. */
  arn?: string;
  target(): Promise<ConnectionTarget>;
}

const PROFILE = 'profile:';
const ENVIRONMENT = 'environment';
const SANDBOX = 'sandbox';

/** Every identity the panel can read as in `region`; the one the status bar already uses only with `includeCurrent`. */
export async function readAsChoices(connection: Connection, identities: ExtraIdentities, region: string, options: { includeCurrent?: boolean } = {}): Promise<ReadAsChoice[]> {
  const current = options.includeCurrent ? undefined : connection.target;
  const choices: ReadAsChoice[] = [];
  const extras = await identities.list(connection.target);
  for (const extra of extras) {
    choices.push({ id: extra.id, label: extra.label, description: extra.description, arn: extra.arn, target: () => extra.target() });
  }
  const profiles = connection.profiles;
  for (const profile of profiles?.profiles ?? []) {
    if (current?.kind === 'profile' && current.profile === profile.name) continue;
    choices.push({
      id: `${PROFILE}${profile.name}`,
      label: profile.name,
      description: 'profile',
      target: async () => ({ kind: 'profile', profile: profile.name, region }),
    });
  }
  if (profiles?.environmentCredentials && current?.kind !== 'environment') {
    choices.push({ id: ENVIRONMENT, label: 'Environment credentials', description: 'AWS_ACCESS_KEY_ID from the environment', target: async () => ({ kind: 'environment', region }) });
  }
  if (!isSandboxTarget(current)) {
    choices.push({
      id: SANDBOX,
      label: SANDBOX_LABEL,
      description: 'the offline account on this machine (its admin)',
      target: () => connection.sandbox.start(region),
    });
  }
  return choices;
}

/** The choice with this id, or an error that says what is offered instead. */
export async function resolveReadAs(connection: Connection, identities: ExtraIdentities, region: string, id: string): Promise<ReadAsChoice> {
  // A "Read as" profile that has since become the status bar's still reads as itself.
  const choices = await readAsChoices(connection, identities, region, { includeCurrent: true });
  const found = choices.find((c) => c.id === id);
  if (found) return found;
  const offered = choices.map((c) => c.label).join(', ') || 'none';
  throw new Error(`Cannot read as "${id}": it is not a profile or identity KMS Lab knows (offered: ${offered})`);
}
