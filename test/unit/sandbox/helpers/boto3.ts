// Runs a boto3 script against a running sandbox, with the sandbox's endpoint and admin credentials in the environment
// (never the real ~/.aws). The script prints one JSON document on stdout; runBoto3 returns it parsed.
//   const out = await runBoto3(sb, `print(json.dumps(iam.list_users()['Users'][0]['UserName']))`);
import { execFile, spawnSync } from 'node:child_process';

export const boto3Available = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;

/** node:test `skip` option for suites that need python3 with boto3. */
export const needsBoto3 = boto3Available ? false : 'python3 with boto3 is not available';

export interface Boto3Target {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const PRELUDE = `
import json, os, sys, boto3, botocore
from botocore.config import Config
_s = boto3.session.Session(region_name=os.environ['AWS_REGION'], aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'], aws_session_token=os.environ.get('AWS_SESSION_TOKEN'))
_c = Config(retries={'max_attempts': 1})
def client(name):
    return _s.client(name, endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=_c)
iam, sts, kms, ddb = (client(n) for n in ('iam', 'sts', 'kms', 'dynamodb'))
def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return {'code': e.response['Error']['Code'], 'message': e.response['Error'].get('Message', ''), 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'response': {k: v for k, v in e.response.items() if k not in ('ResponseMetadata', 'Error')}}
    return None
def out(value):
    print(json.dumps(value, default=str))
`;

export function runBoto3(target: Boto3Target, script: string): Promise<any> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_CONFIG_FILE: '/nonexistent/kms-lab-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kms-lab-test-credentials',
    AWS_ENDPOINT_URL: target.endpoint,
    AWS_REGION: target.region,
    AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
  };
  if (target.credentials.sessionToken) env.AWS_SESSION_TOKEN = target.credentials.sessionToken;
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', `${PRELUDE}\n${script}`], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`boto3 script failed: ${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`boto3 script printed no JSON: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}
