// evaluate() decides a request with a frozen context from a few bits per policy (decision.ts) and analyses it only
// when the reasons or details are read. That must never change an answer: for random requests over statements that
// read the caller, its tags, the clock and policy variables, the quick decision is the full analysis's decision, and
// frozen and unfrozen contexts give the same results, reasons and details. And callers that no policy reads get one
// decision (readsCaller), which lets the access analysis decide once for principals with the same policies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decidingStatements, evaluate, readsCaller, type EvaluationRequest, type NamedPolicy, type PolicyOfKind, type PolicyStatement, type PrincipalBlock } from '../../../src/policy';
import { analyse } from '../../../src/policy/analysis';
import { decide } from '../../../src/policy/evaluation-logic';
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

test('callers of one kind and account that no policy reads (readsCaller) get one decision; the others may not', () => {
  const DEV = `arn:aws:iam::${A}:role/Dev`;
  const pairs: [string, string | undefined, string, string | undefined][] = [
    [ALICE, ALICE_ID, BOB, 'AIDABOB000000000000002'],
    [BOB, undefined, ALICE, undefined],
    [ROLE, undefined, DEV, undefined],
    [SESSION, undefined, `arn:aws:sts::${A}:assumed-role/Dev/alice-session`, undefined],
  ];
  // Mostly requests whose identity policies read nothing of the caller, so that many pairs are alike.
  const blind = (p: NamedPolicy) => !readsCaller({ policy: p, kind: 'identity' }, ALICE);
  const blindRequest = request.map((req) => ({
    ...req,
    identityPolicies: req.identityPolicies.filter(blind),
    permissionsBoundary: req.permissionsBoundary && blind(req.permissionsBoundary) ? req.permissionsBoundary : undefined,
    sessionPolicies: req.sessionPolicies?.filter(blind),
  }));
  let alike = 0;
  let apart = 0;
  const decisions = new Set<string>();
  fc.assert(
    fc.property(fc.oneof(blindRequest, blindRequest, request), fc.constantFrom(...pairs), (req, [first, firstId, second, secondId]) => {
      const policies: PolicyOfKind[] = [...req.identityPolicies, ...(req.permissionsBoundary ? [req.permissionsBoundary] : []), ...(req.sessionPolicies ?? [])].map((policy) => ({ policy, kind: 'identity' }));
      if (req.resourcePolicy) policies.push({ policy: req.resourcePolicy, kind: 'resource' });
      const one = evaluate({ ...req, principal: first, userId: firstId }).decision;
      const other = evaluate({ ...req, principal: second, userId: secondId }).decision;
      if (policies.some((p) => readsCaller(p, first, firstId) || readsCaller(p, second, secondId))) {
        if (one !== other) apart++;
        return;
      }
      alike++;
      decisions.add(one);
      assert.equal(one, other, `${first} and ${second}`);
    }),
    { numRuns: 3000, seed: 44 },
  );
  assert.ok(alike > 400 && apart > 50, `${alike} pairs alike, ${apart} told apart`);
  assert.deepEqual([...decisions].sort(), ['allowed', 'explicitly-denied', 'implicitly-denied']);
});

test('readsCaller: variables, caller keys and a Principal naming the caller itself; not "*" or the account', () => {
  const resource = (principal: PrincipalBlock): PolicyOfKind => ({ policy: doc({ Effect: 'Allow', Principal: principal, Action: 'kms:Decrypt', Resource: '*' }), kind: 'resource' });
  const identity = (statement: PolicyStatement): PolicyOfKind => ({ policy: doc(statement), kind: 'identity' });
  assert.equal(readsCaller(resource({ AWS: ROOT_A }), ALICE), false);
  assert.equal(readsCaller(resource('*'), ALICE), false);
  assert.equal(readsCaller(resource({ AWS: ALICE }), ALICE), true);
  assert.equal(readsCaller(resource({ AWS: ALICE }), BOB), false);
  assert.equal(readsCaller(resource({ AWS: ROLE }), SESSION), true, 'a session of a named role');
  assert.equal(readsCaller(resource({ AWS: ALICE_ID }), BOB, ALICE_ID), true, 'a unique id');
  assert.equal(readsCaller(identity({ Effect: 'Allow', Action: '*', Resource: `arn:aws:s3:::home/\${aws:username}/*` }), ALICE), true);
  assert.equal(readsCaller(identity({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': '*' } } }), ALICE), true);
  assert.equal(readsCaller(identity({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'data' } } }), ALICE), false, 'tags are in the context');
  assert.equal(readsCaller(identity({ Effect: 'Allow', Action: '*', Resource: '*' }), ROOT_A), true, 'the root user is never alike another');
});

test('callers whose policies meet the same statements for the request (decidingStatements) get one decision', () => {
  const irrelevant: NamedPolicy[] = [
    { name: 'home', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' }) },
    { name: 'own-keys', document: doc({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: `arn:aws:iam::${A}:user/\${aws:username}` }) },
    { name: 'queue', document: doc({ Effect: 'Deny', Action: 'sqs:*', Resource: '*', Condition: { StringEquals: { 'aws:username': 'bob' } } }) },
    { name: 'other-table', document: doc({ Effect: 'Deny', Action: 'dynamodb:*', Resource: `arn:aws:dynamodb:us-east-1:${A}:table/other` }) },
    { name: 'other-key', document: doc({ Effect: 'Deny', Action: 'kms:*', Resource: `arn:aws:kms:us-east-1:${A}:key/other` }) },
  ];
  /** The request's policies in their order, with others slotted in between: mostly ones that cannot meet the request. */
  const mixed = (relevant: NamedPolicy[]) => fc.array(fc.tuple(fc.nat({ max: relevant.length }), fc.oneof(fc.constantFrom(...irrelevant), fc.constantFrom(...irrelevant), fc.constantFrom(...identityPool))), { maxLength: 3 }).map((extra) => {
    const list = [...relevant];
    for (const [at, p] of extra.sort((x, y) => y[0] - x[0])) list.splice(at, 0, p);
    return list;
  });
  const pair = request.chain((req) => fc.tuple(fc.constant(req), mixed(req.identityPolicies), mixed(req.identityPolicies)));
  const key = (list: NamedPolicy[], req: EvaluationRequest) => {
    const ids = list.map((p) => decidingStatements(p, [req.action], req.resource));
    return ids.some((i) => i === null) ? null : JSON.stringify(ids.flatMap((i) => i ?? []));
  };
  let alike = 0;
  fc.assert(
    fc.property(pair, ([req, first, second]) => {
      const single = { ...req, principal: ALICE, userId: undefined, resourcePolicy: undefined, sessionPolicies: undefined };
      const k = key(first, single);
      const boundary = single.permissionsBoundary ? key([single.permissionsBoundary], single) : '';
      if (k === null || boundary === null || k !== key(second, single)) return;
      alike++;
      const one = evaluate({ ...single, identityPolicies: first });
      const other = evaluate({ ...single, principal: BOB, identityPolicies: second });
      assert.equal(one.decision, other.decision);
    }),
    { numRuns: 3000, seed: 45 },
  );
  assert.ok(alike > 400, `${alike} pairs alike`);
});
