import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfigFiles, type ParsedConfigFiles } from '../../../src/aws/config-files';
import { resolveEndpoint } from '../../../src/aws/endpoints';
import type { AwsService } from '../../../src/aws/types';
import { ini, makeAwsFiles } from './support/aws-files';

const files = makeAwsFiles();
let parsed: ParsedConfigFiles;

// Read through the SDK's own loader, so the services section arrives exactly as the SDK parses it.
before(async () => {
  files.write(
    ini(`
      [profile full]
      endpoint_url = http://profile.local
      services = svc

      [profile plain]
      endpoint_url = http://plain.local

      [profile bare]
      region = us-east-1

      [profile dangling]
      services = missing
      endpoint_url = http://dangling.local

      [profile opt-out]
      endpoint_url = http://opt-out.local
      ignore_configured_endpoint_urls = true

      [services svc]
      kms =
        endpoint_url = http://kms.services.local
      dynamodb =
        endpoint_url = http://dynamodb.services.local
    `),
    ini(`
      [creds-only]
      aws_access_key_id = AKID
      aws_secret_access_key = secret
      endpoint_url = http://from-credentials.local
    `),
  );
  parsed = await loadConfigFiles(files.env);
});
after(() => files.remove());

const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ ...vars });

describe('resolveEndpoint precedence', () => {
  const rows: { rung: string; service: AwsService; profile?: string; env: NodeJS.ProcessEnv; explicit?: string; expected: string | undefined }[] = [
    {
      rung: '1. explicit beats everything',
      service: 'kms',
      profile: 'full',
      env: env({ AWS_ENDPOINT_URL_KMS: 'http://env-kms', AWS_ENDPOINT_URL: 'http://env-all' }),
      explicit: 'http://explicit',
      expected: 'http://explicit',
    },
    {
      rung: '1. explicit even when configured endpoints are ignored',
      service: 'kms',
      profile: 'full',
      env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
      explicit: 'http://explicit',
      expected: 'http://explicit',
    },
    {
      rung: '2. AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL and the profile',
      service: 'kms',
      profile: 'full',
      env: env({ AWS_ENDPOINT_URL_KMS: 'http://env-kms', AWS_ENDPOINT_URL: 'http://env-all' }),
      expected: 'http://env-kms',
    },
    { rung: '2. service ids: DYNAMODB', service: 'dynamodb', profile: 'bare', env: env({ AWS_ENDPOINT_URL_DYNAMODB: 'http://env-ddb' }), expected: 'http://env-ddb' },
    { rung: '2. service ids: IAM', service: 'iam', profile: 'bare', env: env({ AWS_ENDPOINT_URL_IAM: 'http://env-iam' }), expected: 'http://env-iam' },
    { rung: '2. service ids: STS', service: 'sts', profile: 'bare', env: env({ AWS_ENDPOINT_URL_STS: 'http://env-sts' }), expected: 'http://env-sts' },
    {
      rung: '2. another service\'s variable does not apply',
      service: 'iam',
      profile: 'bare',
      env: env({ AWS_ENDPOINT_URL_KMS: 'http://env-kms' }),
      expected: undefined,
    },
    {
      rung: '3. AWS_ENDPOINT_URL beats the profile',
      service: 'kms',
      profile: 'full',
      env: env({ AWS_ENDPOINT_URL: 'http://env-all' }),
      expected: 'http://env-all',
    },
    { rung: '3. AWS_ENDPOINT_URL applies without a profile', service: 'sts', env: env({ AWS_ENDPOINT_URL: 'http://env-all' }), expected: 'http://env-all' },
    { rung: '4. the services section beats endpoint_url', service: 'kms', profile: 'full', env: env({}), expected: 'http://kms.services.local' },
    { rung: '4. each service its own entry', service: 'dynamodb', profile: 'full', env: env({}), expected: 'http://dynamodb.services.local' },
    { rung: '5. endpoint_url when the services section has no entry for the service', service: 'iam', profile: 'full', env: env({}), expected: 'http://profile.local' },
    { rung: '5. endpoint_url when services names a missing section', service: 'kms', profile: 'dangling', env: env({}), expected: 'http://dangling.local' },
    { rung: '5. endpoint_url of the profile', service: 'sts', profile: 'plain', env: env({}), expected: 'http://plain.local' },
    { rung: '5. endpoint_url from the credentials file', service: 'kms', profile: 'creds-only', env: env({}), expected: 'http://from-credentials.local' },
    { rung: 'none: the default AWS endpoint', service: 'kms', profile: 'bare', env: env({}), expected: undefined },
    { rung: 'none: an unknown profile', service: 'kms', profile: 'nobody', env: env({}), expected: undefined },
    { rung: 'none: no profile and no variables', service: 'kms', env: env({}), expected: undefined },
    {
      rung: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns off the variables',
      service: 'kms',
      profile: 'full',
      env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_KMS: 'http://env-kms', AWS_ENDPOINT_URL: 'http://env-all' }),
      expected: undefined,
    },
    { rung: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=TRUE turns off the services section', service: 'kms', profile: 'full', env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }), expected: undefined },
    { rung: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns off endpoint_url', service: 'sts', profile: 'plain', env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), expected: undefined },
    {
      rung: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false changes nothing',
      service: 'kms',
      profile: 'full',
      env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' }),
      expected: 'http://kms.services.local',
    },
    { rung: 'ignore_configured_endpoint_urls in the profile', service: 'kms', profile: 'opt-out', env: env({ AWS_ENDPOINT_URL: 'http://env-all' }), expected: undefined },
    {
      rung: 'the variable overrides the profile\'s ignore setting',
      service: 'kms',
      profile: 'opt-out',
      env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' }),
      expected: 'http://opt-out.local',
    },
    { rung: 'empty variables are ignored', service: 'kms', profile: 'plain', env: env({ AWS_ENDPOINT_URL_KMS: '', AWS_ENDPOINT_URL: ' ' }), expected: 'http://plain.local' },
  ];

  for (const row of rows) {
    it(row.rung, () => {
      assert.equal(resolveEndpoint(row.service, row.profile, parsed, row.env, row.explicit), row.expected);
    });
  }
});
