import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy, rangeOfPath } from '../../../src/policy';

test('a valid policy parses, with one range per statement', () => {
  const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow"},\n    {"Effect": "Deny"}\n  ]\n}';
  const parsed = parsePolicy(text);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.document, { Version: '2012-10-17', Statement: [{ Effect: 'Allow' }, { Effect: 'Deny' }] });
  assert.equal(parsed.statementRanges.length, 2);
  assert.deepEqual(parsed.statementRanges.map((r) => [r.line, r.column]), [[4, 5], [5, 5]]);
  assert.equal(text.slice(parsed.statementRanges[1].start, parsed.statementRanges[1].end), '{"Effect": "Deny"}');
});

test('a single statement object has one range', () => {
  const parsed = parsePolicy('{"Statement": {"Sid": "x"}}');
  assert.equal(parsed.statementRanges.length, 1);
  assert.equal(parsed.statementRanges[0].start, 14);
});

test('comments are errors, with their line and column', () => {
  const parsed = parsePolicy('{\n  // a comment\n  "Version": "2012-10-17"\n}');
  assert.equal(parsed.document, undefined);
  assert.equal(parsed.errors[0].message, 'Comments are not allowed in a policy');
  assert.deepEqual([parsed.errors[0].range.line, parsed.errors[0].range.column], [2, 3]);
});

test('block comments are errors too', () => {
  assert.equal(parsePolicy('{ /* no */ "Version": "2012-10-17" }').errors[0].message, 'Comments are not allowed in a policy');
});

test('trailing commas are errors', () => {
  const parsed = parsePolicy('{\n  "Statement": [\n    {"Effect": "Allow"},\n  ]\n}');
  assert.equal(parsed.document, undefined);
  assert.equal(parsed.errors[0].message, 'Trailing commas are not allowed');
  assert.equal(parsed.errors[0].range.line, 4);
});

test('a missing comma is reported where it is missing', () => {
  const parsed = parsePolicy('{\n  "Version": "2012-10-17"\n  "Statement": []\n}');
  assert.equal(parsed.errors[0].message, "Expected ','");
  assert.deepEqual([parsed.errors[0].range.line, parsed.errors[0].range.column], [3, 3]);
});

test('empty text, non-objects and trailing text are errors', () => {
  assert.equal(parsePolicy('').errors[0].message, 'The policy is empty');
  assert.equal(parsePolicy('   \n').errors[0].message, 'The policy is empty');
  assert.equal(parsePolicy('[1, 2]').errors[0].message, 'A policy must be a JSON object');
  assert.equal(parsePolicy('"text"').errors[0].message, 'A policy must be a JSON object');
  assert.ok(parsePolicy('{} x').errors.length > 0);
  assert.equal(parsePolicy('{"a": }').errors[0].message, 'Expected a value');
});

test('Windows line ends count as one line break', () => {
  const parsed = parsePolicy('{\r\n  "a": 1,\r\n}');
  assert.equal(parsed.errors[0].range.line, 3);
});

test('rangeOfPath finds an element for an editor to underline', () => {
  const text = '{"Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Nope"]}]}';
  const range = rangeOfPath(text, ['Statement', 0, 'Action', 1]);
  assert.ok(range);
  assert.equal(text.slice(range.start, range.end), '"kms:Nope"');
  const property = rangeOfPath(text, ['Statement', 0, 'Effect']);
  assert.equal(property && text.slice(property.start, property.end), '"Effect": "Allow"');
  assert.equal(rangeOfPath(text, ['Statement', 3]), undefined);
});

test('an unterminated comment at the very end keeps its range inside the text (found by fuzzing)', () => {
  const text = '{"a": 1\n/*';
  for (const error of parsePolicy(text).errors) assert.ok(error.range.end <= text.length && error.range.start <= error.range.end);
});

test('a statement cut off by an unterminated comment keeps its range inside the text (found by fuzzing)', () => {
  const text = '{"Statement": [null "Sid": "x"},\n {"Effect": "Allow"/*';
  const parsed = parsePolicy(text);
  assert.ok(parsed.errors.length > 0);
  for (const range of [...parsed.statementRanges, ...parsed.errors.map((e) => e.range)]) assert.ok(range.end <= text.length && range.start <= range.end);
});
