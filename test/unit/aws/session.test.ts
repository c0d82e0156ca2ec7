// Profiles of every kind, through the real SDK credential providers, against a real moto_server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IAMClient, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import type { Logger } from '../../../src/aws/log';
import { ClientFactory } from '../../../src/aws/client-factory';
import { AwsSession } from '../../../src/aws/session';
import { SessionCore } from '../../../src/aws/session-core';
import { ini, makeAwsFiles } from './support/aws-files';
import { freePort, startMoto, type Moto } from './support/moto';
import { rejection } from './support/sessions';

const files = makeAwsFiles();
// The SDK looks for SSO tokens under the process's home folder: keep that inside the temp dir too.
process.env.HOME = files.env.HOME;

let moto: Moto;
let closedPort: number;
const user = { name: 'alice', arn: '', accessKeyId: '', secretAccessKey: '' };
const processUser = { name: 'proc', arn: '', accessKeyId: '', secretAccessKey: '' };
const roleArn = 'arn:aws:iam::123456789012:role/lab-admin';
const mfaSerial = 'arn:aws:iam::123456789012:mfa/alice-device';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { lines, trace: keep('trace'), debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

before(async () => {
  moto = await startMoto();
  closedPort = await freePort();
  const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' } });
  for (const u of [user, processUser]) {
    const created = await iam.send(new CreateUserCommand({ UserName: u.name }));
    u.arn = created.User?.Arn ?? '';
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: u.name }));
    u.accessKeyId = key.AccessKey?.AccessKeyId ?? '';
    u.secretAccessKey = key.AccessKey?.SecretAccessKey ?? '';
  }
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] };
  await iam.send(new CreateRoleCommand({ RoleName: 'lab-admin', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  iam.destroy();

  const credentialProcess = `${process.execPath} -e "process.stdout.write(JSON.stringify({Version:1,AccessKeyId:'${processUser.accessKeyId}',SecretAccessKey:'${processUser.secretAccessKey}'}))"`;
  files.write(
    ini(`
      [profile static]
      region = us-east-1
      endpoint_url = ${moto.endpoint}

      [profile via-services]
      region = us-east-1
      services = moto
      aws_access_key_id = ${user.accessKeyId}
      aws_secret_access_key = ${user.secretAccessKey}

      [services moto]
      kms =
        endpoint_url = ${moto.endpoint}
      sts =
        endpoint_url = ${moto.endpoint}

      [profile process]
      region = us-east-1
      endpoint_url = ${moto.endpoint}
      credential_process = ${credentialProcess}

      [profile role]
      region = us-east-1
      endpoint_url = ${moto.endpoint}
      role_arn = ${roleArn}
      source_profile = static
      role_session_name = kms-lab-test

      [profile mfa]
      region = us-east-1
      endpoint_url = ${moto.endpoint}
      role_arn = ${roleArn}
      source_profile = static
      mfa_serial = ${mfaSerial}

      [profile legacy-sso]
      region = us-east-1
      sso_start_url = https://kms-lab-test.awsapps.com/start
      sso_region = us-east-1
      sso_account_id = 123456789012
      sso_role_name = ReadOnly

      [profile session-sso]
      region = us-east-1
      sso_session = kms-lab
      sso_account_id = 123456789012
      sso_role_name = ReadOnly

      [sso-session kms-lab]
      sso_start_url = https://kms-lab-session.awsapps.com/start
      sso_region = us-east-1
      sso_registration_scopes = sso:account:access

      [profile dead]
      region = us-east-1
      endpoint_url = http://127.0.0.1:${closedPort}
    `),
    ini(`
      [static]
      aws_access_key_id = ${user.accessKeyId}
      aws_secret_access_key = ${user.secretAccessKey}

      [dead]
      aws_access_key_id = AKIDDEAD
      aws_secret_access_key = dead-secret
    `),
  );
});

after(async () => {
  await moto?.stop();
  files.remove();
});

const profileTarget = (profile: string) => ({ kind: 'profile' as const, profile, region: 'us-east-1' });

describe('credentials for each kind of profile', () => {
  it('static keys with the profile endpoint_url', async () => {
    const session = new AwsSession(profileTarget('static'), { env: files.env });
    try {
      assert.equal(await session.endpointFor('kms'), moto.endpoint);
      const me = await session.sts.getCallerIdentity();
      assert.equal(me.arn, user.arn);
      assert.equal(me.account, '123456789012');
    } finally {
      session.dispose();
    }
  });

  it('a services section gives each service its endpoint', async () => {
    const session = new AwsSession(profileTarget('via-services'), { env: files.env });
    try {
      assert.equal(await session.endpointFor('kms'), moto.endpoint);
      assert.equal(await session.endpointFor('iam'), undefined);
      assert.equal((await session.sts.getCallerIdentity()).arn, user.arn);
    } finally {
      session.dispose();
    }
  });

  it('credential_process: the JSON the process prints', async () => {
    const session = new AwsSession(profileTarget('process'), { env: files.env });
    try {
      assert.equal((await session.sts.getCallerIdentity()).arn, processUser.arn);
    } finally {
      session.dispose();
    }
  });

  it('role_arn with source_profile assumes the role through STS at the profile endpoint', async () => {
    const session = new AwsSession(profileTarget('role'), { env: files.env });
    try {
      const me = await session.sts.getCallerIdentity();
      assert.match(me.arn, /^arn:aws:sts::123456789012:assumed-role\/lab-admin\/kms-lab-test$/);
    } finally {
      session.dispose();
    }
  });

  it('mfa_serial: asks the MFA code provider once, with the serial, for all clients of the session', async () => {
    const asked: string[] = [];
    const session = new AwsSession(profileTarget('mfa'), {
      env: files.env,
      mfaCodeProvider: async (serial) => {
        asked.push(serial);
        return '123456';
      },
    });
    try {
      const me = await session.sts.getCallerIdentity();
      assert.match(me.arn, /assumed-role\/lab-admin\//);
      await session.kms.listKeys();
      await session.iam.listUsers();
      assert.deepEqual(asked, [mfaSerial]);
    } finally {
      session.dispose();
    }
  });

  it('mfa_serial: a cancelled MFA prompt is mfa-cancelled, and the next call asks again', async () => {
    let calls = 0;
    const session = new AwsSession(profileTarget('mfa'), {
      env: files.env,
      mfaCodeProvider: async () => {
        calls++;
        if (calls === 1) throw new Error('cancelled by user');
        return '654321';
      },
    });
    try {
      const err = await rejection(session.sts.getCallerIdentity());
      assert.equal(err.kind, 'mfa-cancelled');
      assert.equal(err.profile, 'mfa');
      assert.equal(err.action, 'sts:GetCallerIdentity');
      assert.match(err.message, /MFA code .*profile mfa/);
      assert.match((await session.sts.getCallerIdentity()).arn, /assumed-role/);
      assert.equal(calls, 2);
    } finally {
      session.dispose();
    }
  });

  it('mfa_serial with no way to ask for a code is mfa-cancelled, not a crash', async () => {
    const session = new AwsSession(profileTarget('mfa'), { env: files.env });
    try {
      const err = await rejection(session.sts.getCallerIdentity());
      assert.equal(err.kind, 'mfa-cancelled');
      assert.match(err.message, /needs an MFA code/);
    } finally {
      session.dispose();
    }
  });

  it('environment credentials come from the env given, not the process', async () => {
    const env = { ...files.env, AWS_ACCESS_KEY_ID: processUser.accessKeyId, AWS_SECRET_ACCESS_KEY: processUser.secretAccessKey, AWS_ENDPOINT_URL: moto.endpoint };
    const session = new AwsSession({ kind: 'environment', region: 'us-east-1' }, { env });
    try {
      assert.equal((await session.sts.getCallerIdentity()).arn, processUser.arn);
    } finally {
      session.dispose();
    }
  });

  it('environment without keys is invalid-credentials', async () => {
    const session = new AwsSession({ kind: 'environment', region: 'us-east-1' }, { env: { ...files.env, AWS_ENDPOINT_URL: moto.endpoint } });
    try {
      const err = await rejection(session.sts.getCallerIdentity());
      assert.equal(err.kind, 'invalid-credentials');
      assert.match(err.message, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    } finally {
      session.dispose();
    }
  });

  it('static credentials and endpoint (how the local sandbox is reached)', async () => {
    const session = new AwsSession({
      kind: 'static',
      label: 'Local sandbox',
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    });
    try {
      assert.equal(await session.endpointFor('iam'), moto.endpoint);
      assert.equal((await session.sts.getCallerIdentity()).arn, user.arn);
    } finally {
      session.dispose();
    }
  });
});

describe('failures that say what failed', () => {
  it('SSO profile without a cached token: sso-expired, with the aws sso login command', async () => {
    for (const profile of ['legacy-sso', 'session-sso']) {
      const session = new AwsSession(profileTarget(profile), { env: files.env });
      try {
        const err = await rejection(session.kms.listKeys());
        assert.equal(err.kind, 'sso-expired', `${profile}: ${err.message}`);
        assert.equal(err.message, `The SSO session for profile ${profile} has expired or is missing. Run: aws sso login --profile ${profile}`);
        assert.equal(err.action, 'kms:ListKeys');
      } finally {
        session.dispose();
      }
    }
  });

  it('SSO profile with an expired cached token: sso-expired', async () => {
    const startUrl = 'https://kms-lab-test.awsapps.com/start';
    const cache = path.join(files.env.HOME as string, '.aws', 'sso', 'cache');
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    const tokenFile = path.join(cache, `${createHash('sha1').update(startUrl).digest('hex')}.json`);
    writeFileSync(tokenFile, JSON.stringify({ accessToken: 'expired-token', expiresAt: '2020-01-01T00:00:00Z', region: 'us-east-1', startUrl }), { mode: 0o600 });
    const session = new AwsSession(profileTarget('legacy-sso'), { env: files.env });
    try {
      const err = await rejection(session.sts.getCallerIdentity());
      assert.equal(err.kind, 'sso-expired');
      assert.match(err.message, /aws sso login --profile legacy-sso/);
    } finally {
      session.dispose();
    }
  });

  it('unknown profile: names both files', async () => {
    const session = new AwsSession(profileTarget('nobody'), { env: files.env });
    try {
      const err = await rejection(session.dynamodb.listTables());
      assert.equal(err.kind, 'unknown-profile');
      assert.equal(err.message, `Profile 'nobody' is not defined in ${files.configFile} or ${files.credentialsFile}`);
      assert.equal(err.action, 'dynamodb:ListTables');
    } finally {
      session.dispose();
    }
  });

  it('unreachable endpoint (closed port): endpoint-unreachable, naming the endpoint and service', async () => {
    const logger = recordingLogger();
    const session = new AwsSession(profileTarget('dead'), { env: files.env, logger });
    try {
      const err = await rejection(session.kms.listKeys());
      assert.equal(err.kind, 'endpoint-unreachable');
      assert.equal(err.message, `Cannot reach http://127.0.0.1:${closedPort} (kms): connection refused`);
      assert.equal(err.action, 'kms:ListKeys');
      assert.ok(logger.lines.some((l) => l.startsWith('warn kms:ListKeys failed') && l.includes(`http://127.0.0.1:${closedPort}`)), logger.lines.join('\n'));
    } finally {
      session.dispose();
    }
  });

  it('never logs a secret key', async () => {
    const logger = recordingLogger();
    const session = new AwsSession(profileTarget('role'), { env: files.env, logger });
    try {
      await session.sts.getCallerIdentity();
      await session.kms.listKeys();
      const dead = new AwsSession(profileTarget('dead'), { env: files.env, logger });
      await rejection(dead.kms.listKeys());
      dead.dispose();
      const all = logger.lines.join('\n');
      assert.ok(logger.lines.length > 0);
      for (const secret of [user.secretAccessKey, 'dead-secret', processUser.secretAccessKey]) assert.ok(!all.includes(secret));
    } finally {
      session.dispose();
    }
  });

  it('a disposed session refuses further calls', async () => {
    const session = new AwsSession(profileTarget('static'), { env: files.env });
    session.dispose();
    const err = await rejection(session.sts.getCallerIdentity());
    assert.equal(err.kind, 'other');
    assert.match(err.message, /has been closed/);
  });
});

describe('client factory', () => {
  it('makes one client per service for a session, lazily, and destroys them on dispose', async () => {
    const factory = new ClientFactory();
    const session = new AwsSession(profileTarget('static'), { env: files.env, clientFactory: factory });
    assert.equal(factory.size, 0, 'nothing is built before the first call');
    await session.sts.getCallerIdentity();
    session.invalidate();
    await session.sts.getCallerIdentity();
    assert.equal(factory.size, 1);
    await session.kms.listKeys();
    assert.equal(factory.size, 2);
    factory.dispose();
    assert.equal(factory.size, 0);
    await assert.rejects(new AwsSession(profileTarget('static'), { env: files.env, clientFactory: factory }).sts.getCallerIdentity(), /disposed/);
  });

  it('sessions for the same target share clients; another profile or region gets its own', async () => {
    const factory = new ClientFactory();
    const sessions = [
      new AwsSession(profileTarget('static'), { env: files.env, clientFactory: factory }),
      new AwsSession(profileTarget('static'), { env: files.env, clientFactory: factory }),
      new AwsSession(profileTarget('role'), { env: files.env, clientFactory: factory }),
      new AwsSession({ kind: 'profile', profile: 'static', region: 'eu-west-1' }, { env: files.env, clientFactory: factory }),
    ];
    try {
      for (const s of sessions) await s.sts.getCallerIdentity();
      assert.equal(factory.size, 3);
      sessions[0].dispose();
      assert.equal(factory.size, 3, 'a session leaves a factory it was given alone');
      assert.equal((await sessions[1].sts.getCallerIdentity()).arn, user.arn);
    } finally {
      factory.dispose();
    }
  });

  it('IAM is signed for us-east-1, except behind a custom endpoint', () => {
    const core = new SessionCore({ kind: 'profile', profile: 'static', region: 'eu-west-1' }, { env: files.env });
    assert.equal(core.regionFor('iam', undefined), 'us-east-1');
    assert.equal(core.regionFor('iam', moto.endpoint), 'eu-west-1');
    assert.equal(core.regionFor('kms', undefined), 'eu-west-1');
    core.dispose();
  });

  it('a nonsensical concurrency setting falls back to a working limit', async () => {
    const session = new AwsSession(profileTarget('static'), { env: files.env, maxConcurrency: 0 });
    try {
      assert.equal((await session.sts.getCallerIdentity()).arn, user.arn);
    } finally {
      session.dispose();
    }
  });
});
