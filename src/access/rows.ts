// The rows of a report. For one principal: the table lock (GetItem, Query, Scan on the table) and the key lock
// (kms:Decrypt as DynamoDB calls it) decided in every request context the policies tell apart, and the read decided per
// context: a read is allowed in a context only if, in that same context, some read action passes the table lock and
// DynamoDB's kms:Decrypt for the caller passes the key lock (aws-behaviour.md, "Who can read a table"). A row is
// conditional only when some context allows the read and another denies it. Words are built when first read.
import type { GrantListEntry } from '@aws-sdk/client-kms';
import {
  callerVariables, dependentConditions, explain, isServiceLinkedRole, readsCaller, resourceControlsFor, sameStatementsForActions, serviceControlsFor, type CompiledCondition, type Decision, type EvaluationResult, type NamedPolicy,
  type StatementRef,
} from '../policy';
import type { AlikePrincipals, LockRequest } from './alike';
import { dynamoEncryptionContext, keyContext, tableContext, type KnownContext } from './context';
import { RequestEvaluator, type Explained, type PolicySet } from './evaluation';
import { grantLabel, grantPermits, grantRef } from './grants';
import { defineLazy } from './lazy';
import { openingOf, type Opening } from './openings';
import {
  actionDecisions, alsoDenied, capitalise, childOf, chosenContext, NO_ASSIGNMENT, NONE, openingSentences, policiesOf, subjectOf, threeOf, unopened, wordsOf,
} from './row-parts';
import { organizationFacts, type OrganizationFacts } from './organization';
import { tagSignatureOf, type PrincipalEntry } from './principals';
import { assignmentOf, contextCount, possible } from './request-space';
import { RowContexts, type RowSpace } from './row-contexts';
import type { TableFacts } from './table-facts';
import type { AccessRow, DecidingStatement, LockDecision, ReadVerdict } from './types';
import { keyReason, tableReason } from './words';

export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];

const KEY_ACTIONS = ['kms:Decrypt'];

/** Beyond this many request contexts a row is decided in the first ones only, and says so. */
const MAX_CONTEXTS = 1024;

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
  readonly #organization: OrganizationFacts;
  /** Some SCP or RCP reads the caller (aws:PrincipalArn, a policy variable, ...): then every principal is decided alone. */
  readonly #controlsReadCaller: boolean;

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
    this.#organization = organizationFacts(facts.snapshot);
    const view = this.#organization.view;
    const controls = view ? [...view.serviceControlPolicies.flat().map((policy) => ({ policy, kind: 'identity' as const })), ...view.resourceControlPolicies.flat().map((policy) => ({ policy, kind: 'resource' as const }))] : [];
    this.#controlsReadCaller = controls.some((p) => readsCaller(p, `arn:aws:iam::${facts.snapshot.accountId}:user/kmslab-anyone`));
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
    if (this.#organization.view && entry.account !== this.facts.snapshot.accountId) {
      row.unknowns = [...row.unknowns, `whether account ${entry.account} belongs to organization ${this.#organization.view.organizationId} is not known; the row takes it to be outside, and its own SCPs are not seen`];
    }
    if (decided.count < contextCount(space)) row.unknowns = [...row.unknowns, `the policies tell ${contextCount(space)} kinds of request apart; only the first ${decided.count} were evaluated`];
    if (key) row.key = key;
    if (namedIn) row.namedIn = namedIn;
    return row;
  }

  /** The row's decisions in each request context its policies tell apart. */
  private decide(entry: PrincipalEntry): Decided {
    const base = this.contextsFor(entry);
    const tableSet = this.policySet(entry, 'table');
    const keySet = this.#fixedKeyLock || this.facts.encryption === 'aws-owned' ? undefined : this.policySet(entry, 'key');
    const tableConditions = this.conditionsOf(tableSet, 'table');
    const keyConditions = keySet ? this.conditionsOf(keySet, 'key') : NONE;
    const rowSpace = this.rowContexts.spaceOf(tableConditions, keyConditions, { id: entry.arn, variables: () => callerVariables(entry.arn, entry.userId, base.table) });
    const space = rowSpace.space;
    const count = Math.min(contextCount(space), MAX_CONTEXTS);
    // Organization policies that read the caller, or that a service-linked role escapes, keep principals apart.
    const shared = !this.#controlsReadCaller && !(this.#organization.view && isServiceLinkedRole(entry.arn));
    const tableKind = shared ? this.alike.classOf(entry, this.#tableRequest) : undefined;
    const keyKind = keySet && shared ? this.alike.classOf(entry, (this.#keyRequest ??= { actions: KEY_ACTIONS, resource: this.facts.keyArn ?? '', resourcePolicy: this.facts.keyPolicy })) : undefined;
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
    const inAccount = entry.account === this.facts.snapshot.accountId;
    const signature = inAccount ? tagSignatureOf(entry) : `\u0002${tagSignatureOf(entry)}`;
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
        organizationId: this.#organization.view?.organizationId,
        organizationPath: this.#organization.orgPath,
        principalInOrganization: inAccount,
      };
      contexts = { table: tableContext(facts), key: keyContext(facts) };
      this.#contexts.set(signature, contexts);
    }
    return contexts;
  }

  /** The policies that decide the lock for the principal: its own, the resource's, and the organization's. */
  private policySet(entry: PrincipalEntry, lock: 'table' | 'key'): PolicySet {
    const set: PolicySet = { identity: entry.identity, boundary: entry.boundary, resource: lock === 'table' ? this.facts.tablePolicy : this.facts.keyPolicy };
    const view = this.#organization.view;
    if (!view) return set;
    const scps = serviceControlsFor(view, entry.arn);
    const [action, resource] = lock === 'table' ? [TABLE_READ_ACTIONS[0], this.facts.tableArn] : [KEY_ACTIONS[0], this.facts.keyArn ?? ''];
    const rcps = resourceControlsFor(view, entry.arn, action, resource, { awsManagedKey: lock === 'key' && this.facts.encryption === 'aws-managed' });
    if (scps) set.scps = scps;
    if (rcps) set.rcps = rcps;
    return set;
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
    for (const level of set.scps ?? []) for (const p of level) add(p, 'identity');
    for (const level of set.rcps ?? []) for (const p of level) add(p, 'resource');
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
      const set = this.policySet(entry, 'table');
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
      const set = this.policySet(entry, 'key');
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

