// evaluate() decides a request with a frozen context from a few bits per policy (decision.ts) and analyses it only
// when the reasons or details are read. That must never change an answer: for random requests over statements that
// read the caller, its tags, the clock and policy variables, the quick decision is the full analysis's decision, and
// frozen and unfrozen contexts give the same results, reasons and details.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evaluate, type EvaluationRequest, type NamedPolicy, type PolicyStatement, type PrincipalBlock } from '../../../src/policy';
import { analyse, decide } from '../../../src/policy/analysis';
import { quickDecision } from '../../../src/policy/decision';
import { A, ALICE, B, BOB, doc, EXTERNAL_USER, KEY, ROLE, ROOT_A, ROOT_B, SESSION } from './cases/helpers';

const TABLE = `arn:aws:dynamodb:us-east-1:${A}:table/t`;
const ALICE_ID = 'AIDAALICE0000000000001';

const actions = ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:*', 'kms:Decrypt', 'kms:*', '*'];
const resources = ['*', TABLE, KEY, `arn:aws:dynamodb:us-east-1:${A}:table/\${aws:username}`, `arn:aws:dynamodb:*:${A}:table/t*`, `arn:aws:kms:*:${A}:key/*`];
const conditions: (PolicyStatement['Condition'] | undefined)[] = [
  undefined,
  { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'data' } },
  { StringEquals: { 'aws:username': 'alice' } },
  { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } },
  { DateLessThan: { 'aws:CurrentTime': '2100-01-01T00:00:00Z' } },
  { DateGreaterThan: { 'aws:CurrentTime': '2100-01-01T00:00:00Z' } },
  { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/*` } },
  { StringEquals: { 'aws:PrincipalAccount': A } },
  { Null: { 'aws:PrincipalTag/team': 'false' } },
];
const principals: PrincipalBlock[] = ['*', { AWS: ROOT_A }, { AWS: A }, { AWS: ALICE }, { AWS: ROLE }, { AWS: SESSION }, { AWS: ROOT_B }, { AWS: ALICE_ID }, { Service: 'dynamodb.amazonaws.com' }];

const identityStatement = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  Action: fc.constantFrom(...actions),
  Resource: fc.constantFrom(...resources),
  Condition: fc.constantFrom(...conditions),
}).map((s) => (s.Condition ? s : { Effect: s.Effect, Action: s.Action, Resource: s.Resource }) as PolicyStatement);

const resourceStatement = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  negated: fc.boolean(),
  Principal: fc.constantFrom(...principals),
  Action: fc.constantFrom(...actions),
  Condition: fc.constantFrom(...conditions),
}).map(({ negated, Principal, Condition, ...rest }) => {
  const statement: PolicyStatement = { ...rest, Resource: '*' };
  if (negated && rest.Effect === 'Deny') statement.NotPrincipal = typeof Principal === 'string' ? { AWS: A } : Principal;
  else statement.Principal = Principal;
  if (Condition) statement.Condition = Condition;
  return statement;
});

/** A small pool of documents, so that many requests meet the same ones (as in an account) and memos get used. */
const identityPool: NamedPolicy[] = fc.sample(fc.array(identityStatement, { minLength: 1, maxLength: 3 }), { numRuns: 40, seed: 7 }).map((s, i) => ({ name: `p${i}`, document: doc(...s) }));
const contexts = [
  Object.freeze({ 'aws:PrincipalTag/team': 'data', 'aws:ResourceTag/team': 'data', 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' }),
  Object.freeze({ 'aws:PrincipalTag/team': 'ops', 'aws:SourceIp': '203.0.113.7' }),
  Object.freeze({ 'aws:SourceIp': '198.51.100.1' }),
];

const request = fc.record({
  principal: fc.constantFrom(ALICE, BOB, ROOT_A, ROLE, SESSION, EXTERNAL_USER, ROOT_B, 'dynamodb.amazonaws.com'),
  userId: fc.constantFrom(undefined, ALICE_ID),
  action: fc.constantFrom('dynamodb:GetItem', 'dynamodb:Scan', 'kms:Decrypt'),
  resource: fc.constantFrom(TABLE, KEY, `arn:aws:dynamodb:us-east-1:${B}:table/t`),
  context: fc.option(fc.constantFrom(...contexts), { nil: undefined }),
  identityPolicies: fc.subarray(identityPool, { maxLength: 4 }),
  resourcePolicy: fc.option(fc.array(resourceStatement, { minLength: 1, maxLength: 4 }).map((s) => doc(...s)), { nil: undefined }),
  permissionsBoundary: fc.option(fc.constantFrom(...identityPool), { nil: undefined }),
  sessionPolicies: fc.option(fc.subarray(identityPool, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  now: fc.option(fc.constant(new Date('2030-01-01T00:00:00Z')), { nil: undefined }),
}).map((r) => {
  const req: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) req[k] = v;
  return req as unknown as EvaluationRequest;
});

test('the quick decision is the full analysis\'s decision, or none when a later analysis could differ', () => {
  let quick = 0;
  let total = 0;
  fc.assert(
    fc.property(request, (req) => {
      total++;
      const decision = quickDecision(req);
      if (decision === undefined) return;
      quick++;
      assert.equal(decision, decide(analyse(req)));
    }),
    { numRuns: 4000, seed: 42 },
  );
  assert.ok(quick > total / 2, `the quick decision was used for ${quick} of ${total} requests`);
});

test('frozen and unfrozen contexts give the same decisions, reasons and details', () => {
  fc.assert(
    fc.property(request, (req) => {
      const frozen = evaluate(req);
      const plain = evaluate({ ...req, context: req.context && { ...req.context } });
      assert.equal(frozen.decision, plain.decision);
      assert.deepEqual(JSON.parse(JSON.stringify(frozen)), JSON.parse(JSON.stringify(plain)));
    }),
    { numRuns: 1500, seed: 43 },
  );
});

test('without `now`, a policy that reads the clock is analysed at once; with it, the decision can wait', () => {
  const clock = { name: 'until', document: doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2100-01-01T00:00:00Z' } } }) };
  const req: EvaluationRequest = { principal: ALICE, action: 'dynamodb:GetItem', resource: TABLE, context: contexts[0], identityPolicies: [clock] };
  assert.equal(quickDecision(req), undefined);
  assert.equal(quickDecision({ ...req, now: new Date('2030-01-01T00:00:00Z') }), 'allowed');
  assert.equal(quickDecision({ ...req, now: new Date('2200-01-01T00:00:00Z') }), 'implicitly-denied');
  assert.equal(quickDecision({ ...req, context: { ...contexts[0] }, now: new Date('2030-01-01T00:00:00Z') }), undefined, 'an unfrozen context is analysed at once');
});
