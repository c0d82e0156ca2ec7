// PartiQL over the wire (SDK v3 and boto3): ExecuteStatement (SELECT, INSERT, UPDATE, DELETE, parameters,
// NextToken), BatchExecuteStatement and ExecuteTransaction, each statement checked as the item request it stands for:
// IAM for dynamodb:PartiQLSelect / PartiQLInsert / PartiQLUpdate / PartiQLDelete, and kms:Decrypt on the table's key.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ddb from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { needsBoto3, runBoto3 } from './helpers/boto3';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { type Credentials, createUserWithKey } from './helpers/users';

const DDB_FULL = 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess';
const KMS_DENIED = /^KMS key access denied error: com\.amazonaws\.services\.kms\.model\.AWSKMSException: The ciphertext refers to a customer master key/;
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const S = (value: string) => ({ S: value });
const N = (value: number) => ({ N: String(value) });

let sb: TestSandbox;
let admin: DynamoDBClient;
let adminIam: IAMClient;
let musicArn: string;

const config = (credentials: Credentials) => ({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
const run = (client: DynamoDBClient, Statement: string, Parameters?: ddb.AttributeValue[], extra: Partial<ddb.ExecuteStatementCommandInput> = {}) =>
  client.send(new ddb.ExecuteStatementCommand({ Statement, Parameters, ...extra }));

const userWithKey = (name: string, policies: string[], inline?: string) => createUserWithKey(adminIam, name, { policies, inline });

function rejectsWith(name: string, message?: RegExp) {
  return (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    if (message) assert.match(error.message, message);
    return true;
  };
}

async function createMusic(name: string, sse?: ddb.SSESpecification): Promise<string> {
  const created = await admin.send(
    new ddb.CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: 'Artist', AttributeType: 'S' },
        { AttributeName: 'SongTitle', AttributeType: 'S' },
        { AttributeName: 'Year', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'Artist', KeyType: 'HASH' },
        { AttributeName: 'SongTitle', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'by-year', KeySchema: [{ AttributeName: 'Year', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: sse,
    }),
  );
  return created.TableDescription!.TableArn!;
}

before(async () => {
  sb = await startTestSandbox();
  admin = new DynamoDBClient(config(sb.credentials));
  adminIam = new IAMClient(config(sb.credentials));
  musicArn = await createMusic('Music');
});
after(() => sb.stop());

describe('ExecuteStatement', () => {
  test('INSERT, SELECT (a Query and a Scan, with projections and an index), UPDATE … RETURNING, DELETE', async () => {
    await run(admin, `INSERT INTO "Music" VALUE {'Artist': ?, 'SongTitle': ?, 'Year': 1999, 'plays': 0, 'tags': <<'rock'>>}`, [S('Acme'), S('Song A')]);
    await run(admin, `INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'Song B', 'Year': 2001, 'plays': 5}`);
    await run(admin, `INSERT INTO Music VALUE {'Artist': 'Other', 'SongTitle': 'Song C', 'Year': 1999}`);
    const query = await run(admin, `SELECT SongTitle, plays FROM Music WHERE Artist = ? AND plays >= 0`, [S('Acme')]);
    assert.deepEqual(query.Items, [
      { SongTitle: S('Song A'), plays: N(0) },
      { SongTitle: S('Song B'), plays: N(5) },
    ]);
    const descending = await run(admin, `SELECT SongTitle FROM Music WHERE Artist = 'Acme' ORDER BY SongTitle DESC`);
    assert.deepEqual(descending.Items!.map((item) => item.SongTitle!.S), ['Song B', 'Song A']);
    const scan = await run(admin, `SELECT Artist FROM Music WHERE "Year" = 1999 AND begins_with(SongTitle, 'Song')`);
    assert.deepEqual(scan.Items!.map((item) => item.Artist!.S).sort(), ['Acme', 'Other']);
    const byIndex = await run(admin, `SELECT SongTitle FROM "Music"."by-year" WHERE "Year" = ?`, [N(2001)]);
    assert.deepEqual(byIndex.Items, [{ SongTitle: S('Song B') }]);

    const updated = await run(admin, `UPDATE Music SET plays = plays + 1 SET tags = set_add(tags, <<'live'>>) WHERE Artist = 'Acme' AND SongTitle = 'Song A' RETURNING ALL NEW *`);
    assert.equal(updated.Items![0]!.plays!.N, '1');
    assert.deepEqual(updated.Items![0]!.tags!.SS!.sort(), ['live', 'rock']);
    const plain = await run(admin, `UPDATE Music SET note = 'x' WHERE Artist = 'Acme' AND SongTitle = 'Song A'`);
    assert.deepEqual(plain.Items, []);
    const deleted = await run(admin, `DELETE FROM Music WHERE Artist = 'Other' AND SongTitle = 'Song C' RETURNING ALL OLD *`);
    assert.equal(deleted.Items![0]!.Artist!.S, 'Other');
    const gone = await admin.send(new ddb.GetItemCommand({ TableName: 'Music', Key: { Artist: S('Other'), SongTitle: S('Song C') } }));
    assert.equal(gone.Item, undefined);
  });

  test('AWS\'s errors: DuplicateItemException, ConditionalCheckFailedException, ValidationException, ResourceNotFoundException', async () => {
    await assert.rejects(run(admin, `INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'Song B'}`), rejectsWith('DuplicateItemException', /^Duplicate primary key exists in table$/));
    await assert.rejects(run(admin, `UPDATE Music SET plays = 1 WHERE Artist = 'Nobody' AND SongTitle = 'Nothing'`), rejectsWith('ConditionalCheckFailedException', /The conditional request failed/));
    assert.equal((await admin.send(new ddb.GetItemCommand({ TableName: 'Music', Key: { Artist: S('Nobody'), SongTitle: S('Nothing') } }))).Item, undefined, 'UPDATE never creates an item');
    await assert.rejects(run(admin, `UPDATE Music SET plays = 1 WHERE Artist = 'Acme'`), rejectsWith('ValidationException', /mandatory equality on all key attributes/));
    await assert.rejects(run(admin, `SELECT * FROM Music WHERE Artist = ?`), rejectsWith('ValidationException', /^Number of parameters in request and statement don't match\.$/));
    await assert.rejects(run(admin, `SELECT COUNT(*) FROM Music`), rejectsWith('ValidationException', /^Unsupported operation: Aggregate function COUNT is not supported$/));
    await assert.rejects(run(admin, `SELEKT * FROM Music`), rejectsWith('ValidationException', /^Statement wasn't well formed, can't be processed/));
    await assert.rejects(run(admin, `SELECT * FROM NoSuchTable`), rejectsWith('ResourceNotFoundException'));
    await assert.rejects(run(admin, `INSERT INTO Music VALUE {'SongTitle': 'keyless'}`), rejectsWith('ValidationException', /Missing the key Artist/));
  });

  test('Limit and NextToken page through a partition; a token belongs to its statement', async () => {
    for (let i = 0; i < 25; i++) await run(admin, `INSERT INTO Music VALUE {'Artist': 'Pager', 'SongTitle': ?}`, [S(`t${String(i).padStart(2, '0')}`)]);
    const statement = `SELECT SongTitle FROM Music WHERE Artist = 'Pager'`;
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await run(admin, statement, undefined, { Limit: 10, NextToken: token });
      pages++;
      seen.push(...page.Items!.map((item) => item.SongTitle!.S!));
      token = page.NextToken;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, '0')}`));
    const first = await run(admin, statement, undefined, { Limit: 10 });
    await assert.rejects(run(admin, `SELECT * FROM Music WHERE Artist = 'Acme'`, undefined, { NextToken: first.NextToken }), rejectsWith('ValidationException', /NextToken/));
  });
});

describe('the two locks on PartiQL', () => {
  test('each statement needs its dynamodb:PartiQL* action (GetItem, Query and Scan do not stand in for it)', async () => {
    const reader = new DynamoDBClient(config(await userWithKey('pq-reader', [], doc({ Effect: 'Allow', Action: 'dynamodb:PartiQLSelect', Resource: [musicArn, `${musicArn}/index/*`] }))));
    assert.equal((await run(reader, `SELECT * FROM Music WHERE Artist = 'Acme'`)).Items!.length, 2);
    await assert.rejects(
      run(reader, `INSERT INTO Music VALUE {'Artist': 'r', 'SongTitle': 'r'}`),
      rejectsWith('AccessDeniedException', /pq-reader is not authorized to perform: dynamodb:PartiQLInsert on resource: .*table\/Music because no identity-based policy allows/),
    );
    await assert.rejects(run(reader, `UPDATE Music SET x = 1 WHERE Artist = 'Acme' AND SongTitle = 'Song A'`), rejectsWith('AccessDeniedException', /dynamodb:PartiQLUpdate/));
    await assert.rejects(run(reader, `DELETE FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song A'`), rejectsWith('AccessDeniedException', /dynamodb:PartiQLDelete/));
    const classic = new DynamoDBClient(config(await userWithKey('pq-classic', [], doc({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: '*' }))));
    await assert.rejects(run(classic, `SELECT * FROM Music WHERE Artist = 'Acme'`), rejectsWith('AccessDeniedException', /dynamodb:PartiQLSelect/));
  });

  test('dynamodb:FullTableScan lets a policy refuse SELECTs that would scan the table', async () => {
    const policy = doc(
      { Effect: 'Allow', Action: 'dynamodb:PartiQLSelect', Resource: musicArn },
      { Effect: 'Deny', Action: 'dynamodb:PartiQLSelect', Resource: musicArn, Condition: { Bool: { 'dynamodb:FullTableScan': 'true' } } },
    );
    const client = new DynamoDBClient(config(await userWithKey('pq-no-scan', [], policy)));
    await run(client, `SELECT * FROM Music WHERE Artist = 'Acme'`);
    await assert.rejects(run(client, `SELECT * FROM Music WHERE plays > 0`), rejectsWith('AccessDeniedException', /explicit deny/));
  });

  test('without kms:Decrypt on the table\'s key, a SELECT (and every other statement) is refused', async () => {
    const keyId = (await new KMSClient(config(sb.credentials)).send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await createMusic('Vault', { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId });
    await run(admin, `INSERT INTO Vault VALUE {'Artist': 'x', 'SongTitle': 'secret', 'body': 'the answer is 42'}`);
    const tester = new DynamoDBClient(config(await userWithKey('pq-tester', [DDB_FULL])));
    await assert.rejects(run(tester, `SELECT * FROM Vault WHERE Artist = 'x'`), rejectsWith('AccessDeniedException', KMS_DENIED));
    await assert.rejects(run(tester, `SELECT * FROM Vault`), rejectsWith('AccessDeniedException', KMS_DENIED));
    await assert.rejects(run(tester, `INSERT INTO Vault VALUE {'Artist': 'y', 'SongTitle': 'z'}`), rejectsWith('AccessDeniedException', KMS_DENIED));
    await assert.rejects(
      tester.send(new ddb.ExecuteTransactionCommand({ TransactStatements: [{ Statement: `SELECT * FROM Vault WHERE Artist = 'x' AND SongTitle = 'secret'` }] })),
      rejectsWith('AccessDeniedException', KMS_DENIED),
    );
    const batch = await tester.send(new ddb.BatchExecuteStatementCommand({ Statements: [{ Statement: `SELECT * FROM Vault WHERE Artist = 'x' AND SongTitle = 'secret'` }] }));
    assert.equal(batch.Responses![0]!.Error!.Code, 'AccessDenied');
    assert.match(batch.Responses![0]!.Error!.Message!, KMS_DENIED);
    assert.equal(batch.Responses![0]!.Item, undefined);
    assert.equal((await run(admin, `SELECT body FROM Vault WHERE Artist = 'x'`)).Items![0]!.body!.S, 'the answer is 42');
  });
});

describe('BatchExecuteStatement', () => {
  test('reads by full key; each statement answers on its own, with an Error where it failed', async () => {
    const reads = await admin.send(
      new ddb.BatchExecuteStatementCommand({
        Statements: [
          { Statement: `SELECT SongTitle FROM Music WHERE Artist = ? AND SongTitle = ?`, Parameters: [S('Acme'), S('Song B')] },
          { Statement: `SELECT * FROM Music WHERE Artist = 'Acme' AND SongTitle = 'missing'` },
          { Statement: `SELECT * FROM Music WHERE Artist = 'Acme'` },
          { Statement: `SELECT * FROM Ghost WHERE Artist = 'a' AND SongTitle = 'b'` },
        ],
      }),
    );
    assert.deepEqual(reads.Responses![0], { TableName: 'Music', Item: { SongTitle: S('Song B') } });
    assert.deepEqual(reads.Responses![1], { TableName: 'Music' });
    assert.deepEqual(reads.Responses![2], { TableName: 'Music', Error: { Code: 'ValidationError', Message: 'Select statements within BatchExecuteStatement must specify the primary key in the where clause.' } });
    assert.equal(reads.Responses![3]!.Error!.Code, 'ResourceNotFound');
    const writes = await admin.send(
      new ddb.BatchExecuteStatementCommand({
        Statements: [
          { Statement: `INSERT INTO Music VALUE {'Artist': 'Batch', 'SongTitle': '1'}` },
          { Statement: `INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'Song B'}` },
          { Statement: `UPDATE Music SET plays = 9 WHERE Artist = 'Acme' AND SongTitle = 'Song B'` },
        ],
      }),
    );
    assert.deepEqual(
      writes.Responses!.map((r) => r.Error?.Code ?? 'ok'),
      ['ok', 'DuplicateItem', 'ok'],
    );
    assert.equal((await run(admin, `SELECT plays FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song B'`)).Items![0]!.plays!.N, '9');
    await assert.rejects(
      admin.send(new ddb.BatchExecuteStatementCommand({ Statements: [{ Statement: `SELECT * FROM Music WHERE Artist = 'a' AND SongTitle = 'b'` }, { Statement: `DELETE FROM Music WHERE Artist = 'a' AND SongTitle = 'b'` }] })),
      rejectsWith('ValidationException', /either all read statements or all write statements/),
    );
    await assert.rejects(
      admin.send(new ddb.BatchExecuteStatementCommand({ Statements: Array.from({ length: 26 }, () => ({ Statement: `SELECT * FROM Music WHERE Artist = 'a' AND SongTitle = 'b'` })) })),
      rejectsWith('ValidationException', /between 1 and 25/),
    );
  });
});

describe('ExecuteTransaction', () => {
  test('writes are all-or-nothing; a duplicate INSERT cancels with DuplicateItem; reads answer in order', async () => {
    await admin.send(
      new ddb.ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `INSERT INTO Music VALUE {'Artist': 'Txn', 'SongTitle': '1', 'n': 1}` },
          { Statement: `UPDATE Music SET n = 10 WHERE Artist = 'Acme' AND SongTitle = 'Song B'` },
        ],
      }),
    );
    await assert.rejects(
      admin.send(
        new ddb.ExecuteTransactionCommand({
          TransactStatements: [
            { Statement: `INSERT INTO Music VALUE {'Artist': 'Txn', 'SongTitle': '2'}` },
            { Statement: `INSERT INTO Music VALUE {'Artist': 'Txn', 'SongTitle': '1'}` },
            { Statement: `UPDATE Music SET n = 11 WHERE Artist = 'Acme' AND SongTitle = 'Song B' AND n = 99` },
          ],
        }),
      ),
      (error: any) => {
        assert.equal(error.name, 'TransactionCanceledException');
        assert.deepEqual(error.CancellationReasons, [
          { Code: 'None' },
          { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' },
          { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        ]);
        return true;
      },
    );
    const read = await admin.send(
      new ddb.ExecuteTransactionCommand({
        TransactStatements: [
          { Statement: `SELECT n FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song B'` },
          { Statement: `SELECT * FROM Music WHERE Artist = ? AND SongTitle = ?`, Parameters: [S('Txn'), S('2')] },
          { Statement: `SELECT n FROM Music WHERE Artist = 'Txn' AND SongTitle = '1'` },
        ],
      }),
    );
    assert.deepEqual(read.Responses, [{ Item: { n: N(10) } }, {}, { Item: { n: N(1) } }]);
    await assert.rejects(
      admin.send(new ddb.ExecuteTransactionCommand({ TransactStatements: [{ Statement: `SELECT * FROM Music WHERE Artist = 'Txn'` }] })),
      rejectsWith('ValidationException', /equality condition on all key attributes/),
    );
    await assert.rejects(
      admin.send(new ddb.ExecuteTransactionCommand({ TransactStatements: [{ Statement: `SELECT * FROM Music WHERE Artist = 'a' AND SongTitle = 'b'` }, { Statement: `DELETE FROM Music WHERE Artist = 'a' AND SongTitle = 'b'` }] })),
      rejectsWith('ValidationException', /either all read statements or all write statements/),
    );
  });
});

describe('PartiQL with boto3', { skip: needsBoto3 }, () => {
  test('execute_statement, batch_execute_statement and execute_transaction', async () => {
    const result = await runBoto3(
      sb,
      `
ddb.execute_statement(Statement="INSERT INTO Music VALUE {'Artist': ?, 'SongTitle': ?}", Parameters=[{'S': 'Boto'}, {'S': 'one'}])
dup = error_of(lambda: ddb.execute_statement(Statement="INSERT INTO Music VALUE {'Artist': 'Boto', 'SongTitle': 'one'}"))
items = ddb.execute_statement(Statement="SELECT SongTitle FROM Music WHERE Artist = 'Boto'")['Items']
batch = ddb.batch_execute_statement(Statements=[{'Statement': "SELECT * FROM Music WHERE Artist = 'Boto' AND SongTitle = 'one'"}])['Responses']
txn = error_of(lambda: ddb.execute_transaction(TransactStatements=[{'Statement': "INSERT INTO Music VALUE {'Artist': 'Boto', 'SongTitle': 'one'}"}]))
out({'dup': dup['code'], 'items': items, 'batch': batch[0]['Item']['Artist'], 'txn': txn['code'], 'reasons': txn['response']['CancellationReasons']})
`,
    );
    assert.equal(result.dup, 'DuplicateItemException');
    assert.deepEqual(result.items, [{ SongTitle: { S: 'one' } }]);
    assert.deepEqual(result.batch, { S: 'Boto' });
    assert.equal(result.txn, 'TransactionCanceledException');
    assert.deepEqual(result.reasons, [{ Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' }]);
  });
});
