// Runs every table-driven case against the real engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate } from '../../../src/policy';
import { conditionCases } from './cases/conditions.cases';
import { evaluationCases } from './cases/evaluation.cases';
import type { EvaluationCase } from './cases/helpers';
import { kmsCases } from './cases/kms.cases';
import { limitCases } from './cases/limits.cases';

const suites: [string, EvaluationCase[]][] = [
  ['condition operators', conditionCases],
  ['evaluation logic', evaluationCases],
  ['KMS key policies', kmsCases],
  ['permissions boundaries and session policies', limitCases],
];

const all = suites.flatMap(([, cases]) => cases);

test('the case tables hold at least 150 cases, each citing an AWS documentation page', () => {
  assert.ok(all.length >= 150, `only ${all.length} cases`);
  for (const c of all) assert.match(c.source, /^https:\/\/docs\.aws\.amazon\.com\//, c.name);
  const names = new Set(all.map((c) => c.name));
  assert.equal(names.size, all.length, 'case names must be unique');
});

for (const [suite, cases] of suites) {
  describe(suite, () => {
    for (const c of cases) {
      test(c.name, () => {
        const result = evaluate(c.request);
        const why = result.reasons.map((r) => `${r.kind}: ${r.message}`).join('\n');
        assert.equal(result.decision, c.expect, `${c.source}\n${why}`);
        if (c.reason) assert.ok(result.reasons.some((r) => r.kind === c.reason), `expected a '${c.reason}' reason\n${why}`);
      });
    }
  });
}
