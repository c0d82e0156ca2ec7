// AWS's own delays, as the sandbox reproduces them when asked (--aws-timing <factor>): each value is what AWS shows or
// documents at factor 1, with the page that says so. Where AWS gives no figure, the value is a typical observation and
// the note says so.

export type DelayName =
  | 'accessKey'
  | 'identityPolicy'
  | 'keyPolicy'
  | 'grant'
  | 'tableCreating'
  | 'tableUpdating'
  | 'tableDeleting'
  | 'tableKeyCache'
  | 'keyInaccessible';

export interface AwsDelay {
  /** Milliseconds at factor 1. */
  ms: number;
  what: string;
  /** AWS's own words on it, in short. */
  aws: string;
  source: string;
}

const IAM_CONSISTENCY = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency';

export const AWS_DELAYS: Readonly<Record<DelayName, AwsDelay>> = {
  accessKey: {
    ms: 10_000,
    what: 'a new IAM access key is refused (InvalidClientTokenId / UnrecognizedClientException)',
    aws: 'IAM is eventually consistent; no figure is documented, a new key commonly works after a few seconds to ~10 s',
    source: IAM_CONSISTENCY,
  },
  identityPolicy: {
    ms: 10_000,
    what: 'a new user, group membership, attachment or inline policy takes effect',
    aws: 'IAM changes "take time to become visible"; no figure is documented',
    source: IAM_CONSISTENCY,
  },
  keyPolicy: {
    ms: 5_000,
    what: 'a key policy change reaches every KMS host',
    aws: 'KMS is eventually consistent: "typically less than a few seconds", in some cases several minutes',
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/accessing-kms.html#terms-eventual-consistency',
  },
  grant: {
    ms: 5_000,
    what: 'a new grant is usable without its grant token',
    aws: '"typically less than a few seconds ... in some cases it can take several minutes"; a grant token works at once',
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/using-grant-token.html',
  },
  tableCreating: {
    ms: 10_000,
    what: 'a new table is CREATING',
    aws: 'CreateTable is asynchronous: the table is CREATING, then ACTIVE; an on-demand table commonly takes seconds',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html',
  },
  tableUpdating: {
    ms: 20_000,
    what: "a table whose encryption changes is UPDATING (SSEDescription UPDATING)",
    aws: 'UpdateTable is asynchronous: the table is UPDATING while the change is made',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html',
  },
  tableDeleting: {
    ms: 5_000,
    what: 'a deleted table is DELETING before it is gone',
    aws: 'DeleteTable answers DELETING; the table is gone when the deletion ends',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html',
  },
  tableKeyCache: {
    ms: 300_000,
    what: "DynamoDB keeps a caller's table key: reads go on after the key stops allowing the caller, until it expires",
    aws: 'DynamoDB caches the plaintext table key per caller and refreshes it (KMS Decrypt) once every five minutes with active traffic, or on the first request after five minutes without',
    source: 'https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html#dynamodb-table-keys',
  },
  keyInaccessible: {
    ms: 300_000,
    what: 'a table whose key is disabled (or pending deletion) becomes INACCESSIBLE_ENCRYPTION_CREDENTIALS',
    aws: 'DynamoDB detects an inaccessible key when it next needs it (its cached table key expires); the table is then INACCESSIBLE_ENCRYPTION_CREDENTIALS',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html',
  },
};
