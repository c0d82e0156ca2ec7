// Whether a new access key may still be unknown where a pane reads: on AWS a new key is refused for a few seconds,
// and so it is by the local sandbox keeping AWS's timing (reached as "Local sandbox" or through a profile naming its
// endpoint); an emulator or the instant sandbox knows a key at once, so there a refused key is the answer (rejected
// credentials), never something to wait for.
import { isAwsHost } from '../aws/endpoints';
import { isSandboxTarget } from '../status/local-sandbox';
import type { PaneSource } from './pane-source';

/** The local sandbox as it runs now: its endpoint (when running) and its AWS timing factor (0: instant). */
export interface LocalSandboxTiming {
  endpoint?: string;
  awsTiming: number;
}

export async function newKeysMayLag(source: PaneSource, sandbox: () => LocalSandboxTiming): Promise<boolean> {
  const target = source.target.kind === 'derived' ? source.target.base : source.target;
  if (isSandboxTarget(target)) return sandbox().awsTiming > 0;
  const endpoint = await source.session.endpointFor('dynamodb').catch(() => undefined);
  if (endpoint === undefined) return true;
  const local = sandbox();
  if (local.endpoint !== undefined && sameOrigin(endpoint, local.endpoint)) return local.awsTiming > 0;
  return isAwsHost(endpoint);
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
