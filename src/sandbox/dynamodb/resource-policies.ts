// Resource-based policies of DynamoDB tables: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy, the
// ResourcePolicy of CreateTable, and the cache the authorization of every table request reads them from.
// A table's policy lives in its table record (written under dynalite's table lock, durable as every record), and
// also governs the table's indexes. Within the account, an allow in the identity policies or in the table's policy
// is enough unless something denies (the policy engine's rule for resources other than KMS keys and role trust).
import type { NamedPolicy, PolicyDocument } from '../../policy/types';
import { AwsError } from '../contracts';
import type { DynamoCall } from './call';
import type { DynaliteEngine, TableRecord } from './engine';
import { RESOURCE_NOT_FOUND, dynamoError } from './errors';
import { SANDBOX_FIELD_PREFIX } from './table-encryption';

export const RESOURCE_POLICY_FIELD = `${SANDBOX_FIELD_PREFIX}ResourcePolicy`;
/** 20 KB, whitespace counted. */
export const MAX_RESOURCE_POLICY_BYTES = 20 * 1024;
export const POLICY_NOT_FOUND = 'com.amazonaws.dynamodb.v20120810#PolicyNotFoundException';
const NO_POLICY = 'NO_POLICY';

export interface StoredResourcePolicy {
  text: string;
  revisionId: string;
}

/** The table named by a table or index ARN of this region and account; undefined for anything else. */
export function tableNameOfArn(arn: string, region: string, accountId: string): string | undefined {
  const prefix = `arn:aws:dynamodb:${region}:${accountId}:table/`;
  if (!arn.startsWith(prefix)) return undefined;
  const rest = arn.slice(prefix.length);
  const slash = rest.indexOf('/');
  const name = slash < 0 ? rest : rest.slice(0, slash);
  return /^[a-zA-Z0-9_.-]{3,255}$/.test(name) ? name : undefined;
}

/** Table name → its policy as the engine reads it (one object per text, so compiled once), or null for none. */
export class TablePolicies {
  private readonly policies = new Map<string, NamedPolicy | null>();
  /** Bumped by forget(), so a load that raced with a change does not store what it read before the change. */
  private generation = 0;

  constructor(private readonly engine: DynaliteEngine) {}

  async policyOf(tableName: string | undefined): Promise<NamedPolicy | undefined> {
    if (tableName === undefined) return undefined;
    let policy = this.policies.get(tableName);
    if (policy === undefined) {
      const started = this.generation;
      const table = await this.engine.getTable(tableName);
      if (!table) return undefined;
      policy = namedPolicy(table);
      if (started === this.generation) this.policies.set(tableName, policy);
    }
    return policy ?? undefined;
  }

  /** The table record changed or went away. */
  forget(tableName: string): void {
    this.generation++;
    this.policies.delete(tableName);
  }
}

function namedPolicy(table: TableRecord): NamedPolicy | null {
  const stored = table[RESOURCE_POLICY_FIELD] as StoredResourcePolicy | undefined;
  if (!stored) return null;
  let document: PolicyDocument | string;
  try {
    document = JSON.parse(stored.text) as PolicyDocument;
  } catch {
    document = stored.text;
  }
  return { name: `resource policy of table ${table.TableName}`, document };
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The checks DynamoDB makes of a policy document before it attaches it; throws ValidationException. */
export function checkResourcePolicyText(text: unknown): string {
  if (typeof text !== 'string' || text.length === 0) {
    throw dynamoError.validation("1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null");
  }
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_RESOURCE_POLICY_BYTES) {
    throw dynamoError.validation(`Resource-based policy document size ${size} bytes exceeds the maximum allowed size of ${MAX_RESOURCE_POLICY_BYTES} bytes (whitespace counts).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw dynamoError.validation('Invalid policy document: the policy is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw dynamoError.validation('Invalid policy document: the policy must be a JSON object.');
  const statements = asList((parsed as PolicyDocument).Statement);
  if (statements.length === 0) throw dynamoError.validation('Invalid policy document: the policy must contain at least one statement.');
  for (const raw of statements) {
    const statement = raw as Record<string, unknown>;
    if (!statement || typeof statement !== 'object' || Array.isArray(statement)) throw dynamoError.validation('Invalid policy document: each statement must be a JSON object.');
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw dynamoError.validation('Invalid policy document: each statement needs an Effect of Allow or Deny.');
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) throw dynamoError.validation('Invalid policy document: a resource-based policy statement must name a Principal.');
    if (statement.Action === undefined && statement.NotAction === undefined) throw dynamoError.validation('Invalid policy document: each statement needs an Action.');
    for (const action of [...asList(statement.Action), ...asList(statement.NotAction)]) {
      if (typeof action !== 'string' || (action !== '*' && !/^dynamodb:[\w*?]+$/i.test(action))) {
        throw dynamoError.validation(`Invalid policy document: ${JSON.stringify(action)} is not a DynamoDB action.`);
      }
    }
  }
  return text;
}

function policyNotFound(message: string): AwsError {
  return new AwsError(POLICY_NOT_FOUND, message);
}

function notFoundFor(arn: string): AwsError {
  return policyNotFound(`Resource-based policy not found for the provided ResourceArn: ${arn}`);
}

/** ResourceArn: a table of this region and account (streams have no API in the sandbox). */
function resourceTable(call: DynamoCall): { arn: string; tableName: string } {
  const arn = call.input.ResourceArn;
  if (typeof arn !== 'string' || arn.length === 0) {
    throw dynamoError.validation("1 validation error detected: Value null at 'resourceArn' failed to satisfy constraint: Member must not be null");
  }
  if (arn.length > 1283) throw dynamoError.validation(`1 validation error detected: Value '${arn.slice(0, 64)}…' at 'resourceArn' failed to satisfy constraint: Member must have length less than or equal to 1283`);
  const tableName = tableNameOfArn(arn, call.ctx.region, call.ctx.accountId);
  if (tableName === undefined || arn !== call.access.tableArn(tableName)) {
    throw dynamoError.validation(`Invalid ResourceArn provided as input ${arn}: the KMS Lab sandbox attaches resource-based policies to tables only.`);
  }
  return { arn, tableName };
}

async function existingTable(call: DynamoCall, tableName: string): Promise<TableRecord> {
  const table = await call.engine.getTable(tableName);
  if (!table) throw new AwsError(RESOURCE_NOT_FOUND, `Requested resource not found: Table: ${tableName} not found`);
  return table;
}

/** A revision id: the time of the change in milliseconds, always above the previous one. */
function nextRevisionId(previous: string | undefined): string {
  const last = previous !== undefined && /^\d+$/.test(previous) ? Number(previous) : 0;
  return String(Math.max(Date.now(), last + 1));
}

function checkExpectedRevision(expected: unknown, current: StoredResourcePolicy | undefined, arn: string): void {
  if (expected === undefined || expected === null) return;
  if (typeof expected !== 'string' || expected.length === 0 || expected.length > 255) {
    throw dynamoError.validation("1 validation error detected: Value at 'expectedRevisionId' failed to satisfy constraint: Member must have length between 1 and 255");
  }
  if (expected === NO_POLICY) {
    if (current) throw policyNotFound(`A resource-based policy already exists for the provided ResourceArn: ${arn}, with revision id ${current.revisionId}; NO_POLICY expects none.`);
    return;
  }
  if (!current) throw notFoundFor(arn);
  if (current.revisionId !== expected) {
    throw policyNotFound(`Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id ${expected}, but the policy associated to target ${arn} has revision id ${current.revisionId}.`);
  }
}

export async function putResourcePolicy(call: DynamoCall): Promise<Record<string, unknown>> {
  const { arn, tableName } = resourceTable(call);
  const text = checkResourcePolicyText(call.input.Policy);
  const confirm = call.input.ConfirmRemoveSelfResourceAccess;
  if (confirm !== undefined && typeof confirm !== 'boolean') throw dynamoError.serialization('Unexpected token received from parser');
  await call.access.authorizeAction(call.ctx, 'PutResourcePolicy', arn);
  const current = (await existingTable(call, tableName))[RESOURCE_POLICY_FIELD] as StoredResourcePolicy | undefined;
  checkExpectedRevision(call.input.ExpectedRevisionId, current, arn);
  if (current?.text === text) return { RevisionId: current.revisionId };
  if (confirm !== true) {
    // A policy that would deny its author any further change needs the author to say so.
    const after = call.access.evaluateAction(call.ctx, 'PutResourcePolicy', arn, {}, { name: 'new resource policy', document: JSON.parse(text) as PolicyDocument });
    if (after.decision === 'explicitly-denied' && after.details?.denies.some((deny) => deny.kind === 'resource')) {
      throw dynamoError.validation(
        'The resource-based policy would remove your permission to change it (an explicit Deny of dynamodb:PutResourcePolicy for you). Set ConfirmRemoveSelfResourceAccess to true to attach it anyway.',
      );
    }
  }
  const stored = await call.engine.updateTable(tableName, (table) => {
    const latest = table[RESOURCE_POLICY_FIELD] as StoredResourcePolicy | undefined;
    checkExpectedRevision(call.input.ExpectedRevisionId, latest, arn);
    table[RESOURCE_POLICY_FIELD] = { text, revisionId: nextRevisionId(latest?.revisionId) } satisfies StoredResourcePolicy;
    return table;
  });
  call.policies.forget(tableName);
  return { RevisionId: (stored[RESOURCE_POLICY_FIELD] as StoredResourcePolicy).revisionId };
}

export async function getResourcePolicy(call: DynamoCall): Promise<Record<string, unknown>> {
  const { arn, tableName } = resourceTable(call);
  await call.access.authorizeAction(call.ctx, 'GetResourcePolicy', arn);
  const current = (await existingTable(call, tableName))[RESOURCE_POLICY_FIELD] as StoredResourcePolicy | undefined;
  if (!current) throw notFoundFor(arn);
  return { Policy: current.text, RevisionId: current.revisionId };
}

export async function deleteResourcePolicy(call: DynamoCall): Promise<Record<string, unknown>> {
  const { arn, tableName } = resourceTable(call);
  await call.access.authorizeAction(call.ctx, 'DeleteResourcePolicy', arn);
  const current = (await existingTable(call, tableName))[RESOURCE_POLICY_FIELD] as StoredResourcePolicy | undefined;
  if (call.input.ExpectedRevisionId === NO_POLICY) throw dynamoError.validation('ExpectedRevisionId NO_POLICY is not valid for DeleteResourcePolicy.');
  checkExpectedRevision(call.input.ExpectedRevisionId, current, arn);
  if (!current) throw notFoundFor(arn);
  await call.engine.updateTable(tableName, (table) => {
    const latest = table[RESOURCE_POLICY_FIELD] as StoredResourcePolicy | undefined;
    if (!latest) throw notFoundFor(arn);
    checkExpectedRevision(call.input.ExpectedRevisionId, latest, arn);
    delete table[RESOURCE_POLICY_FIELD];
    return table;
  });
  call.policies.forget(tableName);
  return { RevisionId: current.revisionId };
}

/** CreateTable's ResourcePolicy: checked, authorized as dynamodb:PutResourcePolicy, and stored with the new record. */
export function resourcePolicyForNewTable(input: unknown): StoredResourcePolicy | undefined {
  if (input === undefined || input === null) return undefined;
  return { text: checkResourcePolicyText(input), revisionId: nextRevisionId(undefined) };
}
