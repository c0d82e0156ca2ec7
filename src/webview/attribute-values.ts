// DynamoDB JSON ({"S": "x"}) and plain JSON ("x") views of items, and the text a cell shows.
import type { AttributeValueJson, ItemJson } from '../panel/items-protocol';

export type Plain = string | number | boolean | null | Plain[] | { [name: string]: Plain };

/** Numbers keep their exact text when JavaScript cannot hold them (DynamoDB numbers have 38 digits). */
function plainNumber(text: string): number | string {
  const value = Number(text);
  return Number.isFinite(value) && String(value) === text.replace(/^\+/, '') ? value : text;
}

export function toPlain(value: AttributeValueJson): Plain {
  if ('S' in value) return value.S;
  if ('N' in value) return plainNumber(value.N);
  if ('B' in value) return value.B;
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('SS' in value) return value.SS;
  if ('NS' in value) return value.NS.map(plainNumber);
  if ('BS' in value) return value.BS;
  if ('M' in value) return itemToPlain(value.M);
  return value.L.map(toPlain);
}

/** A record without a prototype: an attribute named "__proto__" is an attribute like any other, not the record's prototype. */
export function itemToPlain(item: ItemJson): { [name: string]: Plain } {
  const out = Object.create(null) as { [name: string]: Plain };
  for (const [name, value] of Object.entries(item)) out[name] = toPlain(value);
  return out;
}

export type ViewMode = 'plain' | 'dynamodb';

/** What a cell shows: a string as itself in plain mode, anything else as compact JSON. */
export function cellText(value: AttributeValueJson | undefined, mode: ViewMode): string {
  if (value === undefined) return '';
  if (mode === 'dynamodb') return JSON.stringify(value);
  const plain = toPlain(value);
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}

export function itemText(item: ItemJson, mode: ViewMode): string {
  return JSON.stringify(mode === 'dynamodb' ? item : itemToPlain(item), null, 2);
}

export function typeOf(value: AttributeValueJson | undefined): string {
  return value ? Object.keys(value)[0] ?? '' : '';
}
