// Bounded work: what a principal without permissions, or a local process without credentials, can make the sandbox
// do is bounded by the size of what it sends: linear parsers, limits on bodies and connections, KMS's own limits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { memberStructs } from '../../../src/sandbox/iam/params';
import { listen } from '../../../src/sandbox/server/http-server';
import { globMatch } from '../../../src/policy/glob';
import { resourceGlob } from '../../../src/policy/resource-match';
import { piecesOf, wildcardMatch } from '../../../src/policy/wildcard';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { jsonRequest, sendSigned } from './helpers/raw-request';
import { createUserWithKey, type Credentials } from './helpers/users';

function tagForm(count: number): string {
  const parts = ['Action=TagUser', 'Version=2010-05-08', 'UserName=admin'];
  for (let i = 1; i <= count; i++) parts.push(`Tags.member.${i}.Key=k${i}`, `Tags.member.${i}.Value=v`);
  return parts.join('&');
}

describe('bounded work against a running sandbox', () => {
  let sb: TestSandbox;
  let nobody: Credentials;
  before(async () => {
    sb = await startTestSandbox();
    nobody = await createUserWithKey(new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials }), 'nobody');
  });
  after(() => sb.stop());

  test('security: a user without permissions cannot stall the sandbox', { timeout: 30_000 }, async () => {
    // The largest TagUser the sandbox accepts (1 MB of Tags.member.N), sent by a user with no policy at all.
    let count = 1;
    while (Buffer.byteLength(tagForm(count * 2)) < 1024 * 1024) count *= 2;
    const form = tagForm(count);
    const kms = new KMSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
    const attack = sendSigned(
      sb.endpoint,
      { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form },
      { service: 'iam', region: 'us-east-1', credentials: nobody },
    );
    const [refused, listed] = await Promise.all([attack, kms.send(new ListKeysCommand({}))]);
    // Refused before its tags are even read.
    assert.equal(refused.status, 403);
    assert.match(refused.body, /<Code>AccessDenied<\/Code><Message>User: arn:aws:iam::123456789012:user\/nobody is not authorized to perform: iam:TagUser/);
    assert.ok(Array.isArray(listed.Keys));
  });

  test('security: an encryption context over 8 KB is refused as KMS refuses it; 8 KB is accepted', async () => {
    const sign = { service: 'kms', region: sb.region, credentials: sb.credentials };
    const key = JSON.parse((await sendSigned(sb.endpoint, jsonRequest('TrentService.CreateKey', {}, '1.1'), sign)).body).KeyMetadata.KeyId;
    const encrypt = (context: Record<string, string>) =>
      sendSigned(sb.endpoint, jsonRequest('TrentService.Encrypt', { KeyId: key, Plaintext: 'aGk=', EncryptionContext: context }, '1.1'), sign);
    const exactly = await encrypt({ k: 'v'.repeat(8191) });
    assert.equal(exactly.status, 200);
    const over = await encrypt({ k: 'v'.repeat(8192) });
    assert.equal(over.status, 400);
    assert.deepEqual(JSON.parse(over.body), {
      __type: 'ValidationException',
      message: "1 validation error detected: Value at 'encryptionContext' failed to satisfy constraint: Map keys and values must have a total length less than or equal to 8192 bytes",
    });
    const manyKeys = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`key${i}`, 'v']));
    assert.equal((await encrypt(manyKeys)).status, 400);
  });
});

describe('linear parsers', () => {
  test('security: Tags.member.N is read in one pass over the parameters', () => {
    const count = 4000;
    const params: Record<string, string> = Object.create(null);
    for (let i = 1; i <= count; i++) {
      params[`Tags.member.${i}.Key`] = `k${i}`;
      params[`Tags.member.${i}.Value`] = 'v';
    }
    let reads = 0;
    const counted = new Proxy(params, {
      get(target, name) {
        reads++;
        return Reflect.get(target, name);
      },
      ownKeys(target) {
        reads += Object.keys(target).length;
        return Reflect.ownKeys(target);
      },
    });
    const structs = memberStructs(counted, 'Tags');
    assert.equal(structs.length, count);
    assert.deepEqual({ ...structs[count - 1] }, { Key: `k${count}`, Value: 'v' });
    assert.ok(reads <= 3 * 2 * count, `${reads} reads of ${2 * count} parameters`);
  });

  test('security: hostile wildcard patterns are matched in time linear in the value', { timeout: 10_000 }, () => {
    const value = 'a'.repeat(200_000);
    const longLiteral = `*${'a'.repeat(30_000)}b`;
    assert.equal(wildcardMatch(longLiteral, value), false);
    // A trailing * leaves no literal suffix to refuse on at once: the matcher itself must be linear.
    assert.equal(wildcardMatch(`${longLiteral}*`, value), false);
    assert.equal(wildcardMatch(`*${'a'.repeat(30_000)}b*c`, value), false);
    assert.equal(wildcardMatch(`*${'a'.repeat(30_000)}`, value), true);
    assert.equal(wildcardMatch(`*${'a?'.repeat(1_500)}b`, value), false);
    assert.equal(wildcardMatch(`${'*a'.repeat(2_000)}*b`, value), false);
    assert.equal(globMatch(resourceGlob(piecesOf(`arn:aws:kms:*:*:key/*${'a'.repeat(30_000)}b`)), `arn:aws:kms:us-east-1:1:key/${value}`), false);
    assert.equal(globMatch(resourceGlob(piecesOf(`a*${'a'.repeat(3_000)}*b:x`)), value), false);
  });
});

describe('connections', () => {
  test('security: connections beyond the cap are closed, and half-sent headers are cut', { timeout: 20_000 }, async () => {
    const server = await listen((_req, res) => res.end('ok'), '127.0.0.1', 0, {
      maxConnections: 20,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1_000,
      keepAliveTimeoutMs: 500,
    });
    const sockets: Socket[] = [];
    try {
      const closedAt = new Map<Socket, number>();
      const opened = Date.now();
      for (let i = 0; i < 40; i++) {
        const socket = connect(server.port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.resume();
        socket.on('close', () => closedAt.set(socket, Date.now() - opened));
        sockets.push(socket);
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok(closedAt.size >= 20, `only ${closedAt.size} of the 20 connections over the cap were closed at once`);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      assert.equal(closedAt.size, 40, 'connections that never finish their headers are cut');
      const answer = await fetch(`http://127.0.0.1:${server.port}/`);
      assert.equal(await answer.text(), 'ok');
    } finally {
      for (const socket of sockets) socket.destroy();
      await server.close();
    }
  });
});
