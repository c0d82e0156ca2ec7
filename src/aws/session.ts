// One AwsSession per connection target: the typed service wrappers over one set of clients and credentials.
// After the shared config files change, make a new session (credentials are kept for the session's life).
import { ServiceCaller } from './call';
import { DynamoService } from './dynamodb';
import { IamService } from './iam';
import { KmsService } from './kms';
import { SessionCore, type SessionOptions } from './session-core';
import { StsService } from './sts';
import type { AwsService, ConnectionTarget } from './types';

export type { SessionOptions } from './session-core';

export class AwsSession {
  readonly kms: KmsService;
  readonly dynamodb: DynamoService;
  readonly iam: IamService;
  readonly sts: StsService;
  private readonly core: SessionCore;

  constructor(
    readonly target: ConnectionTarget,
    options: SessionOptions = {},
  ) {
    this.core = new SessionCore(target, options);
    const { cache } = this.core;
    this.kms = new KmsService(new ServiceCaller('kms', this.core), cache);
    this.dynamodb = new DynamoService(new ServiceCaller('dynamodb', this.core), cache, this.kms);
    this.iam = new IamService(new ServiceCaller('iam', this.core), cache);
    this.sts = new StsService(new ServiceCaller('sts', this.core), cache);
  }

  /** The endpoint each service's client uses; undefined means the SDK's default AWS endpoint. */
  endpointFor(service: AwsService): Promise<string | undefined> {
    return this.core.endpointFor(service);
  }

  /** Forgets everything cached for the current refresh (lists, descriptions, identity) and re-reads endpoints. */
  invalidate(): void {
    this.core.invalidate();
  }

  /** Destroys the clients. The session cannot be used afterwards. */
  dispose(): void {
    this.core.dispose();
  }
}
