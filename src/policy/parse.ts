// Parsing policy text strictly as AWS does (no comments, no trailing commas), keeping text ranges for editors.
import type { Node, ParseError as JsoncError } from 'jsonc-parser';
import { jsonc } from './jsonc';
import type { ParsedPolicy, ParseError, PolicyDocument, SourceRange } from './types';

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Unexpected character',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name in double quotes',
  ValueExpected: 'Expected a value',
  ColonExpected: "Expected ':'",
  CommaExpected: "Expected ','",
  CloseBraceExpected: "Expected '}'",
  CloseBracketExpected: "Expected ']'",
  EndOfFileExpected: 'Unexpected text after the end of the policy',
  InvalidCommentToken: 'Comments are not allowed in a policy',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Incomplete number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character in a string',
};

/** Maps offsets to one-based lines and columns. */
export class LineMap {
  private readonly starts: number[] = [0];
  private readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** The range clamped to the text (a parser may report an unterminated token as running past the end). */
  range(from: number, to: number): SourceRange {
    const start = Math.max(0, Math.min(from, this.length));
    const end = Math.max(start, Math.min(to, this.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= start) low = mid;
      else high = mid - 1;
    }
    return { start, end, line: low + 1, column: start - this.starts[low] + 1 };
  }
}

function hasComment(text: string, error: JsoncError): boolean {
  const at = text.slice(error.offset, error.offset + 2);
  return at === '//' || at === '/*';
}

function afterComma(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === ',') return true;
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') return false;
  }
  return false;
}

function messageOf(text: string, error: JsoncError): string {
  if (hasComment(text, error)) return MESSAGES.InvalidCommentToken;
  const code = jsonc().printParseErrorCode(error.error);
  if ((code === 'ValueExpected' || code === 'PropertyNameExpected') && afterComma(text, error.offset)) return 'Trailing commas are not allowed';
  return MESSAGES[code] ?? code;
}

export function parsePolicy(text: string): ParsedPolicy {
  const source = typeof text === 'string' ? text : '';
  const lines = new LineMap(source);
  if (source.trim() === '') return { errors: [{ message: 'The policy is empty', range: lines.range(0, source.length) }], statementRanges: [] };
  const rawErrors: JsoncError[] = [];
  const root = jsonc().parseTree(source, rawErrors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const errors: ParseError[] = [];
  const seen = new Set<number>();
  for (const e of rawErrors) {
    if (seen.has(e.offset)) continue;
    seen.add(e.offset);
    errors.push({ message: messageOf(source, e), range: lines.range(e.offset, e.offset + e.length) });
  }
  if (!root) {
    if (errors.length === 0) errors.push({ message: 'The policy is not valid JSON', range: lines.range(0, source.length) });
    return { errors, statementRanges: [] };
  }
  if (root.type !== 'object') {
    errors.push({ message: 'A policy must be a JSON object', range: lines.range(root.offset, root.offset + root.length) });
  }
  const statementRanges = statementNodes(root).map((n) => lines.range(n.offset, n.offset + n.length));
  if (errors.length > 0) return { errors, statementRanges };
  try {
    // Plain objects, exactly as AWS's JSON reader sees the text.
    return { document: JSON.parse(source) as PolicyDocument, errors, statementRanges };
  } catch (error) {
    return { errors: [{ message: (error as Error).message, range: lines.range(0, 0) }], statementRanges };
  }
}

function statementNodes(root: Node): Node[] {
  if (root.type !== 'object') return [];
  const statement = jsonc().findNodeAtLocation(root, ['Statement']);
  if (!statement) return [];
  if (statement.type === 'array') return statement.children ?? [];
  return [statement];
}

/** Finds the text ranges of JSON paths (e.g. ["Statement", 1, "Action", 0]) in one policy text. */
export function pathRangeFinder(text: string): (path: (string | number)[]) => SourceRange | undefined {
  const root = jsonc().parseTree(text, [], { disallowComments: false, allowTrailingComma: true });
  const lines = new LineMap(text);
  return (path) => {
    if (!root) return undefined;
    const node = path.length === 0 ? root : jsonc().findNodeAtLocation(root, path);
    if (!node) return undefined;
    const target = node.parent?.type === 'property' && typeof path[path.length - 1] === 'string' ? node.parent : node;
    return lines.range(target.offset, target.offset + target.length);
  };
}

/** Text range of one JSON path in policy text, when it exists. */
export function rangeOfPath(text: string, path: (string | number)[]): SourceRange | undefined {
  return pathRangeFinder(text)(path);
}
