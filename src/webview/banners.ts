// The messages above the key policy editor: one per purpose (a save's outcome, a notice, the diff's legend), each
// dismissible, with the actions that resolve it.
import { button, el } from './dom';

export interface Banner {
  id: string;
  level: 'info' | 'warning' | 'error' | 'success';
  message: string;
  actions?: { label: string; run: () => void; secondary?: boolean }[];
}

export class Banners {
  readonly element = el('div', { class: 'banners', attrs: { 'aria-live': 'polite' } });
  private list: Banner[] = [];

  /** Shows the banner, in place of any with the same id. */
  set(banner: Banner): void {
    this.list = [...this.list.filter((b) => b.id !== banner.id), banner];
    this.render();
  }

  remove(id: string): void {
    const before = this.list.length;
    this.list = this.list.filter((b) => b.id !== id);
    if (before !== this.list.length) this.render();
  }

  private render(): void {
    this.element.replaceChildren(
      ...this.list.map((b) =>
        el('div', { class: `banner banner-${b.level}`, attrs: { role: b.level === 'error' || b.level === 'warning' ? 'alert' : 'status', 'data-banner': b.id } }, [
          el('span', { class: `codicon codicon-${b.level === 'success' ? 'pass' : b.level === 'info' ? 'info' : b.level}`, attrs: { 'aria-hidden': 'true' } }),
          el('span', { class: 'banner-text', text: b.message }),
          el('vscode-icon', { attrs: { name: 'close', 'action-icon': true, label: 'Dismiss' }, on: { click: () => this.remove(b.id) } }),
          b.actions?.length ? el('div', { class: 'banner-actions' }, b.actions.map((a) => button(a.label, a.run, { secondary: a.secondary }))) : undefined,
        ]),
      ),
    );
  }
}
