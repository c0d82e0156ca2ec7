// Authorization of KMS actions: the key policy plus the caller's identity policies (policy engine), plus grants.
import { accessDeniedMessage, evaluate } from '../../policy';
import type { ConditionContext, PolicyDocument } from '../../policy/types';
import type { Caller, IdentityDirectory } from '../contracts';
import { principalPolicies, resourceControls, withPrincipalTags } from '../request-conditions';
import type { EncryptionContext } from './envelope';
import { kmsError } from './errors';
import { grantPermits } from './grant-match';
import type { GrantRecord, KeyRecord } from './model';

export interface KeyAccessRequest {
  caller: Caller;
  /** KMS operation name, e.g. "Decrypt"; the action is kms:<operation>. */
  operation: string;
  /** The key acted on; absent for identity-only actions (CreateKey, ListKeys, ListAliases). */
  key?: KeyRecord;
  /** Resource ARN when not the key's (e.g. an alias ARN, or "*"). */
  resource?: string;
  conditions: ConditionContext;
  /** Grant operation name when it differs from the operation (ReEncrypt → ReEncryptFrom / ReEncryptTo). */
  grantOperation?: string;
  encryptionContext?: EncryptionContext;
  /** GrantTokens of the request: they make a grant usable before it is known everywhere. */
  grantTokens?: readonly string[];
  now: Date;
}

export type AccessDecision =
  | { allowed: true; by: 'policy' | 'grant' }
  | { allowed: false; explicit: boolean; resource: string; action: string; /** AWS's AccessDeniedException message. */ message: string };

export interface KeyAccessSources {
  directory: IdentityDirectory;
  /** The key policy and grants as the host answering this request sees them. */
  policyOf(key: KeyRecord, request: KeyAccessRequest): PolicyDocument | string;
  grantsOf(key: KeyRecord, request: KeyAccessRequest): GrantRecord[];
}

export class KeyAccess {
  constructor(private readonly sources: KeyAccessSources) {}

  decide(request: KeyAccessRequest): AccessDecision {
    const action = `kms:${request.operation}`;
    const resource = request.resource ?? request.key?.arn ?? '*';
    const facts = this.sources.directory.principalFacts(request.caller);
    const result = evaluate({
      principal: request.caller.arn,
      userId: request.caller.userId,
      action,
      resource,
      context: withPrincipalTags(request.conditions, facts),
      ...principalPolicies(facts),
      ...resourceControls(facts, request.caller.arn, action, resource, { awsManagedKey: request.key?.keyManager === 'AWS' }),
      resourcePolicy: request.key ? this.sources.policyOf(request.key, request) : undefined,
      resourcePolicyRequired: request.key !== undefined,
      now: request.now,
    });
    if (result.decision === 'allowed') return { allowed: true, by: 'policy' };
    if (result.decision === 'implicitly-denied' && request.key && this.grantAllows(request, request.key)) {
      return { allowed: true, by: 'grant' };
    }
    return {
      allowed: false,
      explicit: result.decision === 'explicitly-denied',
      resource,
      action,
      message: accessDeniedMessage(result) ?? `User: ${request.caller.arn} is not authorized to perform: ${action} on resource: ${resource}`,
    };
  }

  /** Throws KMS's AccessDeniedException unless the request is allowed. */
  authorize(request: KeyAccessRequest): void {
    const decision = this.decide(request);
    if (!decision.allowed) throw kmsError.accessDenied(decision.message);
  }

  private grantAllows(request: KeyAccessRequest, key: KeyRecord): boolean {
    const operation = request.grantOperation ?? request.operation;
    return this.sources.grantsOf(key, request).some((grant) => grantPermits(grant, request.caller, operation, request.encryptionContext));
  }
}
