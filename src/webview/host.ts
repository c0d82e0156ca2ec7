// The one door to the extension: typed messages out, and the state VS Code keeps for the panel across reloads.
import type { PersistedState, WebviewMessage } from '../panel/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: WebviewMessage): void {
  api.postMessage(message);
}

export function savedState(): PersistedState | undefined {
  const state = api.getState();
  return typeof state === 'object' && state !== null && 'subject' in state ? (state as PersistedState) : undefined;
}

let current: PersistedState | undefined = savedState();

export function updateState(change: Partial<PersistedState>): void {
  if (!current && !change.subject) return;
  current = { ...(current as PersistedState), ...change };
  api.setState(current);
}

export function state(): PersistedState | undefined {
  return current;
}
