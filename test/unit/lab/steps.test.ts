// Each lab step's check() reads real state, and each run() is idempotent and resumable, against the real sandbox.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ListAliasesCommand, KMSClient, ListKeysCommand, CreateKeyCommand, CreateAliasCommand } from '@aws-sdk/client-kms';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { AwsSession } from '../../../src/aws/session';
import { LabContext } from '../../../src/lab/context';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { stepById } from '../../../src/lab/steps';
import type { StepId } from '../../../src/lab/step';
import { predictReadWithPolicies } from '../../../src/lab/predict';
import { labHarness, type LabHarness } from './support';

let h: LabHarness;
let kms: KMSClient;
let iam: IAMClient;
let dynamodb: DynamoDBClient;

async function check(id: StepId) {
  return stepById(id).check(await h.context());
}

async function run(id: StepId) {
  return stepById(id).run(await h.context());
}

async function aliasCount(name: string): Promise<number> {
  return ((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).filter((a) => a.AliasName === name).length;
}

async function keyCount(): Promise<number> {
  return ((await kms.send(new ListKeysCommand({}))).Keys ?? []).length;
}

before(async () => {
  h = await labHarness(predictReadWithPolicies);
  const config = { endpoint: h.sandbox.endpoint, region: h.sandbox.region, credentials: h.sandbox.admin };
  kms = new KMSClient(config);
  iam = new IAMClient(config);
  dynamodb = new DynamoDBClient(config);
});

after(async () => {
  for (const client of [kms, iam, dynamodb]) client.destroy();
  await h.close();
});

beforeEach(() => {
  assert.equal(h.ui.pending, 0, 'a previous test left answers unused');
});

describe('lab steps on the local sandbox', () => {
  it('step 1: todo on an empty account, done after run, and a second run creates nothing', async () => {
    assert.equal((await check('createKey')).state, 'todo');
    assert.equal((await run('createKey')).state, 'done');
    assert.equal((await check('createKey')).state, 'done');
    const keys = await keyCount();
    assert.equal((await run('createKey')).state, 'done');
    assert.equal(await keyCount(), keys);
    assert.equal(await aliasCount('alias/kms-lab'), 1);
  });

  it('step 2: the table under the lab key; twice is once', async () => {
    assert.equal((await check('createTable')).state, 'todo');
    assert.equal((await run('createTable')).state, 'done');
    assert.equal((await run('createTable')).state, 'done');
    const tables = (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
    assert.deepEqual(tables.filter((t) => t === 'kms-lab-table'), ['kms-lab-table']);
    assert.equal((await check('createTable')).state, 'done');
  });

  it('step 3: the item, edited as JSON, is refused when it lacks the partition key, and written when fixed', async () => {
    assert.equal((await check('addItem')).state, 'todo');
    h.ui.answer(() => '{"message": "no id"}');
    await assert.rejects(run('addItem'), /needs "id"/);
    h.ui.answer((request) => request.value);
    assert.equal((await run('addItem')).state, 'done');
    assert.equal((await check('addItem')).state, 'done');
  });

  it('step 4: the user, its policy and a stored key; a second run makes no second key', async () => {
    assert.equal((await check('createTestUser')).state, 'todo');
    assert.equal((await run('createTestUser')).state, 'done');
    assert.equal((await run('createTestUser')).state, 'done');
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: 'kms-lab-test-user' }))).AccessKeyMetadata ?? [];
    assert.equal(keys.length, 1);
    const stored = [...h.secrets.values.values()].map(String);
    assert.equal(stored.length, 1);
    assert.ok(stored[0].includes(keys[0].AccessKeyId!), 'the stored secret belongs to the user\'s key');
    assert.ok(!JSON.stringify([...h.state.values.values()]).includes(JSON.parse(stored[0]).secretAccessKey), 'the secret is not in the lab record');
    assert.equal((await check('createTestUser')).state, 'done');
  });

  it('step 4, resumed: a key whose secret the lab lost is replaced, not added to', async () => {
    h.secrets.values.clear();
    const status = await check('createTestUser');
    assert.equal(status.state, 'todo');
    assert.match(status.detail ?? '', /holds no working access key/);
    assert.equal((await run('createTestUser')).state, 'done');
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: 'kms-lab-test-user' }))).AccessKeyMetadata ?? [];
    assert.equal(keys.length, 1);
  });

  it('step 5: refused by the key, observed and predicted, recorded for check()', async () => {
    assert.equal((await check('readAsTestUser')).state, 'todo');
    const status = await run('readAsTestUser');
    assert.equal(status.state, 'done', status.detail);
    const result = (await h.context()).record.reads.beforeGrant!;
    assert.equal(result.observed.outcome, 'denied');
    assert.equal(result.observed.code, 'AccessDeniedException');
    assert.equal(result.predicted?.decision, 'denied');
    assert.match(result.predicted!.reasons.join(' '), /does not name kms-lab-test-user, and it delegates to IAM, where no policy of this user allows kms:Decrypt/);
    assert.equal(status.item, undefined, 'a refused read shows no item');
    // Beside observed and predicted: DynamoDB's refused kms:Decrypt on the user's behalf, as CloudTrail recorded it.
    assert.match(status.detail ?? '', /CloudTrail: DynamoDB asked KMS on kms-lab-test-user's behalf; KMS refused \(AccessDenied\w*\) — kms:Decrypt at \d\d:\d\d:\d\d UTC, table kms-lab-table in the encryption context\.$/);
    assert.equal(result.trail?.event?.refused, true);
    assert.equal(result.trail?.event?.invokedBy, 'dynamodb.amazonaws.com');
    const trailRecord = JSON.parse(result.trail!.event!.record) as { userIdentity: { arn: string }; requestParameters: { encryptionContext: Record<string, string> } };
    assert.equal(trailRecord.userIdentity.arn, result.principalArn);
    assert.equal(trailRecord.requestParameters.encryptionContext['aws:dynamodb:tableName'], 'kms-lab-table');
    // The lesson first, table lock then key lock, each with its verdict and deciding statement; AWS's words after.
    assert.match(
      status.detail ?? '',
      /^kms-lab-test-user is refused, as predicted\. Table lock \(DynamoDB permissions\): open — AmazonDynamoDBFullAccess \(statement #1\) allows dynamodb:GetItem, Query and Scan on the table\. Key lock \(kms:Decrypt on the table's key, asked by DynamoDB on your behalf\): shut — the key policy does not name kms-lab-test-user.* AWS said: AccessDeniedException: /,
    );
    assert.deepEqual(result.predicted?.locks && [result.predicted.locks.table.verdict, result.predicted.locks.key?.verdict], ['allowed', 'denied']);
    assert.equal((await check('readAsTestUser')).state, 'done');
    assert.ok(!JSON.stringify([...h.state.values.values()]).includes('Encrypted at rest with the lab key'), 'no attribute value in the record (only the item\'s key)');
  });

  it('step 7 before the grant: still refused, as predicted, and the step says to grant first', async () => {
    const status = await run('readAgain');
    assert.equal(status.state, 'failed');
    assert.match(status.detail ?? '', /still refused, as predicted: run step 6 \(Grant\) first\. Table lock .*: open — .* Key lock .*: shut — /);
  });

  it('step 6: the console\'s two statements after a diff and a confirmation; declined, nothing changes; twice is once', async () => {
    assert.equal((await check('grant')).state, 'todo');
    h.ui.answer(false);
    await assert.rejects(run('grant'), { name: 'CancelledError' });
    assert.equal((await check('grant')).state, 'todo');
    h.ui.answer('Update Key Policy');
    assert.equal((await run('grant')).state, 'done');
    const diff = h.ui.diffs.at(-1)!;
    assert.ok(!diff.before.includes('kms-lab-test-user') && diff.after.includes('kms-lab-test-user'));
    assert.equal((await check('grant')).state, 'done');
    const asked = h.ui.asked.length;
    assert.equal((await run('grant')).state, 'done');
    assert.equal(h.ui.asked.length, asked, 'nothing to confirm when the user is already a key user');
  });

  it('step 7: the read succeeds as predicted, and the item is shown', async () => {
    const status = await run('readAgain');
    assert.equal(status.state, 'done', status.detail);
    assert.equal(status.item?.id, 'lab-item-1');
    const result = (await h.context()).record.reads.afterGrant!;
    assert.equal(result.observed.outcome, 'allowed');
    assert.equal(result.predicted?.decision, 'allowed');
    assert.match(status.detail ?? '', /CloudTrail: DynamoDB asked KMS on kms-lab-test-user's behalf; KMS allowed it — kms:Decrypt at /);
    assert.equal(result.trail?.event?.refused, false);
    assert.equal((await check('readAgain')).state, 'done');
  });

  it('step 5 after the grant: the user can read, which the step reports instead of a success', async () => {
    const status = await run('readAsTestUser');
    assert.equal(status.state, 'failed');
    assert.match(status.detail ?? '', /can read kms-lab-table: the key lock is already open/);
  });

  it('step 8: removed from both statements, and the denial comes back', async () => {
    h.ui.answer('Update Key Policy');
    const status = await run('revoke');
    assert.equal(status.state, 'done', status.detail);
    assert.match(status.detail ?? '', /^Revoked\. kms-lab-test-user is refused again, as predicted\. Table lock .*: open — .* Key lock .*: shut — .* AWS said: /);
    assert.equal((await h.context()).record.reads.afterRevoke?.observed.outcome, 'denied');
    assert.equal((await check('grant')).state, 'todo');
    assert.equal((await check('revoke')).state, 'done');
    assert.equal((await run('revoke')).state, 'done', 'twice is once: nothing to remove, still refused');
  });

  it('step 9: removes only what the lab made, reports it, and leaves the key pending deletion', async () => {
    h.ui.answer('Clean Up', 'Schedule Deletion');
    const status = await run('cleanUp');
    assert.equal(status.state, 'done');
    assert.match(status.detail ?? '', /^Removed 5: IAM user kms-lab-test-user/);
    assert.match(status.detail ?? '', /Nothing was left behind\.$/);
    assert.match(status.detail ?? '', /table kms-lab-table/);
    assert.match(status.detail ?? '', /alias alias\/kms-lab/);
    assert.match(status.detail ?? '', /deletion scheduled/);
    assert.equal(h.secrets.values.size, 0);
    for (const id of ['createKey', 'createTable', 'addItem', 'createTestUser', 'grant'] as StepId[]) assert.equal((await check(id)).state, 'todo', id);
    assert.equal((await check('cleanUp')).state, 'done');
  });
});

describe('lab steps resume and refuse what is not theirs', () => {
  it('step 1 finishes a key that was created without its alias instead of making another', async () => {
    const key = await kms.send(new CreateKeyCommand({ Description: 'half-done lab key', Tags: [{ TagKey: 'kms-lab', TagValue: 'true' }] }));
    const ctx = await h.context();
    await ctx.update((r) => {
      r.keyId = key.KeyMetadata!.KeyId;
      r.keyArn = key.KeyMetadata!.Arn;
      r.created.key = true;
    });
    const status = await check('createKey');
    assert.equal(status.state, 'todo');
    assert.match(status.detail ?? '', /alias alias\/kms-lab is missing/);
    const keys = await keyCount();
    assert.equal((await run('createKey')).state, 'done');
    assert.equal(await keyCount(), keys);
    const alias = ((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).find((a) => a.AliasName === 'alias/kms-lab');
    assert.equal(alias?.TargetKeyId, key.KeyMetadata!.KeyId);
  });

  it('an alias taken by a key the lab did not make: the step says so, and another alias can be chosen', async () => {
    const foreign = await kms.send(new CreateKeyCommand({ Description: 'someone else' }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/kms-lab-taken', TargetKeyId: foreign.KeyMetadata!.KeyId }));
    const ctx = await h.context();
    await ctx.update((r) => {
      r.keyAlias = 'alias/kms-lab-taken';
      r.keyId = undefined;
    });
    h.ui.answer('Choose Another Name', () => 'alias/kms-lab-chosen');
    const status = await run('createKey');
    assert.equal(status.state, 'done');
    assert.equal((await h.context()).record.keyAlias, 'alias/kms-lab-chosen');
    assert.equal(await aliasCount('alias/kms-lab-chosen'), 1);
    assert.match(h.ui.asked.at(-2)!.message, /already names key .* which KMS Lab did not create/);
  });

  it('a table name taken by another table: check fails with the reason; a cancelled choice is not an error', async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'kms-lab-table',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const ctx = await h.context();
    await ctx.update((r) => {
      r.tableName = 'kms-lab-table';
    });
    const status = await check('createTable');
    assert.equal(status.state, 'failed');
    assert.match(status.detail ?? '', /not encrypted with alias\/kms-lab-chosen/);
    h.ui.answer(undefined);
    await assert.rejects(run('createTable'), { name: 'CancelledError' });
  });

  it('a user of the lab\'s name that the lab did not create is left alone by the clean-up, and said so', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'kms-lab-test-user' }));
    await iam.send(new TagUserCommand({ UserName: 'kms-lab-test-user', Tags: [{ Key: 'team', Value: 'other' }] }));
    const status = await check('createTestUser');
    assert.equal(status.state, 'failed');
    assert.match(status.detail ?? '', /KMS Lab did not create it/);
    h.ui.answer('Clean Up', 'Schedule Deletion');
    const cleaned = await run('cleanUp');
    assert.match(cleaned.detail ?? '', /Left 2: IAM user kms-lab-test-user \(KMS Lab did not create it/);
    assert.match(cleaned.detail ?? '', /table kms-lab-table \(it is not encrypted with the lab key/);
    await iam.send(new CreateAccessKeyCommand({ UserName: 'kms-lab-test-user' }));
  });

  it('a step run before its prerequisite names the step to run first and runs it when asked', async () => {
    const lab = h.lab();
    const ctx = await h.context();
    await ctx.update((r) => {
      r.keyAlias = 'alias/kms-lab-order';
      r.tableName = 'kms-lab-order-table';
    });
    h.ui.answer(undefined);
    await assert.rejects(lab.run('createTable'), { name: 'CancelledError' });
    assert.match(h.ui.asked.at(-1)!.message, /Step 2 \(Create the table\) needs step 1 \(Create the key\) first/);
    h.ui.answer('Run Step 1 First');
    assert.equal((await lab.run('createTable')).state, 'done');
    assert.equal(lab.status('createKey')?.state, 'done');
    assert.equal(lab.status('createTable')?.state, 'done');
  });

  it('on real AWS the cost is confirmed once per account before anything is created; declining creates nothing', async () => {
    const aws = { kind: 'aws' as const, label: 'AWS', scopePart: 'aws' };
    const ctx = await h.context(aws);
    await ctx.update((r) => {
      r.keyAlias = 'alias/kms-lab-costly';
    });
    const keys = await keyCount();
    h.ui.answer(false);
    await assert.rejects(stepById('createKey').run(ctx), { name: 'CancelledError' });
    assert.equal(await keyCount(), keys);
    assert.match(h.ui.asked.at(-1)!.message, /AWS account 123456789012/);
    h.ui.answer('Create in This Account');
    assert.equal((await stepById('createKey').run(await h.context(aws))).state, 'done');
    const asked = h.ui.asked.length;
    await ctx.update((r) => {
      r.keyAlias = 'alias/kms-lab-costly-2';
    });
    assert.equal((await stepById('createKey').run(await h.context(aws))).state, 'done');
    assert.equal(h.ui.asked.length, asked, 'asked once per account');
  });

  it('a missing permission is named with the action, and nothing is left half-made', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'kms-only' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'kms-only', PolicyArn: 'arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'kms-only' }));
    const limited = new AwsSession({
      kind: 'static',
      label: 'kms-only',
      region: h.sandbox.region,
      endpoint: h.sandbox.endpoint,
      credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! },
    });
    try {
      const base = await h.context();
      const ctx = new LabContext(limited, await limited.sts.getCallerIdentity(), base.backend, base.services);
      await ctx.update((r) => {
        r.testUserName = 'kms-lab-denied-user';
      });
      await assert.rejects(stepById('createTestUser').run(ctx), /Access denied: iam:CreateUser is not allowed for arn:aws:iam::123456789012:user\/kms-only \(kms-only\)/);
      assert.equal((await stepById('createTestUser').check(await h.context())).state, 'todo');
    } finally {
      limited.dispose();
    }
  });
});
