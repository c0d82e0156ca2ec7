// The statements DynamoDB's PartiQL runs, as the parser hands them to the translator.

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
