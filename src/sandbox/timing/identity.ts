// IAM as KMS and DynamoDB see it: a new user, group membership, attachment or inline policy counts only once its
// delay has passed since the IAM write that made it. IAM itself (and STS) see every write at once.
import type { Caller, IdentityDirectory, PrincipalFacts } from '../contracts';
import { reviveIamState } from '../iam/entities';
import { IamDirectory } from '../iam/directory';
import type { IamState } from '../iam/model';
import { LaggingState } from './lagging-state';
import type { SandboxTiming } from './timing';

function copyOf(state: IamState): IamState {
  const copy = JSON.parse(JSON.stringify(state)) as IamState;
  reviveIamState(copy);
  return copy;
}

export class LaggingDirectory implements IdentityDirectory {
  readonly state: LaggingState<IamState>;
  private readonly lagging: IamDirectory;

  constructor(
    private readonly live: IamDirectory,
    liveState: () => IamState,
    timing: SandboxTiming,
    now: () => number = Date.now,
  ) {
    this.state = new LaggingState(liveState, copyOf, () => timing.delayMs('identityPolicy'), now);
    this.lagging = new IamDirectory(() => this.state.read(), false);
    // The organization's part of a caller's facts is not IAM's: it is added as the live directory adds it.
    this.lagging.organizationFacts = (caller, own) => (this.live.organizationFacts ? this.live.organizationFacts(caller, own) : own);
  }

  principalFacts(caller: Caller): PrincipalFacts {
    return this.lagging.principalFacts(caller);
  }

  /**
   * As KMS sees IAM: a key policy naming a user or role made moments ago is refused as naming an invalid principal
   * (MalformedPolicyDocumentException) until the new principal has reached KMS.
   */
  principalExists(arn: string): boolean {
    return this.lagging.principalExists(arn);
  }
}
