// Who can read? and who did, seen together: when the left side has room for both, Activity sits beside the access rows
// and its tab goes away; when it has not, Activity is its own tab. The same ActivityView (fed by the one activity
// controller) is in either place: only the layout changes. Side by side, opening a principal's row in Who can read?
// shows just that principal's activity, and opening a principal in Activity marks its Who can read? row (closing
// either undoes it).
import type { AccessView } from './access-view';
import type { ActivityView } from './activity-view';
import { el } from './dom';

/** The left side's width from which both fit side by side (about 420 px of access rows and 340 px of activity). */
export const BESIDE_MIN_WIDTH = 760;

export class WhoPane {
  readonly element: HTMLElement;
  private besideNow = false;
  /** Called when the layout switches between side by side and tabs. */
  onLayoutChange: (beside: boolean) => void = () => {};

  constructor(
    private readonly access: AccessView,
    private readonly activity: ActivityView,
    /** The element whose width decides the layout. */
    measured: HTMLElement,
  ) {
    access.element.setAttribute('role', 'region');
    access.element.setAttribute('aria-label', 'Who can read?');
    activity.element.setAttribute('role', 'region');
    activity.element.setAttribute('aria-label', 'Activity: who did read');
    this.element = el('div', { class: 'who-pane', attrs: { role: 'tabpanel', id: 'who-pane' } }, [access.element, activity.element]);
    access.onPrincipalToggled = (principal, open) => {
      if (!this.besideNow) return;
      if (open) activity.focusPrincipal(principal);
      else activity.unfocusPrincipal(principal.principal);
    };
    activity.onPrincipalToggled = (principal, open) => {
      if (!this.besideNow) return;
      if (open) access.markPrincipal(principal);
      else if (access.markedPrincipal === principal.principal) access.markPrincipal(undefined);
    };
    new ResizeObserver((entries) => {
      const width = entries[entries.length - 1]?.contentRect.width ?? 0;
      this.setBeside(width >= BESIDE_MIN_WIDTH);
    }).observe(measured);
  }

  /** Whether Activity is beside Who can read? now. */
  get beside(): boolean {
    return this.besideNow;
  }

  private setBeside(beside: boolean): void {
    if (beside === this.besideNow) return;
    this.besideNow = beside;
    this.element.classList.toggle('beside', beside);
    if (!beside) {
      this.activity.unfocusPrincipal();
      this.access.markPrincipal(undefined);
    }
    this.onLayoutChange(beside);
  }
}
