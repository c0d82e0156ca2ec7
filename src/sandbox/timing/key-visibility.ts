// What a KMS host sees of a key: its key policy as it was until the change reached it, and only the grants old
// enough to be known everywhere, unless the request carries the grant's token (which makes a grant usable at once).
import type { PolicyDocument } from '../../policy/types';
import type { GrantRecord, KeyRecord } from '../kms/model';
import { LaggingView } from './lagging-view';
import type { SandboxTiming } from './timing';

export class KeyVisibility {
  private readonly policies = new LaggingView<PolicyDocument | string>();

  constructor(readonly timing: SandboxTiming) {}

  policy(key: KeyRecord, current: PolicyDocument | string, now: number): PolicyDocument | string {
    if (!this.timing.enabled) return current;
    return this.policies.see(key.keyId, current, now, this.timing.delayMs('keyPolicy'), this.timing.lastChangeOf('kms'));
  }

  grants(grants: GrantRecord[], now: number, grantTokens: readonly string[] | undefined): GrantRecord[] {
    const delay = this.timing.delayMs('grant');
    if (delay <= 0) return grants;
    return grants.filter((grant) => grant.createdAt + delay <= now || (grantTokens?.includes(grant.grantToken) ?? false));
  }
}
