// A frozen request context lets the engine share its reading of the context and the scans of policies that read
// nothing of the caller. Sharing must never change an answer: the same requests, frozen or not, decide alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, explain, sameStatementsForActions, type EvaluationRequest, type NamedPolicy } from '../../../src/policy';
import { A, KEY, named, rootStatement, doc } from './cases/helpers';

const TABLE = `arn:aws:dynamodb:us-east-1:${A}:table/t`;

const shared: NamedPolicy[] = [
  named('ReadTables', { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Scan'], Resource: '*' }),
  named('OwnPrefix', { Effect: 'Allow', Action: 'dynamodb:Query', Resource: `arn:aws:dynamodb:*:${A}:table/\${aws:username}-*` }),
  named('OnlyAlice', { Effect: 'Deny', Action: 'dynamodb:Scan', Resource: '*', Condition: { StringNotEquals: { 'aws:username': 'alice' } } }),
  named('Team', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } }),
  named('ViaDynamo', { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } } }),
  named('NotFromHome', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }),
];

function requests(context: Record<string, string | string[]>): EvaluationRequest[] {
  const list: EvaluationRequest[] = [];
  for (let i = 0; i < 60; i++) {
    const name = i % 3 === 0 ? 'alice' : `user${i}`;
    const identityPolicies = shared.filter((_, p) => (i >> p) % 2 === 1 || p === i % shared.length);
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']) {
      list.push({ principal: `arn:aws:iam::${A}:user/${name}`, action, resource: i % 2 ? TABLE : `arn:aws:dynamodb:us-east-1:${A}:table/${name}-x`, context, identityPolicies });
    }
    list.push({ principal: `arn:aws:iam::${A}:user/${name}`, action: 'kms:Decrypt', resource: KEY, context, identityPolicies, resourcePolicy: doc(rootStatement) });
  }
  return list;
}

test('frozen and unfrozen contexts give the same decisions and explanations, many callers over', () => {
  const values = { 'aws:PrincipalTag/team': 'data', 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com', 'aws:SourceIp': '203.0.113.9' };
  const plain = requests({ ...values });
  const frozen = requests(Object.freeze({ ...values }));
  // Twice through the frozen ones, so that the second pass reads the shared scans.
  for (const pass of [1, 2]) {
    frozen.forEach((request, i) => {
      const a = evaluate(plain[i]);
      const b = evaluate(request);
      assert.equal(b.decision, a.decision, `pass ${pass}, ${request.principal} ${request.action} ${request.resource}`);
      assert.deepEqual(explain(b), explain(a));
    });
  }
  const decisions = new Set(plain.map((r) => evaluate(r).decision));
  assert.deepEqual([...decisions].sort(), ['allowed', 'explicitly-denied', 'implicitly-denied'], 'the requests cover every decision');
});

test('a frozen context with another source address decides differently: contexts are not mixed up', () => {
  const request = (ip: string): EvaluationRequest => ({ principal: `arn:aws:iam::${A}:user/bob`, action: 'dynamodb:GetItem', resource: TABLE, identityPolicies: shared, context: Object.freeze({ 'aws:SourceIp': ip }) });
  for (let i = 0; i < 40; i++) evaluate(request('203.0.113.9'));
  assert.equal(evaluate(request('203.0.113.9')).decision, 'allowed');
  assert.equal(evaluate(request('198.51.100.7')).decision, 'explicitly-denied');
});

test('sameStatementsForActions: alike when every policy treats the actions alike, not when one tells them apart', () => {
  const actions = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
  assert.equal(sameStatementsForActions(actions, [{ policy: named('All', { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }), kind: 'identity' }]), true);
  assert.equal(sameStatementsForActions(actions, [{ policy: shared[0], kind: 'identity' }]), false);
  assert.equal(sameStatementsForActions(['dynamodb:Scan'], [{ policy: shared[0], kind: 'identity' }]), true);
});
