// The request contexts of rows, made once and shared: the space of a list of request-dependent conditions (rows
// whose policies carry the same conditions share it), and each request context as one frozen object, so that the
// policy engine reads it once and principals alike in every other way share its decisions (see alike.ts).
import type { CompiledCondition, VariableLookup } from '../policy';
import type { KnownContext } from './context';
import { requestSpaceOf, type RequestSpace } from './request-space';

/** A row's space, and which of its keys each lock's conditions test (positions in the space). */
export interface RowSpace {
  space: RequestSpace;
  tableKeys: number[];
  keyKeys: number[];
}

const EMPTY: RowSpace = Object.freeze({ space: Object.freeze([]) as RequestSpace, tableKeys: Object.freeze([]) as unknown as number[], keyKeys: Object.freeze([]) as unknown as number[] });

export class RowContexts {
  /** Conditions with the same operator, key and values (in any policy) get one number. */
  readonly #conditionIds = new WeakMap<CompiledCondition, number>();
  readonly #idsByContent = new Map<string, number>();
  readonly #spaces = new Map<string, RowSpace>();
  readonly #assigned = new WeakMap<KnownContext, Map<string, KnownContext>>();
  readonly #contextIds = new WeakMap<object, number>();
  #nextContext = 0;

  /** `caller` resolves policy variables in condition values; a row whose conditions use them gets a space of its own. */
  spaceOf(table: readonly CompiledCondition[], key: readonly CompiledCondition[], caller?: { id: string; variables: () => VariableLookup }): RowSpace {
    if (table.length === 0 && key.length === 0) return EMPTY;
    const own = caller && (table.some((c) => c.usesVariables) || key.some((c) => c.usesVariables));
    const id = `${this.idsOf(table)}|${this.idsOf(key)}${own ? `|${caller.id}` : ''}`;
    let found = this.#spaces.get(id);
    if (!found) {
      const space = requestSpaceOf([...table, ...key], own ? caller.variables() : undefined);
      const positions = (list: readonly CompiledCondition[]) => space.flatMap((k, i) => (list.some((c) => c.keyLower === k.lower) ? [i] : []));
      found = { space, tableKeys: positions(table), keyKeys: positions(key) };
      if (this.#spaces.size > 4096) this.#spaces.clear();
      this.#spaces.set(id, found);
    }
    return found;
  }

  /** The base context with the values of the keys at `positions` taken from the assignment; frozen, one object per set of values. */
  of(base: KnownContext, space: RequestSpace, assignment: readonly number[], positions: readonly number[]): KnownContext {
    if (positions.length === 0) return base;
    let byValues = this.#assigned.get(base);
    if (!byValues) this.#assigned.set(base, (byValues = new Map()));
    let id = '';
    for (const i of positions) id += `${space[i].lower}\u0000${JSON.stringify(space[i].classes[assignment[i]].value) ?? '-'}\u0001`;
    let context = byValues.get(id);
    if (!context) {
      const made: KnownContext = { ...base };
      for (const i of positions) {
        const value = space[i].classes[assignment[i]].value;
        if (value !== undefined) made[space[i].key] = value;
      }
      context = Object.freeze(made);
      if (byValues.size > 4096) byValues.clear();
      byValues.set(id, context);
    }
    return context;
  }

  /** A number for a context object, to key what is decided in it. */
  idOf(context: object): number {
    let id = this.#contextIds.get(context);
    if (id === undefined) this.#contextIds.set(context, (id = ++this.#nextContext));
    return id;
  }

  /** The conditions' numbers, sorted and without repeats: rows whose policies test the same things share a space. */
  private idsOf(list: readonly CompiledCondition[]): string {
    if (list.length === 0) return '';
    const ids: number[] = [];
    for (const condition of list) {
      let id = this.#conditionIds.get(condition);
      if (id === undefined) {
        const content = `${condition.operator}\u0000${condition.keyLower}\u0000${condition.values.join('\u0001')}`;
        id = this.#idsByContent.get(content);
        if (id === undefined) this.#idsByContent.set(content, (id = this.#idsByContent.size + 1));
        this.#conditionIds.set(condition, id);
      }
      if (!ids.includes(id)) ids.push(id);
    }
    return ids.length === 1 ? String(ids[0]) : ids.sort((a, b) => a - b).join(',');
  }
}
