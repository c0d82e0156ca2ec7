// The sandbox's account: IAM and STS state opened from the data folder, and the bootstrap that makes sure
// the account exists with a working `admin` user (AdministratorAccess and an access key).
import path from 'node:path';
import { ADMINISTRATOR_ACCESS_ARN } from './data/managed-policies';
import { IamDirectory } from './iam/directory';
import { newUniqueId } from './iam/ids';
import { emptyIamState, nameKey, type IamState } from './iam/model';
import { createAccessKeyRecord } from './iam/operations/access-keys';
import { IamService } from './iam/service';
import type { CredentialResolver } from './server/credentials';
import { reviveIamState } from './iam/entities';
import { JsonStore } from './storage/json-store';
import { withoutPrototypes } from './storage/null-prototype';
import { emptySessions, SessionDirectory, type SessionsState } from './sts/sessions';
import { StsService } from './sts/service';

export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';
export const ADMIN_USER_NAME = 'admin';

export interface AccountOptions {
  dataDir: string;
  /** When given, must match the account stored in an existing data folder. */
  accountId?: string;
  region?: string;
  log?: (line: string) => void;
}

export interface SandboxAccount {
  accountId: string;
  region: string;
  directory: IamDirectory;
  iam: IamService;
  sts: StsService;
  credentials: CredentialResolver;
  /** The IAM state as stored now. */
  iamState(): IamState;
  admin: { accessKeyId: string; secretAccessKey: string };
  /** Resolves when every IAM and STS write issued so far is on disk. */
  flush(): Promise<void>;
}

export async function openAccount(options: AccountOptions): Promise<SandboxAccount> {
  const [iamStore, sessionStore] = await Promise.all([
    JsonStore.open<IamState>(
      path.join(options.dataDir, 'iam.json'),
      () => emptyIamState(options.accountId ?? DEFAULT_ACCOUNT_ID, options.region ?? DEFAULT_REGION),
      { revive: reviveIamState },
    ),
    JsonStore.open<SessionsState>(path.join(options.dataDir, 'sts-sessions.json'), emptySessions, {
      revive: (state) => withoutPrototypes(state, ['sessions', 'roleLastUsed']),
    }),
  ]);
  const stored = iamStore.read();
  if (options.accountId !== undefined && options.accountId !== stored.accountId) {
    throw new Error(
      `The sandbox data in ${options.dataDir} belongs to account ${stored.accountId}, not ${options.accountId}. Omit the account id or reset the sandbox.`,
    );
  }
  if (options.region !== undefined && options.region !== stored.region) {
    throw new Error(
      `The sandbox data in ${options.dataDir} serves region ${stored.region}, not ${options.region}. Omit the region or reset the sandbox.`,
    );
  }
  const admin = await ensureAdmin(iamStore, options.log);
  const directory = new IamDirectory(() => iamStore.read());
  const sessions = new SessionDirectory(sessionStore, directory);
  return {
    accountId: stored.accountId,
    region: stored.region,
    directory,
    iam: new IamService(iamStore, directory, (roleId) => sessions.roleLastUsed(roleId)),
    sts: new StsService(directory, sessions),
    iamState: () => iamStore.read(),
    credentials: { resolve: (id) => (id.startsWith('ASIA') ? sessions.resolve(id) : directory.resolveAccessKey(id)) },
    admin,
    flush: async () => {
      await Promise.all([iamStore.flush(), sessionStore.flush()]);
    },
  };
}

/**
 * First start creates `admin` with AdministratorAccess and an access key. Later starts reuse that key; if it was
 * deleted or deactivated (or the user removed), a working one is made again so the sandbox stays reachable.
 */
async function ensureAdmin(store: JsonStore<IamState>, log?: (line: string) => void): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const current = usableAdminKey(store.read());
  if (current) return current;
  const created = await store.update((state) => {
    const key = nameKey(ADMIN_USER_NAME);
    if (!state.users[key]) {
      state.users[key] = {
        name: ADMIN_USER_NAME,
        id: newUniqueId('AIDA'),
        path: '/',
        createDate: new Date().toISOString(),
        tags: [],
        groups: [],
        inlinePolicies: {},
        attachedPolicies: [ADMINISTRATOR_ACCESS_ARN],
      };
    }
    // Make room within the two-keys quota by dropping inactive admin keys.
    for (const [id, record] of Object.entries(state.accessKeys)) {
      if (record.userKey === key && record.status !== 'Active') delete state.accessKeys[id];
    }
    const record = createAccessKeyRecord(ADMIN_USER_NAME);
    state.accessKeys[record.accessKeyId] = record;
    state.adminAccessKeyId = record.accessKeyId;
    return { accessKeyId: record.accessKeyId, secretAccessKey: record.secretAccessKey };
  });
  log?.(`account: created access key ${created.accessKeyId} for user ${ADMIN_USER_NAME}`);
  return created;
}

function usableAdminKey(state: IamState): { accessKeyId: string; secretAccessKey: string } | undefined {
  const record = state.adminAccessKeyId ? state.accessKeys[state.adminAccessKeyId] : undefined;
  if (!record || record.status !== 'Active' || !state.users[record.userKey]) return undefined;
  return { accessKeyId: record.accessKeyId, secretAccessKey: record.secretAccessKey };
}
