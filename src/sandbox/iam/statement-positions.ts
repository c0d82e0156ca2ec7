// Where each statement of a policy text starts and ends, as SimulatePrincipalPolicy reports it (StartPosition,
// EndPosition). AWS counts from the text as it was given: a statement on line 1 whose "{" is the 40th character and
// whose "}" is the 112th is reported as columns 41 and 113, so a column is the character's 1-based column plus one.
import { jsonc } from '../../policy/jsonc';

export type Position = { Line: number; Column: number };

export type StatementSpan = { StartPosition: Position; EndPosition: Position };

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { Line: before.split('\n').length, Column: offset - lineStart + 2 };
}

/** One span per statement, in document order; empty when the text is not a policy with statements. */
export function statementSpans(text: string): StatementSpan[] {
  const root = jsonc().parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  const statement = root && jsonc().findNodeAtLocation(root, ['Statement']);
  if (!statement) return [];
  const nodes = statement.type === 'array' ? (statement.children ?? []) : [statement];
  return nodes
    .filter((node) => node.type === 'object')
    .map((node) => ({ StartPosition: positionOf(text, node.offset), EndPosition: positionOf(text, node.offset + node.length - 1) }));
}
