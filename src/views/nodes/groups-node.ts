import { ContextValues } from '../context-values';
import { InfoNode } from './message-node';
import type { ResourceNode } from './resource-node';

/** "Groups: a, b" under a user: "What can this principal read?" on it asks about a group's members. */
export class GroupsNode extends InfoNode {
  constructor(
    parent: ResourceNode,
    /** The user's ARN: the groups' ARNs share its partition and account. */
    readonly memberArn: string,
    readonly groups: string[],
  ) {
    super(parent, `Groups: ${groups.join(', ')}`, 'organization', ContextValues.group);
  }

  /** The ARN of one of the groups (IAM accepts a group's name without its path). */
  groupArn(name: string): string {
    const [arn, partition, , , account] = this.memberArn.split(':');
    return `${arn}:${partition}:iam::${account}:group/${name}`;
  }
}
