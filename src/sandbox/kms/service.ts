// The sandbox's KMS endpoint (awsJson1_1, TrentService.<Op>): dispatches each operation to its handler.
import { AwsError, type JsonService, type RequestContext } from '../contracts';
import type { KmsBackend } from './backend';
import { kmsError } from './errors';
import * as aliases from './operations/aliases';
import type { KmsOperation } from './operations/call';
import * as cryptography from './operations/cryptography';
import * as grants from './operations/grants';
import * as keyPolicy from './operations/key-policy';
import * as keyState from './operations/key-state';
import * as keys from './operations/keys';
import * as rotation from './operations/rotation';
import * as tags from './operations/tags';

const OPERATIONS: Record<string, KmsOperation> = {
  CreateKey: keys.createKey,
  DescribeKey: keys.describeKey,
  ListKeys: keys.listKeys,
  EnableKey: keyState.enableKey,
  DisableKey: keyState.disableKey,
  ScheduleKeyDeletion: keyState.scheduleKeyDeletion,
  CancelKeyDeletion: keyState.cancelKeyDeletion,
  UpdateKeyDescription: keys.updateKeyDescription,
  EnableKeyRotation: rotation.enableKeyRotation,
  DisableKeyRotation: rotation.disableKeyRotation,
  GetKeyRotationStatus: rotation.getKeyRotationStatus,
  RotateKeyOnDemand: rotation.rotateKeyOnDemand,
  ListKeyRotations: rotation.listKeyRotations,
  CreateAlias: aliases.createAlias,
  UpdateAlias: aliases.updateAlias,
  DeleteAlias: aliases.deleteAlias,
  ListAliases: aliases.listAliases,
  GetKeyPolicy: keyPolicy.getKeyPolicy,
  PutKeyPolicy: keyPolicy.putKeyPolicy,
  ListKeyPolicies: keyPolicy.listKeyPolicies,
  Encrypt: cryptography.encrypt,
  Decrypt: cryptography.decrypt,
  ReEncrypt: cryptography.reEncrypt,
  GenerateDataKey: cryptography.generateDataKey,
  GenerateDataKeyWithoutPlaintext: cryptography.generateDataKeyWithoutPlaintext,
  GenerateRandom: cryptography.generateRandom,
  CreateGrant: grants.createGrant,
  ListGrants: grants.listGrants,
  ListRetirableGrants: grants.listRetirableGrants,
  RevokeGrant: grants.revokeGrant,
  RetireGrant: grants.retireGrant,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListResourceTags: tags.listResourceTags,
};

export const KMS_OPERATIONS = Object.keys(OPERATIONS);

export class KmsService implements JsonService {
  constructor(private readonly backend: KmsBackend) {}

  async handle(operation: string, input: Record<string, unknown>, ctx: RequestContext): Promise<unknown> {
    const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    if (!handler) throw kmsError.unknownOperation(operation);
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw new AwsError('SerializationException', 'Start of structure or map found where not expected');
    return handler({ input, ctx, backend: this.backend });
  }
}
