// One AwsSession per connection target: the typed service wrappers over one set of clients and credentials.
// After the shared config files change, make a new session (credentials are kept for the session's life).
import { AccessCollector } from './access-snapshot';
import { CloudTrailActivity } from './cloudtrail';
import { ServiceCaller } from './call';
import { DynamoService } from './dynamodb';
import { DynamoData } from './dynamodb-data';
import { IamService } from './iam';
import { IamUsers } from './iam-users';
import { KmsService } from './kms';
import { KmsLifecycle } from './kms-lifecycle';
import { SessionCore, type SessionOptions } from './session-core';
import { StsService } from './sts';
import type { AwsService, ConnectionTarget } from './types';

export type { SessionOptions } from './session-core';

export class AwsSession {
  readonly kms: KmsService;
  readonly dynamodb: DynamoService;
  readonly iam: IamService;
  readonly sts: StsService;
  /** Tables created and removed, items read and written. */
  readonly dynamodbData: DynamoData;
  /** One user's life: create, access keys, remove. */
  readonly iamUsers: IamUsers;
  /** Fresh key reads, tags, alias removal and scheduled deletion. */
  readonly kmsLifecycle: KmsLifecycle;
  /** The account snapshot behind "who can read this table" (never cached: each call reads afresh). */
  readonly access: AccessCollector;
  /** A key's (or table's) CloudTrail events: who did read (never cached). */
  readonly cloudtrail: CloudTrailActivity;
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
    this.dynamodbData = new DynamoData(new ServiceCaller('dynamodb', this.core), cache);
    this.iamUsers = new IamUsers(new ServiceCaller('iam', this.core), cache);
    this.kmsLifecycle = new KmsLifecycle(new ServiceCaller('kms', this.core), cache);
    const callers = {
      iam: new ServiceCaller('iam', this.core),
      dynamodb: new ServiceCaller('dynamodb', this.core),
      kms: new ServiceCaller('kms', this.core),
      sts: new ServiceCaller('sts', this.core),
      organizations: new ServiceCaller('organizations', this.core),
    };
    this.access = new AccessCollector(callers, target.region);
    this.cloudtrail = new CloudTrailActivity(new ServiceCaller('cloudtrail', this.core));
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
