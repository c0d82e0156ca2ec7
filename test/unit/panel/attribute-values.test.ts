// What the grid shows for each DynamoDB attribute type, in plain JSON and as DynamoDB JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellText, itemText, itemToPlain } from '../../../src/webview/attribute-values';

describe('attribute values in the grid', () => {
  it('shows strings as themselves and everything else as compact JSON in plain mode', () => {
    assert.equal(cellText({ S: '<img src=x onerror=alert(1)>' }, 'plain'), '<img src=x onerror=alert(1)>');
    assert.equal(cellText({ N: '42' }, 'plain'), '42');
    assert.equal(cellText({ BOOL: false }, 'plain'), 'false');
    assert.equal(cellText({ NULL: true }, 'plain'), 'null');
    assert.equal(cellText({ SS: ['a', 'b'] }, 'plain'), '["a","b"]');
    assert.equal(cellText({ M: { n: { N: '1.5' }, l: { L: [{ S: 'x' }] } } }, 'plain'), '{"n":1.5,"l":["x"]}');
    assert.equal(cellText(undefined, 'plain'), '');
  });

  it('keeps numbers JavaScript cannot hold exactly as their text', () => {
    assert.deepEqual(itemToPlain({ big: { N: '12345678901234567890123' }, small: { N: '0.1' }, plus: { N: '+5' } }), { big: '12345678901234567890123', small: 0.1, plus: 5 });
  });

  it('shows DynamoDB JSON as the AWS CLI prints it', () => {
    assert.equal(cellText({ S: 'x' }, 'dynamodb'), '{"S":"x"}');
    assert.equal(itemText({ id: { S: 'a' }, b: { B: 'AAE=' } }, 'dynamodb'), '{\n  "id": {\n    "S": "a"\n  },\n  "b": {\n    "B": "AAE="\n  }\n}');
  });
});
