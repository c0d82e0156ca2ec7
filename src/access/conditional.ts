// Conditions that depend on the request (aws:SourceIp, aws:CurrentTime, ...) are never guessed. Each policy gets two
// variants: one where every such condition goes the principal's way (Allows hold, Denies do not apply) and one where
// every such condition goes against it. AWS's evaluation only gains from an Allow and only loses from a Deny, so when
// both variants decide alike the decision does not depend on the request; when they differ it is conditional.
import type { NamedPolicy, PolicyDocument, PolicyStatement } from '../policy';

/** An action no statement of AWS's can name: a statement given it never applies, and keeps its index. */
const NEVER_ACTION = 'kmslab-never:Applies';

export interface PolicyVariants {
  /** Request-dependent conditions favour the principal. */
  most: NamedPolicy;
  /** Request-dependent conditions go against the principal. */
  least: NamedPolicy;
  /** Statement index → the request-dependent condition keys it uses. */
  keysByIndex: Map<number, string[]>;
}

function dependentKeys(statement: PolicyStatement, known: (key: string) => boolean): string[] {
  const condition = statement.Condition;
  if (!condition || typeof condition !== 'object') return [];
  const keys: string[] = [];
  for (const block of Object.values(condition)) {
    if (!block || typeof block !== 'object') continue;
    for (const key of Object.keys(block)) if (!known(key) && !keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** The statement as if its request-dependent conditions held. */
function assumeHolds(statement: PolicyStatement, keys: string[]): PolicyStatement {
  const condition: Record<string, Record<string, unknown>> = {};
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    const kept = Object.fromEntries(Object.entries(block).filter(([key]) => !keys.includes(key)));
    if (Object.keys(kept).length > 0) condition[operator] = kept;
  }
  const { Condition: _dropped, ...rest } = statement;
  return Object.keys(condition).length > 0 ? { ...rest, Condition: condition } : rest;
}

/** The statement as if its request-dependent conditions failed: it never applies. */
function assumeFails(statement: PolicyStatement): PolicyStatement {
  const { Action: _a, NotAction: _n, ...rest } = statement;
  return { ...rest, Action: NEVER_ACTION };
}

/** A document's two variants; shared by every policy with that document (copies of one inline policy, say). */
interface DocumentVariants {
  most: PolicyDocument;
  least: PolicyDocument;
  keysByIndex: Map<number, string[]>;
}

export class ConditionVariants {
  readonly #cache = new WeakMap<object, PolicyVariants | null>();
  readonly #byDocument = new WeakMap<object, DocumentVariants | null>();

  constructor(private readonly known: (key: string) => boolean) {}

  /** Null when the policy has no request-dependent condition (or is not a parsed document). */
  of(policy: NamedPolicy): PolicyVariants | null {
    let variants = this.#cache.get(policy);
    if (variants === undefined) {
      const document = typeof policy.document === 'object' && policy.document !== null ? this.ofDocument(policy.document) : null;
      variants = document && {
        most: { name: policy.name, document: document.most },
        least: { name: policy.name, document: document.least },
        keysByIndex: document.keysByIndex,
      };
      this.#cache.set(policy, variants);
    }
    return variants;
  }

  private ofDocument(document: PolicyDocument): DocumentVariants | null {
    let variants = this.#byDocument.get(document);
    if (variants === undefined) {
      variants = this.build(document);
      this.#byDocument.set(document, variants);
    }
    return variants;
  }

  private build(document: PolicyDocument): DocumentVariants | null {
    const raw = document.Statement;
    const statements = Array.isArray(raw) ? raw : raw ? [raw] : [];
    const keysByIndex = new Map<number, string[]>();
    statements.forEach((statement, index) => {
      if (!statement || typeof statement !== 'object') return;
      const keys = dependentKeys(statement, this.known);
      if (keys.length > 0) keysByIndex.set(index, keys);
    });
    if (keysByIndex.size === 0) return null;
    const variant = (favour: boolean): PolicyDocument => {
      const changed = statements.map((statement, index) => {
        const keys = keysByIndex.get(index);
        if (!keys) return statement;
        const helps = statement.Effect === 'Allow';
        return helps === favour ? assumeHolds(statement, keys) : assumeFails(statement);
      });
      return { ...document, Statement: changed };
    };
    return { most: variant(true), least: variant(false), keysByIndex };
  }
}
