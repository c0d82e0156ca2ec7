// A recursive-descent parser for the PartiQL that DynamoDB runs: SELECT, INSERT, UPDATE and DELETE of single tables,
// with ? parameters. What DynamoDB does not run (joins, aggregates, subqueries, GROUP BY, LIMIT, …) is refused with
// its own message rather than half-understood.
import { malformed, unsupported } from './errors';
import { ExpressionParser } from './expression-parser';
import { tokenize } from './lexer';
import type { Path, Returning, SetValue, Statement, UpdateAction } from './syntax-tree';
import { AGGREGATES } from './token-cursor';

export interface ParsedStatement {
  statement: Statement;
  /** How many ? parameters the statement has. */
  parameters: number;
}

class StatementParser extends ExpressionParser {
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
        if (token.kind === 'word' && AGGREGATES.has(token.upper) && this.opensCall()) {
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
    if (token.kind === 'word' && this.opensCall()) {
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
}

export function parseStatement(text: string): ParsedStatement {
  const tokens = tokenize(text);
  const statement = new StatementParser(tokens).parse();
  return { statement, parameters: tokens.filter((token) => token.kind === 'param').length };
}
