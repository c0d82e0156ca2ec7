// What the lab says when a step finishes, the lesson's words, and the clean-up report as Markdown (escaped).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsSaid, lockRow, lockSentence, locksText } from '../../../src/lab/lesson';
import { finishedMessage, OPEN_PANEL, SHOW_REPORT } from '../../../src/lab/messages';
import { cleanupReportMarkdown, escapeMarkdown } from '../../../src/lab/report';
import { stepById } from '../../../src/lab/steps';

describe('the lesson in one set of words', () => {
  const table = { verdict: 'allowed' as const, reason: 'AmazonDynamoDBFullAccess (statement #1) allows dynamodb:GetItem, Query and Scan on the table' };
  const key = { verdict: 'denied' as const, reason: 'the key policy does not name kms-lab-test-user' };

  it('names the table lock, then the key lock, each open or shut with its deciding statement', () => {
    assert.equal(
      locksText({ table, key }),
      "Table lock (DynamoDB permissions): open — AmazonDynamoDBFullAccess (statement #1) allows dynamodb:GetItem, Query and Scan on the table. Key lock (kms:Decrypt on the table's key, asked by DynamoDB on your behalf): shut — the key policy does not name kms-lab-test-user.",
    );
    assert.match(locksText({ table }), /^Table lock .* No key lock: the table is encrypted with an AWS owned key/);
    assert.equal(lockSentence('key', { verdict: 'conditional', reason: 'only from 10.0.0.0/8.' }), "Key lock (kms:Decrypt on the table's key, asked by DynamoDB on your behalf): open only under conditions — only from 10.0.0.0/8.");
  });

  it('a tree row shows the verdict in its label and the lock and the reason beside it', () => {
    assert.deepEqual(lockRow('key', key), {
      label: 'Key lock: shut',
      description: "kms:Decrypt on the table's key, asked by DynamoDB on your behalf · the key policy does not name kms-lab-test-user",
      tooltip: "Key lock (kms:Decrypt on the table's key, asked by DynamoDB on your behalf): shut — the key policy does not name kms-lab-test-user.",
    });
  });

  it("AWS's words come with their code, once", () => {
    assert.equal(awsSaid({ code: 'AccessDeniedException', message: 'KMS key access denied error' }), 'AWS said: AccessDeniedException: KMS key access denied error');
    assert.equal(awsSaid({ code: 'AccessDeniedException', message: 'AccessDeniedException: denied' }), 'AWS said: AccessDeniedException: denied');
    assert.equal(awsSaid({}), undefined);
  });
});

describe('one notification per finished step', () => {
  it('step 8 says it revoked and that the user is refused again, and offers the panel', () => {
    const message = finishedMessage(stepById('revoke'), { state: 'done', detail: 'Revoked. kms-lab-test-user is refused again, as predicted. Table lock (…): open — x. Key lock (…): shut — y. AWS said: z' });
    assert.equal(message?.text, 'Step 8: Revoked. kms-lab-test-user is refused again, as predicted. Table lock (…): open — x. Key lock (…): shut — y. AWS said: z.');
    assert.deepEqual(message?.actions, [OPEN_PANEL]);
  });

  it('step 9 says what was removed and left, with Show Report', () => {
    const message = finishedMessage(stepById('cleanUp'), { state: 'done', detail: 'Removed 1: table kms-lab-table. Left 1: key k (you chose to keep it).' });
    assert.equal(message?.text, 'Step 9 done. Removed 1: table kms-lab-table. Left 1: key k (you chose to keep it).');
    assert.deepEqual(message?.actions, [SHOW_REPORT]);
  });

  it('step 3 says the panel shows the item; step 1 says what it made; a failure is not a notification here', () => {
    assert.match(finishedMessage(stepById('addItem'), { state: 'done', detail: 'Item lab-item-1 is in kms-lab-table' })?.text ?? '', /^Step 3 done: Item lab-item-1 is in kms-lab-table\. The table panel shows it/);
    assert.equal(finishedMessage(stepById('createKey'), { state: 'done', detail: 'alias/kms-lab → key 1234' })?.text, 'Step 1 done: alias/kms-lab → key 1234.');
    assert.equal(finishedMessage(stepById('createKey'), { state: 'failed', detail: 'no' }), undefined);
    assert.match(finishedMessage(stepById('revoke'), { state: 'waiting', detail: 'DynamoDB may cache the table key' })?.text ?? '', /^Step 8 is waiting for AWS: DynamoDB may cache/);
  });
});

describe('the clean-up report', () => {
  it('is Markdown in which nothing from AWS becomes Markdown', () => {
    const markdown = cleanupReportMarkdown(
      { at: '2025-05-01T10:09:00.123Z', removed: ['table [evil](http://x) *bold*'], left: [{ what: 'IAM user `tick`', why: 'KMS Lab did not create it (no kms-lab=true tag)' }] },
      { backend: 'the local sandbox', accountId: '123456789012', region: 'us-east-1' },
    );
    assert.match(markdown, /^# KMS Lab: clean-up report\n/);
    assert.ok(markdown.includes('## Removed\n\n- table \\[evil\\]\\(http://x\\) \\*bold\\*\n'), markdown);
    assert.match(markdown, /- IAM user \\`tick\\`: KMS Lab did not create it \\\(no kms\\-lab=true tag\\\)/);
    assert.match(markdown, /Step 9 ran at 2025\\-05\\-01 10:09:00 UTC in the local sandbox, account 123456789012, region us\\-east\\-1\./);
    assert.equal(escapeMarkdown('a\nb <img>'), 'a b \\<img\\>');
  });
});
