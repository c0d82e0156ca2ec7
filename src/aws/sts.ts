// Who the session's credentials belong to.
import type { RefreshCache } from './cache';
import type { ServiceCaller } from './call';
import type { CallerIdentity } from './types';

export class StsService {
  constructor(
    private readonly caller: ServiceCaller<'sts'>,
    private readonly cache: RefreshCache,
  ) {}

  getCallerIdentity(): Promise<CallerIdentity> {
    return this.cache.get('sts:GetCallerIdentity', async () => {
      const out = await this.caller.send('sts:GetCallerIdentity', (c, sdk) => c.send(new sdk.sts.GetCallerIdentityCommand({})));
      return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
    });
  }
}
