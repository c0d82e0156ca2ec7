// One AWS request, made the same way everywhere: within the session's concurrency limit, timed, logged without
// secrets, and with any failure turned into an AwsLayerError naming the action.
import type { ClientsByService } from './client-factory';
import { toAwsLayerError } from './errors';
import { loadSdk, type Sdk } from './sdk';
import type { SessionCore } from './session-core';
import type { AwsService } from './types';

export class ServiceCaller<S extends AwsService> {
  constructor(
    readonly service: S,
    readonly core: SessionCore,
  ) {}

  /** `request` should make exactly one SDK call; `action` is its IAM name, e.g. "kms:ListKeys". */
  send<T>(action: string, request: (client: ClientsByService[S], sdk: Sdk) => Promise<T>): Promise<T> {
    const { core, service } = this;
    return core.limit(async () => {
      const started = performance.now();
      let endpoint: string | undefined;
      const where = (): string => `${core.label} · ${core.regionFor(service, endpoint)} · ${endpoint ?? 'default endpoint'}`;
      try {
        const made = await core.client(service);
        endpoint = made.endpoint;
        const result = await request(made.client, await loadSdk());
        core.logger.trace(`${action} ${Math.round(performance.now() - started)} ms · ${where()}`);
        return result;
      } catch (err) {
        const profile = core.target.kind === 'profile' ? core.target.profile : undefined;
        const failure = toAwsLayerError(err, { action, profile, target: core.label, service, endpoint });
        core.logger.warn(`${action} failed after ${Math.round(performance.now() - started)} ms (${failure.kind}) · ${where()}: ${failure.message}`);
        throw failure;
      }
    });
  }
}
