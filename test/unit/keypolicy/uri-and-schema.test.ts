// kmslab: paths in both directions, and the key policy schema kept in step with the policy engine's KMS data.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { KEY_POLICY_ACTIONS } from '../../../src/policy';
import { formatPath, parseKeyArn, parsePath, targetName } from '../../../src/keypolicy/uri';

describe('kmslab: paths', () => {
  it('round-trips every kind of document', () => {
    const paths = [
      { kind: 'key-policy', target: 'sandbox', region: 'us-east-1', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
      { kind: 'live-policy', target: 'dev', region: 'eu-west-1', keyId: 'mrk-1234abcd12ab34cd56ef1234567890ab' },
      { kind: 'history-entry', target: 'dev', region: 'eu-west-1', keyId: 'k', entryId: '1700000000000-0a1b2c3d' },
      { kind: 'iam-policy', target: 'dev', principalKind: 'user', principalName: 'alice', policyKind: 'group-managed', policyName: 'ReadOnly', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', group: 'readers' },
      { kind: 'iam-policy', target: 'sandbox', principalKind: 'role', principalName: 'lab-role', policyKind: 'inline', policyName: 'read' },
    ] as const;
    for (const p of paths) {
      const { path: formatted, query } = formatPath(p);
      const expected = p.kind === 'iam-policy' ? { policyArn: undefined, group: undefined, ...p } : p;
      assert.deepEqual(parsePath(formatted, query), expected);
    }
  });

  it('anything else is a folder, including paths that try to climb out', () => {
    for (const p of ['/', '/sandbox', '/sandbox/us-east-1/keys', '/sandbox/us-east-1/keys/../policy.json/x', '/a/b/keys/%2e%2e/policy.json', '/sandbox/iam/groups/g/inline/p.json']) {
      assert.equal(parsePath(p).kind, 'folder', p);
    }
  });

  it('names targets the way the URIs show them', () => {
    assert.equal(targetName({ kind: 'profile', profile: 'dev', region: 'us-east-1' }, false), 'dev');
    assert.equal(targetName({ kind: 'profile', profile: 'my team/admin', region: 'us-east-1' }, false), 'my-team-admin');
    assert.equal(targetName({ kind: 'environment', region: 'us-east-1' }, false), 'environment');
    assert.equal(targetName({ kind: 'static', label: 'Local sandbox', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }, true), 'sandbox');
  });

  it('reads key ARNs, and only key ARNs', () => {
    assert.deepEqual(parseKeyArn('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'), { region: 'eu-west-1', account: '111122223333', keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' });
    assert.equal(parseKeyArn('arn:aws:kms:eu-west-1:111122223333:alias/lab'), undefined);
    assert.equal(parseKeyArn('1234abcd-12ab-34cd-56ef-1234567890ab'), undefined);
  });
});

describe('the key policy schema', () => {
  const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../../media/schemas/key-policy.schema.json'), 'utf8'));

  it('offers every key policy action the engine knows (regenerate with src/keypolicy/generate-schema.mjs)', () => {
    const action = schema.definitions.statement.properties.Action.oneOf[0];
    assert.deepEqual(action.examples.slice(1).sort(), [...KEY_POLICY_ACTIONS].sort());
  });

  it('allows only the elements the engine accepts, and only Allow or Deny', () => {
    assert.deepEqual(Object.keys(schema.properties).sort(), ['Id', 'Statement', 'Version']);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.definitions.statement.properties.Effect.enum, ['Allow', 'Deny']);
    assert.deepEqual(Object.keys(schema.definitions.statement.properties).sort(), ['Action', 'Condition', 'Effect', 'NotAction', 'NotPrincipal', 'NotResource', 'Principal', 'Resource', 'Sid']);
  });
});
