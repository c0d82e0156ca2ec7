// Who can read? beside who did: a row's last read and refused attempts in the Activity's range, and the two flags a
// person acts on. "can read, never did" offers Preview removing: the key policy edit that removes the principal as a
// key user goes into the editor unsaved, and the existing preview says who would lose access.
import type { AccessRowView } from '../panel/access-protocol';
import { RANGE_WORDS, type AccessActivityRow, type ActivityHostMessage } from '../panel/activity-protocol';
import { el } from './dom';
import { send } from './host';

type Joined = Extract<ActivityHostMessage, { type: 'accessActivity' }>;

/** Whether removing the principal from the key policy would shut its key lock: a key policy statement opens it. */
function namedInKeyPolicy(row: AccessRowView): boolean {
  return !!row.key?.statements.some((s) => s.inKeyPolicy && s.effect === 'Allow') && row.kind !== 'root';
}

export function activityCells(row: AccessRowView, joined: Joined | undefined, policyText: () => string): (HTMLElement | undefined)[] {
  const activity: AccessActivityRow | undefined = joined?.rows.find((r) => r.principal === row.principal);
  if (!joined || !activity) return [];
  const range = RANGE_WORDS[joined.range];
  const cells: (HTMLElement | undefined)[] = [
    el('span', {
      class: 'muted activity-last',
      text: activity.lastRead ? `last read ${new Date(activity.lastRead).toLocaleString()}` : `no read in ${range}`,
      title: `${activity.readsAllowed} allowed, ${activity.readsRefused} refused in ${range} (CloudTrail)`,
    }),
  ];
  for (const flag of activity.flags) {
    if (flag.flag === 'refused') {
      cells.push(el('span', { class: 'flag refused', text: flag.words, title: activity.refusalReasons.join('\n') || undefined }));
      continue;
    }
    cells.push(el('span', { class: 'flag never', text: flag.words, title: `Allowed by the policies, and no read in ${range}: unused access.` }));
    if (namedInKeyPolicy(row)) {
      cells.push(
        el('vscode-button', {
          text: 'Preview removing',
          title: 'Put the key policy without this key user in the editor, unsaved, and show who would lose access',
          attrs: { secondary: true, icon: 'diff', 'data-action': 'preview-removing' },
          on: {
            click: (event) => {
              // The button sits in the row's summary: it must not open or close the row.
              event.preventDefault();
              event.stopPropagation();
              send({ type: 'editKeyRoles', edit: 'removeUser', text: policyText(), arn: row.principal });
            },
          },
        }),
      );
    }
  }
  return cells;
}
