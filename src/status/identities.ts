import * as vscode from 'vscode';
import type { ConnectionTarget, DerivedTarget } from '../aws/types';

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

export { identityDisplayName, testUserIdentityId } from '../session/identity-names';
