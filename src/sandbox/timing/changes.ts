// Dates IAM's and KMS's writes, so that what other hosts see of them changes only once the write's delay has passed.
import type { RequestContext } from '../contracts';
import type { ChangeSource, SandboxTiming } from './timing';

interface Handler {
  handle(name: string, input: never, ctx: RequestContext): Promise<unknown>;
}

/** IAM actions that change nothing. */
const IAM_READS = /^(Get|List|Simulate|Generate)/;
/** KMS operations whose change reaches other hosts late (a grant's lag is dated from its own creation time). */
const KMS_POLICY_WRITES = new Set(['PutKeyPolicy']);

function isChange(source: ChangeSource, name: string): boolean {
  return source === 'iam' ? !IAM_READS.test(name) : KMS_POLICY_WRITES.has(name);
}

export interface WriteWatcher {
  beforeWrite(): void;
  afterWrite(at: number): void;
}

/** The service, answering as before, telling the timing (and a watcher) of each write it is asked for. */
export function notingChanges<S extends Handler>(service: S, source: ChangeSource, timing: SandboxTiming, watcher?: WriteWatcher): S {
  if (!timing.enabled) return service;
  const wrapped = Object.create(service) as S;
  wrapped.handle = async (name: string, input: never, ctx: RequestContext) => {
    if (!isChange(source, name)) return service.handle(name, input, ctx);
    watcher?.beforeWrite();
    try {
      return await service.handle(name, input, ctx);
    } finally {
      const at = Date.now();
      timing.noteChange(source, at);
      watcher?.afterWrite(at);
    }
  };
  return wrapped;
}
