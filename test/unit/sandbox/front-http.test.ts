// The HTTP front answers as the services' own endpoints do (facts from dynalite's suite, validated against DynamoDB):
// routing by what each protocol sends, DynamoDB's 404, health check and coral errors before authentication, CORS for
// browser clients, request ids, Content-Type echoed, empty bodies, the 16 MB limit, and presigned (query-string) SigV4.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../src/sandbox/server/sha256';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { jsonRequest, sendRaw, sendSigned, type RawResponse } from './helpers/raw-request';

const DYNAMO_ID = /^[0-9A-Z]{52}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the HTTP front, as DynamoDB\'s endpoint answers', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startTestSandbox();
  });
  after(() => sb.stop());

  function assertNotFound(response: RawResponse): void {
    assert.equal(response.status, 404);
    assert.equal(response.body, '<UnknownOperationException/>\n');
    assert.equal(response.headers['x-amz-crc32'], '3552371480');
    assert.equal(response.headers['content-length'], '29');
    assert.match(response.headers['x-amzn-requestid'] as string, DYNAMO_ID);
  }

  function assertCoral(response: RawResponse, body: Record<string, string>, crc: string, contentType = 'application/json'): void {
    assert.equal(response.status, 400, response.body);
    assert.deepEqual(JSON.parse(response.body), body);
    assert.equal(response.headers['x-amz-crc32'], crc);
    assert.equal(response.headers['content-type'], contentType);
    assert.equal(response.headers['content-length'], String(Buffer.byteLength(response.body)));
    assert.match(response.headers['x-amzn-requestid'] as string, DYNAMO_ID);
  }

  test('without X-Amz-Target: a GET is the health check; other methods and other bodies are DynamoDB\'s 404', async () => {
    const healthy = await sendRaw(sb.endpoint, { method: 'GET' });
    assert.equal(healthy.status, 200);
    assert.equal(healthy.body, `healthy: dynamodb.${sb.region}.amazonaws.com `);
    assert.match(healthy.headers['x-amz-crc32'] as string, /^\d+$/);
    assert.match(healthy.headers['x-amzn-requestid'] as string, DYNAMO_ID);
    for (const method of ['PUT', 'DELETE', 'OPTIONS']) assertNotFound(await sendRaw(sb.endpoint, { method }));
    assertNotFound(await sendRaw(sb.endpoint, { body: 'hi' }));
    for (const type of ['whatever', 'application/x-amz-json-1.1', 'application/jsonasdf']) {
      assertNotFound(await sendRaw(sb.endpoint, { headers: { 'content-type': type }, body: 'hi' }));
    }
  });

  test('coral\'s checks come before authentication, in its order: JSON, then the operation, then the signature', async () => {
    const serialization = { __type: 'com.amazon.coral.service#SerializationException' };
    for (const type of ['application/json', 'application/json;', '  application/json  ;   asfd', 'application/json;blahblah']) {
      assertCoral(await sendRaw(sb.endpoint, { headers: { 'content-type': type }, body: 'hi' }), serialization, '3948637019');
    }
    assertCoral(await sendRaw(sb.endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0' }, body: 'hi' }), serialization, '3948637019', 'application/x-amz-json-1.0');
    const unknown = { __type: 'com.amazon.coral.service#UnknownOperationException' };
    assertCoral(await sendRaw(sb.endpoint, {}), unknown, '1368724161');
    assertCoral(await sendRaw(sb.endpoint, { headers: { 'content-type': 'application/json' }, body: '{}' }), unknown, '1368724161');
    assertCoral(await sendRaw(sb.endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' }), unknown, '1368724161', 'application/x-amz-json-1.0');
    assertCoral(await sendRaw(sb.endpoint, { headers: { 'x-amz-target': 'whatever' } }), unknown, '1368724161');
    assertCoral(await sendRaw(sb.endpoint, { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTable' } }), unknown, '1368724161');
    const missing = { __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' };
    assertCoral(await sendRaw(sb.endpoint, { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' } }), missing, '2088342776');
    assertCoral(await sendRaw(sb.endpoint, { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4' } }), missing, '2088342776');
    assertCoral(
      await sendRaw(sb.endpoint, { path: '/?X-Amz-Algorith', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'X' } }),
      missing,
      '2088342776',
    );
    assertCoral(
      await sendRaw(sb.endpoint, { path: '/?X-Amz-Algorithm', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'X' } }),
      { __type: 'com.amazon.coral.service#InvalidSignatureException', message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header." },
      '2139606068',
    );
    assertCoral(
      await sendRaw(sb.endpoint, { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: 'AWS4- Signature=b Credential=a', date: 'a' } }),
      { __type: 'com.amazon.coral.service#IncompleteSignatureException', message: "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4- Signature=b Credential=a" },
      '15336762',
    );
  });

  test('browsers: every answer to an Origin allows it, and a preflight is answered without credentials', async () => {
    const unknown = await sendRaw(sb.endpoint, { headers: { origin: 'whatever' } });
    assert.equal(unknown.headers['access-control-allow-origin'], '*');
    assert.equal(JSON.parse(unknown.body).__type, 'com.amazon.coral.service#UnknownOperationException');
    const preflight = await sendRaw(sb.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'whatever', 'access-control-request-headers': 'a, b, c', 'access-control-request-method': 'd' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.body, '');
    assert.equal(preflight.headers['content-length'], '0');
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.equal(preflight.headers['access-control-allow-headers'], 'a, b, c');
    assert.equal(preflight.headers['access-control-allow-methods'], 'd');
    assert.equal(preflight.headers['access-control-max-age'], '172800');
    assert.match(preflight.headers['x-amzn-requestid'] as string, DYNAMO_ID);
    const signed = await sendSigned(sb.endpoint, { ...jsonRequest('DynamoDB_20120810.ListTables', {}, '1.0'), headers: { ...jsonRequest('DynamoDB_20120810.ListTables', {}, '1.0').headers, origin: 'http://localhost:3000' } }, { service: 'dynamodb', region: sb.region, credentials: sb.credentials });
    assert.equal(signed.status, 200);
    assert.equal(signed.headers['access-control-allow-origin'], '*');
    assert.match(signed.headers['access-control-expose-headers'] as string, /x-amzn-RequestId/);
  });

  test('request ids: DynamoDB\'s 52 upper-case characters, UUIDs elsewhere; Content-Type echoed; an empty body is SerializationException', async () => {
    const sign = (service: string) => ({ service, region: sb.region, credentials: sb.credentials });
    const ddb = await sendSigned(sb.endpoint, jsonRequest('DynamoDB_20120810.ListTables', {}, '1.0'), sign('dynamodb'));
    assert.match(ddb.headers['x-amzn-requestid'] as string, DYNAMO_ID);
    assert.equal(ddb.headers['content-type'], 'application/x-amz-json-1.0');
    const kms = await sendSigned(sb.endpoint, jsonRequest('TrentService.ListKeys', {}, '1.1'), sign('kms'));
    assert.match(kms.headers['x-amzn-requestid'] as string, UUID);
    const plain = await sendSigned(sb.endpoint, { headers: { 'content-type': 'application/json', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' }, sign('dynamodb'));
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'application/json');
    const empty = await sendSigned(sb.endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '' }, sign('dynamodb'));
    assert.equal(empty.status, 400);
    assert.deepEqual(JSON.parse(empty.body), { __type: 'com.amazon.coral.service#SerializationException' });
    const kmsEmpty = await sendSigned(sb.endpoint, { headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, body: '' }, sign('kms'));
    assert.deepEqual(JSON.parse(kmsEmpty.body), { __type: 'SerializationException' });
  });

  test('a DynamoDB body over 16 MB is answered by its declared length with DynamoDB\'s empty, chunked 413', async () => {
    const head = await new Promise<string>((resolve, reject) => {
      const url = new URL(sb.endpoint);
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST / HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n0\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    assert.match(head, /^HTTP\/1\.1 413 /);
    assert.match(head, /\r\nTransfer-Encoding: chunked\r\n/i);
    assert.doesNotMatch(head, /Content-Length/i);
  });

  test('presigned (query-string) SigV4 works for KMS and DynamoDB, and not after X-Amz-Expires', async () => {
    const url = new URL(sb.endpoint);
    const presign = async (service: string, target: string, version: string, expiresIn: number, signingDate?: Date) => {
      const signer = new SignatureV4({ credentials: sb.credentials, region: sb.region, service, sha256: NodeSha256 });
      const request = await signer.presign(
        { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers: { host: url.host, 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body: '{}' },
        // X-Amz-Target stays a header, signed (presigning would otherwise move it to the query string).
        { expiresIn, signingDate, unhoistableHeaders: new Set(['x-amz-target']) },
      );
      return sendRaw(sb.endpoint, { path: '/', query: request.query as Record<string, string>, headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target }, body: '{}' });
    };
    const tables = await presign('dynamodb', 'DynamoDB_20120810.ListTables', '1.0', 300);
    assert.equal(tables.status, 200, tables.body);
    assert.ok(Array.isArray(JSON.parse(tables.body).TableNames));
    const keys = await presign('kms', 'TrentService.ListKeys', '1.1', 300);
    assert.equal(keys.status, 200, keys.body);
    const expired = await presign('kms', 'TrentService.ListKeys', '1.1', 5, new Date(Date.now() - 60_000));
    assert.equal(expired.status, 400);
    assert.match(JSON.parse(expired.body).message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 sec\.\)$/);
  });
});
