// The key policy side: the editor, problems as you type, the console's view of administrators and users, the diff,
// Save with its outcomes (lockout, conflict, denial) shown where they happened, and the local history.
import type { HistoryEntryView, PolicyHostMessage, PolicyMarker, PolicyView as PolicyState, SaveOutcome } from '../panel/policy-protocol';
import type { ShellHostMessage } from '../panel/protocol';
import { Banners, type Banner } from './banners';
import { button, clear, el, isShown, setDisabled, show, toggle } from './dom';
import { send, state, updateState } from './host';
import { KeyRoles } from './key-roles';
import { PolicyEditor } from './policy-editor';

const KEY_POLICY_MAX_BYTES = 32768;

type DiffMode = { kind: 'live' } | { kind: 'theirs'; text: string } | { kind: 'history'; entry: HistoryEntryView };

export class PolicyView {
  readonly element: HTMLElement;
  private readonly editor = new PolicyEditor();
  private readonly title: HTMLElement;
  private readonly badges: HTMLElement;
  private readonly toolbar: HTMLElement;
  private readonly saveButton: HTMLElement;
  private readonly diffButton: HTMLElement;
  private readonly discardButton: HTMLElement;
  private readonly editorButton: HTMLElement;
  private readonly banners = new Banners();
  private readonly none: HTMLElement;
  private readonly roles = new KeyRoles(() => this.editor.text);
  private readonly problems: HTMLElement;
  private readonly size: HTMLElement;
  private readonly history: HTMLElement;
  private readonly work: HTMLElement;
  private policy: PolicyState = { state: 'none', reason: 'Loading…' };
  private version = 0;
  private checkTimer = 0;
  private markers: PolicyMarker[] = [];
  private diff: DiffMode | undefined;
  private saving = false;
  private canOpenInEditor = false;
  onTextChange: (text: string, dirty: boolean) => void = () => {};

  constructor() {
    this.title = el('h2', { class: 'policy-title', text: 'Key policy' });
    this.badges = el('span', { class: 'badges' });
    this.saveButton = button('Save', () => this.save(false), { icon: 'save', id: 'save-policy', title: 'Save the key policy (PutKeyPolicy), after the lockout check and a conflict check' });
    this.diffButton = button('Diff', () => this.toggleDiff(), { secondary: true, icon: 'diff', id: 'diff', title: 'Show what your edit changes in the live policy' });
    this.discardButton = button('Discard Edit', () => send({ type: 'discardDraft' }), { secondary: true, icon: 'discard', id: 'discard' });
    this.editorButton = button('Open in Editor', () => send({ type: 'openInEditor' }), { secondary: true, icon: 'go-to-file', id: 'open-in-editor' });
    this.toolbar = el('div', { class: 'toolbar' }, [
      this.saveButton,
      this.diffButton,
      button('History', () => this.toggleHistory(), { secondary: true, icon: 'history', id: 'history' }),
      this.discardButton,
      this.editorButton,
    ]);
    this.none = el('div', { class: 'policy-none' });
    this.problems = el('ul', { class: 'problems', attrs: { 'aria-label': 'Problems in the key policy' } });
    this.size = el('span', { class: 'size' });
    this.history = el('div', { class: 'history' });
    show(this.history, false);
    this.work = el('div', { class: 'policy-work' }, [
      this.roles.element,
      this.editor.host,
      el('div', { class: 'problems-bar' }, [el('span', { class: 'problems-title', text: 'Problems' }), this.size]),
      this.problems,
      this.history,
    ]);
    this.element = el('section', { class: 'policy' }, [el('header', { class: 'policy-header' }, [this.title, this.badges]), this.toolbar, this.banners.element, this.none, this.work]);
    this.editor.onChange = (text) => this.changed(text);
    this.render();
  }

  get text(): string {
    return this.editor.text;
  }

  get keyArn(): string | undefined {
    return this.policy.state === 'none' ? undefined : this.policy.keyArn;
  }

  setCanOpenInEditor(can: boolean): void {
    this.canOpenInEditor = can;
    this.render();
  }

  handle(message: PolicyHostMessage | Extract<ShellHostMessage, { type: 'notice' }>): void {
    switch (message.type) {
      case 'policyEditor':
        return this.setCanOpenInEditor(message.canOpenInEditor);
      case 'policy':
        return this.setPolicy(message.policy);
      case 'policyChecked':
        if (message.version !== this.version) return;
        this.markers = message.markers;
        this.editor.setMarkers(message.markers);
        this.renderProblems(message.bytes);
        this.roles.render(message.roles);
        return;
      case 'policyText':
        this.editor.setText(message.text, { notify: true });
        this.roles.note(message.note ?? '');
        return;
      case 'policyEditFailed':
        this.roles.failed(message.message);
        return;
      case 'saveOutcome':
        return this.onSaveOutcome(message.outcome);
      case 'history':
        return this.renderHistory(message.entries, message.problem);
      case 'notice':
        this.banner({ id: 'notice', level: message.level, message: message.message });
        return;
      case 'revealStatement':
        this.editor.reveal(message.from, message.to, true);
        return;
    }
  }

  private setPolicy(policy: PolicyState): void {
    this.policy = policy;
    if (policy.state === 'loaded') {
      if (policy.text === policy.liveText) this.roles.note('');
      this.editor.setText(policy.text);
      this.editor.setReadOnly(!policy.editable);
      this.removeBanner('restored');
      if (policy.restoredDraft) {
        this.banner({
          id: 'restored',
          level: 'info',
          message: `Your unsaved edit (from ${new Date(policy.restoredDraft.savedAt).toLocaleString()}) is back in the editor. Save it, or discard it to see the live policy.`,
        });
      }
      this.removeBanner('load-problem');
      if (policy.problem) this.banner({ id: 'load-problem', level: 'warning', message: `${policy.problem}. Your unsaved edit is kept below.` });
      if (this.diff?.kind === 'live') this.editor.setDiff(policy.liveText);
      else if (this.diff && policy.text === policy.liveText) this.setDiffMode(undefined);
      this.changed(policy.text);
    }
    this.render();
  }

  private render(): void {
    const policy = this.policy;
    const loaded = policy.state === 'loaded' ? policy : undefined;
    show(this.none, policy.state !== 'loaded');
    show(this.work, !!loaded);
    show(this.toolbar, !!loaded);
    clear(this.none);
    clear(this.badges);
    if (policy.state === 'none') {
      this.title.textContent = 'Key policy';
      this.none.append(el('span', { class: 'codicon codicon-info', attrs: { 'aria-hidden': 'true' } }), el('p', { text: policy.reason }));
    } else if (policy.state === 'loading') {
      this.title.textContent = 'Key policy';
      this.none.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Loading' } }), el('p', { text: `Reading the key policy of ${policy.keyArn}…` }));
    } else if (policy.state === 'failed') {
      this.title.textContent = 'Key policy';
      this.none.classList.add('error');
      this.none.append(el('span', { class: 'codicon codicon-error', attrs: { 'aria-hidden': 'true' } }), el('p', { text: policy.message }), button('Try Again', () => send({ type: 'reloadPolicy' }), { secondary: true }));
    }
    this.none.classList.toggle('error', policy.state === 'failed');
    if (!loaded) return;
    this.title.textContent = `Key policy of ${loaded.keyLabel}`;
    this.title.title = loaded.keyArn;
    this.badges.append(
      el('vscode-badge', { text: loaded.keyManager === 'AWS' ? 'AWS managed' : 'customer managed' }),
      el('vscode-badge', { class: loaded.keyState === 'Enabled' ? '' : 'warn', text: loaded.keyState }),
    );
    setDisabled(this.saveButton, !loaded.editable || this.saving);
    show(this.saveButton, loaded.editable);
    show(this.discardButton, loaded.editable && this.dirty());
    show(this.editorButton, this.canOpenInEditor && loaded.editable);
    show(this.roles.element, loaded.editable);
    this.removeBanner('readonly');
    if (!loaded.editable) this.banner({ id: 'readonly', level: 'info', message: loaded.readOnlyReason ?? 'This key policy is read-only.' });
    this.diffButton.toggleAttribute('secondary', this.diff?.kind !== 'live');
  }

  private dirty(): boolean {
    return this.policy.state === 'loaded' && this.editor.text !== this.policy.liveText;
  }

  private changed(text: string): void {
    const policy = this.policy;
    if (policy.state !== 'loaded') return;
    this.version++;
    const version = this.version;
    clearTimeout(this.checkTimer);
    this.checkTimer = window.setTimeout(() => send({ type: 'checkPolicy', version, text }), 120);
    const base = state()?.draft?.keyArn === policy.keyArn ? state()!.draft!.base : policy.liveText;
    updateState({ draft: text !== policy.liveText && policy.editable ? { keyArn: policy.keyArn, text, base, savedAt: new Date().toISOString() } : undefined });
    show(this.discardButton, policy.editable && this.dirty());
    this.onTextChange(text, this.dirty());
  }

  private save(overwriteConflict: boolean): void {
    if (this.policy.state !== 'loaded' || !this.policy.editable || this.saving) return;
    this.saving = true;
    setDisabled(this.saveButton, true);
    this.removeBanner('outcome');
    this.banner({ id: 'outcome', level: 'info', message: overwriteConflict ? 'Saving over the other change…' : 'Checking and saving…' });
    send({ type: 'savePolicy', text: this.editor.text, overwriteConflict });
  }

  private onSaveOutcome(outcome: SaveOutcome): void {
    this.saving = false;
    this.render();
    this.removeBanner('outcome');
    switch (outcome.kind) {
      case 'saved':
        this.removeBanner('restored');
        this.roles.note('');
        if (this.diff?.kind === 'theirs') this.setDiffMode(undefined);
        this.banner({ id: 'outcome', level: 'success', message: outcome.message });
        updateState({ draft: undefined });
        if (isShown(this.history)) send({ type: 'loadHistory' });
        return;
      case 'conflict': {
        const theirs = outcome.theirs;
        this.banner({
          id: 'outcome',
          level: 'warning',
          message: outcome.message,
          actions: [
            { label: 'Compare', run: () => this.setDiffMode({ kind: 'theirs', text: theirs }) },
            { label: 'Overwrite Theirs…', run: () => this.save(true), secondary: true },
            { label: 'Discard Mine…', run: () => send({ type: 'discardDraft' }), secondary: true },
          ],
        });
        this.setDiffMode({ kind: 'theirs', text: theirs });
        return;
      }
      case 'cancelled':
        return;
      default:
        this.banner({ id: 'outcome', level: 'error', message: outcome.message });
    }
  }

  private toggleDiff(): void {
    this.setDiffMode(this.diff ? undefined : { kind: 'live' });
  }

  private setDiffMode(mode: DiffMode | undefined): void {
    this.diff = mode;
    const original = !mode ? undefined : mode.kind === 'live' ? (this.policy.state === 'loaded' ? this.policy.liveText : undefined) : mode.kind === 'theirs' ? mode.text : mode.entry.text;
    this.editor.setDiff(original);
    this.removeBanner('diff');
    if (mode) {
      const what = mode.kind === 'live' ? 'the live policy' : mode.kind === 'theirs' ? 'the other change (the live policy now)' : `the version replaced on ${new Date(mode.entry.savedAt).toLocaleString()}`;
      this.banner({ id: 'diff', level: 'info', message: `Showing your text against ${what}: removed lines in red, added in green.`, actions: [{ label: 'Hide Diff', run: () => this.setDiffMode(undefined), secondary: true }] });
    }
    this.render();
  }

  private toggleHistory(): void {
    const opening = toggle(this.history);
    if (opening) {
      this.history.replaceChildren(el('p', { class: 'muted', text: 'Reading the history…' }));
      send({ type: 'loadHistory' });
    }
  }

  private renderHistory(entries: HistoryEntryView[], problem: string | undefined): void {
    clear(this.history);
    this.history.append(el('h3', { text: 'History (kept on this machine)' }));
    if (problem) this.history.append(el('p', { class: 'problem', text: problem }));
    if (entries.length === 0 && !problem) this.history.append(el('p', { class: 'muted', text: 'No earlier versions yet: each Save keeps the policy it replaces here.' }));
    const list = el('ul', { class: 'history-list' });
    for (const entry of entries) {
      list.append(
        el('li', { attrs: { 'data-entry': entry.id } }, [
          el('span', { text: `Replaced ${new Date(entry.savedAt).toLocaleString()}${entry.replacedBy ? ` by ${entry.replacedBy.split(':').pop()}` : ''}` }),
          button('Diff', () => this.setDiffMode({ kind: 'history', entry }), { secondary: true, icon: 'diff' }),
          button('Restore', () => send({ type: 'restoreHistory', entryId: entry.id }), { secondary: true, icon: 'discard', id: 'restore' }),
        ]),
      );
    }
    this.history.append(list);
  }

  private renderProblems(bytes: number): void {
    clear(this.problems);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const m of this.markers) counts[m.severity]++;
    for (const m of this.markers) {
      const item = el('li', { class: `problem-${m.severity}`, attrs: { tabindex: '0', 'data-line': String(m.line) } }, [
        el('span', { class: `codicon codicon-${m.severity === 'info' ? 'info' : m.severity}`, attrs: { 'aria-hidden': 'true' } }),
        el('span', { class: 'problem-line', text: `Line ${m.line}` }),
        el('span', { text: m.message }),
      ]);
      const go = () => this.editor.reveal(m.from, m.to);
      item.addEventListener('click', go);
      item.addEventListener('keydown', (event) => {
        if ((event as KeyboardEvent).key === 'Enter') go();
      });
      this.problems.append(item);
    }
    if (this.markers.length === 0) this.problems.append(el('li', { class: 'muted', text: 'No problems found.' }));
    this.size.textContent = `${counts.error} errors · ${counts.warning} warnings · ${bytes.toLocaleString()} of ${KEY_POLICY_MAX_BYTES.toLocaleString()} bytes`;
    this.size.classList.toggle('problem', bytes > KEY_POLICY_MAX_BYTES);
  }

  private banner(banner: Banner): void {
    this.banners.set(banner);
  }

  private removeBanner(id: string): void {
    this.banners.remove(id);
  }
}
