// Small pieces of the rows (rows.ts): shared frozen values, the words' helpers, and how a lock's explaining context
// is chosen.
import type { Decision, PolicyOfKind } from '../policy';
import type { PolicySet, Explained } from './evaluation';
import { openingOf, type Opening } from './openings';
import type { PrincipalEntry } from './principals';
import type { RequestSpace } from './request-space';
import type { ActionDecision, LockDecision, LockVerdict } from './types';
import type { Subject } from './words';

/** Shared, frozen values for what thousands of rows have in common. A reader that wants to change one copies it. */
export const NONE = Object.freeze([]) as unknown as never[];
export const NO_ASSIGNMENT = Object.freeze([]) as unknown as number[];
const VERDICT_NUMBER: Record<LockVerdict, number> = { allowed: 0, denied: 1, conditional: 2, unknown: 3 };
const actionLists = new Map<readonly string[], Map<number, ActionDecision[]>>();

/** One frozen list per action list and combination of verdicts. */
export function actionDecisions(actions: readonly string[], verdicts: readonly LockVerdict[]): ActionDecision[] {
  let byVerdicts = actionLists.get(actions);
  if (!byVerdicts) actionLists.set(actions, (byVerdicts = new Map()));
  let key = 0;
  for (const verdict of verdicts) key = key * 4 + VERDICT_NUMBER[verdict];
  let list = byVerdicts.get(key);
  if (!list) {
    list = Object.freeze(actions.map((action, i) => Object.freeze({ action, decision: verdicts[i] }))) as ActionDecision[];
    byVerdicts.set(key, list);
  }
  return list;
}

const sameDecisions = new Map<Decision, readonly Decision[]>();

/** [d, d, d], one frozen list per decision. */
export function threeOf(decision: Decision): readonly Decision[] {
  let list = sameDecisions.get(decision);
  if (!list) sameDecisions.set(decision, (list = Object.freeze([decision, decision, decision])));
  return list;
}

/** The fields of a lock built on first read (see lazy.ts). A closed lock has no way through: no `via` at all. */
const PRESENTATION = ['via', 'deciding', 'reason', 'explanation'] as const;
const CLOSED_PRESENTATION = ['deciding', 'reason', 'explanation'] as const;

export function wordsOf(lock: LockDecision) {
  return lock.decision === 'denied' ? CLOSED_PRESENTATION : PRESENTATION;
}

export function subjectOf(entry: PrincipalEntry): Subject {
  switch (entry.kind) {
    case 'user':
      return { who: entry.name, self: 'this user' };
    case 'role':
      return { who: `role ${entry.name}`, self: 'this role' };
    case 'root':
      return { who: 'the account root user', self: 'the root user' };
    case 'assumed-role':
      return { who: `session ${entry.name}`, self: 'this session' };
    default:
      return { who: entry.arn, self: 'that principal' };
  }
}

/** The context that explains a lock: the first that opens it or, for a closed lock, the first where nothing denies explicitly. */
export function chosenContext(opening: Opening, open: (boolean | undefined)[], implicit: (boolean | undefined)[]): number {
  if (opening.verdict !== 'denied') return Math.max(0, open.indexOf(true));
  const n = implicit.indexOf(true);
  return n >= 0 ? n : Math.max(0, open.findIndex((o) => o !== undefined));
}

/** For a lock closed everywhere: where an explicit deny closes it too, when that is only some requests. */
export function alsoDenied(space: RequestSpace, opening: Opening, explicit: (boolean | undefined)[]): string | undefined {
  if (opening.verdict !== 'denied') return undefined;
  const where = openingOf(space, explicit);
  return where.verdict === 'conditional' ? where.text?.replace(/^only /, '') : undefined;
}

export function openingSentences(explained: Explained): string[] {
  const { opening } = explained;
  const sentences: string[] = [];
  if (opening.verdict === 'conditional' && opening.text) {
    const keys = opening.keys.length > 1 ? `${opening.keys.slice(0, -1).join(', ')} and ${opening.keys[opening.keys.length - 1]}` : opening.keys[0];
    sentences.push(`This opens ${opening.text}: it depends on ${keys}, which each request sets; the evaluation above is of such a request.`);
  }
  if (explained.alsoDeniedWhen) sentences.push(`For requests ${explained.alsoDeniedWhen}, a Deny statement applies as well.`);
  return sentences;
}

export function policiesOf(set: PolicySet): PolicyOfKind[] {
  const policies: PolicyOfKind[] = set.identity.map((p) => ({ policy: p.policy, kind: 'identity' }));
  if (set.boundary) policies.push({ policy: set.boundary.policy, kind: 'identity' });
  if (set.resource) policies.push({ policy: set.resource.policy, kind: 'resource' });
  for (const level of set.scps ?? []) for (const policy of level) policies.push({ policy, kind: 'identity' });
  for (const level of set.rcps ?? []) for (const policy of level) policies.push({ policy, kind: 'resource' });
  return policies;
}

/** A key lock that no policy can open: the key is missing, not enabled, or its policy unknown. */
export function unopened(decision: LockVerdict, reason: string): LockDecision {
  return { lock: 'key', actions: [{ action: 'kms:Decrypt', decision }], deciding: [], grants: [], explanation: [], conditions: [], decision, reason };
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function childOf<V>(parent: Map<string, Map<number, V>>, key: string): Map<number, V> {
  let child = parent.get(key);
  if (!child) parent.set(key, (child = new Map()));
  return child;
}
