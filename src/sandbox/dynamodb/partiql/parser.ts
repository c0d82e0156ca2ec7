// A recursive-descent parser for the PartiQL that DynamoDB runs: SELECT, INSERT, UPDATE and DELETE of single tables,
// with ? parameters. What DynamoDB does not run (joins, aggregates, subqueries, GROUP BY, LIMIT, …) is refused with
// its own message rather than half-understood.
import { malformed, unsupported } from './errors';
import { type Token, tokenize } from './lexer';

export type PathStep = { field: string } | { index: number };
export interface Path {
  head: string;
  steps: PathStep[];
}

export type ValueNode =
  | { kind: 'param'; index: number }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'list'; items: ValueNode[] }
  | { kind: 'map'; entries: [string, ValueNode][] }
  | { kind: 'set'; items: ValueNode[] };

export type Operand = { kind: 'path'; path: Path } | { kind: 'value'; value: ValueNode } | { kind: 'size'; path: Path };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand }
  | { kind: 'in'; operand: Operand; values: Operand[] }
  | { kind: 'is'; path: Path; what: 'MISSING' | 'NULL'; negated: boolean }
  | { kind: 'function'; name: 'begins_with' | 'contains' | 'attribute_type' | 'attribute_exists' | 'attribute_not_exists'; args: Operand[] };

export type SetValue =
  | { kind: 'operand'; operand: Operand }
  | { kind: 'arith'; op: '+' | '-'; left: Operand; right: Operand }
  | { kind: 'list_append'; left: Operand; right: Operand }
  | { kind: 'set_add' | 'set_delete'; path: Path; value: Operand };

export type UpdateAction = { kind: 'set'; path: Path; value: SetValue } | { kind: 'remove'; path: Path };

export type Returning = 'ALL_OLD' | 'ALL_NEW' | 'UPDATED_OLD' | 'UPDATED_NEW';

export type Statement =
  | { kind: 'select'; projection: Path[] | '*'; table: string; index?: string; where?: Condition; orderBy?: { path: Path; descending: boolean } }
  | { kind: 'insert'; table: string; item: ValueNode }
  | { kind: 'update'; table: string; actions: UpdateAction[]; where?: Condition; returning?: Returning }
  | { kind: 'delete'; table: string; where?: Condition; returning?: Returning };

export interface ParsedStatement {
  statement: Statement;
  /** How many ? parameters the statement has. */
  parameters: number;
}

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
const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const CONDITION_FUNCTIONS = new Set(['begins_with', 'contains', 'attribute_type', 'attribute_exists', 'attribute_not_exists']);
const COMPARATORS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private describe(token: Token): string {
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

  private isWord(upper: string): boolean {
    const token = this.token;
    return token.kind === 'word' && token.upper === upper;
  }

  private isPunct(text: string): boolean {
    const token = this.token;
    return token.kind === 'punct' && token.text === text;
  }

  private acceptWord(upper: string): boolean {
    if (!this.isWord(upper)) return false;
    this.i++;
    return true;
  }

  private acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.i++;
    return true;
  }

  private expectWord(upper: string): void {
    this.refuseUnsupported();
    if (!this.acceptWord(upper)) throw malformed(`Expected ${upper}, found ${this.describe(this.token)}`);
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) throw malformed(`Expected '${text}', found ${this.describe(this.token)}`);
  }

  private refuseUnsupported(): void {
    const token = this.token;
    if (token.kind === 'word' && Object.hasOwn(UNSUPPORTED_WORDS, token.upper)) throw unsupported(UNSUPPORTED_WORDS[token.upper]!);
  }

  /** A table, index or attribute name: plain or "quoted". */
  private name(what: string): string {
    const token = this.next();
    if (token.kind === 'quoted') return token.text;
    if (token.kind === 'word') return token.text;
    throw malformed(`Expected ${what}, found ${this.describe(token)}`);
  }

  parse(): Statement {
    this.refuseUnsupported();
    const verb = this.token;
    if (verb.kind !== 'word') throw malformed(`Expected data manipulation, found ${this.describe(verb)}`);
    let statement: Statement;
    switch (verb.upper) {
      case 'SELECT':
        this.i++;
        statement = this.select();
        break;
      case 'INSERT':
        this.i++;
        statement = this.insert();
        break;
      case 'UPDATE':
        this.i++;
        statement = this.update();
        break;
      case 'DELETE':
        this.i++;
        statement = this.delete();
        break;
      default:
        throw malformed(`Expected data manipulation, found ${verb.text}`);
    }
    this.acceptPunct(';');
    this.refuseUnsupported();
    if (this.token.kind !== 'end') throw malformed(`Unexpected ${this.describe(this.token)} after the end of the statement`);
    return statement;
  }

  private select(): Statement {
    let projection: Path[] | '*';
    if (this.acceptPunct('*')) projection = '*';
    else {
      projection = [];
      do {
        const token = this.token;
        if (token.kind === 'word' && AGGREGATES.has(token.upper) && this.tokens[this.i + 1]?.kind === 'punct' && (this.tokens[this.i + 1] as { text: string }).text === '(') {
          throw unsupported(`Aggregate function ${token.upper} is not supported`);
        }
        this.refuseUnsupported();
        projection.push(this.path());
      } while (this.acceptPunct(','));
    }
    this.expectWord('FROM');
    if (this.isPunct('(')) throw unsupported('Subqueries are not supported');
    const table = this.name('a table name');
    let index: string | undefined;
    if (this.acceptPunct('.')) index = this.name('an index name');
    if (this.isPunct(',')) throw unsupported('Joins are not supported');
    this.refuseUnsupported();
    const where = this.acceptWord('WHERE') ? this.condition() : undefined;
    let orderBy: { path: Path; descending: boolean } | undefined;
    this.refuseUnsupported();
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      const path = this.path();
      const descending = this.acceptWord('DESC');
      if (!descending) this.acceptWord('ASC');
      if (this.isPunct(',')) throw unsupported('ORDER BY takes one key attribute');
      orderBy = { path, descending };
    }
    return { kind: 'select', projection, table, index, where, orderBy };
  }

  private insert(): Statement {
    this.expectWord('INTO');
    const table = this.name('a table name');
    if (this.isWord('VALUES')) throw unsupported('INSERT takes one item: use VALUE {...}');
    if (this.isWord('SELECT') || this.isPunct('(')) throw unsupported('INSERT from a query is not supported');
    this.expectWord('VALUE');
    const item = this.value();
    if (item.kind !== 'map' && item.kind !== 'param') throw malformed('INSERT expects a tuple {...} after VALUE');
    return { kind: 'insert', table, item };
  }

  private update(): Statement {
    const table = this.name('a table name');
    const actions: UpdateAction[] = [];
    for (;;) {
      if (this.acceptWord('SET')) {
        do actions.push(this.assignment());
        while (this.acceptPunct(','));
      } else if (this.acceptWord('REMOVE')) {
        do actions.push({ kind: 'remove', path: this.path() });
        while (this.acceptPunct(','));
      } else break;
    }
    if (actions.length === 0) throw malformed(`Expected SET or REMOVE, found ${this.describe(this.token)}`);
    this.refuseUnsupported();
    const where = this.acceptWord('WHERE') ? this.condition() : undefined;
    return { kind: 'update', table, actions, where, returning: this.returning(['ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW']) };
  }

  private delete(): Statement {
    this.expectWord('FROM');
    const table = this.name('a table name');
    this.refuseUnsupported();
    const where = this.acceptWord('WHERE') ? this.condition() : undefined;
    return { kind: 'delete', table, where, returning: this.returning(['ALL_OLD']) };
  }

  /** RETURNING ALL OLD * | ALL NEW * | MODIFIED OLD * | MODIFIED NEW * */
  private returning(allowed: Returning[]): Returning | undefined {
    if (!this.acceptWord('RETURNING')) return undefined;
    const scope = this.acceptWord('ALL') ? 'ALL' : this.acceptWord('MODIFIED') ? 'UPDATED' : undefined;
    const age = this.acceptWord('OLD') ? 'OLD' : this.acceptWord('NEW') ? 'NEW' : undefined;
    if (!scope || !age) throw malformed(`Expected ALL OLD, ALL NEW, MODIFIED OLD or MODIFIED NEW after RETURNING`);
    this.expectPunct('*');
    const returning = `${scope}_${age}` as Returning;
    if (!allowed.includes(returning)) throw unsupported(`RETURNING ${scope === 'UPDATED' ? 'MODIFIED' : 'ALL'} ${age} * is not supported here`);
    return returning;
  }

  private assignment(): UpdateAction {
    const path = this.path();
    this.expectPunct('=');
    return { kind: 'set', path, value: this.setValue() };
  }

  private setValue(): SetValue {
    const token = this.token;
    if (token.kind === 'word' && this.tokens[this.i + 1]?.kind === 'punct' && (this.tokens[this.i + 1] as { text: string }).text === '(') {
      const name = token.text.toLowerCase();
      if (name === 'list_append' || name === 'set_add' || name === 'set_delete') {
        this.i += 2;
        const first = this.operand();
        this.expectPunct(',');
        const second = this.operand();
        this.expectPunct(')');
        if (name === 'list_append') return { kind: 'list_append', left: first, right: second };
        if (first.kind !== 'path') throw malformed(`${name} takes an attribute path first`);
        return { kind: name, path: first.path, value: second };
      }
    }
    const left = this.operand();
    if (this.isPunct('+') || this.isPunct('-')) {
      const op = (this.next() as { text: '+' | '-' }).text;
      return { kind: 'arith', op, left, right: this.operand() };
    }
    return { kind: 'operand', operand: left };
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.conjunction() };
    return left;
  }

  private conjunction(): Condition {
    let left = this.negation();
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.negation() };
    return left;
  }

  private negation(): Condition {
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.negation() };
    return this.predicate();
  }

  private predicate(): Condition {
    this.refuseUnsupported();
    if (this.isPunct('(')) {
      if (this.tokens[this.i + 1]?.kind === 'word' && (this.tokens[this.i + 1] as { upper: string }).upper === 'SELECT') throw unsupported('Subqueries are not supported');
      this.i++;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const token = this.token;
    if (token.kind === 'word' && CONDITION_FUNCTIONS.has(token.text.toLowerCase()) && this.tokens[this.i + 1]?.kind === 'punct' && (this.tokens[this.i + 1] as { text: string }).text === '(') {
      this.i += 2;
      const args: Operand[] = [];
      if (!this.isPunct(')')) {
        do args.push(this.operand());
        while (this.acceptPunct(','));
      }
      this.expectPunct(')');
      return { kind: 'function', name: token.text.toLowerCase() as Extract<Condition, { kind: 'function' }>['name'], args };
    }
    const operand = this.operand();
    if (this.acceptWord('BETWEEN')) {
      const low = this.operand();
      this.expectWord('AND');
      return { kind: 'between', operand, low, high: this.operand() };
    }
    if (this.acceptWord('IN')) {
      const close = this.acceptPunct('[') ? ']' : this.acceptPunct('(') ? ')' : undefined;
      if (!close) throw malformed(`Expected a list after IN, found ${this.describe(this.token)}`);
      if (this.isWord('SELECT')) throw unsupported('Subqueries are not supported');
      const values: Operand[] = [];
      do values.push(this.operand());
      while (this.acceptPunct(','));
      this.expectPunct(close);
      return { kind: 'in', operand, values };
    }
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT');
      if (operand.kind !== 'path') throw malformed('IS MISSING and IS NULL apply to attribute paths');
      if (this.acceptWord('MISSING')) return { kind: 'is', path: operand.path, what: 'MISSING', negated };
      if (this.acceptWord('NULL')) return { kind: 'is', path: operand.path, what: 'NULL', negated };
      throw malformed(`Expected MISSING or NULL after IS, found ${this.describe(this.token)}`);
    }
    this.refuseUnsupported();
    const op = this.token;
    if (op.kind !== 'punct' || !COMPARATORS.has(op.text)) throw malformed(`Expected a comparison, found ${this.describe(op)}`);
    this.i++;
    return { kind: 'compare', op: (op.text === '!=' ? '<>' : op.text) as Comparator, left: operand, right: this.operand() };
  }

  private operand(): Operand {
    const token = this.token;
    if (token.kind === 'word' && token.text.toLowerCase() === 'size' && this.tokens[this.i + 1]?.kind === 'punct' && (this.tokens[this.i + 1] as { text: string }).text === '(') {
      this.i += 2;
      const path = this.path();
      this.expectPunct(')');
      return { kind: 'size', path };
    }
    if (token.kind === 'word' && AGGREGATES.has(token.upper) && this.tokens[this.i + 1]?.kind === 'punct' && (this.tokens[this.i + 1] as { text: string }).text === '(') {
      throw unsupported(`Aggregate function ${token.upper} is not supported`);
    }
    if (token.kind === 'quoted' || (token.kind === 'word' && !['TRUE', 'FALSE', 'NULL', 'MISSING'].includes(token.upper))) {
      if (token.kind === 'word' && this.tokens[this.i + 1]?.kind === 'punct' && (this.tokens[this.i + 1] as { text: string }).text === '(') {
        throw unsupported(`Function ${token.text} is not supported`);
      }
      return { kind: 'path', path: this.path() };
    }
    return { kind: 'value', value: this.value() };
  }

  private path(): Path {
    const head = this.name('an attribute name');
    const steps: PathStep[] = [];
    for (;;) {
      if (this.acceptPunct('.')) steps.push({ field: this.name('an attribute name') });
      else if (this.acceptPunct('[')) {
        const token = this.next();
        if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw malformed('A list index must be a whole number');
        steps.push({ index: Number(token.text) });
        this.expectPunct(']');
      } else return { head, steps };
    }
  }

  value(): ValueNode {
    const token = this.next();
    switch (token.kind) {
      case 'param':
        return { kind: 'param', index: token.index };
      case 'string':
        return { kind: 'string', text: token.text };
      case 'number':
        return { kind: 'number', text: token.text };
      case 'word':
        if (token.upper === 'TRUE' || token.upper === 'FALSE') return { kind: 'bool', value: token.upper === 'TRUE' };
        if (token.upper === 'NULL') return { kind: 'null' };
        break;
      case 'punct':
        if (token.text === '-') {
          const number = this.next();
          if (number.kind === 'number') return { kind: 'number', text: `-${number.text}` };
          break;
        }
        if (token.text === '[') return { kind: 'list', items: this.values(']') };
        if (token.text === '<<') return { kind: 'set', items: this.values('>>') };
        if (token.text === '{') {
          const entries: [string, ValueNode][] = [];
          if (!this.acceptPunct('}')) {
            do {
              const key = this.next();
              if (key.kind !== 'string') throw malformed(`Expected a 'quoted' attribute name in a tuple, found ${this.describe(key)}`);
              this.expectPunct(':');
              entries.push([key.text, this.value()]);
            } while (this.acceptPunct(','));
            this.expectPunct('}');
          }
          return { kind: 'map', entries };
        }
        break;
    }
    throw malformed(`Expected a value, found ${this.describe(token)}`);
  }

  private values(close: string): ValueNode[] {
    const items: ValueNode[] = [];
    if (this.acceptPunct(close)) return items;
    do items.push(this.value());
    while (this.acceptPunct(','));
    this.expectPunct(close);
    return items;
  }
}

export function parseStatement(text: string): ParsedStatement {
  const tokens = tokenize(text);
  const statement = new Parser(tokens).parse();
  return { statement, parameters: tokens.filter((token) => token.kind === 'param').length };
}
