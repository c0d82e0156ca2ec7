// Fuzzing with random and mutated JSON: parsePolicy, evaluate, explain, validate and the editors never throw
// anything but a clear Error, and never hang (bounded iterations).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addKeyUser, consoleKeyPolicy, evaluate, explain, parsePolicy, validateKeyPolicy, awsManagedDynamoKeyPolicy, type EvaluationRequest,
} from '../../../src/policy';

const ACCOUNT = '111122223333';
const seeds = [
  JSON.stringify(consoleKeyPolicy(ACCOUNT, { administrators: [`arn:aws:iam::${ACCOUNT}:role/Admin`], users: [`arn:aws:iam::${ACCOUNT}:user/test`] }), null, 2),
  JSON.stringify(awsManagedDynamoKeyPolicy(ACCOUNT, 'us-east-1')),
  '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/a","111122223333"]},"NotAction":"kms:Describe*","NotResource":"arn:aws:kms:*:*:key/${aws:username}","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*","${*}"]},"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"},"Null":{"aws:TokenIssueTime":"true"}}}]}',
];

/** Mutates text: deletes, duplicates or replaces a slice, or inserts JSON punctuation. */
const mutatedText = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '*', '${', '\\', '\u0000', 'null', '1e999', '//', '/*')), { maxLength: 6 }))
  .map(([seed, cuts]) => {
    let text = seed;
    for (const [at, length, insert] of cuts) {
      const start = at % (text.length + 1);
      text = text.slice(0, start) + insert + text.slice(start + length);
    }
    return text;
  });

const anyText = fc.oneof(fc.string({ maxLength: 200 }), fc.json(), mutatedText);
const anyDocument = fc.oneof(fc.jsonValue(), anyText, anyText.map((t) => { try { return JSON.parse(t); } catch { return t; } }), fc.anything());

const RUNS = { numRuns: 500 };

test('parsePolicy never throws and reports ranges inside the text', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const parsed = parsePolicy(text);
      assert.ok(Array.isArray(parsed.errors));
      assert.ok(parsed.document !== undefined || parsed.errors.length > 0);
      for (const e of [...parsed.errors.map((x) => x.range), ...parsed.statementRanges]) {
        assert.ok(e.start >= 0 && e.end <= text.length && e.start <= e.end && e.line >= 1 && e.column >= 1, JSON.stringify(e));
      }
    }),
    RUNS,
  );
});

test('evaluate and explain never throw on random and mutated policies and requests', () => {
  const request = fc.record({
    principal: fc.oneof(fc.constantFrom(`arn:aws:iam::${ACCOUNT}:user/test`, `arn:aws:sts::${ACCOUNT}:assumed-role/R/s`, `arn:aws:iam::${ACCOUNT}:root`, 'dynamodb.amazonaws.com', '*'), fc.string()),
    action: fc.oneof(fc.constantFrom('kms:Decrypt', 'kms:PutKeyPolicy', 'sts:AssumeRole', 'dynamodb:Scan'), fc.string()),
    resource: fc.oneof(fc.constantFrom(`arn:aws:kms:us-east-1:${ACCOUNT}:key/k`, `arn:aws:iam::${ACCOUNT}:role/R`, '*'), fc.string()),
    context: fc.dictionary(fc.constantFrom('aws:SourceIp', 'kms:ViaService', 'aws:TagKeys', 'aws:CurrentTime', 'aws:username'), fc.oneof(fc.string(), fc.array(fc.string()))),
    identityPolicies: fc.array(fc.record({ name: fc.string(), document: anyDocument }), { maxLength: 3 }),
    resourcePolicy: fc.option(anyDocument, { nil: undefined }),
  });
  fc.assert(
    fc.property(request, (req) => {
      const result = evaluate(req as EvaluationRequest);
      assert.ok(['allowed', 'explicitly-denied', 'implicitly-denied'].includes(result.decision));
      const sentences = explain(result, { resourceLabel: 'alias/x' });
      assert.ok(sentences.every((s) => typeof s === 'string' && s.length > 0));
    }),
    RUNS,
  );
});

test('evaluate survives requests that are not even shaped like requests', () => {
  fc.assert(
    fc.property(fc.anything(), (junk) => {
      const result = evaluate(junk as EvaluationRequest);
      assert.ok(['allowed', 'explicitly-denied', 'implicitly-denied'].includes(result.decision));
    }),
    { numRuns: 200 },
  );
  assert.equal(evaluate(null as unknown as EvaluationRequest).decision, 'implicitly-denied');
});

test('validateKeyPolicy never throws; editors throw only clear Errors', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const parsed = parsePolicy(text);
      const problems = validateKeyPolicy(parsed.document ?? JSON.stringify(text), text);
      assert.ok(problems.every((p) => typeof p.code === 'string' && ['error', 'warning', 'info'].includes(p.severity)));
      try {
        const edited = addKeyUser(text, `arn:aws:iam::${ACCOUNT}:user/fuzz`);
        assert.deepEqual(parsePolicy(edited).errors, [], 'an edit of valid JSON stays valid JSON');
      } catch (error) {
        assert.ok(error instanceof Error && /^Cannot (edit|add)/.test(error.message), String(error));
      }
    }),
    RUNS,
  );
});
