// Building the page with the DOM only: text goes in through textContent, never as HTML, so item values stay data.

type Child = Node | string | false | null | undefined;

export interface ElementOptions {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string | boolean | undefined>;
  on?: Partial<Record<keyof HTMLElementEventMap | string, (event: Event) => void>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options?: ElementOptions, children?: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, options?: ElementOptions, children?: Child[]): HTMLElement;
export function el(tag: string, options: ElementOptions = {}, children: Child[] = []): HTMLElement {
  const element = document.createElement(tag);
  if (options.class) element.className = options.class;
  if (options.text !== undefined) element.textContent = options.text;
  if (options.title !== undefined) element.title = options.title;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const [name, handler] of Object.entries(options.on ?? {})) if (handler) element.addEventListener(name, handler);
  for (const child of children) if (child !== undefined && child !== null && child !== false) element.append(child);
  return element;
}

export function clear(element: Element): void {
  element.replaceChildren();
}

export function show(element: HTMLElement, visible: boolean): void {
  element.hidden = !visible;
}

/** A vscode-elements button. */
export function button(label: string, onClick: () => void, options: { icon?: string; secondary?: boolean; title?: string; id?: string } = {}): HTMLElement {
  return el('vscode-button', {
    text: label,
    title: options.title,
    attrs: { icon: options.icon, secondary: options.secondary, 'data-action': options.id },
    on: { click: () => onClick() },
  });
}

export function icon(name: string, label?: string): HTMLElement {
  return el('vscode-icon', { attrs: { name, label, 'aria-hidden': label ? undefined : 'true' } });
}

export function setDisabled(element: HTMLElement, disabled: boolean): void {
  if (disabled) element.setAttribute('disabled', '');
  else element.removeAttribute('disabled');
}

export function isShown(element: HTMLElement): boolean {
  return element.hidden === false;
}

export function toggle(element: HTMLElement): boolean {
  const next = !isShown(element);
  show(element, next);
  return next;
}

/** The checked state of a vscode-checkbox. */
export function checked(element: HTMLElement): boolean {
  return (element as unknown as { checked: boolean }).checked;
}
