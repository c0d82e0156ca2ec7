// The sandbox's trail: every call a service serves becomes a CloudTrail event (data events excepted: no trail here
// selects them), and so does each KMS call DynamoDB makes on a caller's behalf. A call is acknowledged only once its
// events are on disk.
//
//   const trail = await Trail.open({ dataDir, directory });
//   const kms = trail.recording('kms', kmsService);       // a service whose calls are recorded
//   trail.service                                          // LookupEvents
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AwsError, type IdentityDirectory, type RequestContext } from '../contracts';
import { requireEnabled } from '../kms/key-states';
import type { KeyRecord } from '../kms/model';
import { eventRegionOf, eventSourceOf, isDataEvent, isReadOnly, trailErrorCode, type TrailServiceName } from './classify';
import { cleanMembers, queryMembers } from './parameters';
import { EVENT_VERSION, eventTimeOf, userIdentityOf, type CloudTrailRecord } from './record';
import { KMS_KEY_TYPE, resourcesOf } from './resources';
import { CloudTrailService } from './service';
import { EventStore, type EventStoreOptions } from './store';

export const EVENTS_FILE = 'cloudtrail-events.jsonl';
export const DYNAMODB_SERVICE = 'dynamodb.amazonaws.com';

export interface TrailOptions extends Pick<EventStoreOptions, 'maxEvents' | 'retentionDays' | 'log' | 'now'> {
  dataDir: string;
  directory: IdentityDirectory;
  /** Throttle LookupEvents as AWS does (2 a second); unlimited when absent. */
  lookupsPerSecond?: number;
}

/** Anything that serves calls as the front hands them over: KMS, DynamoDB, CloudTrail (JSON) or IAM, STS (query). */
export interface CallHandler<I, O> {
  handle(operation: string, input: I, ctx: RequestContext): Promise<O>;
}

/** What the sandbox's DynamoDB tells the trail about each KMS call it makes for a caller. */
export interface DynamoDbKmsCalls {
  kmsCallForDynamoDb(
    ctx: RequestContext,
    operation: string,
    key: KeyRecord,
    encryptionContext: Record<string, string>,
    decision: { allowed: boolean; message?: string },
  ): void;
}

/** What an event keeps of a call's input: its cleaned parameters, and the names that say which resources it acts on. */
interface Request {
  parameters: Record<string, unknown> | null;
  names: Record<string, unknown>;
}

const RESOURCE_MEMBERS = ['KeyId', 'TargetKeyId', 'DestinationKeyId', 'TableName', 'ResourceArn', 'UserName', 'RoleName', 'PolicyArn', 'RoleArn'];

function requestOf(service: TrailServiceName, operation: string, input: unknown): Request {
  const members = (input ?? {}) as Record<string, unknown>;
  const query = service === 'iam' || service === 'sts';
  let parameters = query ? queryMembers(members as Record<string, string>) : cleanMembers(members, { dynamodb: service === 'dynamodb' });
  // KMS records the algorithm of every Encrypt and Decrypt, named or not.
  if (service === 'kms' && (operation === 'Encrypt' || operation === 'Decrypt')) parameters = { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', ...parameters };
  const names: Record<string, unknown> = {};
  for (const name of RESOURCE_MEMBERS) if (typeof members[name] === 'string') names[name] = members[name];
  return { parameters, names };
}

interface Outcome {
  result?: unknown;
  error?: unknown;
}

function errorOf(service: TrailServiceName, error: unknown): { errorCode: string; errorMessage: string } {
  if (error instanceof AwsError) return { errorCode: trailErrorCode(service, error.code), errorMessage: error.message };
  return { errorCode: 'InternalFailure', errorMessage: 'An internal error occurred.' };
}

function sourceIp(ctx: RequestContext): string {
  return ctx.sourceIp.replace(/^::ffff:/, '');
}

/** requestParameters of the KMS calls DynamoDB makes, as its events show them. */
function dynamoDbKmsParameters(operation: string, keyArn: string, encryptionContext: Record<string, string>, region: string): Record<string, unknown> {
  switch (operation) {
    case 'Decrypt':
      return { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext };
    case 'GenerateDataKey':
      return { keyId: keyArn, keySpec: 'AES_256', encryptionContext };
    case 'CreateGrant':
      return {
        keyId: keyArn,
        granteePrincipal: `dynamodb.${region}.amazonaws.com`,
        retiringPrincipal: `dynamodb.${region}.amazonaws.com`,
        constraints: { encryptionContextSubset: encryptionContext },
      };
    default:
      return { keyId: keyArn };
  }
}

export class Trail implements DynamoDbKmsCalls {
  readonly service: CloudTrailService;

  private constructor(
    readonly store: EventStore,
    directory: IdentityDirectory,
    lookupsPerSecond: number | undefined,
  ) {
    this.service = new CloudTrailService(store, directory, lookupsPerSecond);
  }

  static async open(options: TrailOptions): Promise<Trail> {
    const store = await EventStore.open(path.join(options.dataDir, EVENTS_FILE), options);
    return new Trail(store, options.directory, options.lookupsPerSecond);
  }

  /** The same service, its calls recorded: each call answers only after its events are durable. */
  recording<I, O, S extends CallHandler<I, O>>(service: TrailServiceName, inner: S): S {
    const handle = async (operation: string, input: I, ctx: RequestContext): Promise<O> => {
      // Read before the call: handlers may clean their input in place.
      const request = isDataEvent(service, operation) ? undefined : requestOf(service, operation, input);
      let result: O;
      try {
        result = await inner.handle(operation, input, ctx);
      } catch (error) {
        await this.recordCall(service, operation, request, ctx, { error });
        throw error;
      }
      await this.recordCall(service, operation, request, ctx, { result });
      return result;
    };
    return Object.assign(Object.create(inner) as S, { handle });
  }

  kmsCallForDynamoDb(
    ctx: RequestContext,
    operation: string,
    key: KeyRecord,
    encryptionContext: Record<string, string>,
    decision: { allowed: boolean; message?: string },
  ): void {
    let failure: { errorCode: string; errorMessage: string } | undefined;
    if (!decision.allowed) failure = { errorCode: 'AccessDenied', errorMessage: decision.message ?? '' };
    else if (operation !== 'DescribeKey') {
      try {
        requireEnabled(key);
      } catch (error) {
        failure = errorOf('kms', error);
      }
    }
    this.store.append({
      ...this.common(ctx, 'kms', operation),
      userIdentity: { ...userIdentityOf(ctx.caller), invokedBy: DYNAMODB_SERVICE },
      sourceIPAddress: DYNAMODB_SERVICE,
      userAgent: DYNAMODB_SERVICE,
      ...failure,
      requestParameters: dynamoDbKmsParameters(operation, key.arn, encryptionContext, ctx.region),
      responseElements: null,
      // DynamoDB's own request to KMS has its own id.
      requestID: randomUUID(),
      resources: [{ accountId: ctx.accountId, type: KMS_KEY_TYPE, ARN: key.arn }],
    });
    // Once its grant is in place, DynamoDB generates the table's data key under the KMS key (the sandbox's table key
    // is sealed right after, without asking again).
    if (operation === 'CreateGrant' && !failure) this.kmsCallForDynamoDb(ctx, 'GenerateDataKey', key, encryptionContext, decision);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async recordCall(service: TrailServiceName, operation: string, request: Request | undefined, ctx: RequestContext, outcome: Outcome): Promise<void> {
    let changed = false;
    if (request) {
      const failure = outcome.error === undefined ? undefined : errorOf(service, outcome.error);
      const output = outcome.result as Record<string, unknown> | undefined;
      this.store.append({
        ...this.common(ctx, service, operation),
        userIdentity: userIdentityOf(ctx.caller),
        sourceIPAddress: sourceIp(ctx),
        userAgent: ctx.userAgent ?? '',
        ...failure,
        requestParameters: request.parameters,
        responseElements: isReadOnly(operation) || failure ? null : cleanMembers(output, { dynamodb: service === 'dynamodb' }),
        requestID: ctx.requestId,
        resources: resourcesOf(service, request.names, output, failure?.errorMessage, ctx),
      });
      changed = !failure && !isReadOnly(operation);
    }
    // Also covers the events DynamoDB's KMS calls added during this request.
    await this.store.settled({ sync: changed });
  }

  private common(ctx: RequestContext, service: TrailServiceName, operation: string) {
    return {
      eventVersion: EVENT_VERSION,
      eventTime: eventTimeOf(ctx.now),
      eventSource: eventSourceOf(service),
      eventName: operation,
      awsRegion: eventRegionOf(service, ctx.region),
      eventID: randomUUID(),
      readOnly: isReadOnly(operation),
      eventType: 'AwsApiCall' as const,
      managementEvent: true,
      recipientAccountId: ctx.accountId,
      eventCategory: 'Management' as const,
    } satisfies Partial<CloudTrailRecord>;
  }
}

