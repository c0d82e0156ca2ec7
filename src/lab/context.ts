// Everything a step needs: the admin's session, where it runs, what the lab remembers, and how to ask a person.
import type { AwsSession } from '../aws/session';
import type { CallerIdentity, StaticCredentials } from '../aws/types';
import type { KeyPolicyStore } from '../keypolicy/store';
import type { LabBackend } from './backend';
import type { LabRecord, LabRecords, PredictedRead } from './record';
import type { TestUserSecrets } from './secrets';
import type { LabUi } from './ui';

/** The policy engine's view of whether `principalArn` can read the table's items, from the real policies. */
export type ReadPredictor = (admin: AwsSession, question: { tableName: string; principalArn: string }) => Promise<PredictedRead>;

export interface LabServices {
  records: LabRecords;
  secrets: TestUserSecrets;
  keyPolicies: KeyPolicyStore;
  predict: ReadPredictor;
  ui: LabUi;
  /** A session with the test user's credentials on the admin session's endpoints. */
  sessionAs(userName: string, credentials: StaticCredentials): AwsSession;
}

export class LabContext {
  constructor(
    readonly admin: AwsSession,
    readonly identity: CallerIdentity,
    readonly backend: LabBackend,
    readonly services: LabServices,
  ) {}

  /** One lab per account, region and backend. */
  get scope(): string {
    return `${this.backend.scopePart}:${this.identity.account}:${this.admin.target.region}`;
  }

  get record(): LabRecord {
    return this.services.records.get(this.scope);
  }

  update(change: (record: LabRecord) => void): Promise<LabRecord> {
    return this.services.records.update(this.scope, change);
  }

  get ui(): LabUi {
    return this.services.ui;
  }

  get region(): string {
    return this.admin.target.region;
  }

  /** The lab's test user as a principal ARN (IAM users have no path here). */
  userArn(record = this.record): string {
    return record.userArn ?? `arn:aws:iam::${this.identity.account}:user/${record.testUserName}`;
  }
}
