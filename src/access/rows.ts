// The rows of a report: for one principal, the table lock (GetItem, Query, Scan on the table) and the key lock
// (kms:Decrypt as DynamoDB calls it), each decided now and put into words when first read.
import type { GrantListEntry } from '@aws-sdk/client-kms';
import { explain, sameStatementsForActions, type Decision, type EvaluationResult, type PolicyOfKind, type StatementRef } from '../policy';
import type { AlikePrincipals, LockRequest } from './alike';
import type { ConditionVariants } from './conditional';
import { dynamoEncryptionContext, keyContext, tableContext, type KnownContext } from './context';
import { RequestEvaluator, type Explained, type Outcome, type PolicySet } from './evaluation';
import { grantLabel, grantPermits, grantRef } from './grants';
import { defineLazy } from './lazy';
import { tagSignatureOf, type PrincipalEntry, type SourcedPolicy } from './principals';
import type { TableFacts } from './table-facts';
import type { AccessRow, ActionDecision, DecidingStatement, LockDecision, LockVerdict, ReadVerdict } from './types';
import { keyReason, tableReason, type Subject } from './words';

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];

const KEY_ACTIONS = ['kms:Decrypt'];

/**
 * Shared, frozen values for what thousands of rows have in common (no list, the per-action verdicts), so that a large
 * report holds few objects. They are frozen: a reader that wants to change one makes its own copy.
 */
const NONE = Object.freeze([]) as unknown as never[];
const actionLists = new Map<string, ActionDecision[]>();

function actionDecisions(actions: string[], verdicts: LockVerdict[]): ActionDecision[] {
  const key = `${actions.join(',')}|${verdicts.join(',')}`;
  let list = actionLists.get(key);
  if (!list) {
    list = Object.freeze(actions.map((action, i) => Object.freeze({ action, decision: verdicts[i] }))) as ActionDecision[];
    actionLists.set(key, list);
  }
  return list;
}

const keyActionLists = new Map<LockVerdict, ActionDecision[]>();

function keyActions(decision: LockVerdict): ActionDecision[] {
  let list = keyActionLists.get(decision);
  if (!list) keyActionLists.set(decision, (list = actionDecisions(KEY_ACTIONS, [decision])));
  return list;
}

/** What decides a table lock, shared by the principals of one class (alike.ts). Its lists are frozen. */
interface TableVerdict {
  decision: LockVerdict;
  actions: ActionDecision[];
  conditions: string[];
  /** The action whose evaluation explains the lock. */
  action: string;
  /** The actions decided as the lock is. */
  allowed: string[];
}

/** What decides a key lock apart from grants (which are the principal's own), shared by one class. */
interface KeyVerdict {
  verdict: Outcome['verdict'];
  least: Decision;
  most: Decision;
  conditions: string[];
}

function frozen<T>(list: T[]): T[] {
  return list.length === 0 ? NONE : Object.freeze(list) as T[];
}

/** The fields of a lock built on first read (see lazy.ts). */
const PRESENTATION = ['via', 'deciding', 'reason', 'explanation'] as const;
/** A closed lock has no way through: no `via` at all, rather than an undefined one. */
const CLOSED_PRESENTATION = ['deciding', 'reason', 'explanation'] as const;

function wordsOf(lock: LockDecision) {
  return lock.decision === 'denied' ? CLOSED_PRESENTATION : PRESENTATION;
}

function better(a: LockVerdict, b: LockVerdict): LockVerdict {
  const rank: Record<LockVerdict, number> = { allowed: 3, conditional: 2, unknown: 1, denied: 0 };
  return rank[a] >= rank[b] ? a : b;
}

/** Both locks must open: any denial denies; anything unsure makes the read conditional. */
function combine(table: LockVerdict, key: LockVerdict | undefined): ReadVerdict {
  const verdicts = key ? [table, key] : [table];
  if (verdicts.includes('denied')) return 'denied';
  if (verdicts.includes('conditional') || verdicts.includes('unknown')) return 'conditional';
  return 'allowed';
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

export class ReportBuilder {
  readonly #evaluator: RequestEvaluator;
  /** The encryption context DynamoDB sends for this table's data, for grant constraints. */
  readonly #encryptionContext: Record<string, string>;
  /** Principals with the same tags share one context per lock, so the engine reads each once. */
  readonly #contexts = new Map<string, { table: KnownContext; key: KnownContext }>();
  /** Verdicts by class of principals (alike.ts), decided once for all of a class. */
  readonly #tableVerdicts = new Map<string, TableVerdict>();
  readonly #keyVerdicts = new Map<string, KeyVerdict>();
  /** The locks' requests, for classes of principals. */
  readonly #tableRequest: LockRequest;
  #keyRequest?: LockRequest;
  /** Positions of the key's grants by grantee, so that a row looks only at grants for it. */
  readonly #grantsByGrantee = new Map<string, number[]>();

  constructor(
    private readonly facts: TableFacts,
    variants: ConditionVariants,
    /** Per principal: whether GetItem, Query and Scan meet the same statements on this table (then one evaluation decides them). */
    private readonly sameActions: WeakMap<PrincipalEntry, boolean>,
    private readonly alike: AlikePrincipals,
  ) {
    this.#evaluator = new RequestEvaluator(variants);
    this.#tableRequest = { actions: TABLE_READ_ACTIONS, resource: facts.tableArn, resourcePolicy: facts.tablePolicy };
    this.#encryptionContext = dynamoEncryptionContext({ tableName: facts.tableName, accountId: facts.snapshot.accountId });
    facts.key?.Grants.forEach((grant, i) => {
      const grantee = grant.GranteePrincipal;
      if (!grantee) return;
      const list = this.#grantsByGrantee.get(grantee);
      if (list) list.push(i);
      else this.#grantsByGrantee.set(grantee, [i]);
    });
  }

  row(entry: PrincipalEntry, namedIn: string[] | undefined): AccessRow {
    const contexts = this.contextsFor(entry);
    const table = this.tableLock(entry, contexts.table);
    const key = this.facts.encryption === 'aws-owned' ? undefined : this.keyLock(entry, contexts.key);
    const unknowns = key?.decision === 'unknown' && this.facts.keyPolicyUnknown ? [...entry.unknowns, this.facts.keyPolicyUnknown] : entry.unknowns.length > 0 ? [...entry.unknowns] : NONE;
    let read = combine(table.decision, key?.decision);
    // With unseen identity policies only what the other policies allow is known: an allow is not sure.
    if (entry.unseen && read === 'allowed') read = 'conditional';
    const row: AccessRow = {
      principal: entry.arn,
      kind: entry.kind,
      name: entry.name,
      account: entry.account,
      groups: entry.groups,
      read,
      table,
      conditions: table.conditions.length + (key?.conditions.length ?? 0) === 0 ? NONE : [...new Set([...table.conditions, ...(key?.conditions ?? [])])],
      unknowns,
    };
    if (key) row.key = key;
    if (namedIn) row.namedIn = namedIn;
    return row;
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

  private tableLock(entry: PrincipalEntry, context: KnownContext): LockDecision {
    const kind = this.alike.classOf(entry, this.#tableRequest);
    let verdict = kind === undefined ? undefined : this.#tableVerdicts.get(kind);
    if (!verdict) {
      verdict = this.tableVerdict(entry, context);
      if (kind !== undefined) this.#tableVerdicts.set(kind, verdict);
    }
    const lock = {
      lock: 'table',
      decision: verdict.decision,
      actions: verdict.actions,
      grants: NONE,
      conditions: verdict.conditions,
      context,
    } as unknown as LockDecision;
    return this.lazyTableWords(lock, entry, context, verdict);
  }

  private tableVerdict(entry: PrincipalEntry, context: KnownContext): TableVerdict {
    const set = this.policySet(entry, this.facts.tablePolicy);
    // When GetItem, Query and Scan meet the same statements everywhere, one evaluation decides all three.
    const first = this.decideTable(entry, TABLE_READ_ACTIONS[0], context, set);
    let same = this.sameActions.get(entry);
    if (same === undefined) this.sameActions.set(entry, (same = sameStatementsForActions(TABLE_READ_ACTIONS, policiesOf(set))));
    const outcomes: Outcome[] = [first];
    for (let i = 1; i < TABLE_READ_ACTIONS.length; i++) outcomes.push(same ? first : this.decideTable(entry, TABLE_READ_ACTIONS[i], context, set));
    let decision: LockVerdict = 'denied';
    for (const o of outcomes) decision = better(decision, o.verdict);
    const chosenIndex = Math.max(0, outcomes.findIndex((o) => o.verdict === decision));
    return {
      decision,
      actions: actionDecisions(TABLE_READ_ACTIONS, outcomes.map((o) => o.verdict)),
      conditions: frozen(outcomes[chosenIndex].conditions),
      action: TABLE_READ_ACTIONS[chosenIndex],
      allowed: frozen(TABLE_READ_ACTIONS.filter((_, i) => outcomes[i].verdict === decision)),
    };
  }

  private decideTable(entry: PrincipalEntry, action: string, context: KnownContext, set: PolicySet): Outcome {
    return this.#evaluator.decide(entry.arn, entry.userId, action, this.facts.tableArn, context, set);
  }

  /** The words are built on first read, from the principal's own evaluation done again. */
  private lazyTableWords(lock: LockDecision, entry: PrincipalEntry, context: KnownContext, verdict: TableVerdict): LockDecision {
    return defineLazy(lock, wordsOf(lock), () => {
      const subject = subjectOf(entry);
      const set = this.policySet(entry, this.facts.tablePolicy);
      const chosen = this.#evaluator.explained(entry.arn, entry.userId, verdict.action, this.facts.tableArn, context, set, verdict.decision as Outcome['verdict'], verdict.conditions);
      const result = chosen.result;
      const details = result.details;
      return {
        via: lock.decision === 'denied' ? undefined : details?.resourceAllows.length && !details.crossAccount ? 'resource-policy' : entry.kind === 'root' && !details?.identityAllows.length ? 'root' : 'identity',
        deciding: this.decidingOf(result, set),
        reason: tableReason(subject, chosen, verdict.allowed, TABLE_READ_ACTIONS),
        explanation: [...explain(result, { resourceLabel: `table ${this.facts.tableName}`, principalLabel: subject.who }), ...conditionalSentence(chosen)],
      };
    });
  }

  private keyLock(entry: PrincipalEntry, context: KnownContext): LockDecision {
    const key = this.facts.key;
    if (!key || !this.facts.keyArn) {
      return unopened('unknown', `the table's key ${this.facts.keyArn ?? ''} is not in the snapshot, so its lock cannot be evaluated`);
    }
    const state = key.KeyMetadata.KeyState ?? 'Enabled';
    if (state !== 'Enabled') {
      const words = state === 'PendingDeletion' ? 'pending deletion' : state === 'Disabled' ? 'disabled' : `in state ${state}`;
      return unopened('denied', `the key is ${words}, so no one can decrypt with it and the table is inaccessible`);
    }
    if (!this.facts.keyPolicy) {
      return unopened('unknown', 'the key policy is not in the snapshot, so the key lock cannot be evaluated');
    }
    const keyArn = this.facts.keyArn;
    const kind = this.alike.classOf(entry, (this.#keyRequest ??= { actions: KEY_ACTIONS, resource: keyArn, resourcePolicy: this.facts.keyPolicy }));
    let outcome = kind === undefined ? undefined : this.#keyVerdicts.get(kind);
    if (!outcome) {
      const decided = this.#evaluator.decide(entry.arn, entry.userId, 'kms:Decrypt', keyArn, context, this.policySet(entry, this.facts.keyPolicy));
      outcome = { verdict: decided.verdict, least: decided.least.decision, most: decided.most.decision, conditions: frozen(decided.conditions) };
      if (kind !== undefined) this.#keyVerdicts.set(kind, outcome);
    }
    const grant = outcome.verdict === 'allowed' ? undefined : this.grantFor(entry, key.Grants);
    let decision: LockVerdict = outcome.verdict;
    if (grant) {
      if (outcome.least === 'implicitly-denied') decision = 'allowed';
      else if (outcome.most !== 'explicitly-denied') decision = 'conditional';
    }
    const ref = grant ? grantRef(grant) : undefined;
    const lock = {
      lock: 'key',
      decision,
      actions: keyActions(decision),
      grants: ref && decision !== 'denied' ? [ref] : NONE,
      conditions: outcome.conditions,
      context,
    } as unknown as LockDecision;
    return defineLazy(lock, wordsOf(lock), () => {
      const subject = subjectOf(entry);
      const set = this.policySet(entry, this.facts.keyPolicy);
      const again = this.#evaluator.explained(entry.arn, entry.userId, 'kms:Decrypt', keyArn, context, set, outcome.verdict, outcome.conditions);
      const result = again.result;
      const details = result.details;
      const viaGrant = !!ref && result.decision !== 'allowed';
      return {
        via:
          decision === 'denied'
            ? undefined
            : viaGrant
              ? 'grant'
              : details?.resourceAllows.length
                ? 'key-policy'
                : entry.kind === 'root' && !details?.identityAllows.length
                  ? 'root'
                  : 'iam-delegation',
        deciding: viaGrant ? [] : this.decidingOf(result, set),
        reason: keyReason(subject, again, viaGrant ? ref : undefined),
        explanation: [
          ...explain(result, { resourceLabel: this.keyLabel(), principalLabel: subject.who }),
          ...(viaGrant && ref ? [`${capitalise(grantLabel(ref))} gives ${subject.who} Decrypt on this key${ref.constraints ? " when the encryption context is this table's" : ''}, so the key lock opens anyway.`] : []),
          ...conditionalSentence(again),
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

function conditionalSentence(explained: Explained): string[] {
  if (explained.verdict !== 'conditional') return [];
  const keys = explained.conditions.join(', ');
  return [`This depends on ${keys}, which ${explained.conditions.length > 1 ? 'vary' : 'varies'} with each request: the decision above holds only when the statement's condition on ${keys} does.`];
}

