// Principals that a lock's policies cannot tell apart are decided once: users (or roles) of the account with the same
// tags and boundary whose policies meet the same statements for the lock's actions on its resource (decidingStatements
// in src/policy), none of which reads them by name (no ${aws:username}, no aws:PrincipalArn condition), and that the
// resource policy does not name (readsCaller). Most principals of an account share a few managed policies; their own
// policies for other things (an S3 home folder, their own credentials) do not keep them apart. Only the verdicts are
// shared: each row's words come from its own evaluation.
import { alikeCaller, decidingStatements, readsCaller } from '../policy';
import { tagSignatureOf, type PrincipalEntry, type SourcedPolicy } from './principals';

/** A lock's request apart from who makes it: its actions (the same array every time) and its resource. */
export interface LockRequest {
  actions: readonly string[];
  resource: string;
  /** The table's resource policy or the key policy. */
  resourcePolicy?: SourcedPolicy;
}

export class AlikePrincipals {
  /** Per action list and resource: each principal's class as its own policies and tags make it (null: decided alone). */
  readonly #own = new Map<readonly string[], Map<string, WeakMap<PrincipalEntry, string | null>>>();

  /** The class of the principal for the lock: principals of one class get one decision. Undefined: decide it alone. */
  classOf(entry: PrincipalEntry, lock: LockRequest): string | undefined {
    const byEntry = this.ownClasses(lock);
    let own = byEntry.get(entry);
    if (own === undefined) byEntry.set(entry, (own = ownClass(entry, lock)));
    if (own === null) return undefined;
    if (lock.resourcePolicy && readsCaller({ policy: lock.resourcePolicy.policy, kind: 'resource' }, entry.arn, entry.userId)) return undefined;
    return own;
  }

  private ownClasses(lock: LockRequest): WeakMap<PrincipalEntry, string | null> {
    let byResource = this.#own.get(lock.actions);
    if (!byResource) this.#own.set(lock.actions, (byResource = new Map()));
    let byEntry = byResource.get(lock.resource);
    if (!byEntry) byResource.set(lock.resource, (byEntry = new WeakMap()));
    return byEntry;
  }
}

/** The statement numbers of decidingStatements as text, once per list (the engine keeps one list per policy and request). */
const texts = new WeakMap<readonly number[], string>();

function textOf(ids: readonly number[]): string {
  let text = texts.get(ids);
  if (text === undefined) texts.set(ids, (text = `${ids.join(',')},`));
  return text;
}

function ownClass(entry: PrincipalEntry, lock: LockRequest): string | null {
  if ((entry.kind !== 'user' && entry.kind !== 'role') || entry.unseen || !alikeCaller(entry.arn)) return null;
  let statements = '';
  for (const p of entry.identity) {
    const ids = decidingStatements(p.policy, lock.actions, lock.resource);
    if (ids === null) return null;
    if (ids.length > 0) statements += textOf(ids);
  }
  // A boundary bounds even when none of its statements meets the request: it then allows nothing.
  let boundary = '-';
  if (entry.boundary) {
    const ids = decidingStatements(entry.boundary.policy, lock.actions, lock.resource);
    if (ids === null) return null;
    boundary = `[${textOf(ids)}]`;
  }
  return `${entry.kind}|${entry.account}|${tagSignatureOf(entry)}|${boundary}|${statements}`;
}
