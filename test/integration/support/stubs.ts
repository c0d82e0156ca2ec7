// Stand-ins for a person's answers: they replace vscode.window.show* for the duration of a test.
// Each stub records what was shown. index.ts restores every stub after each test; a test may also
// call restore() itself. No other part of VS Code or AWS is ever stubbed.
import * as vscode from 'vscode';

type Window = typeof vscode.window;
type Restorer = () => void;

// Test files are bundled separately, so the list of live stubs lives on the global object.
const RESTORERS = Symbol.for('kmsLab.test.stubRestorers');
function restorers(): Restorer[] {
  const holder = globalThis as unknown as Record<symbol, Restorer[] | undefined>;
  return (holder[RESTORERS] ??= []);
}

function replace<K extends keyof Window>(name: K, fake: Window[K]): Restorer {
  const target = vscode.window as unknown as Record<string, unknown>;
  const original = target[name];
  target[name] = fake;
  if (target[name] !== fake) throw new Error(`cannot stub vscode.window.${String(name)}: the API object refused the assignment`);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    target[name] = original;
  };
  restorers().push(restore);
  return restore;
}

export function restoreAllStubs(): void {
  const list = restorers();
  while (list.length > 0) list.pop()!();
}

function stripIcons(label: string): string {
  return label.replace(/\$\([a-z0-9-~]+\)\s*/gi, '').trim();
}

function labelOf(item: string | vscode.QuickPickItem): string {
  return typeof item === 'string' ? item : item.label;
}

/** How a person answers one quick pick: a label (with or without its `$(icon)`), a pattern, a chooser, or undefined to dismiss it. */
export type QuickPickAnswer =
  | string
  | RegExp
  | readonly string[]
  | ((items: readonly (string | vscode.QuickPickItem)[], options: vscode.QuickPickOptions | undefined) => unknown)
  | undefined;

export interface QuickPickCall {
  items: (string | vscode.QuickPickItem)[];
  labels: string[];
  options: vscode.QuickPickOptions | undefined;
}

export interface Stub<C> {
  calls: C[];
  restore(): void;
}

function matchItem(items: readonly (string | vscode.QuickPickItem)[], answer: string | RegExp) {
  const selectable = items.filter((i) => typeof i === 'string' || i.kind !== vscode.QuickPickItemKind.Separator);
  const found = selectable.find((i) => {
    const label = labelOf(i);
    return typeof answer === 'string' ? label === answer || stripIcons(label) === answer : answer.test(label);
  });
  if (!found) {
    throw new Error(`quick pick has no item ${String(answer)}; it offered: ${selectable.map((i) => JSON.stringify(labelOf(i))).join(', ')}`);
  }
  return found;
}

/** Answers the next quick picks in order. A pick beyond the answers given fails the call. */
export function stubQuickPick(answers: QuickPickAnswer[]): Stub<QuickPickCall> {
  const queue = [...answers];
  const calls: QuickPickCall[] = [];
  const fake = async (items: unknown, options?: vscode.QuickPickOptions) => {
    const resolved = (await items) as (string | vscode.QuickPickItem)[];
    calls.push({ items: resolved, labels: resolved.map(labelOf), options });
    if (queue.length === 0) throw new Error(`unexpected quick pick "${options?.title ?? options?.placeHolder ?? ''}": no answers left`);
    const answer = queue.shift();
    if (answer === undefined) return undefined;
    if (typeof answer === 'function') return answer(resolved, options);
    if (Array.isArray(answer)) return answer.map((a) => matchItem(resolved, a));
    return matchItem(resolved, answer as string | RegExp);
  };
  const restore = replace('showQuickPick', fake as unknown as Window['showQuickPick']);
  return { calls, restore };
}

export type InputBoxAnswer = string | undefined | ((options: vscode.InputBoxOptions | undefined) => string | undefined);

export interface InputBoxCall {
  options: vscode.InputBoxOptions | undefined;
}

/**
 * Types the next answers into input boxes. An answer the box's own validateInput rejects fails the
 * call with that message, as a person could not submit it either.
 */
export function stubInputBox(answers: InputBoxAnswer[]): Stub<InputBoxCall> {
  const queue = [...answers];
  const calls: InputBoxCall[] = [];
  const fake = async (options?: vscode.InputBoxOptions) => {
    calls.push({ options });
    if (queue.length === 0) throw new Error(`unexpected input box "${options?.title ?? options?.prompt ?? ''}": no answers left`);
    const next = queue.shift();
    const value = typeof next === 'function' ? next(options) : next;
    if (value === undefined) return undefined;
    const verdict = await options?.validateInput?.(value);
    const message = typeof verdict === 'string' ? verdict : verdict?.message;
    if (message) throw new Error(`input box "${options?.title ?? options?.prompt ?? ''}" rejects ${JSON.stringify(value)}: ${message}`);
    return value;
  };
  const restore = replace('showInputBox', fake as unknown as Window['showInputBox']);
  return { calls, restore };
}

export type MessageLevel = 'information' | 'warning' | 'error';

export interface MessageCall {
  level: MessageLevel;
  message: string;
  options: vscode.MessageOptions | undefined;
  /** Titles of the buttons offered. */
  buttons: string[];
}

/**
 * Records information, warning and error messages. Each answer is the title of the button to press
 * for the next message (undefined dismisses it); with no answers left, messages are dismissed.
 */
export function stubMessages(answers: (string | undefined)[] = []): Stub<MessageCall> & { waitFor(test: (m: MessageCall) => boolean, timeoutMs?: number): Promise<MessageCall> } {
  const queue = [...answers];
  const calls: MessageCall[] = [];
  const make = (level: MessageLevel) =>
    (async (message: string, ...rest: unknown[]) => {
      const options = rest[0] !== null && typeof rest[0] === 'object' && !('title' in (rest[0] as object)) ? (rest.shift() as vscode.MessageOptions) : undefined;
      const items = rest as (string | vscode.MessageItem)[];
      const buttons = items.map((i) => (typeof i === 'string' ? i : i.title));
      calls.push({ level, message, options, buttons });
      const answer = queue.shift();
      if (answer === undefined) return undefined;
      const chosen = items.find((i) => (typeof i === 'string' ? i : i.title) === answer);
      if (!chosen) throw new Error(`${level} message "${message}" has no button "${answer}"; it offered: ${buttons.join(', ') || 'none'}`);
      return chosen;
    }) as unknown;
  const restoreInfo = replace('showInformationMessage', make('information') as Window['showInformationMessage']);
  const restoreWarning = replace('showWarningMessage', make('warning') as Window['showWarningMessage']);
  const restoreError = replace('showErrorMessage', make('error') as Window['showErrorMessage']);
  return {
    calls,
    restore() {
      restoreError();
      restoreWarning();
      restoreInfo();
    },
    async waitFor(test, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = calls.find(test);
        if (found) return found;
        if (Date.now() >= deadline) {
          throw new Error(`no matching message within ${timeoutMs} ms; shown: ${calls.map((c) => `${c.level}: ${c.message}`).join(' | ') || 'none'}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
