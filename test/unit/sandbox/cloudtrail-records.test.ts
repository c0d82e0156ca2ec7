// CloudTrail records in the sandbox: every served call becomes an event in AWS's record format; DynamoDB's KMS calls
// for a caller are recorded as DynamoDB makes them; item operations are data events LookupEvents never returns; and
// no event carries an item value, a plaintext, a ciphertext, a secret key or a session token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { lookupAll, trailClient, type FoundEvent } from './helpers/trail';
import { createUserWithKey, type Credentials } from './helpers/users';
import { waitForActive } from './helpers/tables';

const SECRET_VALUE = 'the-answer-is-42-never-logged';
const PLAINTEXT = 'plaintext-that-must-not-be-logged';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sb: TestSandbox;
let keyArn: string;
let reader: Credentials;
let decrypter: Credentials;
let session: Credentials;
let ciphertext: string;
let createKeyRequestId: string;
let events: FoundEvent[];

const config = (credentials: Credentials) => ({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });

before(async () => {
  sb = await startTestSandbox();
  const admin = sb.credentials;
  const kms = new KMSClient(config(admin));
  const ddb = new DynamoDBClient(config(admin));
  const iam = new IAMClient(config(admin));
  const created = await kms.send(new CreateKeyCommand({ Description: 'trail test key' }));
  createKeyRequestId = created.$metadata.requestId!;
  keyArn = created.KeyMetadata!.Arn!;
  const blob = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(PLAINTEXT), EncryptionContext: { purpose: 'test' } }));
  ciphertext = Buffer.from(blob.CiphertextBlob!).toString('base64');
  await kms.send(new DecryptCommand({ CiphertextBlob: blob.CiphertextBlob, EncryptionContext: { purpose: 'test' } }));
  await ddb.send(
    new CreateTableCommand({
      TableName: 'books',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    }),
  );
  await waitForActive(ddb, 'books');
  await ddb.send(new PutItemCommand({ TableName: 'books', Item: { id: { S: 'b1' }, secret: { S: SECRET_VALUE } } }));

  const ddbFull = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
  reader = await createUserWithKey(iam, 'reader', { policies: [ddbFull] });
  const decrypt = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });
  decrypter = await createUserWithKey(iam, 'decrypter', { policies: [ddbFull], inline: decrypt });
  await assert.rejects(new DynamoDBClient(config(reader)).send(new GetItemCommand({ TableName: 'books', Key: { id: { S: 'b1' } } })), {
    name: 'AccessDeniedException',
  });
  const read = await new DynamoDBClient(config(decrypter)).send(new GetItemCommand({ TableName: 'books', Key: { id: { S: 'b1' } } }));
  assert.equal(read.Item?.['secret']?.S, SECRET_VALUE);

  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sb.accountId}:root` }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'auditor', AssumeRolePolicyDocument: trust }));
  const all = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudtrail:LookupEvents', 'kms:DescribeKey'], Resource: '*' }] });
  await iam.send(new PutRolePolicyCommand({ RoleName: 'auditor', PolicyName: 'audit', PolicyDocument: all }));
  const assumed = await new STSClient(config(admin)).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${sb.accountId}:role/auditor`, RoleSessionName: 'alice' }));
  session = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
  await new KMSClient(config(session)).send(new (await import('@aws-sdk/client-kms')).DescribeKeyCommand({ KeyId: keyArn }));

  events = await lookupAll(trailClient(sb, admin));
});
after(() => sb?.stop());

const named = (name: string) => events.filter((event) => event.EventName === name);

describe('every served call is a CloudTrail record in AWS format', () => {
  test('CreateKey: identity, source, time, request and response, ids, resources', () => {
    const [event] = named('CreateKey');
    assert.ok(event, 'CreateKey is recorded');
    const r = event.record;
    assert.equal(r.eventVersion, '1.11');
    assert.deepEqual(Object.keys(r.userIdentity).sort(), ['accessKeyId', 'accountId', 'arn', 'principalId', 'type', 'userName']);
    assert.equal(r.userIdentity.type, 'IAMUser');
    assert.equal(r.userIdentity.arn, `arn:aws:iam::${sb.accountId}:user/admin`);
    assert.equal(r.userIdentity.userName, 'admin');
    assert.match(r.userIdentity.principalId, /^AIDA/);
    assert.equal(r.userIdentity.accessKeyId, sb.credentials.accessKeyId);
    assert.match(r.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(r.eventSource, 'kms.amazonaws.com');
    assert.equal(r.awsRegion, sb.region);
    assert.equal(r.sourceIPAddress, '127.0.0.1');
    assert.match(r.userAgent, /aws-sdk-js/);
    assert.deepEqual(r.requestParameters, { description: 'trail test key' });
    assert.equal(r.responseElements.keyMetadata.arn, keyArn);
    assert.equal(r.requestID, createKeyRequestId, 'the request id the caller saw');
    assert.match(r.eventID, UUID);
    assert.equal(r.readOnly, false);
    assert.deepEqual(r.resources, [{ accountId: sb.accountId, type: 'AWS::KMS::Key', ARN: keyArn }]);
    assert.equal(r.eventType, 'AwsApiCall');
    assert.equal(r.managementEvent, true);
    assert.equal(r.eventCategory, 'Management');
    assert.equal(r.recipientAccountId, sb.accountId);
    assert.equal(event.Username, 'admin');
    assert.equal(event.EventId, r.eventID);
    assert.deepEqual(event.Resources, [{ ResourceType: 'AWS::KMS::Key', ResourceName: keyArn }]);
  });

  test('Encrypt and Decrypt: key, algorithm and context recorded; no plaintext or ciphertext; no response', () => {
    const encrypt = named('Encrypt')[0]!.record;
    assert.deepEqual(encrypt.requestParameters, { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: keyArn, encryptionContext: { purpose: 'test' } });
    assert.equal(encrypt.responseElements, null);
    assert.equal(encrypt.readOnly, true);
    const decrypt = named('Decrypt').find((event) => event.record.userIdentity.invokedBy === undefined)!.record;
    assert.deepEqual(decrypt.requestParameters, { encryptionContext: { purpose: 'test' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    assert.deepEqual(decrypt.resources, [{ accountId: sb.accountId, type: 'AWS::KMS::Key', ARN: keyArn }], 'the key, read from the ciphertext');
  });

  test('IAM events are recorded in us-east-1; an access key is recorded without its secret', () => {
    const created = named('CreateAccessKey').find((event) => event.record.requestParameters?.userName === 'reader')!.record;
    assert.equal(created.eventSource, 'iam.amazonaws.com');
    assert.equal(created.awsRegion, 'us-east-1');
    assert.equal(created.responseElements.accessKey.accessKeyId, reader.accessKeyId);
    assert.equal(created.responseElements.accessKey.secretAccessKey, undefined);
    assert.deepEqual(created.resources, [{ accountId: sb.accountId, type: 'AWS::IAM::User', ARN: `arn:aws:iam::${sb.accountId}:user/reader` }]);
    const policy = named('PutRolePolicy')[0]!.record;
    assert.equal(policy.requestParameters.roleName, 'auditor');
    assert.equal(policy.requestParameters.policyName, 'audit');
  });

  test('a role session: AssumedRole identity with its issuer; LookupEvents names it by session', () => {
    const event = named('DescribeKey').find((found) => found.record.userIdentity.type === 'AssumedRole')!;
    const identity = event.record.userIdentity;
    assert.equal(identity.arn, `arn:aws:sts::${sb.accountId}:assumed-role/auditor/alice`);
    assert.match(identity.principalId, /^AROA[A-Z0-9]+:alice$/);
    assert.equal(identity.accessKeyId, session.accessKeyId);
    assert.deepEqual(identity.sessionContext.sessionIssuer, {
      type: 'Role',
      principalId: identity.principalId.split(':')[0],
      arn: `arn:aws:iam::${sb.accountId}:role/auditor`,
      accountId: sb.accountId,
      userName: 'auditor',
    });
    assert.equal(event.Username, 'alice');
    const assume = named('AssumeRole')[0]!.record;
    assert.equal(assume.eventSource, 'sts.amazonaws.com');
    assert.deepEqual(assume.resources, [{ accountId: sb.accountId, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${sb.accountId}:role/auditor` }]);
  });

  test('DynamoDB item operations are data events: never returned; table operations are', () => {
    for (const name of ['GetItem', 'PutItem']) assert.deepEqual(named(name), [], `${name} is not a management event`);
    const create = named('CreateTable')[0]!.record;
    assert.equal(create.eventSource, 'dynamodb.amazonaws.com');
    assert.equal(create.requestParameters.tableName, 'books');
    assert.equal(create.requestParameters.sSESpecification.kMSMasterKeyId, keyArn);
    assert.deepEqual(create.resources, [{ accountId: sb.accountId, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:${sb.region}:${sb.accountId}:table/books` }]);
  });
});

describe("DynamoDB's KMS calls on a caller's behalf", () => {
  const onBehalf = () => events.filter((event) => event.record.userIdentity.invokedBy === 'dynamodb.amazonaws.com');

  test('the refused read: the caller, made by DynamoDB, the table in the context, the key, AccessDenied', () => {
    const refused = onBehalf().filter((event) => event.Username === 'reader');
    assert.equal(refused.length, 1);
    const r = refused[0]!.record;
    assert.equal(r.eventSource, 'kms.amazonaws.com');
    assert.equal(r.eventName, 'Decrypt');
    assert.equal(r.userIdentity.arn, `arn:aws:iam::${sb.accountId}:user/reader`);
    assert.equal(r.userIdentity.accessKeyId, reader.accessKeyId);
    assert.equal(r.sourceIPAddress, 'dynamodb.amazonaws.com');
    assert.equal(r.userAgent, 'dynamodb.amazonaws.com');
    assert.deepEqual(r.requestParameters.encryptionContext, { 'aws:dynamodb:tableName': 'books', 'aws:dynamodb:subscriberId': sb.accountId });
    assert.deepEqual(r.resources, [{ accountId: sb.accountId, type: 'AWS::KMS::Key', ARN: keyArn }]);
    assert.equal(r.errorCode, 'AccessDenied');
    assert.match(r.errorMessage, /^User: arn:aws:iam::\d{12}:user\/reader is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:.* because no identity-based policy allows the kms:Decrypt action$/);
    assert.equal(r.readOnly, true);
    assert.equal(r.responseElements, null);
    assert.match(r.requestID, UUID);
  });

  test('the allowed read is recorded without an error', () => {
    const allowed = onBehalf().filter((event) => event.Username === 'decrypter');
    assert.equal(allowed.length, 1);
    assert.equal(allowed[0]!.record.errorCode, undefined);
    assert.equal(allowed[0]!.record.requestParameters.encryptionContext['aws:dynamodb:tableName'], 'books');
  });

  test("creating the table: DynamoDB's DescribeKey, CreateGrant and GenerateDataKey for the admin, its write as Decrypt", () => {
    const admin = onBehalf().filter((event) => event.Username === 'admin');
    assert.deepEqual(admin.map((event) => event.EventName).reverse(), ['DescribeKey', 'CreateGrant', 'GenerateDataKey', 'Decrypt']);
    const grant = admin.find((event) => event.EventName === 'CreateGrant')!.record;
    assert.equal(grant.requestParameters.granteePrincipal, `dynamodb.${sb.region}.amazonaws.com`);
    assert.deepEqual(grant.requestParameters.constraints.encryptionContextSubset, { 'aws:dynamodb:tableName': 'books', 'aws:dynamodb:subscriberId': sb.accountId });
    const generate = admin.find((event) => event.EventName === 'GenerateDataKey')!.record;
    assert.deepEqual(generate.requestParameters, {
      keyId: keyArn,
      keySpec: 'AES_256',
      encryptionContext: { 'aws:dynamodb:tableName': 'books', 'aws:dynamodb:subscriberId': sb.accountId },
    });
  });

  test('a table under a disabled key: the grant DynamoDB asks for is refused with DisabledException, and no data key follows', async () => {
    const config = { endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 1 };
    const kms = new KMSClient(config);
    const disabled = (await kms.send(new CreateKeyCommand({ Description: 'disabled' }))).KeyMetadata!.Arn!;
    const { DisableKeyCommand } = await import('@aws-sdk/client-kms');
    await kms.send(new DisableKeyCommand({ KeyId: disabled }));
    await assert.rejects(
      new DynamoDBClient(config).send(
        new CreateTableCommand({
          TableName: 'never',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: disabled },
        }),
      ),
    );
    const made = (await lookupAll(trailClient(sb, sb.credentials), { AttributeKey: 'ResourceName', AttributeValue: disabled })).filter(
      (event) => event.record.userIdentity.invokedBy === 'dynamodb.amazonaws.com',
    );
    assert.deepEqual(made.map((event) => [event.EventName, event.record.errorCode]).reverse(), [['DescribeKey', undefined], ['CreateGrant', 'DisabledException']]);
    assert.equal(made[0]!.record.errorMessage, `${disabled} is disabled.`);
  });
});

test('no event carries an item value, a plaintext, a ciphertext, a secret key or a session token', () => {
  const secrets = [SECRET_VALUE, PLAINTEXT, Buffer.from(PLAINTEXT).toString('base64'), ciphertext, sb.credentials.secretAccessKey, reader.secretAccessKey, decrypter.secretAccessKey, session.secretAccessKey, session.sessionToken!];
  assert.ok(events.length >= 20, `many events were recorded: ${events.length}`);
  for (const event of events) {
    for (const secret of secrets) assert.ok(!event.text.includes(secret), `${event.EventName} must not carry ${secret.slice(0, 6)}…`);
  }
});
