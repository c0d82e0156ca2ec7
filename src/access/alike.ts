// Principals that a lock's policies cannot tell apart are decided once: users (or roles) of the account with the same
// policy documents in the same order, the same boundary and the same tags, that no policy reads by name (readsCaller
// in src/policy: no ${aws:username}, no aws:PrincipalArn condition, no Principal naming them). Most principals of an
// account share a few managed policies. Only the verdicts are shared: each row's words come from its own evaluation.
import { alikeCaller, readsAnyCaller, readsCaller, type NamedPolicy } from '../policy';
import { tagSignatureOf, type PrincipalEntry, type SourcedPolicy } from './principals';

/** A document's number, and whether it reads the caller beyond its kind and account (policy/readsAnyCaller). */
interface Known {
  id: number;
  readsCaller: boolean;
}

export class AlikePrincipals {
  readonly #documents = new WeakMap<object, Known>();
  readonly #texts = new Map<string, Known>();
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
    if ((entry.kind !== 'user' && entry.kind !== 'role') || entry.unseen || !alikeCaller(entry.arn)) return null;
    let documents = '';
    for (const p of entry.identity) {
      const known = this.known(p.policy);
      if (known.readsCaller) return null;
      documents += `${known.id},`;
    }
    let boundary = '';
    if (entry.boundary) {
      const known = this.known(entry.boundary.policy);
      if (known.readsCaller) return null;
      boundary = String(known.id);
    }
    return `${entry.kind}|${entry.account}|${documents}|${boundary}|${tagSignatureOf(entry)}`;
  }

  /** One number per document (copies of a policy text share a parsed document, hence a number). */
  private known(policy: NamedPolicy): Known {
    const document = policy.document;
    let known = typeof document === 'string' ? this.#texts.get(document) : this.#documents.get(document);
    if (!known) {
      known = { id: ++this.#count, readsCaller: readsAnyCaller({ policy, kind: 'identity' }) };
      if (typeof document === 'string') this.#texts.set(document, known);
      else this.#documents.set(document, known);
    }
    return known;
  }
}
