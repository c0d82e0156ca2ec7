import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkIniSyntax } from '../../../src/aws/ini-check';
import { configFilePaths, loadProfiles } from '../../../src/aws/profiles';
import { ini, makeAwsFiles } from './support/aws-files';

const files = makeAwsFiles();
after(() => files.remove());

const config = ini(`
  [default]
  region = eu-west-1

  [profile dev]
  region = us-east-1
  endpoint_url = http://127.0.0.1:4566
  mfa_serial = arn:aws:iam::123456789012:mfa/dev

  [profile legacy-sso]
  sso_start_url = https://example.awsapps.com/start
  sso_region = us-east-1
  sso_account_id = 123456789012
  sso_role_name = ReadOnly

  [profile session-sso]
  sso_session = corp
  sso_account_id = 123456789012
  sso_role_name = ReadOnly

  [sso-session corp]
  sso_start_url = https://corp.awsapps.com/start
  sso_region = eu-west-1

  [profile admin-role]
  role_arn = arn:aws:iam::123456789012:role/admin
  source_profile = dev

  [profile tool]
  credential_process = /usr/bin/get-creds --profile tool

  [profile region-only]
  region = ap-south-1

  [services local]
  kms =
    endpoint_url = http://127.0.0.1:9000
`);

const credentials = ini(`
  [dev]
  aws_access_key_id = AKIDDEV
  aws_secret_access_key = dev-secret

  [ci]
  aws_access_key_id = AKIDCI
  aws_secret_access_key = ci-secret
  region = us-west-2
`);

describe('loadProfiles', () => {
  it('lists the profiles of both files, merged, default first then by name, with their kinds', async () => {
    files.write(config, credentials);
    const result = await loadProfiles(files.env);
    assert.deepEqual(
      result.profiles.map((p) => [p.name, p.kind]),
      [
        ['default', 'other'],
        ['admin-role', 'assume-role'],
        ['ci', 'static'],
        ['dev', 'static'],
        ['legacy-sso', 'sso'],
        ['region-only', 'other'],
        ['session-sso', 'sso'],
        ['tool', 'credential-process'],
      ],
    );
    assert.deepEqual(result.problems, []);
    assert.equal(result.configFile, files.configFile);
    assert.equal(result.credentialsFile, files.credentialsFile);
  });

  it('keeps where each profile comes from, its region, MFA device and endpoint', async () => {
    files.write(config, credentials);
    const { profiles } = await loadProfiles(files.env);
    const dev = profiles.find((p) => p.name === 'dev');
    assert.deepEqual(dev, {
      name: 'dev',
      sources: ['config', 'credentials'],
      region: 'us-east-1',
      kind: 'static',
      mfaSerial: 'arn:aws:iam::123456789012:mfa/dev',
      endpointUrl: 'http://127.0.0.1:4566',
    });
    const ci = profiles.find((p) => p.name === 'ci');
    assert.deepEqual(ci?.sources, ['credentials']);
    assert.equal(ci?.region, 'us-west-2');
  });

  it('does not list sso-session or services sections as profiles', async () => {
    files.write(config, credentials);
    const names = (await loadProfiles(files.env)).profiles.map((p) => p.name);
    assert.ok(!names.some((n) => n.includes('corp') || n.includes('local')), names.join(','));
  });

  it('treats missing files as empty, not as problems', async () => {
    const env = { ...files.env, AWS_CONFIG_FILE: path.join(files.dir, 'nope-config'), AWS_SHARED_CREDENTIALS_FILE: path.join(files.dir, 'nope-creds') };
    const result = await loadProfiles(env);
    assert.deepEqual(result.profiles, []);
    assert.deepEqual(result.problems, []);
  });

  it('reports environment credentials only when both key and secret are set', async () => {
    files.write('', '');
    assert.equal((await loadProfiles({ ...files.env, AWS_ACCESS_KEY_ID: 'AKID' })).environmentCredentials, false);
    assert.equal((await loadProfiles({ ...files.env, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' })).environmentCredentials, true);
  });

  it('sees an edited file on the next load (no stale SDK file cache)', async () => {
    files.write('[profile first]\nregion = us-east-1\n', '');
    assert.deepEqual((await loadProfiles(files.env)).profiles.map((p) => p.name), ['first']);
    files.write('[profile first]\nregion = us-east-1\n[profile second]\nregion = us-east-2\n', '');
    assert.deepEqual((await loadProfiles(files.env)).profiles.map((p) => p.name), ['first', 'second']);
  });

  it('reports a malformed config file with file and line, and still loads the credentials file', async () => {
    files.write(
      ini(`
        [profile good]
        region = us-east-1
        this line has no equals sign
        [profile broken
        region = us-east-2
        [staging]
        region = eu-west-1
      `),
      credentials,
    );
    const result = await loadProfiles(files.env);
    assert.deepEqual(result.problems, [
      { file: files.configFile, line: 3, message: "Expected 'name = value'" },
      { file: files.configFile, line: 4, message: "Section header is missing its closing ']'" },
      { file: files.configFile, line: 6, message: 'Section [staging] is ignored: in the config file, write [profile staging]' },
    ]);
    const names = result.profiles.map((p) => p.name);
    assert.ok(names.includes('good') && names.includes('dev') && names.includes('ci'), names.join(','));
  });

  it('reports a malformed credentials file with its line, never echoing the line (it may hold a secret)', async () => {
    files.write(config, ini(`
      [dev]
      aws_access_key_id = AKIDDEV
      aws_secret_access_key: very-secret-value
      [profile ci]
      aws_access_key_id = AKIDCI
    `));
    const result = await loadProfiles(files.env);
    assert.deepEqual(result.problems, [
      { file: files.credentialsFile, line: 3, message: "Expected 'name = value'" },
      { file: files.credentialsFile, line: 4, message: 'In the credentials file, write [ci], not [profile ci]' },
    ]);
    assert.ok(!JSON.stringify(result.problems).includes('very-secret-value'));
    assert.ok(result.profiles.some((p) => p.name === 'admin-role'), 'the config file still loads');
  });

  it('reports an unreadable file as a problem of that file', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, async () => {
    files.write(config, credentials);
    chmodSync(files.credentialsFile, 0o000);
    try {
      const result = await loadProfiles(files.env);
      assert.equal(result.problems.length, 1);
      assert.equal(result.problems[0].file, files.credentialsFile);
    } finally {
      chmodSync(files.credentialsFile, 0o600);
    }
  });

  it('reports a folder where a file should be', async () => {
    const folder = path.join(files.dir, 'home');
    const result = await loadProfiles({ ...files.env, AWS_SHARED_CREDENTIALS_FILE: folder });
    assert.equal(result.problems.length, 1);
    assert.equal(result.problems[0].file, folder);
    assert.match(result.problems[0].message, /Cannot read the credentials file \(EISDIR\)/);
  });
});

describe('checkIniSyntax', () => {
  const cases: { name: string; kind: 'config' | 'credentials'; text: string; problems: { line: number; message: string }[] }[] = [
    { name: 'comments and blank lines', kind: 'config', text: '# c\n; c\n\n[default] # c\nregion = x ; c\n', problems: [] },
    { name: 'setting before any section', kind: 'config', text: 'region = x\nother = y\n[default]\n', problems: [{ line: 1, message: 'Setting outside of any [section]' }] },
    { name: 'empty header', kind: 'credentials', text: '[]\n', problems: [{ line: 1, message: 'Section header is empty' }] },
    { name: 'unknown section type', kind: 'config', text: '[profle dev]\na = b\n', problems: [{ line: 1, message: 'Section [profle dev] is not valid: a section name has no spaces, or is written [profile name]' }] },
    { name: 'two spaces after profile', kind: 'config', text: '[profile  dev]\n', problems: [{ line: 1, message: 'Section name [profile  dev] is not valid' }] },
    { name: 'sso-session in credentials', kind: 'credentials', text: '[sso-session x]\n', problems: [{ line: 1, message: 'Section [sso-session x] belongs in the config file, not the credentials file' }] },
    { name: '__proto__', kind: 'credentials', text: '[__proto__]\n', problems: [{ line: 1, message: 'Section name [__proto__] is not allowed; the SDK ignores this whole file' }] },
    { name: 'setting without a name', kind: 'config', text: '[default]\n= value\n', problems: [{ line: 2, message: "Setting has no name before '='" }] },
    { name: 'services sub-section', kind: 'config', text: '[services s]\ndynamodb =\n  endpoint_url = http://x\n', problems: [] },
    { name: 'quoted profile name', kind: 'config', text: '[profile "dev"]\nregion = x\n', problems: [] },
    { name: 'windows line endings', kind: 'config', text: '[default]\r\nregion = x\r\nbad\r\n', problems: [{ line: 3, message: "Expected 'name = value'" }] },
    { name: 'lines of an ignored section are not reported again', kind: 'config', text: '[oops]\nnot a setting\n', problems: [{ line: 1, message: 'Section [oops] is ignored: in the config file, write [profile oops]' }] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(checkIniSyntax(c.text, c.kind), c.problems));
  }
});

describe('configFilePaths', () => {
  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, with ~ expanded', () => {
    assert.deepEqual(configFilePaths({ HOME: '/h', AWS_CONFIG_FILE: '~/c', AWS_SHARED_CREDENTIALS_FILE: '/abs/creds' }), {
      configFile: path.join('/h', 'c'),
      credentialsFile: '/abs/creds',
    });
  });
  it('defaults to ~/.aws/config and ~/.aws/credentials', () => {
    assert.deepEqual(configFilePaths({ HOME: '/home/x' }), { configFile: '/home/x/.aws/config', credentialsFile: '/home/x/.aws/credentials' });
  });
});
