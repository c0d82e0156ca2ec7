// A new IAM access key is not known everywhere at once: until its delay has passed, requests signed with it are
// refused as an unknown key (InvalidClientTokenId for IAM and STS, UnrecognizedClientException for KMS and DynamoDB).
import type { CredentialResolver } from '../server/credentials';
import type { SandboxTiming } from './timing';

/** `exempt`: keys usable at once whatever their age (the sandbox's own admin key, made when it first starts). */
export function delayedCredentials(inner: CredentialResolver, timing: SandboxTiming, exempt: (accessKeyId: string) => boolean, now: () => number = Date.now): CredentialResolver {
  return {
    resolve(accessKeyId) {
      const record = inner.resolve(accessKeyId);
      if (!record?.createdAt || exempt(accessKeyId)) return record;
      return now() < record.createdAt.getTime() + timing.delayMs('accessKey') ? undefined : record;
    },
  };
}
