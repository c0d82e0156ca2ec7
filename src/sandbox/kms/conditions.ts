// Condition keys the sandbox supplies with each KMS authorization, direct or through DynamoDB.
import type { ConditionContext } from '../../policy/types';
import type { RequestContext } from '../contracts';
import type { EncryptionContext } from './envelope';

/** Keys every request carries, whoever makes it. */
export function callerConditions(ctx: RequestContext): ConditionContext {
  return {
    'kms:CallerAccount': ctx.caller.accountId,
    'aws:RequestedRegion': ctx.region,
    'aws:SecureTransport': 'false',
  };
}

/** A direct call: the caller's own network address counts. */
export function directConditions(ctx: RequestContext): ConditionContext {
  return { ...callerConditions(ctx), 'aws:SourceIp': ctx.sourceIp, 'aws:ViaAWSService': 'false' };
}

const viaDynamoDbCache = new Map<string, ConditionContext>();

/** A call DynamoDB makes on the caller's behalf (forward access): kms:ViaService and aws:CalledVia. */
export function viaDynamoDbConditions(ctx: RequestContext): ConditionContext {
  const cacheKey = `${ctx.region} ${ctx.caller.accountId}`;
  let conditions = viaDynamoDbCache.get(cacheKey);
  if (!conditions) {
    conditions = Object.freeze({
      ...callerConditions(ctx),
      'kms:ViaService': `dynamodb.${ctx.region}.amazonaws.com`,
      'aws:ViaAWSService': 'true',
      'aws:CalledVia': ['dynamodb.amazonaws.com'],
      'aws:CalledViaFirst': 'dynamodb.amazonaws.com',
      'aws:CalledViaLast': 'dynamodb.amazonaws.com',
    });
    if (viaDynamoDbCache.size > 64) viaDynamoDbCache.clear();
    viaDynamoDbCache.set(cacheKey, conditions);
  }
  return conditions;
}

export function encryptionContextConditions(context: EncryptionContext | undefined): ConditionContext {
  const keys = Object.keys(context ?? {});
  const conditions: ConditionContext = {};
  for (const key of keys) conditions[`kms:EncryptionContext:${key}`] = context![key];
  if (keys.length > 0) conditions['kms:EncryptionContextKeys'] = keys;
  return conditions;
}
