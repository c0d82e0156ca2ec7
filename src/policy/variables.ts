// Policy variables: ${aws:username}, ${aws:PrincipalTag/team, 'default'}, and the escapes ${*}, ${?}, ${$}.
// They are substituted only in policies with "Version": "2012-10-17"; older policies read them as plain text.
import type { PatternPiece } from './wildcard';
import { piecesOf } from './wildcard';

export type TemplatePart =
  | { text: string }
  | { char: '*' | '?' | '$' }
  | { variable: string; fallback?: string };

export interface Template {
  source: string;
  parts: TemplatePart[];
  hasVariables: boolean;
}

const VARIABLE = /\$\{([^}]*)\}/g;
const VARIABLE_BODY = /^\s*([A-Za-z0-9_.:/\-]+)\s*(?:,\s*'([^']*)'\s*)?$/;

export function compileTemplate(source: string, variablesEnabled: boolean): Template {
  if (!variablesEnabled || !source.includes('${')) return { source, parts: [{ text: source }], hasVariables: false };
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of source.matchAll(VARIABLE)) {
    const start = match.index ?? 0;
    if (start > last) parts.push({ text: source.slice(last, start) });
    last = start + match[0].length;
    const body = match[1].trim();
    if (body === '*' || body === '?' || body === '$') {
      parts.push({ char: body });
      continue;
    }
    const parsed = VARIABLE_BODY.exec(match[1]);
    if (parsed) parts.push({ variable: parsed[1].toLowerCase(), fallback: parsed[2] });
    else parts.push({ text: match[0] });
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return { source, parts, hasVariables: parts.some((p) => !('text' in p)) };
}

import type { VariableLookup } from './context-types';

/**
 * Thrown when a policy variable has no value and no default. AWS then treats the whole statement as invalid
 * for this request: it neither allows nor denies.
 */
export class UnresolvedVariableError extends Error {
  constructor(readonly variable: string) {
    super(`the policy variable \${${variable}} has no value in this request`);
  }
}

/**
 * Resolves a template into wildcard pieces. Text written in the policy keeps its wildcards;
 * substituted values and escapes are literal.
 */
export function resolveToPieces(template: Template, lookup: VariableLookup): PatternPiece[] {
  const pieces: PatternPiece[] = [];
  for (const part of template.parts) {
    if ('text' in part) pieces.push(...piecesOf(part.text));
    else if ('char' in part) pieces.push({ literal: part.char });
    else {
      const value = lookup(part.variable) ?? part.fallback;
      if (value === undefined) throw new UnresolvedVariableError(part.variable);
      pieces.push({ literal: value });
    }
  }
  return pieces;
}

/** Resolves a template into plain text, for operators without wildcards. */
export function resolveToText(template: Template, lookup: VariableLookup): string {
  if (!template.hasVariables) return template.source;
  let text = '';
  for (const part of template.parts) {
    if ('text' in part) text += part.text;
    else if ('char' in part) text += part.char;
    else {
      const value = lookup(part.variable) ?? part.fallback;
      if (value === undefined) throw new UnresolvedVariableError(part.variable);
      text += value;
    }
  }
  return text;
}

/** A stable cache key for resolved pieces. */
export function piecesKey(pieces: PatternPiece[]): string {
  let key = '';
  for (const p of pieces) key += 'literal' in p ? 'L' + p.literal.length + ':' + p.literal : p.wildcard;
  return key;
}

/** A policy value with its variables resolved, or undefined when one has no value (Version 2012-10-17 rules). */
export function resolvedValue(value: string, lookup: VariableLookup): string | undefined {
  try {
    return resolveToText(compileTemplate(value, true), lookup);
  } catch (error) {
    if (error instanceof UnresolvedVariableError) return undefined;
    throw error;
  }
}
