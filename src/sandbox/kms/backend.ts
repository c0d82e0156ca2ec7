// The sandbox's KMS state and the questions both KMS and DynamoDB ask it: which key is this, may the caller use it.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { PolicyDocument } from '../../policy/types';
import type { IdentityDirectory } from '../contracts';
import { JsonStore } from '../storage/json-store';
import { withoutPrototypes } from '../storage/null-prototype';
import { KeyAccess } from './access';
import { KeyVisibility } from '../timing/key-visibility';
import { INSTANT, type SandboxTiming } from '../timing/timing';
import { DYNAMODB_MANAGED_ALIAS, type KmsScope, aliasArn, keyArn, parseKeyReference } from './arns';
import { newKeyMaterial } from './envelope';
import { kmsError } from './errors';
import { isExpired } from './key-states';
import { type GrantRecord, type KeyRecord, type KmsState, emptyKmsState } from './model';
import { awsManagedDynamoKeyPolicy } from '../../policy';

export interface KmsBackendOptions {
  dataDir: string;
  region: string;
  accountId: string;
  directory: IdentityDirectory;
  timing?: SandboxTiming;
}

export interface NewKey {
  description: string;
  policy: string;
  keyManager: KeyRecord['keyManager'];
  tags?: KeyRecord['tags'];
  rotationEnabled?: boolean;
}

const MANAGED_DYNAMO_DESCRIPTION = 'Default key that protects my DynamoDB data when no other key is defined';

export class KmsBackend {
  readonly scope: KmsScope;
  readonly access: KeyAccess;
  private readonly parsedPolicies = new Map<string, PolicyDocument | string>();
  private readonly materials = new Map<string, Buffer>();

  private constructor(
    private readonly store: JsonStore<KmsState>,
    readonly directory: IdentityDirectory,
    scope: KmsScope,
    /** What a KMS host sees of a key when the sandbox keeps AWS's timing. */
    readonly visibility: KeyVisibility,
  ) {
    this.scope = scope;
    this.access = new KeyAccess({
      directory,
      policyOf: (key, request) => this.visibility.policy(key, this.policyDocument(key), request.now.getTime()),
      grantsOf: (key, request) => this.visibility.grants(this.grantsOf(key.keyId), request.now.getTime(), request.grantTokens),
    });
  }

  static async open(options: KmsBackendOptions): Promise<KmsBackend> {
    const store = await JsonStore.open<KmsState>(path.join(options.dataDir, 'kms.json'), emptyKmsState, {
      revive: (state) => withoutPrototypes(state, ['keys', 'aliases', 'grants']),
    });
    return new KmsBackend(store, options.directory, { region: options.region, accountId: options.accountId }, new KeyVisibility(options.timing ?? INSTANT));
  }

  state(): KmsState {
    return this.store.read();
  }

  /** Runs fn on the state and resolves once the change is durable. */
  update<R>(fn: (state: KmsState) => R): Promise<R> {
    return this.store.update(fn);
  }

  flush(): Promise<void> {
    return this.store.flush();
  }

  /**
   * The key a KeyId member names (id, key ARN, alias name, alias ARN), or KMS's NotFoundException.
   * `createManaged`: an AWS managed alias that does not exist yet is created, as DescribeKey does in AWS.
   */
  async findKey(ref: string, options: { allowAlias?: boolean; createManaged?: boolean; now: Date }): Promise<KeyRecord> {
    const parsed = parseKeyReference(ref, this.scope);
    if (parsed.kind === 'invalid') throw kmsError.invalidKeyId(ref);
    if (parsed.kind === 'alias') {
      if (options.allowAlias === false) throw kmsError.invalidKeyId(ref);
      if (!parsed.local) throw kmsError.notFoundAlias(parsed.shown);
      const alias = this.state().aliases[parsed.aliasName];
      if (!alias) {
        if (options.createManaged && parsed.aliasName === DYNAMODB_MANAGED_ALIAS) return this.ensureDynamoManagedKey(options.now);
        throw kmsError.notFoundAlias(parsed.shown);
      }
      return this.liveKey(alias.targetKeyId, options.now, () => kmsError.notFoundAlias(parsed.shown));
    }
    if (!parsed.local) throw kmsError.notFoundKey(parsed.shown);
    return this.liveKey(parsed.keyId, options.now, () => kmsError.notFoundKey(parsed.shown));
  }

  /** The key with this ARN if it exists and is not past its deletion date (no side effects: hot path). */
  keyByArn(arn: string, now: number): KeyRecord | undefined {
    const parsed = parseKeyReference(arn, this.scope);
    if (parsed.kind !== 'key' || !parsed.local) return undefined;
    const key = this.state().keys[parsed.keyId];
    return key && !isExpired(key, now) ? key : undefined;
  }

  private async liveKey(keyId: string, now: Date, notFound: () => Error): Promise<KeyRecord> {
    const key = this.state().keys[keyId];
    if (!key) throw notFound();
    if (isExpired(key, now.getTime())) {
      await this.purgeExpired(now.getTime());
      throw notFound();
    }
    return key;
  }

  /** Deletes keys whose waiting period is over, with their aliases and grants. */
  async purgeExpired(now: number): Promise<void> {
    const expired = Object.values(this.state().keys).filter((key) => isExpired(key, now));
    if (expired.length === 0) return;
    await this.update((state) => {
      for (const key of expired) {
        delete state.keys[key.keyId];
        for (const [name, alias] of Object.entries(state.aliases)) if (alias.targetKeyId === key.keyId) delete state.aliases[name];
        for (const [id, grant] of Object.entries(state.grants)) if (grant.keyId === key.keyId) delete state.grants[id];
      }
    });
  }

  grantsOf(keyId: string): GrantRecord[] {
    return Object.values(this.state().grants).filter((grant) => grant.keyId === keyId);
  }

  aliasesOf(keyId: string): string[] {
    return Object.values(this.state().aliases)
      .filter((alias) => alias.targetKeyId === keyId)
      .map((alias) => alias.aliasName);
  }

  aliasArn(aliasName: string): string {
    return aliasArn(this.scope, aliasName);
  }

  /** The parsed key policy (cached by text); the raw text when it is not JSON, so the engine reports it. */
  policyDocument(key: KeyRecord): PolicyDocument | string {
    let document = this.parsedPolicies.get(key.policy);
    if (document === undefined) {
      try {
        document = JSON.parse(key.policy) as PolicyDocument;
      } catch {
        document = key.policy;
      }
      if (this.parsedPolicies.size > 1000) this.parsedPolicies.clear();
      this.parsedPolicies.set(key.policy, document);
    }
    return document;
  }

  material(key: KeyRecord, version: number): Buffer | undefined {
    const encoded = key.material[version];
    if (encoded === undefined) return undefined;
    let material = this.materials.get(encoded);
    if (!material) {
      material = Buffer.from(encoded, 'base64');
      this.materials.set(encoded, material);
    }
    return material;
  }

  /** The material of the sandbox's stand-in for the AWS owned key (created on first use). */
  async ownedKeyMaterial(): Promise<Buffer> {
    let encoded = this.state().ownedKeyMaterial;
    if (encoded === undefined) {
      const fresh = newKeyMaterial();
      encoded = await this.update((state) => (state.ownedKeyMaterial ??= fresh));
    }
    return Buffer.from(encoded, 'base64');
  }

  /** A fresh key record (not yet stored). */
  newKeyRecord(spec: NewKey, now: Date): KeyRecord {
    const keyId = randomUUID();
    return {
      keyId,
      arn: keyArn(this.scope, keyId),
      createdAt: now.getTime(),
      description: spec.description,
      keyManager: spec.keyManager,
      state: 'Enabled',
      stateChangedAt: now.getTime(),
      policy: spec.policy,
      rotationEnabled: spec.rotationEnabled ?? false,
      rotationPeriodInDays: spec.rotationEnabled ? 365 : undefined,
      nextRotationDate: spec.rotationEnabled ? now.getTime() + 365 * 86_400_000 : undefined,
      tags: spec.tags ?? [],
      material: [newKeyMaterial()],
    };
  }

  /** The AWS managed key alias/aws/dynamodb, created with its fixed policy on first use. */
  async ensureDynamoManagedKey(now: Date): Promise<KeyRecord> {
    const existing = this.state().aliases[DYNAMODB_MANAGED_ALIAS];
    if (existing && this.state().keys[existing.targetKeyId]) return this.state().keys[existing.targetKeyId];
    const candidate = this.newKeyRecord(
      {
        description: MANAGED_DYNAMO_DESCRIPTION,
        policy: JSON.stringify(awsManagedDynamoKeyPolicy(this.scope.accountId, this.scope.region)),
        keyManager: 'AWS',
        rotationEnabled: true,
      },
      now,
    );
    return this.update((state) => {
      const raced = state.aliases[DYNAMODB_MANAGED_ALIAS];
      if (raced && state.keys[raced.targetKeyId]) return state.keys[raced.targetKeyId];
      state.keys[candidate.keyId] = candidate;
      state.aliases[DYNAMODB_MANAGED_ALIAS] = {
        aliasName: DYNAMODB_MANAGED_ALIAS,
        targetKeyId: candidate.keyId,
        createdAt: now.getTime(),
        updatedAt: now.getTime(),
      };
      return candidate;
    });
  }
}
