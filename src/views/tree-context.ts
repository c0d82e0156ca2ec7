import type { AwsSession } from '../aws/session';
import type { Settings } from '../config';
import type { TreeChanges } from './nodes/paged-list-node';

/** What every node needs: the session of the active profile, the settings, and a way to re-render. */
export interface TreeContext {
  readonly session: AwsSession;
  readonly settings: () => Settings;
  readonly changes: TreeChanges;
}
