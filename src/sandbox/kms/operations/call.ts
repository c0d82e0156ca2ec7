// What every KMS operation handler receives, and the steps they share.
import type { ConditionContext } from '../../../policy/types';
import type { RequestContext } from '../../contracts';
import type { KmsBackend } from '../backend';
import { directConditions } from '../conditions';
import type { EncryptionContext } from '../envelope';
import { type Input, requiredString } from '../input';
import type { KeyRecord } from '../model';

export interface KmsCall {
  input: Input;
  ctx: RequestContext;
  backend: KmsBackend;
}

export type KmsOperation = (call: KmsCall) => Promise<Record<string, unknown>>;

/**
 * The key named by a member (KeyId by default): a key id or key ARN. Only the operations whose KeyId AWS documents
 * as accepting an alias name or alias ARN (DescribeKey and the cryptographic operations) pass allowAlias.
 */
export function keyFromMember(call: KmsCall, member = 'KeyId', options: { allowAlias?: boolean; createManaged?: boolean } = {}): Promise<KeyRecord> {
  return call.backend.findKey(requiredString(call.input, member, 2048), { allowAlias: options.allowAlias ?? false, createManaged: options.createManaged, now: call.ctx.now });
}

export interface AuthorizeOptions {
  conditions?: ConditionContext;
  encryptionContext?: EncryptionContext;
  grantOperation?: string;
  resource?: string;
}

/** Throws AccessDeniedException unless the caller may perform kms:<operation> on the key (or on "*" without a key). */
export function authorize(call: KmsCall, operation: string, key: KeyRecord | undefined, options: AuthorizeOptions = {}): void {
  call.backend.access.authorize({
    caller: call.ctx.caller,
    operation,
    key,
    resource: options.resource,
    conditions: { ...directConditions(call.ctx), ...options.conditions },
    grantOperation: options.grantOperation,
    encryptionContext: options.encryptionContext,
    grantTokens: grantTokensOf(call.input),
    now: call.ctx.now,
  });
}

export function nowMs(call: KmsCall): number {
  return call.ctx.now.getTime();
}

/** The request's GrantTokens, when it sends any (their shape is checked where the operation reads its input). */
function grantTokensOf(input: Input): string[] | undefined {
  const tokens = (input as Record<string, unknown>)['GrantTokens'];
  return Array.isArray(tokens) ? tokens.filter((token): token is string => typeof token === 'string') : undefined;
}
