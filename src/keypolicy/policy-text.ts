// Key policy text as the editors show it and as the store compares it.
import { parsePolicy, validateKeyPolicy, type PolicyProblem } from '../policy';

/** Two-space JSON with a final newline, as editors show it; text that is not JSON comes back unchanged. */
export function prettyPolicyText(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** True when both texts hold the same JSON (whitespace and key order aside); text that is not JSON compares as text. */
export function samePolicy(a: string, b: string): boolean {
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
  } catch {
    return a.trim() === b.trim();
  }
}

/**
 * Every problem of the text: JSON syntax errors at their real position (code "json-syntax"), then, when it parses,
 * the policy engine's checks. The size limit is left to the caller, which reports it as KMS would.
 */
export function policyProblems(text: string): PolicyProblem[] {
  const parsed = parsePolicy(text);
  if (parsed.errors.length > 0 || !parsed.document) {
    return parsed.errors.map((error) => ({ severity: 'error', code: 'json-syntax', message: error.message, range: error.range }));
  }
  return validateKeyPolicy(parsed.document, text);
}

/** "line 4, column 7: Expected ','", for messages that name where. */
export function describeProblem(problem: PolicyProblem): string {
  return problem.range ? `line ${problem.range.line}, column ${problem.range.column}: ${problem.message}` : problem.message;
}
