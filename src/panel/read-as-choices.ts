// The "Read as" identities VS Code knows: every extra identity (such as the lab's test user), the other profiles, the
// environment's credentials, and the local sandbox.
import type { Connection } from '../status/connection';
import type { ExtraIdentities } from '../status/identities';
import { isSandboxTarget, SANDBOX_LABEL } from '../status/local-sandbox';
import type { ReadAsChoice, ReadAsDirectory } from './read-as';

const PROFILE = 'profile:';
const ENVIRONMENT = 'environment';
const SANDBOX = 'sandbox';

export function connectionReadAs(connection: Connection, identities: ExtraIdentities): ReadAsDirectory {
  return {
    async choices(region, options = {}) {
      const current = options.includeCurrent ? undefined : connection.target;
      const choices: ReadAsChoice[] = [];
      for (const extra of await identities.list(connection.target)) {
        choices.push({ kind: 'identity', id: extra.id, label: extra.label, description: extra.description, arn: extra.arn, target: () => extra.target() });
      }
      const profiles = connection.profiles;
      for (const profile of profiles?.profiles ?? []) {
        if (current?.kind === 'profile' && current.profile === profile.name) continue;
        choices.push({
          kind: 'profile',
          id: `${PROFILE}${profile.name}`,
          label: profile.name,
          description: 'profile',
          prompts: profile.kind === 'sso' || !!profile.mfaSerial,
          target: async () => ({ kind: 'profile', profile: profile.name, region }),
        });
      }
      if (profiles?.environmentCredentials && current?.kind !== 'environment') {
        choices.push({ kind: 'environment', id: ENVIRONMENT, label: 'Environment credentials', description: 'AWS_ACCESS_KEY_ID from the environment', target: async () => ({ kind: 'environment', region }) });
      }
      if (!isSandboxTarget(current)) {
        choices.push({ kind: 'sandbox', id: SANDBOX, label: SANDBOX_LABEL, description: 'the offline account on this machine (its admin)', target: () => connection.sandbox.start(region) });
      }
      return choices;
    },
  };
}
