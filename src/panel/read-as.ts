// "Read as": the identities a panel can show the table as, beside the status bar's. Which ones exist is VS Code's
// business (read-as-choices.ts); choosing among them is plain code. Ids are for the program: messages name people.
import type { ConnectionTarget } from '../aws/types';
import type { ReadAsOption } from './items-protocol';

export interface ReadAsChoice extends ReadAsOption {
  kind: 'identity' | 'profile' | 'environment' | 'sandbox';
  /** The principal's ARN, when known without asking AWS. */
  arn?: string;
  /** True when using it may ask the person something (an SSO sign-in, an MFA code). */
  prompts?: boolean;
  target(): Promise<ConnectionTarget>;
}

export interface ReadAsDirectory {
  /** Every identity the panel can read as in `region`; the one the status bar already uses only with `includeCurrent`. */
  choices(region: string, options?: { includeCurrent?: boolean }): Promise<ReadAsChoice[]>;
}

/** The choice with this id, or an error that names it by `label` (never by its id) and says what is offered instead. */
export async function resolveReadAs(directory: ReadAsDirectory, region: string, id: string, label?: string): Promise<ReadAsChoice> {
  // A "Read as" profile that has since become the status bar's still reads as itself.
  const choices = await directory.choices(region, { includeCurrent: true });
  const found = choices.find((c) => c.id === id);
  if (found) return found;
  const offered = choices.map((c) => c.label).join(', ') || 'none';
  const who = label ?? 'the identity chosen before';
  throw new Error(`Cannot read as ${who}: KMS Lab holds no credentials for it here any more (offered: ${offered}).`);
}
