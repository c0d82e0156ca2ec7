// Principals that a lock's policies cannot tell apart are decided once: users (or roles) of the account with the same
// policy documents in the same order, the same boundary and the same tags, that no policy reads by name (readsCaller
// in src/policy: no ${aws:username}, no aws:PrincipalArn condition, no Principal naming them). Most principals of an
// account share a few managed policies. Only the verdicts are shared: each row's words come from its own evaluation.
import { readsCaller, type PolicyDocument } from '../policy';
import { tagSignatureOf, type PrincipalEntry, type SourcedPolicy } from './principals';

export class AlikePrincipals {
  readonly #documents = new WeakMap<object, number>();
  readonly #texts = new Map<string, number>();
  #count = 0;
  /** Per principal: what its own policies and tags make of its class; null when one of them reads it by name. */
  readonly #own = new WeakMap<PrincipalEntry, string | null>();

  /**
   * The class of the principal for a lock with this resource policy: principals of one class get one decision.
   * Undefined when the principal must be decided alone.
   */
  classOf(entry: PrincipalEntry, resource: SourcedPolicy | undefined): string | undefined {
    let own = this.#own.get(entry);
    if (own === undefined) this.#own.set(entry, (own = this.ownClass(entry)));
    if (own === null) return undefined;
    if (resource && readsCaller({ policy: resource.policy, kind: 'resource' }, entry.arn, entry.userId)) return undefined;
    return own;
  }

  private ownClass(entry: PrincipalEntry): string | null {
    if ((entry.kind !== 'user' && entry.kind !== 'role') || entry.unseen) return null;
    let documents = '';
    for (const p of entry.identity) {
      if (readsCaller({ policy: p.policy, kind: 'identity' }, entry.arn, entry.userId)) return null;
      documents += `${this.idOf(p.policy.document)},`;
    }
    let boundary = '';
    if (entry.boundary) {
      if (readsCaller({ policy: entry.boundary.policy, kind: 'identity' }, entry.arn, entry.userId)) return null;
      boundary = String(this.idOf(entry.boundary.policy.document));
    }
    return `${entry.kind}|${entry.account}|${documents}|${boundary}|${tagSignatureOf(entry)}`;
  }

  /** One number per document: copies of a policy text share a parsed document, hence a number. */
  private idOf(document: PolicyDocument | string): number {
    let id = typeof document === 'string' ? this.#texts.get(document) : this.#documents.get(document);
    if (id === undefined) {
      id = ++this.#count;
      if (typeof document === 'string') this.#texts.set(document, id);
      else this.#documents.set(document, id);
    }
    return id;
  }
}
