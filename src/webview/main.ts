// The table panel's page: the items side and the key policy side, wired to the extension through typed messages.
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

const items = new ItemsView();
const policy = new PolicyView();

const app = document.getElementById('app') as HTMLElement;
app.append(el('div', { class: 'left' }, [items.element]), el('div', { class: 'right' }, [policy.element]));

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  if (message.type === 'init') {
    updateState({ subject: message.subject, readAs: message.readAs });
    items.setReadAsOptions(message.readAsOptions, message.readAs);
    policy.setCanOpenInEditor(message.canOpenInEditor);
    return;
  }
  items.handle(message);
  policy.handle(message);
});

send({ type: 'ready', state: state() });
