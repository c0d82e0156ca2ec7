// STS over awsQuery (2011-06-15): GetCallerIdentity and AssumeRole.
import { AwsError, type RequestContext } from '../contracts';
import { parseIamArn } from '../iam/arns';
import { decide } from '../iam/authorize';
import type { IamDirectory } from '../iam/directory';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from '../iam/ids';
import * as p from '../iam/params';
import { unknownOperation } from '../server/front-errors';
import type { QueryParams, QueryService } from '../server/query-protocol';
import type { XmlObject } from '../server/xml';
import { checkPolicyDocument, policySize } from '../iam/policy-documents';
import type { Tag } from '../iam/model';
import { chainSessionTags, readSessionTags, transitiveTagsOf } from './session-tags';
import { sessionCaller, type SessionDirectory } from './sessions';

interface SessionPolicyInput {
  inline?: string;
  arns: string[];
  /** What the policies take of the packed allowance. */
  characters: number;
}

function requestTagConditions(tags: Tag[]): Record<string, string | string[]> {
  const conditions: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((tag) => tag.Key) };
  for (const tag of tags) conditions[`aws:RequestTag/${tag.Key}`] = tag.Value;
  return conditions;
}

/** The packed size, as the percentage of the allowance AssumeRole reports in PackedPolicySize. */
function packedSize(policy: SessionPolicyInput, tags: Tag[]): number {
  const tagCharacters = tags.reduce((sum, tag) => sum + tag.Key.length + tag.Value.length, 0);
  return Math.ceil(((policy.characters + tagCharacters) / PACKED_POLICY_CHARACTERS) * 100);
}

const stsError = {
  accessDenied: (message: string) => new AwsError('AccessDenied', message, 403),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicyDocument', message, 400),
  packedPolicyTooLarge: (percent: number) => new AwsError('PackedPolicyTooLarge', `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`, 400),
};

export const DEFAULT_SESSION_SECONDS = 3600;
/** Session policies (inline and the ARNs' text) and session tags share one packed allowance. */
export const PACKED_POLICY_CHARACTERS = 2048;
export const MAX_POLICY_ARNS = 10;

/** A role ARN STS can read: a partition, a service and a resource (region and account may be empty). */
const ARN_SYNTAX = /^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/;

export class StsService implements QueryService {
  readonly namespace = 'https://sts.amazonaws.com/doc/2011-06-15/';
  readonly version = '2011-06-15';

  constructor(
    private readonly directory: IamDirectory,
    private readonly sessions: SessionDirectory,
  ) {}

  async handle(action: string, params: QueryParams, ctx: RequestContext): Promise<XmlObject | undefined> {
    if (action === 'GetCallerIdentity') return this.getCallerIdentity(ctx);
    if (action === 'AssumeRole') return this.assumeRole(params, ctx);
    throw unknownOperation('query', action, this.version);
  }

  /** Needs no permission: AWS answers it even under an explicit deny. */
  private getCallerIdentity(ctx: RequestContext): XmlObject {
    return { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn };
  }

  /** AssumeRole's Policy (an identity policy document) and PolicyArns (existing managed policies). */
  private sessionPolicy(params: QueryParams): SessionPolicyInput {
    const inline = params['Policy'];
    if (inline !== undefined) {
      if (inline.length < 1) throw stsError.validation("1 validation error detected: Value '' at 'policy' failed to satisfy constraint: Member must have length greater than or equal to 1");
      try {
        checkPolicyDocument(inline, 'identity');
      } catch (error) {
        throw stsError.malformedPolicy(error instanceof AwsError ? error.message : 'The policy is not in the valid JSON format.');
      }
    }
    const arns = p.memberStructs(params, 'PolicyArns').map((struct) => struct['arn'] ?? '');
    if (arns.length > MAX_POLICY_ARNS) {
      throw stsError.validation(`1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`);
    }
    let arnText = 0;
    for (const arn of arns) {
      if (!/^arn:aws:iam::(\d{12}|aws):policy\/[\u0021-\u007E]+$/.test(arn)) throw stsError.validation(`Invalid policy ARN: ${arn}`);
      const policy = this.directory.managedPolicyByArn(arn);
      if (!policy) throw stsError.malformedPolicy(`Policy ${arn} does not exist or is not attachable.`);
      arnText += arn.length;
    }
    return { inline, arns, characters: (inline === undefined ? 0 : policySize(inline)) + arnText };
  }

  private async assumeRole(params: QueryParams, ctx: RequestContext): Promise<XmlObject> {
    const roleArnParam = p.required(params, 'RoleArn');
    const sessionName = p.required(params, 'RoleSessionName');
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw stsError.validation(
        `1 validation error detected: Value '${sessionName.slice(0, 64)}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    if (!ARN_SYNTAX.test(roleArnParam)) throw stsError.validation(`${roleArnParam} is invalid`);
    const duration = p.integer(params, 'DurationSeconds', 900, 43200) ?? DEFAULT_SESSION_SECONDS;
    const sessionPolicy = this.sessionPolicy(params);
    const requested = readSessionTags(params);
    const chained = chainSessionTags(requested, transitiveTagsOf(this.sessions.session(ctx.caller.accessKeyId)));
    const tags = chained.tags;
    const packedPercent = packedSize(sessionPolicy, tags);
    if (packedPercent > 100) throw stsError.packedPolicyTooLarge(packedPercent);
    const denied = () =>
      stsError.accessDenied(`User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArnParam}`);
    if (ctx.caller.kind === 'root') throw stsError.accessDenied('Roles may not be assumed by root accounts.');

    const parsed = parseIamArn(roleArnParam);
    const role = parsed && parsed.type === 'role' && parsed.accountId === this.directory.accountId ? this.directory.role(parsed.name) : undefined;
    if (!role || role.path !== parsed!.path) throw denied();
    const context: Record<string, string> = { 'sts:RoleSessionName': sessionName };
    if (params['ExternalId'] !== undefined) context['sts:ExternalId'] = params['ExternalId'];
    if (params['SourceIdentity'] !== undefined) context['sts:SourceIdentity'] = params['SourceIdentity'];
    const result = decide(this.directory, ctx, 'sts:AssumeRole', roleArnParam, {
      resourcePolicy: this.directory.document(role.assumeRolePolicyDocument),
      resourcePolicyName: 'trust policy',
      context,
    });
    if (result.decision !== 'allowed') throw denied();
    if (requested.tags.length > 0) {
      // Passing session tags is its own action, which the trust policy must also allow.
      const tagging = decide(this.directory, ctx, 'sts:TagSession', roleArnParam, {
        resourcePolicy: this.directory.document(role.assumeRolePolicyDocument),
        resourcePolicyName: 'trust policy',
        resourcePolicyRequired: true,
        context: { ...context, ...requestTagConditions(requested.tags) },
      });
      if (tagging.decision !== 'allowed') {
        throw stsError.accessDenied(`User: ${ctx.caller.arn} is not authorized to perform: sts:TagSession on resource: ${roleArnParam}`);
      }
    }
    if (duration > role.maxSessionDuration) {
      throw stsError.validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }

    const expiration = new Date(ctx.now.getTime() + duration * 1000);
    const session = {
      accessKeyId: newAccessKeyId('ASIA'),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      roleName: role.name,
      roleId: role.id,
      sessionName,
      expiration: expiration.toISOString(),
      ...(sessionPolicy.inline !== undefined ? { policy: sessionPolicy.inline } : {}),
      ...(sessionPolicy.arns.length > 0 ? { policyArns: sessionPolicy.arns } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      ...(chained.transitiveKeys.length > 0 ? { transitiveTagKeys: chained.transitiveKeys } : {}),
    };
    await this.sessions.add(session, ctx.now, ctx.region);
    const caller = sessionCaller(this.directory.accountId, session, role.path);
    return {
      PackedPolicySize: sessionPolicy.inline !== undefined || sessionPolicy.arns.length > 0 || tags.length > 0 ? packedPercent : undefined,
      SourceIdentity: params['SourceIdentity'],
      AssumedRoleUser: { AssumedRoleId: caller.userId, Arn: caller.arn },
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: expiration,
      },
    };
  }
}
