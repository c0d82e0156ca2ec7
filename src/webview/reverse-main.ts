// The "What can this principal read?" page: one view, wired to its panel through typed messages.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './main.css';
import './reverse.css';
import type { ReverseHostMessage, ReverseWebviewMessage } from '../panel/reverse-protocol';
import { ReverseView } from './reverse-view';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const api = acquireVsCodeApi();
const view = new ReverseView((message: ReverseWebviewMessage) => api.postMessage(message));
(document.getElementById('app') as HTMLElement).append(view.element);

window.addEventListener('message', (event: MessageEvent<ReverseHostMessage>) => {
  const message = event.data;
  if (message && typeof message === 'object' && message.type === 'reverse') view.update(message.view);
});

api.postMessage({ type: 'ready' } satisfies ReverseWebviewMessage);
