// The resources an event names: the KMS key, the DynamoDB table, the IAM user, role or policy acted on.
import type { RecordResource } from './record';
import type { TrailServiceName } from './classify';

export const KMS_KEY_TYPE = 'AWS::KMS::Key';
export const DYNAMODB_TABLE_TYPE = 'AWS::DynamoDB::Table';

const KEY_ARN = /arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+/;
const KEY_ID = /^(?:mrk-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/;

interface Scope {
  region: string;
  accountId: string;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function keyArnOf(ref: string | undefined, scope: Scope): string | undefined {
  if (!ref) return undefined;
  const arn = KEY_ARN.exec(ref)?.[0];
  if (arn && arn === ref) return arn;
  return KEY_ID.test(ref) ? `arn:aws:kms:${scope.region}:${scope.accountId}:key/${ref}` : undefined;
}

function kmsKeys(input: Record<string, unknown>, output: Record<string, unknown> | undefined, errorMessage: string | undefined, scope: Scope): string[] {
  const meta = output?.['KeyMetadata'] as Record<string, unknown> | undefined;
  const found = [
    str(meta?.['Arn']),
    keyArnOf(str(output?.['KeyId']), scope),
    keyArnOf(str(output?.['SourceKeyId']), scope),
    keyArnOf(str(input['KeyId']), scope),
    keyArnOf(str(input['TargetKeyId']), scope),
    keyArnOf(str(input['DestinationKeyId']), scope),
    // A refused call names its key in the message ("… on resource: arn:aws:kms:…:key/…").
    errorMessage ? KEY_ARN.exec(errorMessage)?.[0] : undefined,
  ];
  return [...new Set(found.filter((arn): arn is string => arn !== undefined))];
}

export function resourcesOf(
  service: TrailServiceName,
  input: Record<string, unknown>,
  output: Record<string, unknown> | undefined,
  errorMessage: string | undefined,
  scope: Scope,
): RecordResource[] | undefined {
  const { accountId } = scope;
  const resources: RecordResource[] = [];
  if (service === 'kms') {
    for (const ARN of kmsKeys(input, output, errorMessage, scope)) resources.push({ accountId, type: KMS_KEY_TYPE, ARN });
  } else if (service === 'dynamodb') {
    const table = str(input['TableName']) ?? str(input['ResourceArn'])?.replace(/^.*:table\//, '').split('/')[0];
    if (table) resources.push({ accountId, type: DYNAMODB_TABLE_TYPE, ARN: `arn:aws:dynamodb:${scope.region}:${accountId}:table/${table}` });
  } else if (service === 'iam') {
    const user = str(input['UserName']);
    const role = str(input['RoleName']);
    const policy = str(input['PolicyArn']);
    if (user) resources.push({ accountId, type: 'AWS::IAM::User', ARN: `arn:aws:iam::${accountId}:user/${user}` });
    if (role) resources.push({ accountId, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${accountId}:role/${role}` });
    if (policy) resources.push({ accountId, type: 'AWS::IAM::Policy', ARN: policy });
  } else if (service === 'sts') {
    const role = str(input['RoleArn']);
    if (role) resources.push({ accountId, type: 'AWS::IAM::Role', ARN: role });
  }
  return resources.length > 0 ? resources : undefined;
}

/** The names LookupEvents' ResourceName matches for a resource: its ARN, and the name or id at its end. */
export function resourceNamesOf(resource: RecordResource): string[] {
  const tail = resource.ARN.slice(resource.ARN.lastIndexOf('/') + 1);
  return tail && tail !== resource.ARN ? [resource.ARN, tail] : [resource.ARN];
}
