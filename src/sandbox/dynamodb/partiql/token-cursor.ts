// Walks a statement's tokens for the parser: looks ahead, accepts or expects words and punctuation, and refuses what
// DynamoDB does not run with DynamoDB's own message.
import { malformed, unsupported } from './errors';
import type { Token } from './lexer';

const UNSUPPORTED_WORDS: Record<string, string> = {
  JOIN: 'Joins are not supported',
  GROUP: 'GROUP BY is not supported',
  HAVING: 'HAVING is not supported',
  LIMIT: 'LIMIT is not supported in statements; use the Limit parameter of the request',
  OFFSET: 'OFFSET is not supported',
  UNION: 'UNION is not supported',
  INTERSECT: 'INTERSECT is not supported',
  EXCEPT: 'EXCEPT is not supported',
  DISTINCT: 'DISTINCT is not supported',
  EXISTS: 'EXISTS is not supported by the KMS Lab sandbox',
  LIKE: 'LIKE is not supported; use begins_with or contains',
};
export const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);

export class TokenCursor {
  protected i = 0;

  constructor(protected readonly tokens: Token[]) {}

  protected get token(): Token {
    return this.tokens[this.i]!;
  }

  protected next(): Token {
    return this.tokens[this.i++]!;
  }

  protected describe(token: Token): string {
    switch (token.kind) {
      case 'end':
        return 'end of statement';
      case 'param':
        return '?';
      case 'string':
        return `'${token.text}'`;
      case 'quoted':
        return `"${token.text}"`;
      default:
        return token.text;
    }
  }

  protected isWord(upper: string): boolean {
    const token = this.token;
    return token.kind === 'word' && token.upper === upper;
  }

  protected isPunct(text: string): boolean {
    const token = this.token;
    return token.kind === 'punct' && token.text === text;
  }

  protected acceptWord(upper: string): boolean {
    if (!this.isWord(upper)) return false;
    this.i++;
    return true;
  }

  protected acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.i++;
    return true;
  }

  protected expectWord(upper: string): void {
    this.refuseUnsupported();
    if (!this.acceptWord(upper)) throw malformed(`Expected ${upper}, found ${this.describe(this.token)}`);
  }

  protected expectPunct(text: string): void {
    if (!this.acceptPunct(text)) throw malformed(`Expected '${text}', found ${this.describe(this.token)}`);
  }

  protected refuseUnsupported(): void {
    const token = this.token;
    if (token.kind === 'word' && Object.hasOwn(UNSUPPORTED_WORDS, token.upper)) throw unsupported(UNSUPPORTED_WORDS[token.upper]!);
  }

  /** A table, index or attribute name: plain or "quoted". */
  protected name(what: string): string {
    const token = this.next();
    if (token.kind === 'quoted') return token.text;
    if (token.kind === 'word') return token.text;
    throw malformed(`Expected ${what}, found ${this.describe(token)}`);
  }

  /** The current token is a word followed by '(': a function call. */
  protected opensCall(): boolean {
    const following = this.tokens[this.i + 1];
    return this.token.kind === 'word' && following?.kind === 'punct' && following.text === '(';
  }
}
