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
import type { AccessHostMessage } from '../panel/access-protocol';
import type { ActivityHostMessage } from '../panel/activity-protocol';
import type { ItemsHostMessage } from '../panel/items-protocol';
import type { PolicyHostMessage } from '../panel/policy-protocol';
import type { HostMessage, ShellHostMessage } from '../panel/protocol';
import { el } from './dom';
import { send, state, updateState } from './host';
import { AccessView } from './access-view';
import { ActivityView } from './activity-view';
import { ItemsView } from './items-view';
import { PolicyView } from './policy-view';
import { WhoPane } from './who-pane';

performance.mark('kmslab-script-start');
const items = new ItemsView();
const access = new AccessView();
const activity = new ActivityView();
const right = el('div', { class: 'right' });
const app = document.getElementById('app') as HTMLElement;

type LeftTab = 'items' | 'access' | 'activity';
const tab = (name: LeftTab, label: string, controls: string): HTMLElement =>
  el('button', { class: 'tab', text: label, attrs: { role: 'tab', id: `tab-${name}`, 'data-tab': name, 'aria-controls': controls }, on: { click: () => showTab(name) } });
const tabs: Record<LeftTab, HTMLElement> = {
  items: tab('items', 'Items', 'items-pane'),
  access: tab('access', 'Who can read?', 'who-pane'),
  activity: tab('activity', 'Activity', 'who-pane'),
};
items.element.setAttribute('role', 'tabpanel');
items.element.id = 'items-pane';
const left = el('div', { class: 'left' });
const who = new WhoPane(access, activity, left);
/** The tab a person asked for; side by side, Activity is shown with Who can read?. */
let asked: LeftTab = 'items';

function showTab(name: LeftTab): void {
  asked = name;
  const shown: LeftTab = who.beside && name === 'activity' ? 'access' : name;
  tabs.access.textContent = who.beside ? 'Who can read? · Activity' : 'Who can read?';
  tabs.activity.hidden = who.beside;
  for (const [key, button] of Object.entries(tabs)) button.setAttribute('aria-selected', String(key === shown));
  who.element.setAttribute('aria-labelledby', `tab-${shown}`);
  items.element.hidden = shown !== 'items';
  who.element.hidden = shown === 'items';
  access.element.hidden = shown !== 'access';
  activity.element.hidden = !(shown === 'activity' || (who.beside && shown === 'access'));
  updateState({ leftTab: name });
  if (!access.element.hidden) access.ensureAnalysed();
  if (!activity.element.hidden) activity.ensureRead();
}
who.onLayoutChange = () => showTab(asked);

left.append(el('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Table views' } }, [tabs.items, tabs.access, tabs.activity]), items.element, who.element);
app.append(left, right);
const firstTab: LeftTab = state()?.leftTab ?? 'items';

let policy: PolicyView | undefined;
const waiting: (PolicyHostMessage | Extract<ShellHostMessage, { type: 'notice' }>)[] = [];
let canOpenInEditor = false;

function buildPolicySide(): void {
  if (policy) return;
  policy = new PolicyView();
  policy.setCanOpenInEditor(canOpenInEditor);
  const view = policy;
  access.policyText = () => view.text;
  policy.onTextChange = (text, dirty) => access.policyChanged(text, dirty);
  right.append(policy.element);
  for (const message of waiting.splice(0)) policy.handle(message);
}

items.onFirstRows = () => {
  performance.mark('kmslab-first-rows');
  setTimeout(buildPolicySide, 0);
};
// A table that cannot be read still gets its policy side promptly.
setTimeout(buildPolicySide, 400);

// Each message goes to its feature's view: the host's messages are typed per feature (panel/*-protocol.ts).
const ITEMS: readonly ItemsHostMessage['type'][] = ['identity', 'table', 'items', 'readFailed', 'readAsOptions'];
const ACCESS: readonly AccessHostMessage['type'][] = ['access', 'accessPreview', 'verification'];
const of = <T extends HostMessage>(message: HostMessage, types: readonly T['type'][]): message is T => (types as readonly string[]).includes(message.type);

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  if (message.type === 'init') {
    updateState({ subject: message.subject, readAs: message.readAs, readAsLabel: message.readAsLabel });
    return;
  }
  if (message.type === 'showAccess') {
    showTab('access');
    return;
  }
  if (message.type === 'showActivity') {
    showTab('activity');
    return;
  }
  if (message.type === 'accessActivity') {
    access.setActivity(message);
    return;
  }
  if (message.type === 'activity') {
    activity.handle(message as ActivityHostMessage);
    return;
  }
  if (message.type === 'policyEditor') canOpenInEditor = message.canOpenInEditor;
  if (of<ItemsHostMessage>(message, ITEMS)) items.handle(message);
  else if (of<AccessHostMessage>(message, ACCESS)) access.handle(message);
  else if (policy) policy.handle(message);
  else waiting.push(message);
});

send({ type: 'ready', state: state() });
showTab(firstTab);
