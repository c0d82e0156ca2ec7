// The lab, end to end with SDK v3 clients against a real sandbox (HTTP, SigV4, IAM, KMS, DynamoDB):
// the admin encrypts a table with a customer managed key; a user with only AmazonDynamoDBFullAccess can see the
// table but not its data until the key policy names them; disabling the key makes the table inaccessible.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListAliasesCommand,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import { addKeyUser } from '../../../src/policy';
import { type TestSandbox, startTestSandbox } from './helpers/sandbox';

let sb: TestSandbox;
before(async () => {
  sb = await startTestSandbox();
});
after(() => sb.stop());

type Credentials = { accessKeyId: string; secretAccessKey: string };
const clients = (credentials: Credentials) => {
  const config = { endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 };
  return { kms: new KMSClient(config), ddb: new DynamoDBClient(config), iam: new IAMClient(config) };
};

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be refused');
}

const KMS_DENIED = /^KMS key access denied error: com\.amazonaws\.services\.kms\.model\.AWSKMSException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access\./;

test('the lab with SDK v3: two locks, the key policy opens the second', async () => {
  const admin = clients(sb.credentials);

  // 1. A symmetric key, with an alias.
  const created = await admin.kms.send(new CreateKeyCommand({ Description: 'KMS Lab key', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }));
  const keyArn = created.KeyMetadata!.Arn!;
  assert.ok(created.KeyMetadata!.CreationDate instanceof Date);
  await admin.kms.send(new CreateAliasCommand({ AliasName: 'alias/kms-lab', TargetKeyId: created.KeyMetadata!.KeyId }));
  const aliases = await admin.kms.send(new ListAliasesCommand({}));
  assert.ok(aliases.Aliases!.some((alias) => alias.AliasName === 'alias/kms-lab' && alias.TargetKeyId === created.KeyMetadata!.KeyId));

  // KMS itself over the wire: blobs, contexts.
  const encrypted = await admin.kms.send(new EncryptCommand({ KeyId: 'alias/kms-lab', Plaintext: Buffer.from('wire'), EncryptionContext: { lab: 'yes' } }));
  const decrypted = await admin.kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { lab: 'yes' } }));
  assert.equal(Buffer.from(decrypted.Plaintext!).toString(), 'wire');
  assert.equal(decrypted.KeyId, keyArn);

  // 2. A table encrypted with the key (named by alias), 3. an item.
  const table = await admin.ddb.send(
    new CreateTableCommand({
      TableName: 'kms-lab',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/kms-lab' },
    }),
  );
  assert.equal(table.TableDescription!.SSEDescription!.KMSMasterKeyArn, keyArn);
  const described = await admin.ddb.send(new DescribeTableCommand({ TableName: 'kms-lab' }));
  assert.equal(described.Table!.TableStatus, 'ACTIVE');
  assert.equal(described.Table!.SSEDescription!.SSEType, 'KMS');
  const keyManager = (await admin.kms.send(new DescribeKeyCommand({ KeyId: described.Table!.SSEDescription!.KMSMasterKeyArn }))).KeyMetadata!.KeyManager;
  assert.equal(keyManager, 'CUSTOMER');
  await admin.ddb.send(new PutItemCommand({ TableName: 'kms-lab', Item: { id: { S: '1' }, note: { S: 'encrypted at rest' } } }));
  assert.equal((await admin.ddb.send(new GetItemCommand({ TableName: 'kms-lab', Key: { id: { S: '1' } } }))).Item!.note.S, 'encrypted at rest');

  // 4. A test user with AmazonDynamoDBFullAccess only.
  const user = await admin.iam.send(new CreateUserCommand({ UserName: 'kms-lab-test' }));
  await admin.iam.send(new AttachUserPolicyCommand({ UserName: 'kms-lab-test', PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
  const accessKey = (await admin.iam.send(new CreateAccessKeyCommand({ UserName: 'kms-lab-test' }))).AccessKey!;
  const tester = clients({ accessKeyId: accessKey.AccessKeyId!, secretAccessKey: accessKey.SecretAccessKey! });

  // 5. The user sees the table, but not its data.
  assert.equal((await tester.ddb.send(new DescribeTableCommand({ TableName: 'kms-lab' }))).Table!.SSEDescription!.KMSMasterKeyArn, keyArn);
  for (const call of [tester.ddb.send(new ScanCommand({ TableName: 'kms-lab' })), tester.ddb.send(new GetItemCommand({ TableName: 'kms-lab', Key: { id: { S: '1' } } }))]) {
    const error = await rejection(call);
    assert.equal(error.name, 'AccessDeniedException');
    assert.equal(error.$metadata?.httpStatusCode, 400);
    assert.match(error.message, KMS_DENIED);
  }

  // 6. The admin adds the user to the key policy the way the console does.
  const policy = (await admin.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy!;
  await admin.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: addKeyUser(policy, user.User!.Arn!) }));

  // 7. Now the user reads the table.
  const scanned = await tester.ddb.send(new ScanCommand({ TableName: 'kms-lab' }));
  assert.deepEqual(scanned.Items, [{ id: { S: '1' }, note: { S: 'encrypted at rest' } }]);

  // Disabling the key makes the table inaccessible; enabling it restores the table.
  await admin.kms.send(new DisableKeyCommand({ KeyId: keyArn }));
  const inaccessible = (await admin.ddb.send(new DescribeTableCommand({ TableName: 'kms-lab' }))).Table!;
  assert.equal(inaccessible.TableStatus, 'INACCESSIBLE_ENCRYPTION_CREDENTIALS');
  assert.ok(inaccessible.SSEDescription!.InaccessibleEncryptionDateTime instanceof Date);
  assert.equal((await rejection(tester.ddb.send(new ScanCommand({ TableName: 'kms-lab' })))).name, 'AccessDeniedException');
  assert.equal((await rejection(admin.kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') })))).name, 'DisabledException');
  await admin.kms.send(new EnableKeyCommand({ KeyId: keyArn }));
  assert.equal((await admin.ddb.send(new DescribeTableCommand({ TableName: 'kms-lab' }))).Table!.TableStatus, 'ACTIVE');
  assert.equal((await tester.ddb.send(new ScanCommand({ TableName: 'kms-lab' }))).Count, 1);
});

test('the sandbox restarts with everything in place', async () => {
  const first = await startTestSandbox({ keepData: true });
  try {
    const config = { endpoint: first.endpoint, region: first.region, credentials: first.credentials, maxAttempts: 1 };
    const ddb = new DynamoDBClient(config);
    const kms = new KMSClient(config);
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await ddb.send(
      new CreateTableCommand({
        TableName: 'kept',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.KeyId },
      }),
    );
    await ddb.send(new PutItemCommand({ TableName: 'kept', Item: { id: { S: 'a' } } }));
    await first.sandbox.stop();
    const second = await startTestSandbox({ dataDir: first.dataDir });
    try {
      const again = new DynamoDBClient({ endpoint: second.endpoint, region: second.region, credentials: second.credentials, maxAttempts: 1 });
      const table = (await again.send(new DescribeTableCommand({ TableName: 'kept' }))).Table!;
      assert.equal(table.SSEDescription!.KMSMasterKeyArn, key.Arn);
      assert.equal((await again.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'a' } } }))).Item!.id.S, 'a');
    } finally {
      await second.stop();
    }
  } finally {
    await first.sandbox.stop().catch(() => undefined);
  }
});
