// Hostile input to KMS and DynamoDB: every operation, fed mutated requests, answers with a result or an AWS-shaped
// error, never with a crash; afterwards the services still work.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { AwsError } from '../../../src/sandbox/contracts';
import { DYNAMODB_OPERATIONS } from '../../../src/sandbox/dynamodb/service';
import { KMS_OPERATIONS } from '../../../src/sandbox/kms/service';
import { type ServicesFixture, b64, openServices } from './lab-fixtures';

let f: ServicesFixture;
let keyId: string;
let victimKeyId: string;
let blob: string;
before(async () => {
  f = await openServices();
  keyId = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata.KeyId;
  victimKeyId = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata.KeyId;
  blob = (await f.kms(f.admin, 'Encrypt', { KeyId: keyId, Plaintext: b64('fuzz') })).CiphertextBlob;
  await f.ddb(f.admin, 'CreateTable', {
    TableName: 'fuzz',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: { Enabled: true, KMSMasterKeyId: keyId },
  });
});
after(() => f.close());

/** A plausible request per operation, so mutations land next to valid input rather than far from it. */
function seed(operation: string): Record<string, unknown> {
  const key = { id: { S: 'a' } };
  const seeds: Record<string, Record<string, unknown>> = {
    Encrypt: { KeyId: keyId, Plaintext: b64('x'), EncryptionContext: { a: 'b' } },
    Decrypt: { CiphertextBlob: blob },
    ReEncrypt: { CiphertextBlob: blob, DestinationKeyId: keyId },
    GenerateDataKey: { KeyId: keyId, KeySpec: 'AES_256' },
    GenerateDataKeyWithoutPlaintext: { KeyId: keyId, NumberOfBytes: 16 },
    GenerateRandom: { NumberOfBytes: 8 },
    CreateKey: { Description: 'fuzz', Tags: [{ TagKey: 'a', TagValue: 'b' }] },
    CreateAlias: { AliasName: 'alias/fuzz', TargetKeyId: keyId },
    UpdateAlias: { AliasName: 'alias/fuzz', TargetKeyId: keyId },
    DeleteAlias: { AliasName: 'alias/fuzz-gone' },
    PutKeyPolicy: { KeyId: victimKeyId, Policy: '{"Version":"2012-10-17","Statement":[]}' },
    CreateGrant: { KeyId: keyId, GranteePrincipal: f.admin.arn, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: { a: 'b' } } },
    RevokeGrant: { KeyId: keyId, GrantId: '0'.repeat(64) },
    RetireGrant: { GrantToken: 'token' },
    ListRetirableGrants: { RetiringPrincipal: f.admin.arn },
    TagResource: { KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] },
    UntagResource: { KeyId: keyId, TagKeys: ['a'] },
    ScheduleKeyDeletion: { KeyId: victimKeyId, PendingWindowInDays: 7 },
    DisableKey: { KeyId: victimKeyId },
    DeleteTable: { TableName: 'fuzz-new' },
    EnableKeyRotation: { KeyId: keyId, RotationPeriodInDays: 90 },
    CreateTable: {
      TableName: 'fuzz-new',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, KMSMasterKeyId: keyId },
    },
    UpdateTable: { TableName: 'fuzz', SSESpecification: { Enabled: true, KMSMasterKeyId: keyId } },
    PutItem: { TableName: 'fuzz', Item: { ...key, v: { N: '1' } } },
    GetItem: { TableName: 'fuzz', Key: key },
    DeleteItem: { TableName: 'fuzz', Key: { id: { S: 'gone' } } },
    UpdateItem: { TableName: 'fuzz', Key: key, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } },
    Query: { TableName: 'fuzz', KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: 'a' } } },
    Scan: { TableName: 'fuzz', FilterExpression: 'attribute_exists(v)' },
    BatchGetItem: { RequestItems: { fuzz: { Keys: [key] } } },
    BatchWriteItem: { RequestItems: { fuzz: [{ PutRequest: { Item: key } }] } },
    TagResource_ddb: { ResourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/fuzz', Tags: [{ Key: 'a', Value: 'b' }] },
  };
  return seeds[operation] ?? { KeyId: operation.includes('Key') && !operation.startsWith('Describe') ? victimKeyId : keyId, TableName: 'fuzz', Limit: 5 };
}

const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, '', 'alias/aws/dynamodb', 'arn:aws:kms:us-east-1:123456789012:key/', '\u0000', 'x'.repeat(5000), -1, 1e308, [], {}),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), name: fc.string({ maxLength: 20 }), value }),
  fc.record({ kind: fc.constant('whole' as const), value }),
);

function mutate(input: Record<string, unknown>, steps: { kind: string; pick?: number; name?: string; value?: unknown }[]): unknown {
  let current: unknown = structuredClone(input);
  for (const step of steps) {
    if (step.kind === 'whole') {
      current = step.value;
      continue;
    }
    if (!current || typeof current !== 'object' || Array.isArray(current)) current = {};
    const record = current as Record<string, unknown>;
    const names = Object.keys(record);
    if (step.kind === 'add') record[step.name!] = step.value;
    else if (names.length > 0) {
      const name = names[step.pick! % names.length];
      if (step.kind === 'delete') delete record[name];
      else record[name] = step.value;
    }
  }
  return current;
}

async function callAndCheck(service: 'kms' | 'ddb', operation: string, input: unknown): Promise<void> {
  const handler = service === 'kms' ? f.services.kms : f.services.dynamodb;
  try {
    await handler.handle(operation, input as Record<string, unknown>, { caller: f.admin, region: 'us-east-1', accountId: '123456789012', requestId: 'fuzz', sourceIp: '127.0.0.1', now: new Date() });
  } catch (error) {
    if (!(error instanceof AwsError)) {
      throw new Error(`${operation} threw a non-AWS error for ${JSON.stringify(input)?.slice(0, 300)}: ${(error as Error)?.stack ?? error}`);
    }
    assert.ok(error.code.length > 0);
    assert.ok(error.status >= 400 && error.status < 500, `${operation} answered ${error.status} ${error.code}: ${error.message}`);
  }
}

test('mutated requests to every KMS and DynamoDB operation get a result or an AWS error', async () => {
  const operations = [...KMS_OPERATIONS.map((op) => ['kms', op] as const), ...DYNAMODB_OPERATIONS.map((op) => ['ddb', op] as const)];
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: operations.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (index, steps) => {
      const [service, operation] = operations[index];
      const base = seed(service === 'ddb' && operation === 'TagResource' ? 'TagResource_ddb' : operation);
      await callAndCheck(service, operation, mutate(base, steps));
    }),
    { numRuns: 1500, seed: 20261123 },
  );
  // Still serving afterwards.
  const fresh = (await f.kms(f.admin, 'CreateKey', {})).KeyMetadata.KeyId;
  await f.ddb(f.admin, 'CreateTable', {
    TableName: 'after-fuzz',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: { Enabled: true, KMSMasterKeyId: fresh },
  });
  await f.ddb(f.admin, 'PutItem', { TableName: 'after-fuzz', Item: { id: { S: 'after' } } });
  assert.equal((await f.ddb(f.admin, 'GetItem', { TableName: 'after-fuzz', Key: { id: { S: 'after' } } })).Item.id.S, 'after');
  const encrypted = await f.kms(f.admin, 'Encrypt', { KeyId: fresh, Plaintext: b64('still here') });
  assert.equal(Buffer.from((await f.kms(f.admin, 'Decrypt', { CiphertextBlob: encrypted.CiphertextBlob })).Plaintext, 'base64').toString(), 'still here');
});
