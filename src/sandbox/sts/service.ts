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
import { sessionCaller, type SessionDirectory } from './sessions';

const stsError = {
  accessDenied: (message: string) => new AwsError('AccessDenied', message, 403),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
};

export const DEFAULT_SESSION_SECONDS = 3600;

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

  private async assumeRole(params: QueryParams, ctx: RequestContext): Promise<XmlObject> {
    const roleArnParam = p.required(params, 'RoleArn');
    const sessionName = p.required(params, 'RoleSessionName');
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw stsError.validation(
        `1 validation error detected: Value '${sessionName.slice(0, 64)}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const duration = p.integer(params, 'DurationSeconds', 900, 43200) ?? DEFAULT_SESSION_SECONDS;
    if (params['Policy'] !== undefined || params['PolicyArns.member.1.arn'] !== undefined) {
      throw stsError.validation('Session policies (Policy, PolicyArns) are not supported by the KMS Lab sandbox.');
    }
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
    };
    await this.sessions.add(session, ctx.now, ctx.region);
    const caller = sessionCaller(this.directory.accountId, session, role.path);
    return {
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
