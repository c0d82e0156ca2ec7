// A person dismissed a pick, an input box or a confirmation: not an error. One class and one test for it, used by
// every room (no vscode import, so the lab core and the panel controllers share it).
import { AwsLayerError } from './aws/errors';

/** Thrown when a person dismisses a quick pick, an input box or a confirmation. */
export class CancelledError extends Error {
  constructor(what = 'Cancelled') {
    super(what);
    this.name = 'CancelledError';
  }
}

/** A person dismissed a prompt (directly, or through the MFA prompt of a credential provider). */
export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof AwsLayerError && error.kind === 'mfa-cancelled');
}
