// Fuzzing the request front: thousands of mutated requests on raw sockets (random bytes, bad headers,
// truncated bodies, huge declared lengths, broken chunking, pipelining), then signed requests with mutated
// parameters. The server must answer or close every connection, never crash, never let a mutated request
// reach data, and still serve a good request afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import * as iam from '@aws-sdk/client-iam';
import { DynamoDBClient, CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { NodeSha256 } from '../../../src/sandbox/server/sha256';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

const RAW_CASES = 3000;
const SIGNED_CASES = 800;
const CONCURRENCY = 32;
/** Liveness bound only: a connection still open this long after the client finished sending counts as a hang. */
const HANG_MS = 15_000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sb: TestSandbox;
let port: number;
const logLines: string[] = [];

interface Template {
  service: string;
  headers: Record<string, string>;
  body: string;
}

const templates = (): Template[] => [
  { service: 'sts', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' },
  { service: 'iam', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'Action=CreateUser&Version=2010-05-08&UserName=fuzzuser' },
  { service: 'kms', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' }, body: '{"Limit":5}' },
  {
    service: 'dynamodb',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
    body: '{"TableName":"fuzz-table","Item":{"id":{"S":"fuzz-item"},"n":{"N":"1"}}}',
  },
];

async function signedHeaders(t: Template, body = t.body): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: sb.credentials, region: sb.region, service: t.service, sha256: NodeSha256 });
  const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', query: {}, headers: { host: `127.0.0.1:${port}`, ...t.headers }, body });
  return { ...(signed.headers as Record<string, string>), 'content-length': String(Buffer.byteLength(body)) };
}

function rawHttp(headers: Record<string, string>, body: string | Buffer, requestLine = 'POST / HTTP/1.1'): Buffer {
  const head = [requestLine, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

interface Outcome {
  status?: number;
  hung: boolean;
}

/** Sends bytes on a fresh connection, half-closes, and waits for the server to answer and/or close. */
function exchange(bytes: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let received = '';
    let settled = false;
    const finish = (hung: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({ status: match ? Number(match[1]) : undefined, hung });
    };
    const timer = setTimeout(() => finish(true), HANG_MS);
    socket.on('data', (chunk) => {
      if (received.length < 64) received += chunk.toString('latin1');
    });
    socket.on('end', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
    socket.write(bytes, () => socket.end());
  });
}

function mutate(random: () => number, base: Buffer): Buffer {
  const pick = Math.floor(random() * 10);
  const bytes = Buffer.from(base);
  const text = bytes.toString('latin1');
  const at = Math.floor(random() * bytes.length);
  switch (pick) {
    case 0: // flip a few bytes anywhere
      for (let i = 0; i < 1 + random() * 4; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      return bytes;
    case 1: // truncate anywhere (headers or body)
      return bytes.subarray(0, at);
    case 2: // huge or nonsense Content-Length
      return Buffer.from(text.replace(/content-length: \d+/i, `content-length: ${['99999999999', '-1', '1e3', '0x10', '1048577', '', '5, 6'][Math.floor(random() * 7)]}`), 'latin1');
    case 3: // body replaced by random bytes of the declared length
      return Buffer.concat([bytes.subarray(0, text.indexOf('\r\n\r\n') + 4), Buffer.from(Array.from({ length: bytes.length - text.indexOf('\r\n\r\n') - 4 }, () => Math.floor(random() * 256)))]);
    case 4: // a garbage header line inserted
      return Buffer.from(text.replace('\r\n', `\r\n${['X-Bad\u0000: 1', ': empty', 'Authorization: AWS4-HMAC-SHA256 Credential=', 'X-Amz-Target: TrentService.', 'Transfer-Encoding: chunked', 'Content-Length: 3'][Math.floor(random() * 6)]}\r\n`), 'latin1');
    case 5: // a header removed
      {
        const lines = text.split('\r\n');
        const end = lines.indexOf('');
        lines.splice(1 + Math.floor(random() * Math.max(1, end - 1)), 1);
        return Buffer.from(lines.join('\r\n'), 'latin1');
      }
    case 6: // chunked with a broken chunk
      {
        const split = text.indexOf('\r\n\r\n');
        const head = text.slice(0, split).replace(/content-length: \d+\r?\n?/i, '');
        return Buffer.from(`${head}\r\nTransfer-Encoding: chunked\r\n\r\n${['zz', 'ffffffff', '5'][Math.floor(random() * 3)]}\r\nabc\r\n`, 'latin1');
      }
    case 7: // pipelined: the request, then garbage
      return Buffer.concat([bytes, Buffer.from('GARBAGE / HTTP/9.9\r\n\r\n')]);
    case 8: // an oversized header block
      return Buffer.from(text.replace('\r\n', `\r\nX-Pad: ${'p'.repeat(20_000 + Math.floor(random() * 20_000))}\r\n`), 'latin1');
    default: // pure random bytes
      return Buffer.from(Array.from({ length: Math.floor(random() * 2048) }, () => Math.floor(random() * 256)));
  }
}

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
}

before(async () => {
  sb = await startTestSandbox({ log: (line) => logLines.push(line) });
  port = Number(new URL(sb.endpoint).port);
  const ddb = new DynamoDBClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  await ddb.send(
    new CreateTableCommand({ TableName: 'fuzz-table', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
});
after(() => sb.stop());

test(`${RAW_CASES} mutated raw requests: every connection answered or closed, nothing mutated reaches data`, async () => {
  const random = prng(0x5eed);
  const bases = await Promise.all(templates().map(async (t) => rawHttp(await signedHeaders(t), t.body)));
  // The unmutated templates are good requests, so every mutation starts from something the server accepts.
  for (const base of bases) assert.equal((await exchange(base)).status, 200);
  const cases = Array.from({ length: RAW_CASES }, () => mutate(random, bases[Math.floor(random() * bases.length)]!));
  const statuses = new Map<string, number>();
  let hangs = 0;
  await inBatches(cases, async (bytes) => {
    const outcome = await exchange(bytes);
    if (outcome.hung) hangs++;
    const key = String(outcome.status ?? 'closed');
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  });
  assert.equal(hangs, 0, `connections left hanging: ${hangs}`);
  assert.equal(statuses.get('500') ?? 0, 0, `internal errors: ${logLines.filter((l) => l.startsWith('internal error')).join('; ')}`);
  assert.ok((statuses.get('400') ?? 0) + (statuses.get('403') ?? 0) > RAW_CASES / 4, `mostly refused: ${JSON.stringify([...statuses])}`);

  const iamClient = new iam.IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  const users = (await iamClient.send(new iam.ListUsersCommand({}))).Users!.map((u) => u.UserName!);
  assert.deepEqual(users.filter((name) => name !== 'admin' && name !== 'fuzzuser'), [], 'no mutated CreateUser got through');
  const ddb = new DynamoDBClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  const items = (await ddb.send(new ScanCommand({ TableName: 'fuzz-table' }))).Items!;
  assert.ok(items.every((item) => item['id']?.S === 'fuzz-item' && item['n']?.N === '1'), `only the signed item may exist: ${JSON.stringify(items)}`);
});

test(`${SIGNED_CASES} correctly signed requests with mutated parameters: AWS-shaped 4xx, never a crash`, async () => {
  const random = prng(0xf00d);
  const iamActions = ['CreateUser', 'GetUser', 'DeleteUser', 'PutUserPolicy', 'AttachUserPolicy', 'CreateRole', 'CreatePolicy', 'SimulatePrincipalPolicy', 'TagUser', 'ListUsers', 'UpdateAccessKey', 'CreatePolicyVersion'];
  const params = ['UserName', 'RoleName', 'PolicyName', 'PolicyArn', 'PolicyDocument', 'AssumeRolePolicyDocument', 'Path', 'MaxItems', 'Marker', 'Tags.member.1.Key', 'ActionNames.member.1', 'PolicySourceArn', 'AccessKeyId', 'Status', 'VersionId', 'DurationSeconds', 'RoleArn', 'RoleSessionName'];
  const values = ['', '/', 'x', 'a'.repeat(300), '{"Statement":', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}', 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::123456789012:user/admin', '-1', '99999999999999999999', '%ZZ', '\u0000', 'ü', 'Inactive', 'v0', '<x>&'];
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const statuses = new Map<number, number>();
  const cases = Array.from({ length: SIGNED_CASES }, () => {
    const form = new URLSearchParams({ Action: pick(iamActions), Version: '2010-05-08' });
    for (let i = 0; i < 1 + random() * 4; i++) form.set(pick(params), pick(values));
    const service = random() < 0.15 ? 'sts' : 'iam';
    if (service === 'sts') {
      form.set('Action', pick(['AssumeRole', 'GetCallerIdentity', 'GetSessionToken']));
      form.set('Version', '2011-06-15');
    }
    return { service, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: form.toString() };
  });
  await inBatches(cases, async (t) => {
    const outcome = await exchange(rawHttp(await signedHeaders(t), t.body));
    assert.equal(outcome.hung, false);
    statuses.set(outcome.status ?? 0, (statuses.get(outcome.status ?? 0) ?? 0) + 1);
  });
  const unexpected = [...statuses.keys()].filter((status) => status !== 200 && (status < 400 || status >= 500));
  assert.deepEqual(unexpected, [], `statuses: ${JSON.stringify([...statuses])}; ${logLines.filter((l) => l.startsWith('internal error')).slice(0, 5).join('; ')}`);
});

test('afterwards the server still answers a good request', async () => {
  const who = await new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials }).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:iam::${sb.accountId}:user/admin`);
});
