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

  it('security: an attribute named __proto__ is shown like any other', () => {
    // As the panel gets it: parsed from JSON, where "__proto__" is an own property of the item and of a map.
    const item = JSON.parse('{"id":{"S":"a"},"__proto__":{"S":"hidden?"},"m":{"M":{"__proto__":{"N":"1"}}}}');
    assert.deepEqual(Object.keys(item), ['id', '__proto__', 'm']);
    const plain = itemToPlain(item);
    assert.deepEqual(Object.keys(plain), ['id', '__proto__', 'm']);
    assert.equal(Object.getOwnPropertyDescriptor(plain, '__proto__')?.value, 'hidden?');
    assert.equal(itemText(item, 'plain'), '{\n  "id": "a",\n  "__proto__": "hidden?",\n  "m": {\n    "__proto__": 1\n  }\n}');
    assert.equal(cellText(item.m, 'plain'), '{"__proto__":1}');
    assert.equal(({} as { S?: unknown }).S, undefined, 'Object.prototype is untouched');
  });

  it('keeps numbers JavaScript cannot hold exactly as their text', () => {
    assert.deepEqual({ ...itemToPlain({ big: { N: '12345678901234567890123' }, small: { N: '0.1' }, plus: { N: '+5' } }) }, { big: '12345678901234567890123', small: 0.1, plus: 5 });
  });

  it('shows DynamoDB JSON as the AWS CLI prints it', () => {
    assert.equal(cellText({ S: 'x' }, 'dynamodb'), '{"S":"x"}');
    assert.equal(itemText({ id: { S: 'a' }, b: { B: 'AAE=' } }, 'dynamodb'), '{\n  "id": {\n    "S": "a"\n  },\n  "b": {\n    "B": "AAE="\n  }\n}');
  });
});
