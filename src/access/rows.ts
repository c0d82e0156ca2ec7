// The rows of a report. For one principal: the table lock (GetItem, Query, Scan on the table) and the key lock
// (kms:Decrypt as DynamoDB calls it) decided in every request context the policies tell apart, and the read decided per
// context: a read is allowed in a context only if, in that same context, some read action passes the table lock and
// DynamoDB's kms:Decrypt for the caller passes the key lock (aws-behaviour.md, "Who can read a table"). A row is
// conditional only when some context allows the read and another denies it. Words are built when first read.
import type { GrantListEntry } from '@aws-sdk/client-kms';
import { dependentConditions, explain, sameStatementsForActions, type CompiledCondition, type Decision, type EvaluationResult, type NamedPolicy, type PolicyOfKind, type StatementRef } from '../policy';
import type { AlikePrincipals, LockRequest } from './alike';
import { dynamoEncryptionContext, keyContext, tableContext, type KnownContext } from './context';
import { RequestEvaluator, type Explained, type PolicySet } from './evaluation';
import { grantLabel, grantPermits, grantRef } from './grants';
import { defineLazy } from './lazy';
import { openingOf, type Opening } from './openings';
import { tagSignatureOf, type PrincipalEntry, type SourcedPolicy } from './principals';
import { assignmentOf, contextCount, possible, type RequestSpace } from './request-space';
import { RowContexts, type RowSpace } from './row-contexts';
import type { TableFacts } from './table-facts';
import type { AccessRow, ActionDecision, DecidingStatement, LockDecision, LockVerdict, ReadVerdict } from './types';
import { keyReason, tableReason, type Subject } from './words';

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];

const KEY_ACTIONS = ['kms:Decrypt'];

/** Beyond this many request contexts a row is decided in the first ones only, and says so. */
const MAX_CONTEXTS = 4096;

/** Shared, frozen values for what thousands of rows have in common. A reader that wants to change one copies it. */
const NONE = Object.freeze([]) as unknown as never[];
const NO_ASSIGNMENT = Object.freeze([]) as unknown as number[];
const VERDICT_NUMBER: Record<LockVerdict, number> = { allowed: 0, denied: 1, conditional: 2, unknown: 3 };
const actionLists = new Map<readonly string[], Map<number, ActionDecision[]>>();

/** One frozen list per action list and combination of verdicts. */
function actionDecisions(actions: readonly string[], verdicts: readonly LockVerdict[]): ActionDecision[] {
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
function threeOf(decision: Decision): readonly Decision[] {
  let list = sameDecisions.get(decision);
  if (!list) sameDecisions.set(decision, (list = Object.freeze([decision, decision, decision])));
  return list;
}

/** The fields of a lock built on first read (see lazy.ts). A closed lock has no way through: no `via` at all. */
const PRESENTATION = ['via', 'deciding', 'reason', 'explanation'] as const;
const CLOSED_PRESENTATION = ['deciding', 'reason', 'explanation'] as const;

function wordsOf(lock: LockDecision) {
  return lock.decision === 'denied' ? CLOSED_PRESENTATION : PRESENTATION;
}

function subjectOf(entry: PrincipalEntry): Subject {
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

/** What one row was decided in: its space, and per context (undefined where AWS never sends one) the decisions. */
interface Decided {
  rowSpace: RowSpace;
  count: number;
  base: { table: KnownContext; key: KnownContext };
  /** Per context: GetItem, Query and Scan on the table. */
  table: (readonly Decision[] | undefined)[];
  /** Per context: kms:Decrypt by the policies (absent without a key lock to evaluate). */
  key?: (Decision | undefined)[];
  grant?: GrantListEntry;
}

export class ReportBuilder {
  readonly #evaluator: RequestEvaluator;
  readonly #encryptionContext: Record<string, string>;
  /** Principals with the same tags share one base context per lock. */
  readonly #contexts = new Map<string, { table: KnownContext; key: KnownContext }>();
  /** Decisions by class of principals (alike.ts) and context, decided once for all of a class. */
  readonly #tableDecisions = new Map<string, Map<number, readonly Decision[]>>();
  readonly #keyDecisions = new Map<string, Map<number, Decision>>();
  readonly #tableRequest: LockRequest;
  #keyRequest?: LockRequest;
  /** Positions of the key's grants by grantee, so that a row looks only at grants for it. */
  readonly #grantsByGrantee = new Map<string, number[]>();
  /** The key lock as no policy can open it (key missing, not enabled, policy unknown); undefined: evaluate it. */
  readonly #fixedKeyLock?: LockDecision;

  constructor(
    private readonly facts: TableFacts,
    evaluator: RequestEvaluator,
    private readonly rowContexts: RowContexts,
    /** Per principal: whether GetItem, Query and Scan meet the same statements on this table. */
    private readonly sameActions: WeakMap<PrincipalEntry, boolean>,
    private readonly alike: AlikePrincipals,
  ) {
    this.#evaluator = evaluator;
    this.#tableRequest = { actions: TABLE_READ_ACTIONS, resource: facts.tableArn, resourcePolicy: facts.tablePolicy };
    this.#encryptionContext = dynamoEncryptionContext({ tableName: facts.tableName, accountId: facts.snapshot.accountId });
    facts.key?.Grants.forEach((grant, i) => {
      const grantee = grant.GranteePrincipal;
      if (!grantee) return;
      const list = this.#grantsByGrantee.get(grantee);
      if (list) list.push(i);
      else this.#grantsByGrantee.set(grantee, [i]);
    });
    this.#fixedKeyLock = this.fixedKeyLock();
  }

  row(entry: PrincipalEntry, namedIn: string[] | undefined): AccessRow {
    const decided = this.decide(entry);
    const space = decided.rowSpace.space;
    const tableOpen = decided.table.map((d) => d && d.includes('allowed'));
    const table = this.tableLock(entry, decided, tableOpen);
    let key: LockDecision | undefined;
    let read: Opening;
    if (this.facts.encryption === 'aws-owned') read = openingOf(space, tableOpen);
    else if (!decided.key) {
      key = this.#fixedKeyLock && { ...this.#fixedKeyLock, actions: [...this.#fixedKeyLock.actions], deciding: [], grants: [], explanation: [], conditions: [] };
      read = key?.decision === 'denied' || table.decision === 'denied' ? openingOf(space, []) : { verdict: 'conditional', keys: NONE };
    } else {
      const grant = decided.grant;
      const keyOpen = decided.key.map((d) => (d === undefined ? undefined : d === 'allowed' || (!!grant && d === 'implicitly-denied')));
      key = this.keyLock(entry, decided, keyOpen);
      read = openingOf(space, tableOpen.map((t, n) => (t === undefined || keyOpen[n] === undefined ? undefined : t && keyOpen[n])));
    }
    const unknowns = key?.decision === 'unknown' && this.facts.keyPolicyUnknown ? [...entry.unknowns, this.facts.keyPolicyUnknown] : entry.unknowns.length > 0 ? [...entry.unknowns] : NONE;
    let verdict: ReadVerdict = read.verdict;
    // With unseen identity policies only what the other policies allow is known: an allow is not sure.
    if (entry.unseen && verdict === 'allowed') verdict = 'conditional';
    const row: AccessRow = {
      principal: entry.arn,
      kind: entry.kind,
      name: entry.name,
      account: entry.account,
      groups: entry.groups,
      read: verdict,
      table,
      conditions: read.keys.length === 0 ? NONE : [...read.keys],
      unknowns,
    };
    if (read.text) row.opensWhen = read.text;
    if (decided.count < contextCount(space)) row.unknowns = [...row.unknowns, `the policies tell ${contextCount(space)} kinds of request apart; only the first ${decided.count} were evaluated`];
    if (key) row.key = key;
    if (namedIn) row.namedIn = namedIn;
    return row;
  }

  /** The row's decisions in each request context its policies tell apart. */
  private decide(entry: PrincipalEntry): Decided {
    const base = this.contextsFor(entry);
    const tableSet = this.policySet(entry, this.facts.tablePolicy);
    const keySet = this.#fixedKeyLock || this.facts.encryption === 'aws-owned' ? undefined : this.policySet(entry, this.facts.keyPolicy);
    const tableConditions = this.conditionsOf(tableSet, 'table');
    const keyConditions = keySet ? this.conditionsOf(keySet, 'key') : NONE;
    const rowSpace = this.rowContexts.spaceOf(tableConditions, keyConditions);
    const space = rowSpace.space;
    const count = Math.min(contextCount(space), MAX_CONTEXTS);
    const tableKind = this.alike.classOf(entry, this.#tableRequest);
    const keyKind = keySet ? this.alike.classOf(entry, (this.#keyRequest ??= { actions: KEY_ACTIONS, resource: this.facts.keyArn ?? '', resourcePolicy: this.facts.keyPolicy })) : undefined;
    const decided: Decided = { rowSpace, count, base, table: new Array(count).fill(undefined) };
    if (keySet) decided.key = new Array(count).fill(undefined);
    for (let n = 0; n < count; n++) {
      const assignment = space.length === 0 ? NO_ASSIGNMENT : assignmentOf(space, n);
      if (space.length > 0 && !possible(space, assignment)) continue;
      decided.table[n] = this.tableDecisions(entry, tableSet, this.rowContexts.of(base.table, space, assignment, rowSpace.tableKeys), tableKind);
      if (keySet && decided.key) decided.key[n] = this.keyDecision(entry, keySet, this.rowContexts.of(base.key, space, assignment, rowSpace.keyKeys), keyKind);
    }
    if (decided.key?.includes('implicitly-denied')) decided.grant = this.grantFor(entry, this.facts.key?.Grants ?? []);
    return decided;
  }

  private contextsFor(entry: PrincipalEntry): { table: KnownContext; key: KnownContext } {
    const signature = tagSignatureOf(entry);
    let contexts = this.#contexts.get(signature);
    if (!contexts) {
      const facts = {
        region: this.facts.snapshot.region,
        accountId: this.facts.snapshot.accountId,
        tableName: this.facts.tableName,
        principalTags: entry.tags,
        tableTags: this.facts.tableTags,
        keyTags: this.facts.keyTags,
        keyAliases: this.facts.keyAliases,
      };
      contexts = { table: tableContext(facts), key: keyContext(facts) };
      this.#contexts.set(signature, contexts);
    }
    return contexts;
  }

  private policySet(entry: PrincipalEntry, resource: SourcedPolicy | undefined): PolicySet {
    return { identity: entry.identity, boundary: entry.boundary, resource };
  }

  /** The conditions on request-dependent keys in the statements of the set that can meet the lock's request. */
  private conditionsOf(set: PolicySet, lock: 'table' | 'key'): readonly CompiledCondition[] {
    const [actions, resource] = lock === 'table' ? [TABLE_READ_ACTIONS, this.facts.tableArn] : [KEY_ACTIONS, this.facts.keyArn ?? ''];
    let found: CompiledCondition[] | undefined;
    const add = (policy: NamedPolicy, kind: 'identity' | 'resource') => {
      const list = dependentConditions(policy, kind, actions, resource, this.#evaluator.known);
      if (list.length > 0) (found ??= []).push(...list);
    };
    for (const p of set.identity) add(p.policy, 'identity');
    if (set.boundary) add(set.boundary.policy, 'identity');
    if (set.resource) add(set.resource.policy, 'resource');
    return found ?? NONE;
  }

  private tableDecisions(entry: PrincipalEntry, set: PolicySet, context: KnownContext, kind: string | undefined): readonly Decision[] {
    const cache = kind === undefined ? undefined : childOf(this.#tableDecisions, kind);
    const id = cache ? this.rowContexts.idOf(context) : 0;
    const cached = cache?.get(id);
    if (cached) return cached;
    const decide = (action: string) => this.#evaluator.decide(entry.arn, entry.userId, action, this.facts.tableArn, context, set);
    const first = decide(TABLE_READ_ACTIONS[0]);
    let same = this.sameActions.get(entry);
    if (same === undefined) this.sameActions.set(entry, (same = sameStatementsForActions(TABLE_READ_ACTIONS, policiesOf(set))));
    const decisions = same ? threeOf(first) : Object.freeze([first, decide(TABLE_READ_ACTIONS[1]), decide(TABLE_READ_ACTIONS[2])]);
    cache?.set(id, decisions);
    return decisions;
  }

  private keyDecision(entry: PrincipalEntry, set: PolicySet, context: KnownContext, kind: string | undefined): Decision {
    const cache = kind === undefined ? undefined : childOf(this.#keyDecisions, kind);
    const id = cache ? this.rowContexts.idOf(context) : 0;
    const cached = cache?.get(id);
    if (cached) return cached;
    const decision = this.#evaluator.decide(entry.arn, entry.userId, 'kms:Decrypt', this.facts.keyArn ?? '', context, set);
    cache?.set(id, decision);
    return decision;
  }

  /** The context of number n for a lock's keys. */
  private contextAt(decided: Decided, n: number, lock: 'table' | 'key'): KnownContext {
    const { space, tableKeys, keyKeys } = decided.rowSpace;
    const assignment = space.length === 0 ? NO_ASSIGNMENT : assignmentOf(space, n);
    return this.rowContexts.of(decided.base[lock], space, assignment, lock === 'table' ? tableKeys : keyKeys);
  }

  private tableLock(entry: PrincipalEntry, decided: Decided, tableOpen: (boolean | undefined)[]): LockDecision {
    const space = decided.rowSpace.space;
    const opening = openingOf(space, tableOpen);
    const verdicts = TABLE_READ_ACTIONS.map((_, i) => openingOf(space, decided.table.map((d) => d && d[i] === 'allowed')).verdict);
    const lock = {
      lock: 'table',
      decision: opening.verdict,
      actions: actionDecisions(TABLE_READ_ACTIONS, verdicts),
      grants: NONE,
      conditions: opening.keys,
      context: decided.base.table,
    } as unknown as LockDecision;
    if (opening.text) lock.opensWhen = opening.text;
    return defineLazy(lock, wordsOf(lock), () => {
      const subject = subjectOf(entry);
      const set = this.policySet(entry, this.facts.tablePolicy);
      const n = chosenContext(opening, tableOpen, decided.table.map((d) => d && d.includes('implicitly-denied')));
      const decisions = decided.table[n] ?? threeOf('implicitly-denied');
      const best = decisions.indexOf('allowed') >= 0 ? decisions.indexOf('allowed') : Math.max(0, decisions.indexOf('implicitly-denied'));
      const result = this.#evaluator.explained(entry.arn, entry.userId, TABLE_READ_ACTIONS[best], this.facts.tableArn, this.contextAt(decided, n, 'table'), set);
      const explained: Explained = { opening, result, alsoDeniedWhen: alsoDenied(space, opening, decided.table.map((d) => d && d.every((x) => x === 'explicitly-denied'))) };
      const details = result.details;
      return {
        via: lock.decision === 'denied' ? undefined : details?.resourceAllows.length && !details.crossAccount ? 'resource-policy' : entry.kind === 'root' && !details?.identityAllows.length ? 'root' : 'identity',
        deciding: this.decidingOf(result, set),
        reason: tableReason(subject, explained, TABLE_READ_ACTIONS.filter((_, i) => decisions[i] === 'allowed'), TABLE_READ_ACTIONS),
        explanation: [...explain(result, { resourceLabel: `table ${this.facts.tableName}`, principalLabel: subject.who }), ...openingSentences(explained)],
      };
    });
  }

  /** The key lock when no policy can open it, or undefined when it is to be evaluated. */
  private fixedKeyLock(): LockDecision | undefined {
    if (this.facts.encryption === 'aws-owned') return undefined;
    const key = this.facts.key;
    if (!key || !this.facts.keyArn) return unopened('unknown', `the table's key ${this.facts.keyArn ?? ''} is not in the snapshot, so its lock cannot be evaluated`);
    const state = key.KeyMetadata.KeyState ?? 'Enabled';
    if (state !== 'Enabled') {
      const words = state === 'PendingDeletion' ? 'pending deletion' : state === 'Disabled' ? 'disabled' : `in state ${state}`;
      return unopened('denied', `the key is ${words}, so no one can decrypt with it and the table is inaccessible`);
    }
    if (!this.facts.keyPolicy) return unopened('unknown', 'the key policy is not in the snapshot, so the key lock cannot be evaluated');
    return undefined;
  }

  private keyLock(entry: PrincipalEntry, decided: Decided, keyOpen: (boolean | undefined)[]): LockDecision {
    const space = decided.rowSpace.space;
    const policyDecisions = decided.key ?? [];
    const opening = openingOf(space, keyOpen);
    // The grant counts where the policies alone do not open the lock.
    const grantUsed = !!decided.grant && policyDecisions.some((d, n) => d !== 'allowed' && keyOpen[n]);
    const ref = grantUsed && decided.grant ? grantRef(decided.grant) : undefined;
    const lock = {
      lock: 'key',
      decision: opening.verdict,
      actions: actionDecisions(KEY_ACTIONS, [opening.verdict]),
      grants: ref ? [ref] : NONE,
      conditions: opening.keys,
      context: decided.base.key,
    } as unknown as LockDecision;
    if (opening.text) lock.opensWhen = opening.text;
    return defineLazy(lock, wordsOf(lock), () => {
      const subject = subjectOf(entry);
      const set = this.policySet(entry, this.facts.keyPolicy);
      const n = chosenContext(opening, keyOpen, policyDecisions.map((d) => d && d === 'implicitly-denied'));
      const result = this.#evaluator.explained(entry.arn, entry.userId, 'kms:Decrypt', this.facts.keyArn ?? '', this.contextAt(decided, n, 'key'), set);
      const explained: Explained = { opening, result, alsoDeniedWhen: alsoDenied(space, opening, policyDecisions.map((d) => d && d === 'explicitly-denied')) };
      const details = result.details;
      const viaGrant = !!ref && result.decision !== 'allowed';
      return {
        via: lock.decision === 'denied' ? undefined : viaGrant ? 'grant' : details?.resourceAllows.length ? 'key-policy' : entry.kind === 'root' && !details?.identityAllows.length ? 'root' : 'iam-delegation',
        deciding: viaGrant ? [] : this.decidingOf(result, set),
        reason: keyReason(subject, explained, viaGrant ? ref : undefined),
        explanation: [
          ...explain(result, { resourceLabel: this.keyLabel(), principalLabel: subject.who }),
          ...(viaGrant && ref ? [`${capitalise(grantLabel(ref))} gives ${subject.who} Decrypt on this key${ref.constraints ? " when the encryption context is this table's" : ''}, so the key lock opens anyway.`] : []),
          ...openingSentences(explained),
        ],
      };
    });
  }

  /** The first grant (in the key's order) that lets the principal, or its role, decrypt this table's data. */
  private grantFor(entry: PrincipalEntry, grants: GrantListEntry[]): GrantListEntry | undefined {
    const own = this.#grantsByGrantee.get(entry.arn);
    const ofRole = entry.roleArn === undefined ? undefined : this.#grantsByGrantee.get(entry.roleArn);
    const positions = own && ofRole ? [...own, ...ofRole].sort((a, b) => a - b) : (own ?? ofRole);
    if (!positions) return undefined;
    for (const i of positions) if (grantPermits(grants[i], entry.arn, 'Decrypt', this.#encryptionContext, entry.roleArn)) return grants[i];
    return undefined;
  }

  private keyLabel(): string {
    return this.facts.keyAliases[0] ?? this.facts.keyArn ?? 'the key';
  }

  /** The statements the decision rests on, the root-delegation step included. */
  private decidingOf(result: EvaluationResult, set: PolicySet): DecidingStatement[] {
    const d = result.details;
    if (!d) return [];
    let refs: StatementRef[];
    if (result.decision === 'explicitly-denied') refs = d.denies;
    else if (result.decision === 'allowed') {
      const direct = d.resourceAllows.length > 0 && !d.crossAccount;
      refs = direct ? [...d.resourceAllows, ...(d.resourceRoleAllows?.length ? (d.boundaryAllows ?? []) : [])] : [...d.resourceDelegations, ...d.identityAllows, ...(d.boundaryAllows ?? [])];
    } else {
      refs = [...d.resourceDelegations, ...(d.resourceRoleAllows ?? []), ...d.identityAllows, ...d.nearMisses];
    }
    const seen = new Set<string>();
    return refs
      .filter((r) => {
        const id = `${r.kind}|${r.policy}|${r.index}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      })
      .map((r) => this.#evaluator.deciding(r, set));
  }
}

/** The context that explains a lock: the first that opens it or, for a closed lock, the first where nothing denies explicitly. */
function chosenContext(opening: Opening, open: (boolean | undefined)[], implicit: (boolean | undefined)[]): number {
  if (opening.verdict !== 'denied') return Math.max(0, open.indexOf(true));
  const n = implicit.indexOf(true);
  return n >= 0 ? n : Math.max(0, open.findIndex((o) => o !== undefined));
}

/** For a lock closed everywhere: where an explicit deny closes it too, when that is only some requests. */
function alsoDenied(space: RequestSpace, opening: Opening, explicit: (boolean | undefined)[]): string | undefined {
  if (opening.verdict !== 'denied') return undefined;
  const where = openingOf(space, explicit);
  return where.verdict === 'conditional' ? where.text?.replace(/^only /, '') : undefined;
}

function openingSentences(explained: Explained): string[] {
  const { opening } = explained;
  const sentences: string[] = [];
  if (opening.verdict === 'conditional' && opening.text) {
    const keys = opening.keys.join(', ');
    sentences.push(`This opens ${opening.text}: it depends on ${keys}, which each request sets; the evaluation above is of such a request.`);
  }
  if (explained.alsoDeniedWhen) sentences.push(`For requests ${explained.alsoDeniedWhen}, a Deny statement applies as well.`);
  return sentences;
}

function policiesOf(set: PolicySet): PolicyOfKind[] {
  const policies: PolicyOfKind[] = set.identity.map((p) => ({ policy: p.policy, kind: 'identity' }));
  if (set.boundary) policies.push({ policy: set.boundary.policy, kind: 'identity' });
  if (set.resource) policies.push({ policy: set.resource.policy, kind: 'resource' });
  return policies;
}

/** A key lock that no policy can open: the key is missing, not enabled, or its policy unknown. */
function unopened(decision: LockVerdict, reason: string): LockDecision {
  return { lock: 'key', actions: [{ action: 'kms:Decrypt', decision }], deciding: [], grants: [], explanation: [], conditions: [], decision, reason };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function childOf<V>(parent: Map<string, Map<number, V>>, key: string): Map<number, V> {
  let child = parent.get(key);
  if (!child) parent.set(key, (child = new Map()));
  return child;
}
