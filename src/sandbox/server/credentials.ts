import type { Caller } from '../contracts';

/** What the front needs to know about an access key to verify a signature made with it. */
export interface CredentialRecord {
  secretAccessKey: string;
  /** Present for STS session credentials: the request must carry exactly this X-Amz-Security-Token. */
  sessionToken?: string;
  expiration?: Date;
  active: boolean;
  /** When an IAM access key was made (a new key is refused for a while when the sandbox keeps AWS's timing). */
  createdAt?: Date;
  caller: Caller;
}

export interface CredentialResolver {
  resolve(accessKeyId: string): CredentialRecord | undefined;
}
