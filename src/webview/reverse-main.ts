// The "What can this principal read?" page: one view, wired to its panel through typed messages.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './main.css';
import './reverse.css';
import type { ReverseHostMessage, ReversePersistedState, ReverseWebviewMessage } from '../panel/reverse-protocol';
import { ReverseView } from './reverse-view';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; setState(state: unknown): void };

const api = acquireVsCodeApi();
const view = new ReverseView((message: ReverseWebviewMessage) => api.postMessage(message));
(document.getElementById('app') as HTMLElement).append(view.element);

window.addEventListener('message', (event: MessageEvent<ReverseHostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || message.type !== 'reverse') return;
  view.update(message.view);
  // Kept by VS Code, so that a reload brings the panel back for the same principal.
  if (typeof message.principal === 'string') api.setState({ principal: message.principal } satisfies ReversePersistedState);
});

api.postMessage({ type: 'ready' } satisfies ReverseWebviewMessage);
