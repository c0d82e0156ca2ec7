// sandbox_stall_ms: the longest an admin's ListKeys waits while another principal sends, for STALL_SECONDS, the worst
// requests of issue 18's findings 1, 3 and 4 at the largest size the sandbox accepts:
//   1. TagUser with 1 MB of Tags.member.N, from a user without permissions;
//   3. unsigned requests declaring the largest DynamoDB body (16 MB), and unsigned chunked bodies that never end;
//   4. Encrypt with an 8 KB encryption context against a key policy whose condition holds hostile wildcards
//      (`*aaa…b`, `*a?a?…b`, `*a?a?…a*`, 4,000 characters), from the same user (the key policy lets it try).
// The attacks come from a child process, so that the admin's client measures the sandbox, not its own event loop.
import { fork } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(root, 'package.json'));
const { SignatureV4 } = require('@smithy/signature-v4');
const iam = require('@aws-sdk/client-iam');
const { KMSClient, CreateKeyCommand, ListKeysCommand } = require('@aws-sdk/client-kms');

const STALL_SECONDS = 20;
const MAX_BODY = 1024 * 1024;

class Sha256 {
  constructor(secret) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function send(endpoint, { method = 'POST', headers, body, endless = false }) {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: '/', headers, agent: endless ? false : agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    if (endless) req.write(Buffer.alloc(64 * 1024, 0x61));
    else req.end(body);
  });
}

async function signed(endpoint, credentials, service, headers, body) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service, sha256: Sha256 });
  const request = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers: { host: url.host, ...headers }, body });
  return send(endpoint, { headers: request.headers, body });
}

function tagUserForm() {
  const parts = ['Action=TagUser', 'Version=2010-05-08', 'UserName=admin'];
  let size = parts.join('&').length;
  for (let i = 1; ; i++) {
    const pair = `Tags.member.${i}.Key=k${i}&Tags.member.${i}.Value=v`;
    if (size + pair.length + 1 > MAX_BODY) break;
    parts.push(pair);
    size += pair.length + 1;
  }
  return parts.join('&');
}

/** Prepares the attacker (a user without permissions), then measures; returns { sandbox_stall_ms, sandbox_stall_attack_requests }. */
export async function measureStall(server) {
  const config = { endpoint: server.endpoint, region: 'us-east-1', credentials: server.credentials, maxAttempts: 1 };
  const admin = new iam.IAMClient(config);
  const kms = new KMSClient(config);
  const name = `stall-${Date.now()}`;
  await admin.send(new iam.CreateUserCommand({ UserName: name }));
  const key = (await admin.send(new iam.CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  const attacker = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Shorter than the 8 KB value, so that a quadratic matcher would do 4,000 × 8,190 steps for each; one with `?`.
  // The last has no literal end to refuse on, so it takes the matcher's whole work.
  const hostile = [`*${'a'.repeat(4_000)}b`, `*${'a?'.repeat(2_000)}b`, `*${'a?'.repeat(2_000)}*`];
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::123456789012:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'Hostile', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::123456789012:user/${name}` }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringLike: { 'kms:EncryptionContext:k': hostile } } },
    ],
  };
  const keyId = (await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(policy), BypassPolicyLockoutSafetyCheck: true }))).KeyMetadata.KeyId;
  const attacking = fork(fileURLToPath(import.meta.url), ['attack'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const attackRequests = new Promise((resolve, reject) => {
    attacking.once('message', resolve);
    attacking.once('exit', (code) => reject(new Error(`the attacking process exited with ${code}`)));
  });
  const started = new Promise((resolve) => attacking.once('spawn', resolve));
  await started;
  attacking.send({ endpoint: server.endpoint, attacker, keyId, seconds: STALL_SECONDS });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const until = Date.now() + (STALL_SECONDS - 1) * 1000;
  let worst = 0;
  while (Date.now() < until) {
    const began = performance.now();
    await kms.send(new ListKeysCommand({ Limit: 10 }));
    worst = Math.max(worst, performance.now() - began);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { sandbox_stall_ms: worst, sandbox_stall_attack_requests: await attackRequests };
}

/** The attacking process: sends the four attacks side by side for the given seconds, then reports how many it sent. */
async function attack({ endpoint, attacker, keyId, seconds }) {
  const tagBody = tagUserForm();
  const encryptBody = JSON.stringify({ KeyId: keyId, Plaintext: Buffer.alloc(4096, 1).toString('base64'), EncryptionContext: { k: 'a'.repeat(8190) } });
  const attacks = [
    () => signed(endpoint, attacker, 'iam', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, tagBody),
    () => signed(endpoint, attacker, 'kms', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Encrypt' }, encryptBody),
    () => send(endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-length': String(16 * 1024 * 1024) }, body: Buffer.alloc(0) }),
    () => send(endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem', 'transfer-encoding': 'chunked' }, endless: true }),
  ];
  let count = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    attacks.map(async (attack) => {
      while (Date.now() < until) {
        await attack();
        count++;
      }
    }),
  );
  agent.destroy();
  process.send(count);
  process.disconnect();
}

if (process.argv[2] === 'attack') process.once('message', attack);
