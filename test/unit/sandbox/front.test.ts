// The HTTP front: routing, protocol shapes of answers and errors, request ids, crc32, body limits,
// robustness against handlers that fail, and what reaches the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import * as zlib from 'node:zlib';
import { IAMClient, CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { DynamoDBClient, CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { AwsError, type JsonService } from '../../../src/sandbox/contracts';
import { crc32, crc32Portable } from '../../../src/sandbox/server/crc32';
import { createRequestListener } from '../../../src/sandbox/server/front';
import { listen } from '../../../src/sandbox/server/http-server';
import { escapeXml } from '../../../src/sandbox/server/xml';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { jsonRequest, queryRequest, sendRaw, sendSigned, type RawResponse } from './helpers/raw-request';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function assertRequestId(response: RawResponse): string {
  const id = response.headers['x-amzn-requestid'];
  assert.equal(typeof id, 'string');
  assert.match(id as string, UUID);
  return id as string;
}

describe('front against a running sandbox', () => {
  let sb: TestSandbox;
  const logLines: string[] = [];
  before(async () => {
    sb = await startTestSandbox({ log: (line) => logLines.push(line) });
  });
  after(() => sb.stop());

  const sign = (service: string) => ({ service, region: sb.region, credentials: sb.credentials });

  test('it listens on loopback only by default', () => {
    assert.match(sb.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('query success: XML result, request id in header and body', async () => {
    const response = await sendSigned(sb.endpoint, queryRequest({ Action: 'GetCallerIdentity', Version: '2011-06-15' }), sign('sts'));
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'text/xml');
    const id = assertRequestId(response);
    assert.match(response.body, /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
    assert.ok(response.body.includes(`<Arn>arn:aws:iam::${sb.accountId}:user/admin</Arn>`));
    assert.ok(response.body.includes(`<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata>`));
  });

  test('query parameters in the URL of a signed GET work like a form body', async () => {
    const response = await sendSigned(sb.endpoint, { method: 'GET', query: { Action: 'ListUsers', Version: '2010-05-08' } }, sign('iam'));
    assert.equal(response.status, 200);
    assert.match(response.body, /<ListUsersResult><Users><member><Path>\/<\/Path><UserName>admin<\/UserName>/);
  });

  test('query errors: ErrorResponse XML with Type, Code, Message and the request id', async () => {
    const response = await sendSigned(sb.endpoint, queryRequest({ Action: 'GetUser', Version: '2010-05-08', UserName: 'nobody' }), sign('iam'));
    assert.equal(response.status, 404);
    const id = assertRequestId(response);
    assert.equal(
      response.body,
      `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name nobody cannot be found.</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
    );
  });

  test('unknown query actions, a wrong version and a missing Action are InvalidAction', async () => {
    const cases: Record<string, string>[] = [
      { Action: 'CreateBucket', Version: '2010-05-08' },
      { Action: 'ListUsers', Version: '2099-01-01' },
      { Version: '2010-05-08' },
    ];
    for (const params of cases) {
      const response = await sendSigned(sb.endpoint, queryRequest(params), sign('iam'));
      assert.equal(response.status, 400);
      assert.match(response.body, /<Code>InvalidAction<\/Code>/);
      assertRequestId(response);
    }
    const sts = await sendSigned(sb.endpoint, queryRequest({ Action: 'GetSessionTokens', Version: '2011-06-15' }), sign('sts'));
    assert.match(sts.body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">.*<Code>InvalidAction<\/Code><Message>Could not find operation GetSessionTokens for version 2011-06-15<\/Message>/);
  });

  test('KMS JSON errors: bare __type, message, x-amzn-ErrorType, no crc32', async () => {
    const response = await sendSigned(sb.endpoint, jsonRequest('TrentService.DescribeKey', { KeyId: 'alias/none' }, '1.1'), sign('kms'));
    assert.equal(response.status, 400);
    assert.equal(response.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(response.headers['x-amzn-errortype'], 'NotFoundException');
    assert.equal(response.headers['x-amz-crc32'], undefined);
    assert.equal(JSON.parse(response.body).__type, 'NotFoundException');
    assertRequestId(response);
  });

  test('DynamoDB answers carry x-amz-crc32 of the exact body, errors included', async () => {
    const ok = await sendSigned(sb.endpoint, jsonRequest('DynamoDB_20120810.ListTables', {}, '1.0'), sign('dynamodb'));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['x-amz-crc32'], String(zlib.crc32 ? zlib.crc32(Buffer.from(ok.body)) : crc32Portable(Buffer.from(ok.body))));
    const missing = await sendSigned(sb.endpoint, jsonRequest('DynamoDB_20120810.DescribeTable', { TableName: 'absent-table' }, '1.0'), sign('dynamodb'));
    assert.equal(missing.status, 400);
    assert.equal(JSON.parse(missing.body).__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
    assert.equal(missing.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.equal(missing.headers['x-amz-crc32'], String(crc32Portable(Buffer.from(missing.body))));
    const unsigned = await sendRaw(sb.endpoint, jsonRequest('DynamoDB_20120810.ListTables', {}, '1.0'));
    assert.equal(JSON.parse(unsigned.body).__type, 'com.amazon.coral.service#MissingAuthenticationTokenException');
    assert.equal(unsigned.headers['x-amz-crc32'], String(crc32Portable(Buffer.from(unsigned.body))));
  });

  test('malformed JSON and non-object bodies are SerializationException in each service\'s words', async () => {
    const kms = await sendSigned(sb.endpoint, { ...jsonRequest('TrentService.ListKeys', {}, '1.1'), body: '{"Limit": 1' }, sign('kms'));
    assert.equal(kms.status, 400);
    assert.equal(JSON.parse(kms.body).__type, 'SerializationException');
    const ddb = await sendSigned(sb.endpoint, { ...jsonRequest('DynamoDB_20120810.ListTables', {}, '1.0'), body: '[1,2]' }, sign('dynamodb'));
    assert.equal(JSON.parse(ddb.body).__type, 'com.amazon.coral.service#SerializationException');
  });

  test('an unknown X-Amz-Target is UnknownOperationException', async () => {
    // A target no service here has is answered as DynamoDB's endpoint answers it.
    const prefix = await sendSigned(sb.endpoint, jsonRequest('AmazonSQS.ListQueues', {}, '1.0'), sign('kms'));
    assert.equal(prefix.status, 400);
    assert.equal(JSON.parse(prefix.body).__type, 'com.amazon.coral.service#UnknownOperationException');
    const operation = await sendSigned(sb.endpoint, jsonRequest('TrentService.MakeCoffee', {}, '1.1'), sign('kms'));
    assert.equal(JSON.parse(operation.body).__type, 'UnknownOperationException');
    const ddb = await sendSigned(sb.endpoint, jsonRequest('DynamoDB_20120810.MakeCoffee', {}, '1.0'), sign('dynamodb'));
    assert.match(JSON.parse(ddb.body).__type, /UnknownOperationException$/);
  });

  test('unsigned requests get MissingAuthenticationToken in the protocol of their shape; a bare GET is a health check', async () => {
    const kms = await sendRaw(sb.endpoint, jsonRequest('TrentService.ListKeys', {}, '1.1'));
    assert.equal(kms.status, 400);
    assert.equal(JSON.parse(kms.body).__type, 'MissingAuthenticationTokenException');
    const query = await sendRaw(sb.endpoint, queryRequest({ Action: 'ListUsers', Version: '2010-05-08' }));
    assert.equal(query.status, 403);
    assert.match(query.body, /<Code>MissingAuthenticationToken<\/Code>/);
    // A GET without Action is DynamoDB's health check.
    const browser = await sendRaw(sb.endpoint, { method: 'GET', path: '/favicon.ico' });
    assert.equal(browser.status, 200);
    assert.equal(browser.body, `healthy: dynamodb.${sb.region}.amazonaws.com `);
  });

  test('security: a body over its service\'s limit is refused by its declared length, and an unsigned one is never read', async () => {
    const big = Buffer.alloc(256 * 1024 + 1, 0x61);
    const declared = await sendRaw(sb.endpoint, {
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Encrypt', 'content-length': String(big.length) },
      body: big,
    });
    assert.equal(declared.status, 413);
    assert.equal(JSON.parse(declared.body).__type, 'RequestEntityTooLargeException');
    assertRequestId(declared);
    // A chunked body declares no length: without credentials, it is answered before a byte of it is read.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(new URL(sb.endpoint), { method: 'POST', headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024, 0x62));
      // The rest never comes: the answer must not wait for it.
    });
    assert.equal(chunked.status, 403);
    assert.match(chunked.body, /<Code>MissingAuthenticationToken<\/Code>/);
    const after = await sendSigned(sb.endpoint, queryRequest({ Action: 'GetCallerIdentity', Version: '2011-06-15' }), sign('sts'));
    assert.equal(after.status, 200);
  });

  test('a body at its service\'s limit (KMS 256 KB, IAM 1 MB) is read and judged on its merits', async () => {
    const kms = `{"Pad":"${'x'.repeat(256 * 1024 - 10)}"}`;
    assert.equal(Buffer.byteLength(kms), 256 * 1024);
    const response = await sendSigned(sb.endpoint, { ...jsonRequest('TrentService.ListKeys', {}, '1.1'), body: kms }, sign('kms'));
    assert.equal(response.status, 200);
    const form = `Action=ListUsers&Version=2010-05-08&Pad=${'x'.repeat(1024 * 1024 - 40)}`;
    assert.equal(Buffer.byteLength(form), 1024 * 1024);
    const iam = await sendSigned(sb.endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form }, sign('iam'));
    assert.equal(iam.status, 200);
  });

  test('the log names operations and callers but never secrets or item values', async () => {
    const iam = new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await iam.send(new CreateUserCommand({ UserName: 'logged-user' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'logged-user' }));
    const ddb = new DynamoDBClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    await ddb.send(
      new CreateTableCommand({
        TableName: 'logged-table',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const marker = `value-${randomBytes(8).toString('hex')}`;
    await ddb.send(new PutItemCommand({ TableName: 'logged-table', Item: { id: { S: marker } } }));
    const log = logLines.join('\n');
    assert.match(log, /iam:CreateAccessKey 200 \d+ms arn:aws:iam::\d{12}:user\/admin/);
    assert.match(log, /dynamodb:PutItem 200/);
    assert.ok(!log.includes(key.AccessKey!.SecretAccessKey!), 'new secret key logged');
    assert.ok(!log.includes(sb.credentials.secretAccessKey), 'admin secret logged');
    assert.ok(!log.includes(marker), 'item value logged');
  });
});

describe('front robustness with a service that fails', () => {
  const credentials = { accessKeyId: 'AKIAFRONTTEST0000000', secretAccessKey: 'front-test-secret-front-test-secret-0000' };
  const caller = { arn: 'arn:aws:iam::123456789012:user/t', accountId: '123456789012', userId: 'AIDAT', kind: 'user' as const, name: 't', accessKeyId: credentials.accessKeyId };
  const logLines: string[] = [];
  const failing: JsonService = {
    async handle(operation) {
      if (operation === 'Crash') throw new TypeError('cannot read properties of undefined');
      if (operation === 'Aws') throw new AwsError('com.amazon.coral.validate#ValidationException', 'bad <input> & more');
      return { ok: operation };
    },
  };
  let server: Awaited<ReturnType<typeof listen>>;
  let endpoint: string;
  before(async () => {
    server = await listen(
      createRequestListener({
        accountId: '123456789012',
        region: 'us-east-1',
        credentials: { resolve: (id) => (id === credentials.accessKeyId ? { secretAccessKey: credentials.secretAccessKey, active: true, caller } : undefined) },
        query: {
          iam: { namespace: 'https://iam.amazonaws.com/doc/2010-05-08/', version: '2010-05-08', handle: async () => { throw new RangeError('boom'); } },
          sts: { namespace: 'https://sts.amazonaws.com/doc/2011-06-15/', version: '2011-06-15', handle: async () => ({ Message: 'a < b & c' }) },
        },
        json: async () => failing,
        log: (line) => logLines.push(line),
      }),
      '127.0.0.1',
      0,
    );
    endpoint = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  test('an unexpected exception becomes a 500 in the protocol\'s shape and is logged by message', async () => {
    const ddb = await sendSigned(endpoint, jsonRequest('DynamoDB_20120810.Crash', {}, '1.0'), { service: 'dynamodb', region: 'us-east-1', credentials });
    assert.equal(ddb.status, 500);
    assert.equal(JSON.parse(ddb.body).__type, 'com.amazonaws.dynamodb.v20120810#InternalServerError');
    const kms = await sendSigned(endpoint, jsonRequest('TrentService.Crash', {}, '1.1'), { service: 'kms', region: 'us-east-1', credentials });
    assert.equal(JSON.parse(kms.body).__type, 'KMSInternalException');
    const iam = await sendSigned(endpoint, queryRequest({ Action: 'ListUsers', Version: '2010-05-08' }), { service: 'iam', region: 'us-east-1', credentials });
    assert.equal(iam.status, 500);
    assert.match(iam.body, /<Type>Receiver<\/Type><Code>ServiceFailure<\/Code>/);
    assert.ok(logLines.some((line) => line.includes('cannot read properties of undefined')));
    const ok = await sendSigned(endpoint, jsonRequest('TrentService.Fine', {}, '1.1'), { service: 'kms', region: 'us-east-1', credentials });
    assert.deepEqual(JSON.parse(ok.body), { ok: 'Fine' });
  });

  test('messages and values are XML-escaped', async () => {
    const sts = await sendSigned(endpoint, queryRequest({ Action: 'Anything', Version: '2011-06-15' }), { service: 'sts', region: 'us-east-1', credentials });
    assert.match(sts.body, /<Message>a &lt; b &amp; c<\/Message>/);
    assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    const aws = await sendSigned(endpoint, jsonRequest('DynamoDB_20120810.Aws', {}, '1.0'), { service: 'dynamodb', region: 'us-east-1', credentials });
    assert.deepEqual(JSON.parse(aws.body), { __type: 'com.amazon.coral.validate#ValidationException', message: 'bad <input> & more' });
  });
});

test('crc32 matches the IEEE check value and zlib on random data', () => {
  assert.equal(crc32Portable(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  for (let i = 0; i < 50; i++) {
    const data = randomBytes(i * 37);
    assert.equal(crc32Portable(data), crc32(data));
  }
});
