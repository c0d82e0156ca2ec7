// SigV4 verification: every way a signature can be wrong is refused in the protocol's own words, and
// a refused request changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { IAMClient, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { DynamoDBClient, CreateTableCommand, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { authenticate } from '../../../src/sandbox/server/sigv4';
import { readSignatureClaim } from '../../../src/sandbox/server/auth-claim';
import type { CredentialRecord } from '../../../src/sandbox/server/credentials';
import type { ReceivedRequest } from '../../../src/sandbox/server/received-request';
import { splitTarget } from '../../../src/sandbox/server/received-request';
import { AwsError } from '../../../src/sandbox/contracts';
import { NodeSha256 } from '../../../src/sandbox/server/sha256';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { jsonRequest, queryRequest, sendSigned } from './helpers/raw-request';

const CALLER = { arn: 'arn:aws:iam::123456789012:user/u', accountId: '123456789012', userId: 'AIDAEXAMPLE', kind: 'user' as const, name: 'u', accessKeyId: 'AKIAEXAMPLEEXAMPLE12' };

async function signedReceived(
  opts: { secret: string; keyId?: string; date?: Date; token?: string; body?: string; service?: string },
): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: opts.keyId ?? CALLER.accessKeyId, secretAccessKey: opts.secret, sessionToken: opts.token },
    region: 'us-east-1',
    service: opts.service ?? 'kms',
    sha256: NodeSha256,
  });
  const body = opts.body ?? '{}';
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 1, path: '/', query: {}, headers: { host: '127.0.0.1:1', 'x-amz-target': 'TrentService.ListKeys' }, body },
    { signingDate: opts.date },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
  return { method: 'POST', ...splitTarget('/'), headers, body: Buffer.from(body), sourceIp: '127.0.0.1' };
}

function resolverOf(records: Record<string, CredentialRecord>) {
  return { resolve: (id: string) => records[id] };
}

function code(expected: string) {
  return (error: unknown) => error instanceof AwsError && error.code === expected;
}

describe('authenticate (unit)', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const resolver = resolverOf({ [CALLER.accessKeyId]: { secretAccessKey: secret, active: true, caller: CALLER } });
  const now = new Date('2026-03-01T12:00:00Z');

  test('a correctly signed request yields its caller, region and service', async () => {
    const result = await authenticate(await signedReceived({ secret, date: now }), 'kms', resolver, now);
    assert.equal(result.caller.arn, CALLER.arn);
    assert.equal(result.region, 'us-east-1');
    assert.equal(result.service, 'kms');
  });

  test('14 minutes of clock skew either way is accepted; 16 is not', async () => {
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
    await authenticate(await signedReceived({ secret, date: minutes(-14) }), 'kms', resolver, now);
    await authenticate(await signedReceived({ secret, date: minutes(14) }), 'kms', resolver, now);
    await assert.rejects(authenticate(await signedReceived({ secret, date: minutes(-16) }), 'kms', resolver, now), (e: AwsError) =>
      e.code === 'InvalidSignatureException' && /^Signature expired: 20260301T114400Z is now earlier than 20260301T114500Z/.test(e.message),
    );
    await assert.rejects(authenticate(await signedReceived({ secret, date: minutes(16) }), 'query', resolver, now), (e: AwsError) =>
      e.code === 'SignatureDoesNotMatch' && e.status === 403 && /^Signature not yet current/.test(e.message),
    );
  });

  test('a wrong secret, a tampered body and a tampered signed header are all signature mismatches', async () => {
    await assert.rejects(authenticate(await signedReceived({ secret: secret.replace('K', 'X'), date: now }), 'kms', resolver, now), code('InvalidSignatureException'));
    const tamperedBody = await signedReceived({ secret, date: now, body: '{"Limit":1}' });
    tamperedBody.body = Buffer.from('{"Limit":2}');
    await assert.rejects(authenticate(tamperedBody, 'kms', resolver, now), code('InvalidSignatureException'));
    const tamperedHeader = await signedReceived({ secret, date: now });
    tamperedHeader.headers['x-amz-target'] = 'TrentService.ScheduleKeyDeletion';
    await assert.rejects(authenticate(tamperedHeader, 'dynamodb', resolver, now), code('com.amazon.coral.service#InvalidSignatureException'));
  });

  test('a body that does not match its declared x-amz-content-sha256 is refused', async () => {
    const request = await signedReceived({ secret, date: now, body: '{}' });
    assert.ok(request.headers['x-amz-content-sha256'], 'the SDK signer declares the payload hash');
    request.body = Buffer.from('{"evil":true}');
    await assert.rejects(authenticate(request, 'kms', resolver, now), code('InvalidSignatureException'));
  });

  test('unknown and inactive keys are unrecognized clients', async () => {
    await assert.rejects(authenticate(await signedReceived({ secret, date: now, keyId: 'AKIANOSUCHKEY0000000' }), 'kms', resolver, now), code('UnrecognizedClientException'));
    const inactive = resolverOf({ [CALLER.accessKeyId]: { secretAccessKey: secret, active: false, caller: CALLER } });
    await assert.rejects(authenticate(await signedReceived({ secret, date: now }), 'query', inactive, now), (e: AwsError) => e.code === 'InvalidClientTokenId' && e.status === 403);
  });

  test('session credentials need their exact token and expire', async () => {
    const token = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN';
    const session = (expiration: Date) =>
      resolverOf({ [CALLER.accessKeyId]: { secretAccessKey: secret, sessionToken: token, expiration, active: true, caller: CALLER } });
    const later = new Date(now.getTime() + 3600_000);
    await authenticate(await signedReceived({ secret, date: now, token }), 'kms', session(later), now);
    await assert.rejects(authenticate(await signedReceived({ secret, date: now }), 'kms', session(later), now), code('UnrecognizedClientException'));
    await assert.rejects(authenticate(await signedReceived({ secret, date: now, token: `${token}x` }), 'kms', session(later), now), code('UnrecognizedClientException'));
    await assert.rejects(authenticate(await signedReceived({ secret, date: now, token }), 'kms', session(new Date(now.getTime() - 1)), now), code('ExpiredTokenException'));
    await assert.rejects(authenticate(await signedReceived({ secret, date: now, token }), 'query', session(new Date(now.getTime() - 1)), now), code('ExpiredToken'));
  });

  test('missing or incomplete Authorization headers are refused before any key lookup', async () => {
    const request = await signedReceived({ secret, date: now });
    const lookups: string[] = [];
    const counting = { resolve: (id: string) => (lookups.push(id), undefined) };
    delete request.headers['authorization'];
    await assert.rejects(authenticate(request, 'kms', counting, now), code('MissingAuthenticationTokenException'));
    await assert.rejects(authenticate(request, 'query', counting, now), (e: AwsError) => e.code === 'MissingAuthenticationToken' && e.status === 403);
    request.headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=AKIA/20260301/us-east-1/kms/aws4_request';
    await assert.rejects(authenticate(request, 'kms', counting, now), (e: AwsError) => e.code === 'IncompleteSignatureException' && /SignedHeaders/.test(e.message));
    // A signature of another version (SigV2) is no SigV4 token at all, as AWS says.
    request.headers['authorization'] = 'AWS AKIA:c2lnbmF0dXJl';
    await assert.rejects(authenticate(request, 'kms', counting, now), code('MissingAuthenticationTokenException'));
    assert.deepEqual(lookups, []);
  });

  test('host must be signed', async () => {
    const request = await signedReceived({ secret, date: now });
    request.headers['authorization'] = request.headers['authorization']!.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date');
    await assert.rejects(authenticate(request, 'kms', resolver, now), (e: AwsError) => e.code === 'IncompleteSignatureException' && /Host/.test(e.message));
  });

  test('the claim is read from the header in AWS\'s order and words', () => {
    const head = (headers: Record<string, string>, url = '/') => ({ method: 'POST', ...splitTarget(url), headers, sourceIp: '127.0.0.1' });
    const when = new Date('2015-08-30T12:36:00Z');
    const expected = { services: ['iam'] };
    const claim = readSignatureClaim(
      head({
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d67',
        'x-amz-date': '20150830T123600Z',
        'content-type': 'application/x-www-form-urlencoded',
      }),
      'query',
      expected,
      when,
    );
    assert.deepEqual(claim, {
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'iam',
      longDate: '20150830T123600Z',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      signature: '5d67',
      presigned: false,
      securityToken: undefined,
    });
    const refusal = (headers: Record<string, string>, url?: string) => {
      try {
        readSignatureClaim(head(headers, url), 'dynamodb', { services: ['dynamodb'], regions: ['us-east-1'] }, when);
      } catch (error) {
        return `${(error as AwsError).code.replace(/^.*#/, '')}: ${(error as AwsError).message}`;
      }
      return 'accepted';
    };
    const date = { 'x-amz-date': '20150830T123600Z' };
    assert.equal(refusal({}), 'MissingAuthenticationTokenException: Request is missing Authentication Token');
    assert.equal(refusal({ authorization: 'AWS4' }), 'MissingAuthenticationTokenException: Request is missing Authentication Token');
    assert.equal(refusal({ authorization: 'X' }, '/?X-Amz-Algorithm'), "InvalidSignatureException: Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    assert.equal(
      refusal({ authorization: 'AWS4-' }),
      "IncompleteSignatureException: Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-",
    );
    assert.equal(refusal({}, '/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d'), "IncompleteSignatureException: AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.");
    const header = (credential: string, signed = 'host;x-amz-date') => ({ authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signed}, Signature=ab`, ...date });
    assert.equal(refusal({ ...header('a/b/c/d/e'), 'x-amz-date': '201' }), "IncompleteSignatureException: Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601");
    assert.equal(refusal(header('a/b/c/d/e', 'x-amz-date')), "IncompleteSignatureException: 'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    assert.equal(refusal({ ...header('a/b/c/d/e'), authorization: 'AWS4-HMAC-SHA25 Credential=a/b/c/d/e, SignedHeaders=host;x-amz-date, Signature=ab' }), "IncompleteSignatureException: Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ");
    assert.equal(refusal(header('a/b/c/d')), "IncompleteSignatureException: Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'");
    assert.equal(
      refusal(header('a/b/c/d/e')),
      "InvalidSignatureException: Credential should be scoped to a valid region, not 'c'. Credential should be scoped to correct service: 'dynamodb'. " +
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'e'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'b' != '20150830', from '20150830T123600Z'.",
    );
    assert.equal(refusal(header('AKID/20150830/us-east-1/dynamodb/aws4_request/')), 'accepted');
  });
});

describe('signature failures against a running sandbox reach no data', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await startTestSandbox();
  });
  after(() => sb.stop());

  const badSecret = () => ({ accessKeyId: sb.credentials.accessKeyId, secretAccessKey: `${sb.credentials.secretAccessKey.slice(0, -1)}x` });
  const unknownKey = () => ({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: sb.credentials.secretAccessKey });
  const client = <T>(Client: new (config: object) => T, credentials: object, extra: object = {}) =>
    new Client({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1, ...extra });

  test('KMS and DynamoDB: wrong secret → InvalidSignatureException, unknown key → UnrecognizedClientException', async () => {
    await assert.rejects(client(KMSClient, badSecret()).send(new ListKeysCommand({})), { name: 'InvalidSignatureException' });
    await assert.rejects(client(KMSClient, unknownKey()).send(new ListKeysCommand({})), { name: 'UnrecognizedClientException' });
    await assert.rejects(client(DynamoDBClient, badSecret()).send(new ListTablesCommand({})), { name: 'InvalidSignatureException' });
    await assert.rejects(client(DynamoDBClient, unknownKey()).send(new ListTablesCommand({})), { name: 'UnrecognizedClientException' });
  });

  test('IAM and STS: wrong secret → SignatureDoesNotMatch (403), unknown key → InvalidClientTokenId (403)', async () => {
    await assert.rejects(client(IAMClient, badSecret()).send(new ListUsersCommand({})), (e: any) => e.name === 'SignatureDoesNotMatch' && e.$metadata.httpStatusCode === 403);
    await assert.rejects(client(IAMClient, unknownKey()).send(new ListUsersCommand({})), (e: any) => e.name === 'InvalidClientTokenId' && e.$metadata.httpStatusCode === 403);
    await assert.rejects(client(STSClient, badSecret()).send(new GetCallerIdentityCommand({})), { name: 'SignatureDoesNotMatch' });
    const unknownSts = await sendSigned(sb.endpoint, queryRequest({ Action: 'GetCallerIdentity', Version: '2011-06-15' }), { service: 'sts', region: sb.region, credentials: unknownKey() });
    assert.match(unknownSts.body, /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidClientTokenId<\/Code>/);
    await assert.rejects(client(STSClient, unknownKey()).send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' });
  });

  test('a clock 20 minutes off is refused (the SDK does not retry here)', async () => {
    const skewed = client(KMSClient, sb.credentials, { systemClockOffset: -20 * 60_000 });
    await assert.rejects(skewed.send(new ListKeysCommand({})), (e: Error) => e.name === 'InvalidSignatureException' && /Signature expired/.test(e.message));
  });

  test('a tampered IAM body creates nothing; a tampered PutItem writes nothing', async () => {
    const signing = { service: 'iam', region: sb.region, credentials: sb.credentials };
    const create = queryRequest({ Action: 'CreateUser', Version: '2010-05-08', UserName: 'mallory' });
    const tampered = await sendSigned(sb.endpoint, create, signing, (r) => {
      r.body = String(r.body).replace('mallory', 'mallorz');
    });
    assert.equal(tampered.status, 403);
    assert.match(tampered.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    const iam = client(IAMClient, sb.credentials);
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'mallorz' })), { name: 'NoSuchEntityException' });
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'mallory' })), { name: 'NoSuchEntityException' });

    const ddb = client(DynamoDBClient, sb.credentials);
    await ddb.send(
      new CreateTableCommand({
        TableName: 'sigv4-items',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const put = jsonRequest('DynamoDB_20120810.PutItem', { TableName: 'sigv4-items', Item: { id: { S: 'a' } } }, '1.0');
    const forged = await sendSigned(sb.endpoint, put, { ...signing, service: 'dynamodb' }, (r) => {
      r.body = String(r.body).replace('"a"', '"b"');
    });
    assert.equal(forged.status, 400);
    assert.equal(JSON.parse(forged.body).__type, 'com.amazon.coral.service#InvalidSignatureException');
    const unknown = await sendSigned(sb.endpoint, put, { ...signing, service: 'dynamodb', credentials: unknownKey() });
    assert.equal(JSON.parse(unknown.body).__type, 'com.amazon.coral.service#UnrecognizedClientException');
    assert.equal((await ddb.send(new GetItemCommand({ TableName: 'sigv4-items', Key: { id: { S: 'a' } } }))).Item, undefined);
    assert.equal((await ddb.send(new GetItemCommand({ TableName: 'sigv4-items', Key: { id: { S: 'b' } } }))).Item, undefined);
    await ddb.send(new PutItemCommand({ TableName: 'sigv4-items', Item: { id: { S: 'a' } } }));
    assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: 'sigv4-items', Key: { id: { S: 'a' } } }))).Item, { id: { S: 'a' } });
  });

  test('a request signed for another service or region is refused', async () => {
    const listKeys = jsonRequest('TrentService.ListKeys', {}, '1.1');
    const wrongService = await sendSigned(sb.endpoint, listKeys, { service: 'dynamodb', region: sb.region, credentials: sb.credentials });
    assert.equal(JSON.parse(wrongService.body).__type, 'InvalidSignatureException');
    assert.match(JSON.parse(wrongService.body).message, /scoped to correct service: 'kms'/);
    const wrongRegion = await sendSigned(sb.endpoint, listKeys, { service: 'kms', region: 'eu-west-1', credentials: sb.credentials });
    assert.equal(JSON.parse(wrongRegion.body).__type, 'InvalidSignatureException');
    const form = await sendSigned(sb.endpoint, queryRequest({ Action: 'ListUsers', Version: '2010-05-08' }), { service: 's3', region: sb.region, credentials: sb.credentials });
    assert.equal(form.status, 403);
    assert.match(form.body, /SignatureDoesNotMatch/);
  });
});
