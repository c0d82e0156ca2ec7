// Conditions, operands, attribute paths and literal values: the expressions inside PartiQL statements.
import { malformed, unsupported } from './errors';
import type { Comparator, Condition, Operand, Path, PathStep, ValueNode } from './syntax-tree';
import { AGGREGATES, TokenCursor } from './token-cursor';

const CONDITION_FUNCTIONS = new Set(['begins_with', 'contains', 'attribute_type', 'attribute_exists', 'attribute_not_exists']);
const COMPARATORS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

export class ExpressionParser extends TokenCursor {
  condition(): Condition {
    let left = this.conjunction();
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.conjunction() };
    return left;
  }

  protected conjunction(): Condition {
    let left = this.negation();
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.negation() };
    return left;
  }

  protected negation(): Condition {
    if (this.acceptWord('NOT')) return { kind: 'not', operand: this.negation() };
    return this.predicate();
  }

  protected predicate(): Condition {
    this.refuseUnsupported();
    if (this.isPunct('(')) {
      if (this.tokens[this.i + 1]?.kind === 'word' && (this.tokens[this.i + 1] as { upper: string }).upper === 'SELECT') throw unsupported('Subqueries are not supported');
      this.i++;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const token = this.token;
    if (token.kind === 'word' && CONDITION_FUNCTIONS.has(token.text.toLowerCase()) && this.opensCall()) {
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

  protected operand(): Operand {
    const token = this.token;
    if (token.kind === 'word' && token.text.toLowerCase() === 'size' && this.opensCall()) {
      this.i += 2;
      const path = this.path();
      this.expectPunct(')');
      return { kind: 'size', path };
    }
    if (token.kind === 'word' && AGGREGATES.has(token.upper) && this.opensCall()) {
      throw unsupported(`Aggregate function ${token.upper} is not supported`);
    }
    if (token.kind === 'quoted' || (token.kind === 'word' && !['TRUE', 'FALSE', 'NULL', 'MISSING'].includes(token.upper))) {
      if (token.kind === 'word' && this.opensCall()) {
        throw unsupported(`Function ${token.text} is not supported`);
      }
      return { kind: 'path', path: this.path() };
    }
    return { kind: 'value', value: this.value() };
  }

  protected path(): Path {
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

  protected values(close: string): ValueNode[] {
    const items: ValueNode[] = [];
    if (this.acceptPunct(close)) return items;
    do items.push(this.value());
    while (this.acceptPunct(','));
    this.expectPunct(close);
    return items;
  }
}
