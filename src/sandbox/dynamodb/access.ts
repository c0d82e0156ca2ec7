// The two locks on a DynamoDB table: IAM for the dynamodb:* action, and KMS for the key that encrypts its data.
import { accessDeniedMessage, evaluate } from '../../policy';
import type { ConditionContext, EvaluationResult, NamedPolicy } from '../../policy/types';
import type { IdentityDirectory, RequestContext } from '../contracts';
import { globalConditions, principalPolicies, resourceControls } from '../request-conditions';
import type { TableKeyAccess } from '../kms/table-key-access';
import { dynamoError } from './errors';
import { type TablePolicies, tableNameOfArn } from './resource-policies';

export class DynamoAccess {
  constructor(
    private readonly directory: IdentityDirectory,
    private readonly tableKeys: TableKeyAccess,
    private readonly policies: TablePolicies,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  tableArn(tableName: string): string {
    return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${tableName}`;
  }

  indexArn(tableName: string, indexName: string): string {
    return `${this.tableArn(tableName)}/index/${indexName}`;
  }

  /** The resource of account-wide actions such as ListTables. */
  allTablesArn(): string {
    return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/*`;
  }

  /**
   * Throws AccessDeniedException unless dynamodb:<operation> on the resource is allowed: by the caller's identity
   * policies (within their boundary and session policies) or by the resource policy of the table the resource is
   * (or is an index of), with no explicit deny in any of them.
   */
  async authorizeAction(ctx: RequestContext, operation: string, resource: string, conditions: ConditionContext = {}): Promise<void> {
    const policy = await this.policies.policyOf(tableNameOfArn(resource, this.region, this.accountId));
    const result = this.evaluateAction(ctx, operation, resource, conditions, policy);
    if (result.decision !== 'allowed') {
      throw dynamoError.accessDenied(accessDeniedMessage(result) ?? `User: ${ctx.caller.arn} is not authorized to perform: dynamodb:${operation} on resource: ${resource}`);
    }
  }

  evaluateAction(ctx: RequestContext, operation: string, resource: string, conditions: ConditionContext, resourcePolicy: NamedPolicy | undefined): EvaluationResult {
    const facts = this.directory.principalFacts(ctx.caller);
    return evaluate({
      principal: ctx.caller.arn,
      userId: ctx.caller.userId,
      action: `dynamodb:${operation}`,
      resource,
      context: Object.assign(globalConditions(ctx, facts), conditions),
      ...principalPolicies(facts),
      ...resourceControls(facts, ctx.caller.arn, `dynamodb:${operation}`, resource),
      resourcePolicy,
      now: ctx.now,
    });
  }

  /**
   * Every item read and write of a table under a KMS key: DynamoDB calls kms:Decrypt for the caller, through DynamoDB,
   * with the table's encryption context. Re-checked on every request, so a policy change that grants counts at once.
   */
  authorizeData(ctx: RequestContext, tableName: string, keyArn: string | undefined): void {
    if (keyArn === undefined) return;
    const key = this.tableKeys.keyByArn(keyArn, ctx.now);
    if (!key) throw dynamoError.kmsKeyAccessDenied();
    // With AWS's timing, a table key DynamoDB holds for the caller serves the request without asking KMS.
    const now = ctx.now.getTime();
    const cached = this.tableKeys.callerKeys.cachedUntil(ctx.caller.arn, tableName, keyArn, now);
    if (cached !== undefined && (key.state === 'Enabled' || !this.tableKeys.isInaccessible(key, now))) return;
    if (!this.tableKeys.decide(ctx, key, tableName, 'Decrypt').allowed) throw dynamoError.kmsKeyAccessDenied();
    if (key.state !== 'Enabled') throw dynamoError.kmsKeyUnusable(key.arn, key.state);
    this.tableKeys.callerKeys.remember(ctx.caller.arn, tableName, keyArn, now);
  }
}
