// What DynamoDB asks KMS about a table's key: which key, may this caller use it through DynamoDB, and the
// grant DynamoDB keeps on a customer managed key for each table.
import { randomBytes } from 'node:crypto';
import type { ConditionContext } from '../../policy/types';
import type { DynamoDbKmsCalls } from '../cloudtrail/recorder';
import type { RequestContext } from '../contracts';
import type { AccessDecision } from './access';
import type { KmsBackend } from './backend';
import { encryptionContextConditions, viaDynamoDbConditions } from './conditions';
import { type EncryptionContext, open, readHeader, seal } from './envelope';
import type { KeyRecord } from './model';
import { CallerTableKeys } from '../timing/table-keys';
import { INSTANT, type SandboxTiming } from '../timing/timing';
import { RecentDecisions } from './recent-decisions';

/** The key id a wrapped table key names when the table is under the AWS owned key. */
const OWNED_KEY_ID = 'aws-owned';

const TABLE_GRANT_OPERATIONS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'ReEncryptFrom', 'ReEncryptTo', 'DescribeKey', 'CreateGrant', 'RetireGrant'];

export function tableEncryptionContext(tableName: string, accountId: string): EncryptionContext {
  return { 'aws:dynamodb:tableName': tableName, 'aws:dynamodb:subscriberId': accountId };
}

export class TableKeyAccess {
  private readonly requests = new Map<string, { conditions: ConditionContext; encryptionContext: EncryptionContext }>();
  private readonly recent = new RecentDecisions();

  /** The table keys DynamoDB holds for each caller (only while the sandbox keeps AWS's timing). */
  readonly callerKeys: CallerTableKeys;

  constructor(
    private readonly backend: KmsBackend,
    private readonly trail?: DynamoDbKmsCalls,
    readonly timing: SandboxTiming = INSTANT,
  ) {
    this.callerKeys = new CallerTableKeys(timing);
  }

  /** The key of an SSESpecification: the given id, ARN or alias, or the AWS managed aws/dynamodb key (created on first use). */
  resolve(keyRef: string | undefined, ctx: RequestContext): Promise<KeyRecord> {
    if (keyRef === undefined) return this.backend.ensureDynamoManagedKey(ctx.now);
    return this.backend.findKey(keyRef, { allowAlias: true, createManaged: true, now: ctx.now });
  }

  /**
   * Whether DynamoDB has noticed that a disabled (or pending deletion) key is unusable: at once without AWS's timing,
   * else once its delay has passed since the key's state changed.
   */
  isInaccessible(key: KeyRecord, now: number): boolean {
    if (key.state === 'Enabled') return false;
    return now >= (key.stateChangedAt ?? 0) + this.timing.delayMs('keyInaccessible');
  }

  /** The live key with this ARN, or undefined once it is deleted. */
  keyByArn(arn: string, now: Date): KeyRecord | undefined {
    return this.backend.keyByArn(arn, now.getTime());
  }

  /** kms:<operation> on the key, as DynamoDB calls it for the caller (kms:ViaService, the table's encryption context). */
  decide(ctx: RequestContext, key: KeyRecord, tableName: string, operation: string, extra?: Record<string, string>): AccessDecision {
    const request = this.requestFor(ctx, tableName);
    const recentId = extra || this.timing.enabled ? undefined : RecentDecisions.idOf(ctx, key.arn, tableName, operation);
    let decision = recentId === undefined ? undefined : this.recent.get(recentId, ctx.now);
    if (!decision) {
      decision = this.backend.access.decide({
        caller: ctx.caller,
        operation,
        key,
        conditions: extra ? { ...request.conditions, ...extra } : request.conditions,
        encryptionContext: request.encryptionContext,
        now: ctx.now,
      });
      if (recentId !== undefined) this.recent.set(recentId, ctx.now, decision);
    }
    this.trail?.kmsCallForDynamoDb(ctx, operation, key, request.encryptionContext, decision);
    return decision;
  }

  /** The conditions and encryption context of DynamoDB's KMS calls for one table (the same on every item request). */
  private requestFor(ctx: RequestContext, tableName: string): { conditions: ConditionContext; encryptionContext: EncryptionContext } {
    const sourceIp = ctx.sourceIp.replace(/^::ffff:/, '');
    const cacheKey = `${ctx.region} ${ctx.caller.accountId} ${ctx.accountId} ${tableName} ${sourceIp}`;
    let request = this.requests.get(cacheKey);
    if (!request) {
      const encryptionContext = tableEncryptionContext(tableName, ctx.accountId);
      // A forward access session keeps the original requester's address (IAM User Guide, "AWS: Denies access to AWS based on the source IP").
      request = { conditions: { ...viaDynamoDbConditions(ctx), ...encryptionContextConditions(encryptionContext), 'aws:SourceIp': sourceIp }, encryptionContext };
      if (this.requests.size > 1024) this.requests.clear();
      this.requests.set(cacheKey, request);
    }
    return request;
  }

  /** Creating a table under a key: DynamoDB describes the key and creates a grant on it for the caller. */
  decideTableCreation(ctx: RequestContext, key: KeyRecord, tableName: string): AccessDecision {
    const describe = this.decide(ctx, key, tableName, 'DescribeKey');
    if (!describe.allowed) return describe;
    return this.decide(ctx, key, tableName, 'CreateGrant', { 'kms:GrantIsForAWSResource': 'true' });
  }

  /**
   * Wraps a table's data key (which encrypts its items at rest) under the table's KMS key, or under the sandbox's
   * stand-in for the AWS owned key, bound to the table's encryption context. Returns the base64 blob to store.
   */
  async wrapTableKey(dataKey: Buffer, key: KeyRecord | undefined, tableName: string, accountId: string): Promise<string> {
    const context = tableEncryptionContext(tableName, accountId);
    if (!key) return seal(OWNED_KEY_ID, 0, await this.backend.ownedKeyMaterial(), dataKey, context).toString('base64');
    const version = key.material.length - 1;
    const material = this.backend.material(key, version);
    if (!material) throw new Error(`Key material of ${key.arn} is missing`);
    return seal(key.keyId, version, material, dataKey, context).toString('base64');
  }

  /** The table's data key, or undefined once the KMS key that wraps it is gone. Key state does not matter here. */
  async unwrapTableKey(wrapped: string, tableName: string, accountId: string): Promise<Buffer | undefined> {
    const blob = Buffer.from(wrapped, 'base64');
    const header = readHeader(blob);
    if (!header) return undefined;
    let material: Buffer | undefined;
    if (header.keyId === OWNED_KEY_ID) material = await this.backend.ownedKeyMaterial();
    else {
      const key = this.backend.state().keys[header.keyId];
      material = key && this.backend.material(key, header.materialVersion);
    }
    return material && open(blob, material, tableEncryptionContext(tableName, accountId));
  }

  /** The grant DynamoDB's service principal holds on a customer managed key for one table. */
  async addTableGrant(ctx: RequestContext, key: KeyRecord, tableName: string): Promise<void> {
    const service = `dynamodb.${ctx.region}.amazonaws.com`;
    await this.backend.update((state) => {
      const grantId = randomBytes(32).toString('hex');
      state.grants[grantId] = {
        grantId,
        grantToken: randomBytes(96).toString('base64url'),
        keyId: key.keyId,
        name: `${tableName}-${grantId.slice(0, 8)}`,
        createdAt: ctx.now.getTime(),
        granteePrincipal: service,
        retiringPrincipal: service,
        issuingAccount: `arn:aws:iam::${ctx.accountId}:root`,
        operations: TABLE_GRANT_OPERATIONS,
        constraints: { EncryptionContextSubset: tableEncryptionContext(tableName, ctx.accountId) },
      };
    });
  }

  /** DynamoDB retires its grants when a table is deleted or moves to another key. */
  async retireTableGrants(tableName: string, accountId: string, keyArn?: string): Promise<void> {
    const matches = (state: ReturnType<KmsBackend['state']>) =>
      Object.values(state.grants).filter(
        (grant) =>
          grant.granteePrincipal.startsWith('dynamodb.') &&
          grant.constraints?.EncryptionContextSubset?.['aws:dynamodb:tableName'] === tableName &&
          grant.constraints.EncryptionContextSubset['aws:dynamodb:subscriberId'] === accountId &&
          (keyArn === undefined || state.keys[grant.keyId]?.arn === keyArn),
      );
    if (matches(this.backend.state()).length === 0) return;
    await this.backend.update((state) => {
      for (const grant of matches(state)) delete state.grants[grant.grantId];
    });
  }
}
