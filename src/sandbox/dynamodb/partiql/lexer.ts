// Tokens of DynamoDB's PartiQL: identifiers ("quoted" or plain), 'strings', numbers, ? parameters and punctuation.
import { malformed } from './errors';

export type Token =
  | { kind: 'word'; text: string; upper: string; at: number }
  | { kind: 'quoted'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'param'; index: number; at: number }
  | { kind: 'punct'; text: string; at: number }
  | { kind: 'end'; at: number };

const PUNCTUATION = ['<<', '>>', '<=', '>=', '<>', '!=', '(', ')', '[', ']', '{', '}', ',', '.', '*', '=', '<', '>', '+', '-', ':', ';'];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let params = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const at = i;
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw malformed(c === "'" ? 'Unterminated string literal' : 'Unterminated quoted identifier');
        if (text[i] === c) {
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push(c === "'" ? { kind: 'string', text: value, at } : { kind: 'quoted', text: value, at });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: match[0], at });
      i += match[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', text: match[0], upper: match[0].toUpperCase(), at });
      i += match[0].length;
      continue;
    }
    if (c === '?') {
      tokens.push({ kind: 'param', index: params++, at });
      i++;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (!punct) throw malformed(`Unexpected character '${c}' at position ${i + 1}`);
    tokens.push({ kind: 'punct', text: punct, at });
    i += punct.length;
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}
