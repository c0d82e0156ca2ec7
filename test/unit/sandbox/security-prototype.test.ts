// No prototype pollution: the whole sandbox API, over HTTP, with `__proto__`, `constructor` and `prototype` in every
// name-like field (IAM entity, policy, group, role, tag and context-key names, KMS aliases, tags, encryption-context
// and grant-constraint keys, DynamoDB table, attribute, map-key and tag names, STS session names and tags). Each is a
// name like any other, Object.prototype is untouched, and the answers are AWS's; after a restart from disk, too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as iam from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { jsonRequest, sendSigned } from './helpers/raw-request';

const NAMES = ['__proto__', 'constructor', 'prototype'];

/** An object whose keys are own properties whatever they are named (`{ __proto__: … }` would set the prototype). */
const own = <T>(...entries: [string, T][]): Record<string, T> => Object.fromEntries(entries);

function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).map((name) => `${name}:${typeof Object.getOwnPropertyDescriptor(Object.prototype, name)!.value}`).sort();
}

describe('the sandbox API with names that are Object.prototype members', () => {
  let sb: TestSandbox;
  const pristine = prototypeSnapshot();
  before(async () => {
    sb = await startTestSandbox({ keepData: true });
  });
  after(() => sb.stop());

  const admin = () => new iam.IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  const sts = (credentials = sb.credentials as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials });

  async function json(service: 'kms' | 'dynamodb', operation: string, input: unknown): Promise<{ status: number; body: any }> {
    const target = service === 'kms' ? `TrentService.${operation}` : `DynamoDB_20120810.${operation}`;
    const response = await sendSigned(sb.endpoint, jsonRequest(target, input, service === 'kms' ? '1.1' : '1.0'), {
      service,
      region: sb.region,
      credentials: sb.credentials,
    });
    return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined };
  }

  async function ok(service: 'kms' | 'dynamodb', operation: string, input: unknown): Promise<any> {
    const { status, body } = await json(service, operation, input);
    assert.equal(status, 200, `${operation}: ${JSON.stringify(body)}`);
    return body;
  }

  async function iamError(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
    try {
      await promise;
    } catch (error) {
      return error as { name: string; message: string };
    }
    assert.fail('expected an IAM error');
  }

  for (const name of NAMES) {
    test(`security: IAM and STS treat "${name}" as a name like any other`, async () => {
      const client = admin();
      const missing = await iamError(client.send(new iam.GetUserCommand({ UserName: name })));
      assert.equal(missing.name, 'NoSuchEntityException');
      assert.equal(missing.message, `The user with name ${name} cannot be found.`);
      const policyArn = `arn:aws:iam::aws:policy/ReadOnlyAccess`;
      const boundary = await iamError(client.send(new iam.PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: policyArn })));
      assert.equal(boundary.name, 'NoSuchEntityException');
      assert.equal((await iamError(client.send(new iam.GetRoleCommand({ RoleName: name })))).name, 'NoSuchEntityException');
      assert.equal((await iamError(client.send(new iam.GetGroupCommand({ GroupName: name })))).name, 'NoSuchEntityException');

      const user = await client.send(new iam.CreateUserCommand({ UserName: name, Tags: [{ Key: name, Value: name }] }));
      assert.equal(user.User?.UserName, name);
      assert.equal((await client.send(new iam.GetUserCommand({ UserName: name }))).User?.Arn, `arn:aws:iam::${sb.accountId}:user/${name}`);
      assert.deepEqual((await client.send(new iam.ListUserTagsCommand({ UserName: name }))).Tags, [{ Key: name, Value: name }]);
      const allowAll = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:*', 'sts:*'], Resource: '*' }] });
      await client.send(new iam.PutUserPolicyCommand({ UserName: name, PolicyName: name, PolicyDocument: allowAll }));
      assert.deepEqual((await client.send(new iam.ListUserPoliciesCommand({ UserName: name }))).PolicyNames, [name]);
      assert.equal((await client.send(new iam.GetUserPolicyCommand({ UserName: name, PolicyName: name }))).PolicyName, name);
      const otherPolicy = await iamError(client.send(new iam.GetUserPolicyCommand({ UserName: name, PolicyName: 'valueOf' })));
      assert.equal(otherPolicy.name, 'NoSuchEntityException');

      await client.send(new iam.CreateGroupCommand({ GroupName: name }));
      await client.send(new iam.AddUserToGroupCommand({ GroupName: name, UserName: name }));
      assert.deepEqual((await client.send(new iam.ListGroupsForUserCommand({ UserName: name }))).Groups?.map((g) => g.GroupName), [name]);
      await client.send(new iam.PutGroupPolicyCommand({ GroupName: name, PolicyName: name, PolicyDocument: allowAll }));

      const managed = await client.send(new iam.CreatePolicyCommand({ PolicyName: name, PolicyDocument: allowAll, Tags: [{ Key: name, Value: 'v' }] }));
      await client.send(new iam.CreatePolicyVersionCommand({ PolicyArn: managed.Policy!.Arn, PolicyDocument: allowAll, SetAsDefault: true }));
      await client.send(new iam.AttachUserPolicyCommand({ UserName: name, PolicyArn: managed.Policy!.Arn }));
      await client.send(new iam.PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: managed.Policy!.Arn }));
      assert.equal((await client.send(new iam.GetUserCommand({ UserName: name }))).User?.PermissionsBoundary?.PermissionsBoundaryArn, managed.Policy!.Arn);

      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sb.accountId}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });
      await client.send(new iam.CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, Tags: [{ Key: name, Value: 'r' }] }));
      await client.send(new iam.PutRolePolicyCommand({ RoleName: name, PolicyName: name, PolicyDocument: allowAll }));
      await client.send(new iam.PutRolePermissionsBoundaryCommand({ RoleName: name, PermissionsBoundary: managed.Policy!.Arn }));

      const simulated = await client.send(
        new iam.SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${sb.accountId}:user/${name}`,
          ActionNames: ['kms:ListKeys'],
          ContextEntries: [{ ContextKeyName: name, ContextKeyValues: ['x'], ContextKeyType: 'string' }],
        }),
      );
      assert.equal(simulated.EvaluationResults?.[0]?.EvalDecision, 'allowed');

      const key = (await client.send(new iam.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      const asUser = await sts({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).send(new GetCallerIdentityCommand({}));
      assert.equal(asUser.Arn, `arn:aws:iam::${sb.accountId}:user/${name}`);
      const session = await sts().send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${sb.accountId}:role/${name}`, RoleSessionName: name, Tags: [{ Key: name, Value: 's' }] }),
      );
      const credentials = { accessKeyId: session.Credentials!.AccessKeyId!, secretAccessKey: session.Credentials!.SecretAccessKey!, sessionToken: session.Credentials!.SessionToken! };
      assert.equal((await sts(credentials).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${sb.accountId}:assumed-role/${name}/${name}`);

      // The admin is still the admin (a boundary written onto Object.prototype would deny every principal without one).
      await ok('kms', 'CreateKey', {});
      assert.deepEqual(prototypeSnapshot(), pristine);
    });

    test(`security: KMS treats "${name}" as a name like any other, and binds it in the encryption context`, async () => {
      const missing = await json('kms', 'DescribeKey', { KeyId: name });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.__type, 'NotFoundException');
      const key = (await ok('kms', 'CreateKey', { Tags: [{ TagKey: name, TagValue: name }] })).KeyMetadata;
      assert.deepEqual((await ok('kms', 'ListResourceTags', { KeyId: key.KeyId })).Tags, [{ TagKey: name, TagValue: name }]);
      await ok('kms', 'CreateAlias', { AliasName: `alias/${name}`, TargetKeyId: key.KeyId });
      assert.equal((await ok('kms', 'DescribeKey', { KeyId: `alias/${name}` })).KeyMetadata.KeyId, key.KeyId);

      const sealed = await ok('kms', 'Encrypt', { KeyId: key.KeyId, Plaintext: Buffer.from('tenant A data').toString('base64'), EncryptionContext: own([name, 'tenant-A']) });
      const decrypt = (context?: Record<string, string>) => json('kms', 'Decrypt', { CiphertextBlob: sealed.CiphertextBlob, ...(context ? { EncryptionContext: context } : {}) });
      for (const wrong of [undefined, own([name, 'tenant-B']), own(['other', 'tenant-A'])]) {
        const refused = await decrypt(wrong);
        assert.equal(refused.status, 400, JSON.stringify(wrong));
        assert.equal(refused.body.__type, 'InvalidCiphertextException');
      }
      const opened = await decrypt(own([name, 'tenant-A']));
      assert.equal(opened.status, 200);
      assert.equal(Buffer.from(opened.body.Plaintext, 'base64').toString(), 'tenant A data');

      const grant = await ok('kms', 'CreateGrant', {
        KeyId: key.KeyId,
        Name: name,
        GranteePrincipal: `arn:aws:iam::${sb.accountId}:user/admin`,
        Operations: ['Decrypt'],
        Constraints: { EncryptionContextSubset: own([name, 'tenant-A']) },
      });
      const listed = await ok('kms', 'ListGrants', { KeyId: key.KeyId });
      assert.equal(listed.Grants[0].GrantId, grant.GrantId);
      assert.deepEqual(listed.Grants[0].Constraints, { EncryptionContextSubset: own([name, 'tenant-A']) });

      // A blob whose header names the key "<name>" is not a key's blob.
      const id = Buffer.from(name, 'ascii');
      const forged = Buffer.concat([Buffer.from([1, id.length]), id, Buffer.alloc(2 + 12 + 16 + 8)]);
      const forgedAnswer = await json('kms', 'Decrypt', { CiphertextBlob: forged.toString('base64') });
      assert.equal(forgedAnswer.body.__type, 'InvalidCiphertextException');
      assert.deepEqual(prototypeSnapshot(), pristine);
    });

    test(`security: DynamoDB treats "${name}" as a table, attribute, map-key and tag name like any other`, async () => {
      const extra = NAMES.find((other) => other !== name)!;
      const key = (await ok('kms', 'CreateKey', {})).KeyMetadata;
      const table = await ok('dynamodb', 'CreateTable', {
        TableName: name,
        AttributeDefinitions: [{ AttributeName: name, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key.Arn },
        Tags: [{ Key: name, Value: name }],
      });
      assert.equal(table.TableDescription.TableName, name);
      const item = own([name, { S: 'k1' }], ['data', { M: own([name, { S: 'nested' }], ['constructor', { N: '1' }]) }]);
      await ok('dynamodb', 'PutItem', { TableName: name, Item: item });
      const got = await ok('dynamodb', 'GetItem', { TableName: name, Key: own([name, { S: 'k1' }]) });
      assert.deepEqual(got.Item, item);
      await ok('dynamodb', 'UpdateItem', {
        TableName: name,
        Key: own([name, { S: 'k1' }]),
        UpdateExpression: 'SET #extra = :v, #data.#n = :w',
        ExpressionAttributeNames: own(['#extra', extra], ['#data', 'data'], ['#n', name]),
        ExpressionAttributeValues: own([':v', { S: 'set' }], [':w', { S: 'updated' }]),
      });
      // A path under an attribute that is not a map (or not there) cannot be set, whatever it is named.
      for (const [key, parent] of ['k1', 'k-new'].flatMap((k) => NAMES.filter((n) => n !== name).map((n) => [k, n] as const))) {
        const nested = await json('dynamodb', 'UpdateItem', {
          TableName: name,
          Key: own([name, { S: key }]),
          UpdateExpression: 'SET #p.#q = :v',
          ExpressionAttributeNames: own(['#p', parent], ['#q', 'polluted']),
          ExpressionAttributeValues: own([':v', { S: 'x' }]),
        });
        assert.equal(nested.status, 400);
        assert.equal(nested.body.message, 'The document path provided in the update expression is invalid for update');
      }
      const queried = await ok('dynamodb', 'Query', {
        TableName: name,
        KeyConditionExpression: '#k = :k',
        ExpressionAttributeNames: own(['#k', name]),
        ExpressionAttributeValues: own([':k', { S: 'k1' }]),
      });
      assert.deepEqual(queried.Items[0].data.M[name], { S: 'updated' });
      assert.deepEqual(queried.Items[0][extra], { S: 'set' });
      await ok('dynamodb', 'PutItem', { TableName: name, Item: own([name, { S: 'k2' }]) });
      await ok('dynamodb', 'TransactWriteItems', { TransactItems: [{ Put: { TableName: name, Item: own([name, { S: 'k3' }]) } }] });
      const transacted = await ok('dynamodb', 'TransactGetItems', { TransactItems: [{ Get: { TableName: name, Key: own([name, { S: 'k3' }]) } }] });
      assert.deepEqual(transacted.Responses[0].Item, own([name, { S: 'k3' }]));
      const statement = await ok('dynamodb', 'ExecuteStatement', { Statement: `SELECT * FROM "${name}" WHERE "${name}" = 'k2'` });
      assert.deepEqual(statement.Items, [own([name, { S: 'k2' }])]);
      const scanned = await ok('dynamodb', 'Scan', { TableName: name });
      assert.equal(scanned.Count, 3);
      const arn = table.TableDescription.TableArn;
      await ok('dynamodb', 'TagResource', { ResourceArn: arn, Tags: [{ Key: extra, Value: 'p' }] });
      const tags = await ok('dynamodb', 'ListTagsOfResource', { ResourceArn: arn });
      assert.deepEqual(new Set(tags.Tags.map((tag: { Key: string }) => tag.Key)), new Set([name, extra]));
      await ok('dynamodb', 'DeleteItem', { TableName: name, Key: own([name, { S: 'k3' }]) });
      await ok('dynamodb', 'DeleteTable', { TableName: name });
      assert.deepEqual(prototypeSnapshot(), pristine);
    });
  }

  for (const name of NAMES) {
    // dynalite collects a batch's requests and responses in plain objects keyed by table name, where `__proto__` would
    // set a prototype: the table must still be written, read, reported unprocessed and counted under its own name.
    test(`security: batch operations on a table named "${name}"`, async () => {
      await json('dynamodb', 'DeleteTable', { TableName: name }); // left by a failed test above, if any
      await ok('dynamodb', 'CreateTable', {
        TableName: `${name}`,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      await json('dynamodb', 'DeleteTable', { TableName: `${name}-other` });
      await ok('dynamodb', 'CreateTable', {
        TableName: `${name}-other`,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      try {
        const item = own(['id', { S: 'b1' }], [name, { S: 'v' }]);
        const written = await ok('dynamodb', 'BatchWriteItem', {
          RequestItems: own(
            [name, [{ PutRequest: { Item: item } }, { PutRequest: { Item: { id: { S: 'b2' } } } }, { PutRequest: { Item: { id: { S: 'gone' } } } }]],
            [`${name}-other`, [{ PutRequest: { Item: { id: { S: 'o1' } } } }]],
          ),
          ReturnConsumedCapacity: 'TOTAL',
        });
        assert.deepEqual(Object.keys(written.UnprocessedItems), []);
        assert.deepEqual(written.ConsumedCapacity.map((c: { TableName: string }) => c.TableName).sort(), [name, `${name}-other`].sort());
        await ok('dynamodb', 'BatchWriteItem', { RequestItems: own([name, [{ DeleteRequest: { Key: { id: { S: 'gone' } } } }]]) });
        const batch = await ok('dynamodb', 'BatchGetItem', {
          RequestItems: own([name, { Keys: [{ id: { S: 'b1' } }, { id: { S: 'b2' } }, { id: { S: 'gone' } }] }], [`${name}-other`, { Keys: [{ id: { S: 'o1' } }] }]),
          ReturnConsumedCapacity: 'TOTAL',
        });
        assert.ok(Object.hasOwn(batch.Responses, name));
        assert.deepEqual(batch.Responses[name].map((i: { id: { S: string } }) => i.id.S).sort(), ['b1', 'b2']);
        assert.deepEqual(batch.Responses[name].find((i: { id: { S: string } }) => i.id.S === 'b1'), item);
        assert.deepEqual(batch.Responses[`${name}-other`], [{ id: { S: 'o1' } }]);
        assert.deepEqual(batch.ConsumedCapacity.map((c: { TableName: string }) => c.TableName).sort(), [name, `${name}-other`].sort());
        const missing = await json('dynamodb', 'BatchGetItem', { RequestItems: own([name, { Keys: [{ nope: { S: 'x' } }] }]) });
        assert.equal(missing.status, 400);
        assert.doesNotMatch(JSON.stringify(missing.body), /\\u0000/);
      } finally {
        await json('dynamodb', 'DeleteTable', { TableName: name });
        await json('dynamodb', 'DeleteTable', { TableName: `${name}-other` });
      }
      assert.deepEqual(prototypeSnapshot(), pristine);
    });
  }

  test('security: query parameter names that are paths through __proto__ or constructor reach no prototype', async () => {
    const form = new URLSearchParams({ Action: 'ListUsers', Version: '2010-05-08' });
    for (const name of ['__proto__.polluted', 'constructor.prototype.polluted', '__proto__.member.1.polluted', 'Tags.member.1.__proto__']) form.append(name, 'yes');
    const response = await sendSigned(sb.endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form.toString() }, {
      service: 'iam',
      region: 'us-east-1',
      credentials: sb.credentials,
    });
    assert.equal(response.status, 200);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.deepEqual(prototypeSnapshot(), pristine);
  });

  test('security: after a restart from disk, those names are still only what was stored', async () => {
    const dataDir = sb.dataDir;
    await sb.sandbox.stop();
    sb = await startTestSandbox({ dataDir, keepData: false });
    const client = admin();
    for (const name of NAMES) assert.equal((await client.send(new iam.GetUserCommand({ UserName: name }))).User?.UserName, name);
    for (const absent of ['valueOf', 'toString', 'hasOwnProperty']) {
      assert.equal((await iamError(client.send(new iam.GetUserCommand({ UserName: absent })))).name, 'NoSuchEntityException');
      assert.equal((await iamError(client.send(new iam.GetRoleCommand({ RoleName: absent })))).name, 'NoSuchEntityException');
      assert.equal((await json('kms', 'DescribeKey', { KeyId: absent })).body.__type, 'NotFoundException');
    }
    await client.send(new iam.CreateUserCommand({ UserName: 'valueOf' }));
    assert.deepEqual(prototypeSnapshot(), pristine);
  });
});
