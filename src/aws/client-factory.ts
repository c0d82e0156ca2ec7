// The one place that builds SDK clients. A client is made on first use and reused for the same
// (target, service, region, endpoint); the sandbox and real AWS go through here alike.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { STSClient } from '@aws-sdk/client-sts';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CredentialsProvider } from './credentials';
import { silentLogger, type Logger } from './log';
import { keepErrorBodiesReadable } from './error-bodies';
import { loadSdk, type Sdk } from './sdk';
import type { AwsService, ConnectionTarget } from './types';

export interface ClientsByService {
  kms: KMSClient;
  dynamodb: DynamoDBClient;
  iam: IAMClient;
  sts: STSClient;
  organizations: OrganizationsClient;
  cloudtrail: CloudTrailClient;
}

/**
 * Few retries and a short connect timeout, so an unreachable endpoint fails in seconds, not after a minute. Five
 * attempts: the SDK backs off with jitter on throttling, and a call throttled five times in a row is rare.
 */
export const clientTuning = {
  maxAttempts: 5,
  requestHandler: { connectionTimeout: 3000, requestTimeout: 30_000 },
  // We resolve endpoint_url and [services] ourselves (endpoints.ts); the SDK would read them from the wrong profile.
  ignoreConfiguredEndpointUrls: true,
};

interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials: CredentialsProvider;
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
  ignoreConfiguredEndpointUrls: boolean;
}

export interface ClientSpec {
  target: ConnectionTarget;
  region: string;
  endpoint?: string;
  credentials: CredentialsProvider;
}

/** Identifies a target without its secret: two targets with the same key share clients. */
export function targetKey(target: ConnectionTarget): string {
  switch (target.kind) {
    case 'profile':
      return `profile:${target.profile}`;
    case 'environment':
      return 'environment';
    case 'static':
      return `static:${target.label}:${target.endpoint}:${target.credentials.accessKeyId}`;
    case 'derived':
      return `derived:${target.label}:${targetKey(target.base)}:${target.credentials.accessKeyId}`;
  }
}

type AnyClient = ClientsByService[AwsService];

function newClient(sdk: Sdk, service: AwsService, config: ClientConfig): AnyClient {
  switch (service) {
    case 'kms':
      return new sdk.kms.KMSClient(config);
    case 'dynamodb':
      return new sdk.dynamodb.DynamoDBClient(config);
    case 'iam':
      return new sdk.iam.IAMClient(config);
    case 'sts':
      return new sdk.sts.STSClient(config);
    case 'organizations':
      return new sdk.organizations.OrganizationsClient(config);
    case 'cloudtrail':
      return new sdk.cloudtrail.CloudTrailClient(config);
  }
}

export class ClientFactory {
  private readonly clients = new Map<string, Promise<AnyClient>>();
  private disposed = false;

  constructor(private readonly logger: Logger = silentLogger) {}

  get<S extends AwsService>(service: S, spec: ClientSpec): Promise<ClientsByService[S]> {
    if (this.disposed) return Promise.reject(new Error('The AWS client factory has been disposed'));
    const key = [targetKey(spec.target), service, spec.region, spec.endpoint ?? ''].join('|');
    let client = this.clients.get(key);
    if (!client) {
      client = this.create(service, spec);
      this.clients.set(key, client);
      client.catch(() => this.clients.delete(key));
    }
    return client as Promise<ClientsByService[S]>;
  }

  /** How many clients exist; for tests and diagnostics. */
  get size(): number {
    return this.clients.size;
  }

  dispose(): void {
    this.disposed = true;
    const clients = [...this.clients.values()];
    this.clients.clear();
    for (const client of clients) client.then((c) => c.destroy(), () => undefined);
  }

  private async create(service: AwsService, spec: ClientSpec): Promise<AnyClient> {
    const sdk = await loadSdk();
    const config: ClientConfig = {
      ...clientTuning,
      region: spec.region,
      credentials: spec.credentials,
      ...(spec.endpoint ? { endpoint: spec.endpoint } : {}),
    };
    this.logger.debug(`client created: ${service} · ${spec.region} · ${targetKey(spec.target).split(':').slice(0, 2).join(':')} · ${spec.endpoint ?? 'default endpoint'}`);
    const client = newClient(sdk, service, config);
    keepErrorBodiesReadable(client as unknown as Parameters<typeof keepErrorBodiesReadable>[0]);
    return client;
  }
}
