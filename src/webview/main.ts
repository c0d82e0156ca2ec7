// The table panel's page: the items side and the key policy side, wired to the extension through typed messages.
// The items come first: the policy editor is built once the first rows are on screen, so it never delays them.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './main.css';
import type { HostMessage } from '../panel/protocol';
import { el } from './dom';
import { send, state, updateState } from './host';
import { ItemsView } from './items-view';
import { PolicyView } from './policy-view';

performance.mark('kmslab-script-start');
const items = new ItemsView();
const right = el('div', { class: 'right' });
const app = document.getElementById('app') as HTMLElement;
app.append(el('div', { class: 'left' }, [items.element]), right);

let policy: PolicyView | undefined;
const waiting: HostMessage[] = [];
let canOpenInEditor = false;

function buildPolicySide(): void {
  if (policy) return;
  policy = new PolicyView();
  policy.setCanOpenInEditor(canOpenInEditor);
  right.append(policy.element);
  for (const message of waiting.splice(0)) policy.handle(message);
}

items.onFirstRows = () => {
  performance.mark('kmslab-first-rows');
  setTimeout(buildPolicySide, 0);
};
// A table that cannot be read still gets its policy side promptly.
setTimeout(buildPolicySide, 400);

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  if (message.type === 'init') {
    updateState({ subject: message.subject, readAs: message.readAs });
    items.setReadAsOptions(message.readAsOptions, message.readAs);
    canOpenInEditor = message.canOpenInEditor;
    policy?.setCanOpenInEditor(canOpenInEditor);
    return;
  }
  items.handle(message);
  if (policy) policy.handle(message);
  else waiting.push(message);
});

send({ type: 'ready', state: state() });
