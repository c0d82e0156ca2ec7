// whoCan() decides a read per request context, as AWS does for each request: a row is conditional only when some
// request can read and another cannot, and it names the requests that can. One test per rule, citing the AWS page.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { whoCan, type AccessReport, type AccessRow } from '../../../src/access';
import { ACCOUNT, defaultKeyPolicy, doc, dynamoGrant, KEY_ARN, PAGE, SnapshotBuilder, TABLE_ARN, TABLE_NAME } from './support/snapshot';

const READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const ROOT_STATEMENT = (defaultKeyPolicy(ACCOUNT).Statement as object[])[0];
const FROM = (cidr: string) => ({ IpAddress: { 'aws:SourceIp': cidr } });
const NOT_FROM = (cidr: string) => ({ NotIpAddress: { 'aws:SourceIp': cidr } });

function rowOf(report: AccessReport, principal: string): AccessRow {
  const row = report.rows.find((r) => r.principal === principal);
  assert.ok(row, `no row for ${principal}`);
  return row;
}

function single(build: (b: SnapshotBuilder) => string, keyPolicy?: object): AccessRow {
  const b = new SnapshotBuilder();
  const principal = build(b);
  b.key(keyPolicy ? { policy: keyPolicy as never } : {});
  b.table({ keyArn: KEY_ARN });
  return rowOf(whoCan(b.build(), TABLE_ARN), principal);
}

describe('explicit and implicit deny are both deny', () => {
  test(`a key lock denied in every request, explicitly from outside a range and implicitly from inside, is denied, not conditional (${PAGE.evaluationLogic})`, () => {
    const row = single(
      (b) => b.user('alice', { inline: { Read: doc({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE_ARN }) } }),
      doc(ROOT_STATEMENT as never, { Sid: 'OnlyFromOffice', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: NOT_FROM('10.0.0.0/8') }),
    );
    assert.equal(row.table.decision, 'allowed');
    assert.equal(row.key?.decision, 'denied');
    assert.deepEqual(row.key?.conditions, []);
    assert.equal(row.read, 'denied');
    assert.deepEqual(row.conditions, []);
    assert.equal(row.opensWhen, undefined);
    assert.equal(row.key?.reason, 'the key policy does not name alice, and it delegates to IAM, where no policy of this user allows kms:Decrypt');
    assert.ok(row.key?.explanation.includes('For requests from outside 10.0.0.0/8 or through a VPC endpoint (no aws:SourceIp), a Deny statement applies as well.'), row.key?.explanation.join('\n'));
  });
});

describe('one request context for both locks and every action', () => {
  test(`the table open only from 192.0.2.0/24 and kms:Decrypt denied from there: no request can read (${PAGE.evaluationLogic}, ${PAGE.kmsDynamo})`, () => {
    const row = single((b) =>
      b.user('office', {
        inline: {
          Read: doc({ Effect: 'Allow', Action: READ, Resource: TABLE_ARN, Condition: FROM('192.0.2.0/24') }),
          Key: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN }, { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: FROM('192.0.2.0/24') }),
        },
      }),
    );
    assert.equal(row.table.decision, 'conditional');
    assert.equal(row.table.opensWhen, 'only from 192.0.2.0/24');
    assert.equal(row.key?.decision, 'conditional');
    assert.equal(row.key?.opensWhen, 'only from outside 192.0.2.0/24 or through a VPC endpoint (no aws:SourceIp)');
    assert.equal(row.read, 'denied');
    assert.deepEqual(row.conditions, []);
  });

  test(`Query allowed except from 192.0.2.0/24 and Scan only from there: some read passes the table lock from everywhere (${PAGE.evaluationLogic})`, () => {
    const row = single((b) =>
      b.user('split', {
        inline: {
          Reads: doc(
            { Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE_ARN, Condition: NOT_FROM('192.0.2.0/24') },
            { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: TABLE_ARN, Condition: FROM('192.0.2.0/24') },
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN },
          ),
        },
      }),
    );
    assert.deepEqual(row.table.actions.map((a) => a.decision), ['denied', 'conditional', 'conditional']);
    assert.equal(row.table.decision, 'allowed');
    assert.deepEqual(row.table.conditions, []);
    assert.equal(row.read, 'allowed');
  });

  test(`the table open from 10.0.0.0/8 and the key from 10.1.0.0/16: the read opens only where both do (${PAGE.evaluationLogic})`, () => {
    const row = single((b) =>
      b.user('nested', {
        inline: {
          Read: doc({ Effect: 'Allow', Action: READ, Resource: TABLE_ARN, Condition: FROM('10.0.0.0/8') }),
          Key: doc({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: FROM('10.1.0.0/16') }),
        },
      }),
    );
    assert.equal(row.read, 'conditional');
    assert.deepEqual(row.conditions, ['aws:SourceIp']);
    assert.equal(row.opensWhen, 'only from 10.1.0.0/16');
    assert.equal(row.table.opensWhen, 'only from 10.0.0.0/8');
  });
});

describe('the requests that open a row, in words', () => {
  test(`a Deny without MFA (BoolIfExists false): only with MFA (${PAGE.globalKeys})`, () => {
    const row = single((b) =>
      b.user('mfa', {
        managed: [b.awsManaged('AdministratorAccess')],
        inline: { RequireMfa: doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }) },
      }),
    );
    assert.equal(row.read, 'conditional');
    assert.deepEqual(row.conditions, ['aws:MultiFactorAuthPresent']);
    assert.equal(row.opensWhen, 'only with MFA');
  });

  test(`two keys the read depends on both: both are named, joined by "and" (${PAGE.globalKeys})`, () => {
    const row = single((b) =>
      b.user('both', {
        inline: {
          All: doc({ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*', Condition: { ...FROM('10.0.0.0/8'), Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
        },
      }),
    );
    assert.equal(row.read, 'conditional');
    assert.deepEqual([...row.conditions].sort(), ['aws:MultiFactorAuthPresent', 'aws:SourceIp']);
    assert.equal(row.opensWhen, 'only from 10.0.0.0/8 and with MFA');
  });

  test(`a condition that another allow makes moot is not named: the read is allowed (${PAGE.evaluationLogic})`, () => {
    const row = single((b) =>
      b.user('moot', {
        inline: {
          Office: doc({ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*', Condition: FROM('10.0.0.0/8') }),
          Anywhere: doc({ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*' }),
        },
      }),
    );
    assert.equal(row.read, 'allowed');
    assert.deepEqual(row.conditions, []);
    assert.deepEqual(row.table.conditions, []);
  });

  test(`aws:CurrentTime is a request's own time, not the snapshot's: a policy that ends opens only before its date (${PAGE.globalKeys})`, () => {
    const row = single((b) =>
      b.user('until', { inline: { Temp: doc({ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } }) } }),
    );
    assert.equal(row.read, 'conditional');
    assert.equal(row.opensWhen, 'only when aws:CurrentTime is before 2030-01-01T00:00:00Z');
  });

  test(`a string condition names the values that open (${PAGE.globalKeys})`, () => {
    const row = single((b) =>
      b.user('vpce', { inline: { Vpce: doc({ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*', Condition: { StringEquals: { 'aws:SourceVpce': ['vpce-1a', 'vpce-2b'] } } }) } }),
    );
    assert.equal(row.opensWhen, 'only when aws:SourceVpce is "vpce-1a" or "vpce-2b"');
  });

  test(`a multivalued key with ForAllValues: the request's attributes must all be listed; an empty list passes (${PAGE.globalKeys})`, () => {
    const row = single((b) =>
      b.user('columns', {
        inline: {
          Columns: doc(
            { Effect: 'Allow', Action: READ, Resource: TABLE_ARN, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'name'] } } },
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN },
          ),
        },
      }),
    );
    assert.equal(row.read, 'conditional');
    assert.deepEqual(row.conditions, ['dynamodb:Attributes']);
    assert.match(row.opensWhen ?? '', /without dynamodb:Attributes/);
    assert.match(row.opensWhen ?? '', /"pk"/);
  });
});

describe('grants', () => {
  test(`grant constraints compare keys without case and values exactly (${PAGE.grantConstraints})`, () => {
    const b = new SnapshotBuilder();
    const upper = b.user('upper-key', { managed: [b.awsManaged('AmazonDynamoDBReadOnlyAccess')] });
    const wrongValue = b.user('upper-value', { managed: [b.awsManaged('AmazonDynamoDBReadOnlyAccess')] });
    const keyCase = { ...dynamoGrant(upper), GrantId: 'g-upper', Constraints: { EncryptionContextSubset: { 'AWS:DynamoDB:TableName': TABLE_NAME } } };
    const valueCase = { ...dynamoGrant(wrongValue), GrantId: 'g-value', Constraints: { EncryptionContextSubset: { 'aws:dynamodb:tableName': TABLE_NAME.toUpperCase() } } };
    b.key({ grants: [keyCase, valueCase] });
    b.table({ keyArn: KEY_ARN });
    const report = whoCan(b.build(), TABLE_ARN);
    assert.equal(rowOf(report, upper).key?.decision, 'allowed');
    assert.equal(rowOf(report, upper).key?.via, 'grant');
    assert.equal(rowOf(report, wrongValue).key?.decision, 'denied');
  });
});

describe('request contexts AWS never sends', () => {
  test(`aws:MultiFactorAuthAge is present exactly when MFA was used, so a limit on it names it alone (${PAGE.globalKeys})`, () => {
    const row = single((b) =>
      b.user('recent-mfa', {
        inline: {
          Recent: doc({ Effect: 'Allow', Action: [...READ, 'kms:Decrypt'], Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }),
          RequireMfa: doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
        },
      }),
    );
    assert.equal(row.read, 'conditional');
    assert.deepEqual(row.conditions, ['aws:MultiFactorAuthAge']);
    assert.equal(row.opensWhen, 'only when aws:MultiFactorAuthAge is below 3600');
  });
});

describe('conditions with policy variables', () => {
  test(`dynamodb:LeadingKeys limited to \${aws:userid}: the caller's own id is a value that opens, never guessed away (${PAGE.globalKeys})`, () => {
    const b = new SnapshotBuilder();
    const user = b.user('own-items', {
      inline: {
        OwnItems: doc(
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE_ARN, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:userid}'] } } },
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN },
        ),
      },
    });
    b.key();
    b.table({ keyArn: KEY_ARN });
    const snapshot = b.build();
    const userId = snapshot.authorizationDetails.UserDetailList.find((u) => u.Arn === user)?.UserId ?? '';
    const row = rowOf(whoCan(snapshot, TABLE_ARN), user);
    assert.equal(row.read, 'conditional');
    assert.deepEqual(row.conditions, ['dynamodb:LeadingKeys']);
    assert.match(row.opensWhen ?? '', new RegExp(`"${userId}"`));
    assert.doesNotMatch(row.opensWhen ?? '', /another value"? and|holds another value$/);
  });
});
