// What the service wrappers of one session share: where each service is, its client, the per-refresh cache,
// the concurrency limit and the log.
import { RefreshCache } from './cache';
import { ClientFactory, type ClientsByService } from './client-factory';
import { loadConfigFiles, type ParsedConfigFiles } from './config-files';
import { credentialsFor, type CredentialsProvider } from './credentials';
import { resolveEndpoint } from './endpoints';
import { AwsLayerError } from './errors';
import { createLimiter, type Limiter } from './limit';
import { silentLogger, type Logger } from './log';
import type { AwsService, ConnectionTarget } from './types';

export interface SessionOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Asked for a code when a profile has mfa_serial; reject or return '' when the user cancels. */
  mfaCodeProvider?: (mfaSerial: string) => Promise<string>;
  /** Most AWS requests in flight at once for this session. Default 6. */
  maxConcurrency?: number;
  /** Share one factory between sessions to reuse clients; a session disposes only a factory it made itself. */
  clientFactory?: ClientFactory;
}

export class SessionCore {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly cache = new RefreshCache();
  readonly limit: Limiter;
  /** How the target is named in messages: the profile name, "environment credentials", or the static target's label. */
  readonly label: string;
  private readonly factory: ClientFactory;
  private readonly ownsFactory: boolean;
  private readonly credentials: CredentialsProvider;
  private files: Promise<ParsedConfigFiles> | undefined;
  private disposed = false;

  constructor(
    readonly target: ConnectionTarget,
    options: SessionOptions,
  ) {
    this.env = options.env ?? process.env;
    this.logger = options.logger ?? silentLogger;
    this.limit = createLimiter(Math.max(1, Math.floor(options.maxConcurrency ?? 6) || 6));
    this.ownsFactory = !options.clientFactory;
    this.factory = options.clientFactory ?? new ClientFactory(this.logger);
    this.credentials = credentialsFor(target, { env: this.env, logger: this.logger, mfaCodeProvider: options.mfaCodeProvider });
    this.label = target.kind === 'profile' ? target.profile : target.kind === 'environment' ? 'environment credentials' : target.label;
  }

  async endpointFor(service: AwsService): Promise<string | undefined> {
    // A derived identity reaches the same endpoints as the target it was made on.
    const target = this.target.kind === 'derived' ? this.target.base : this.target;
    if (target.kind === 'static') return target.endpoint;
    this.files ??= loadConfigFiles(this.env).catch((err: unknown) => {
      this.files = undefined;
      throw err;
    });
    const files = await this.files;
    // Environment credentials go with the config of AWS_PROFILE (or default), as in the CLI and the SDK.
    const profile = target.kind === 'profile' ? target.profile : this.env.AWS_PROFILE || 'default';
    return resolveEndpoint(service, profile, files, this.env);
  }

  /** IAM and Organizations are global and signed for us-east-1, except behind a custom endpoint. */
  regionFor(service: AwsService, endpoint: string | undefined): string {
    return (service === 'iam' || service === 'organizations') && !endpoint ? 'us-east-1' : this.target.region;
  }

  async client<S extends AwsService>(service: S): Promise<{ client: ClientsByService[S]; endpoint?: string }> {
    if (this.disposed) throw new AwsLayerError('other', `The AWS session for ${this.label} has been closed`, { service });
    const endpoint = await this.endpointFor(service);
    const region = this.regionFor(service, endpoint);
    const client = await this.factory.get(service, { target: this.target, region, endpoint, credentials: this.credentials });
    return { client, endpoint };
  }

  invalidate(): void {
    this.cache.clear();
    this.files = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.cache.clear();
    if (this.ownsFactory) this.factory.dispose();
  }
}
