import * as vscode from 'vscode';
import type { ConnectionTarget, DerivedTarget } from '../aws/types';
import { SANDBOX_ADMIN_NAME } from './targets';

/**
 * An identity KMS Lab holds credentials for besides the AWS profiles, such as the lab's test user.
 * The status bar picker offers it, and the table panel can "read as" it.
 */
export interface ExtraIdentity {
  /** Stable id, e.g. "lab-test-user:kms-lab-test-user" (see testUserIdentityId): never shown to a person. */
  id: string;
  /** The person's name for it, e.g. "kms-lab-test-user". */
  label: string;
  /** e.g. "lab test user · Local sandbox". */
  description: string;
  /** The principal's ARN, when known. */
  arn?: string;
  /** Builds the target; the secret is read from SecretStorage only now. */
  target(): Promise<DerivedTarget>;
}

export type ExtraIdentitySource = (current: ConnectionTarget | undefined) => Promise<ExtraIdentity[]>;

/** Where features offer identities: the lab registers its test user here. */
export class ExtraIdentities implements vscode.Disposable {
  private readonly sources = new Set<ExtraIdentitySource>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  register(source: ExtraIdentitySource): vscode.Disposable {
    this.sources.add(source);
    this.emitter.fire();
    return new vscode.Disposable(() => {
      this.sources.delete(source);
      this.emitter.fire();
    });
  }

  /** Identities usable with the current target (for example the test user created on the same account). */
  async list(current: ConnectionTarget | undefined): Promise<ExtraIdentity[]> {
    const lists = await Promise.all([...this.sources].map((source) => source(current).catch(() => [] as ExtraIdentity[])));
    return lists.flat();
  }

  /** Tell listeners that what list() returns has changed. */
  changed(): void {
    this.emitter.fire();
  }

  dispose(): void {
    this.sources.clear();
    this.emitter.dispose();
  }
}

const TEST_USER_PREFIX = 'lab-test-user:';

/** The id of the lab's test user as an identity: the same after a sandbox reset, so "Read as" still finds it. */
export function testUserIdentityId(userName: string): string {
  return `${TEST_USER_PREFIX}${userName}`;
}

/**
 * A person's name for an identity id, also for one no longer offered (its user deleted, its sandbox reset):
 * "kms-lab-test-user", the profile's name, "Local sandbox (admin)". Never the id itself when it has a name in it.
 */
export function identityDisplayName(id: string): string {
  if (id.startsWith(TEST_USER_PREFIX)) return id.slice(TEST_USER_PREFIX.length);
  // Older ids named the lab's scope too: "lab:sandbox:123456789012:us-east-1:kms-lab-test-user".
  if (id.startsWith('lab:')) return id.split(':').pop() || id;
  if (id.startsWith('profile:')) return id.slice('profile:'.length);
  if (id === 'sandbox') return SANDBOX_ADMIN_NAME;
  if (id === 'environment') return 'Environment credentials';
  return id;
}
