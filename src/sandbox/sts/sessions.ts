// Temporary credentials issued by AssumeRole, persisted (sts-sessions.json, 0600) so they outlive a restart
// exactly until their expiration.
import type { Caller } from '../contracts';
import { assumedRoleArn, roleArn } from '../iam/arns';
import type { IamDirectory } from '../iam/directory';
import type { NamedPolicy, PolicyDocument } from '../../policy/types';
import type { Tag } from '../iam/model';
import type { CredentialRecord } from '../server/credentials';
import type { JsonStore } from '../storage/json-store';

export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  roleName: string;
  /** The role's unique id when the session began; a role deleted and re-created does not inherit sessions. */
  roleId: string;
  sessionName: string;
  expiration: string;
  /** AssumeRole's inline session policy, as given. */
  policy?: string;
  /** AssumeRole's PolicyArns; their current default versions apply. */
  policyArns?: string[];
  /** AssumeRole's session tags, with those inherited as transitive from the calling session. */
  tags?: Tag[];
  /** Keys of the tags that pass on to sessions this one assumes (role chaining). */
  transitiveTagKeys?: string[];
}

export interface SessionsState {
  schema: 1;
  sessions: Record<string, SessionRecord>;
  /** Role unique id → when (ISO) and in which region a session of it was last issued: RoleLastUsed. */
  roleLastUsed?: Record<string, { date: string; region: string }>;
}

export function emptySessions(): SessionsState {
  return { schema: 1, sessions: {}, roleLastUsed: {} };
}

const NOTHING_ALLOWED: PolicyDocument = { Version: '2012-10-17', Statement: [] };

export class SessionDirectory {
  constructor(
    private readonly store: JsonStore<SessionsState>,
    private readonly directory: IamDirectory,
  ) {}

  /** The stored session of an access key (undefined for a user's key). */
  session(accessKeyId: string): SessionRecord | undefined {
    const sessions = this.store.read().sessions;
    return Object.hasOwn(sessions, accessKeyId) ? sessions[accessKeyId] : undefined;
  }

  resolve(accessKeyId: string): CredentialRecord | undefined {
    const session = this.store.read().sessions[accessKeyId];
    if (!session) return undefined;
    const role = this.directory.role(session.roleName);
    if (!role || role.id !== session.roleId) return undefined;
    return {
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: new Date(session.expiration),
      active: true,
      caller: { ...sessionCaller(this.directory.accountId, session, role.path), sessionPolicies: this.sessionPolicies(session), sessionTags: session.tags },
    };
  }

  /** The session's policies: the inline one first, then each ARN's current default version (a deleted one allows nothing). */
  private sessionPolicies(session: SessionRecord): NamedPolicy[] | undefined {
    if (session.policy === undefined && !session.policyArns?.length) return undefined;
    const policies: NamedPolicy[] = [];
    if (session.policy !== undefined) policies.push({ name: 'session policy', document: this.directory.document(session.policy) });
    for (const arn of session.policyArns ?? []) {
      const managed = this.directory.managedPolicyByArn(arn);
      policies.push({ name: managed ? `session policy ${managed.name}` : `session policy ${arn}`, document: managed?.document ?? NOTHING_ALLOWED });
    }
    return policies;
  }

  /** Stores a new session, dropping those that have expired, and marks its role as used now in this region. */
  add(session: SessionRecord, now: Date, region: string): Promise<void> {
    return this.store.update((state) => {
      for (const [id, existing] of Object.entries(state.sessions)) {
        if (new Date(existing.expiration).getTime() <= now.getTime()) delete state.sessions[id];
      }
      state.sessions[session.accessKeyId] = session;
      (state.roleLastUsed ??= {})[session.roleId] = { date: now.toISOString(), region };
    });
  }

  roleLastUsed(roleId: string): { date: Date; region: string } | undefined {
    const used = this.store.read().roleLastUsed?.[roleId];
    return used && { date: new Date(used.date), region: used.region };
  }
}

export function sessionCaller(accountId: string, session: SessionRecord, rolePath: string): Caller {
  return {
    arn: assumedRoleArn(accountId, session.roleName, session.sessionName),
    accountId,
    userId: `${session.roleId}:${session.sessionName}`,
    kind: 'assumed-role',
    name: session.roleName,
    roleArn: roleArn(accountId, rolePath, session.roleName),
    sessionName: session.sessionName,
    accessKeyId: session.accessKeyId,
  };
}
