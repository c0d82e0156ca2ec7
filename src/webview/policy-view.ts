// The key policy side: the editor, problems as you type, the console's view of administrators and users, the diff,
// Save with its outcomes (lockout, conflict, denial) shown where they happened, and the local history.
import type { HistoryEntryView, HostMessage, KeyRoleEdit, KeyRolesView, PolicyMarker, PolicyView as PolicyState, SaveOutcome } from '../panel/protocol';
import { button, clear, el, isShown, setDisabled, show, toggle } from './dom';
import { send, state, updateState } from './host';
import { PolicyEditor } from './policy-editor';

const KEY_POLICY_MAX_BYTES = 32768;

type DiffMode = { kind: 'live' } | { kind: 'theirs'; text: string } | { kind: 'history'; entry: HistoryEntryView };

interface Banner {
  id: string;
  level: 'info' | 'warning' | 'error' | 'success';
  message: string;
  actions?: { label: string; run: () => void; secondary?: boolean }[];
}

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
  private readonly banners: HTMLElement;
  private readonly none: HTMLElement;
  private readonly roles: HTMLElement;
  private readonly rolesBody: HTMLElement;
  private readonly rolesInput: HTMLElement;
  private readonly rolesProblem: HTMLElement;
  private readonly rolesNote: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly size: HTMLElement;
  private readonly history: HTMLElement;
  private readonly work: HTMLElement;
  private policy: PolicyState = { state: 'none', reason: 'Loading…' };
  private version = 0;
  private checkTimer = 0;
  private markers: PolicyMarker[] = [];
  private diff: DiffMode | undefined;
  private bannerList: Banner[] = [];
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
    this.banners = el('div', { class: 'banners', attrs: { 'aria-live': 'polite' } });
    this.none = el('div', { class: 'policy-none' });

    this.rolesInput = el('vscode-textfield', { class: 'role-arn', attrs: { placeholder: 'arn:aws:iam::111122223333:user/name', 'aria-label': 'Principal ARN' } });
    this.rolesProblem = el('div', { class: 'roles-problem', attrs: { role: 'alert' } });
    this.rolesNote = el('div', { class: 'roles-note', attrs: { role: 'status' } });
    this.rolesBody = el('div', { class: 'roles-body' });
    this.roles = el('vscode-collapsible', { class: 'roles', attrs: { title: 'Key administrators and key users', open: true } }, [
      el('div', { class: 'roles-content' }, [
        this.rolesBody,
        el('div', { class: 'roles-add' }, [
          this.rolesInput,
          button('Add Key User', () => this.editRole('addUser'), { id: 'add-key-user' }),
          button('Add Administrator', () => this.editRole('addAdministrator'), { secondary: true, id: 'add-key-administrator' }),
          button('Choose…', () => this.editRole('addUser', true), { secondary: true, icon: 'person-add', id: 'choose-key-user', title: 'Pick a user or role of the account to add as key user' }),
        ]),
        this.rolesProblem,
        this.rolesNote,
      ]),
    ]);
    this.problems = el('ul', { class: 'problems', attrs: { 'aria-label': 'Problems in the key policy' } });
    this.size = el('span', { class: 'size' });
    this.history = el('div', { class: 'history' });
    show(this.history, false);
    this.work = el('div', { class: 'policy-work' }, [
      this.roles,
      this.editor.host,
      el('div', { class: 'problems-bar' }, [el('span', { class: 'problems-title', text: 'Problems' }), this.size]),
      this.problems,
      this.history,
    ]);
    this.element = el('section', { class: 'policy' }, [el('header', { class: 'policy-header' }, [this.title, this.badges]), this.toolbar, this.banners, this.none, this.work]);
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

  handle(message: HostMessage): void {
    switch (message.type) {
      case 'policy':
        return this.setPolicy(message.policy);
      case 'policyChecked':
        if (message.version !== this.version) return;
        this.markers = message.markers;
        this.editor.setMarkers(message.markers);
        this.renderProblems(message.bytes);
        this.renderRoles(message.roles);
        return;
      case 'policyText':
        this.editor.setText(message.text, { notify: true });
        this.rolesProblem.textContent = '';
        this.rolesNote.textContent = message.note ?? '';
        return;
      case 'policyEditFailed':
        this.rolesNote.textContent = '';
        this.rolesProblem.textContent = message.message;
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
      default:
        return;
    }
  }

  private setPolicy(policy: PolicyState): void {
    this.policy = policy;
    if (policy.state === 'loaded') {
      if (policy.text === policy.liveText) this.rolesNote.textContent = '';
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
    show(this.roles, loaded.editable);
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
        this.rolesNote.textContent = '';
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

  private renderRoles(roles: KeyRolesView | undefined): void {
    clear(this.rolesBody);
    if (!roles) {
      this.rolesBody.append(el('p', { class: 'muted', text: 'Fix the JSON to see who administers and uses the key.' }));
      return;
    }
    const list = (title: string, arns: string[], remove: KeyRoleEdit, empty: string) =>
      el('div', { class: 'role-list' }, [
        el('h3', { text: title }),
        arns.length === 0
          ? el('p', { class: 'muted', text: empty })
          : el(
              'ul',
              {},
              arns.map((arn) =>
                el('li', {}, [
                  el('span', { class: 'codicon codicon-person', attrs: { 'aria-hidden': 'true' } }),
                  el('span', { class: 'arn', text: arn }),
                  el('vscode-icon', { attrs: { name: 'close', 'action-icon': true, label: `Remove ${arn}` }, on: { click: () => send({ type: 'editKeyRoles', edit: remove, text: this.editor.text, arn }) } }),
                ]),
              ),
            ),
      ]);
    this.rolesBody.append(
      list('Key administrators', roles.administrators, 'removeAdministrator', 'None named in the policy.'),
      list('Key users', roles.users, 'removeUser', 'None named in the policy.'),
      el('p', {
        class: 'delegation',
        text: roles.iamDelegation
          ? 'The account root statement lets IAM policies in the account allow use of this key, too.'
          : 'No root statement: only the principals named here (and in grants) can use this key; IAM policies alone cannot.',
      }),
    );
  }

  private editRole(edit: KeyRoleEdit, choose = false): void {
    const arn = choose ? undefined : ((this.rolesInput as HTMLInputElement).value ?? '').trim();
    if (!choose && !arn) {
      this.rolesProblem.textContent = 'Enter the ARN of a user or role, or use Choose… to pick one.';
      return;
    }
    this.rolesProblem.textContent = '';
    if (!choose) (this.rolesInput as HTMLInputElement).value = '';
    send({ type: 'editKeyRoles', edit, text: this.editor.text, arn });
  }

  private banner(banner: Banner): void {
    this.bannerList = [...this.bannerList.filter((b) => b.id !== banner.id), banner];
    this.renderBanners();
  }

  private removeBanner(id: string): void {
    const before = this.bannerList.length;
    this.bannerList = this.bannerList.filter((b) => b.id !== id);
    if (before !== this.bannerList.length) this.renderBanners();
  }

  private renderBanners(): void {
    this.banners.replaceChildren(
      ...this.bannerList.map((b) =>
        el('div', { class: `banner banner-${b.level}`, attrs: { role: b.level === 'error' || b.level === 'warning' ? 'alert' : 'status', 'data-banner': b.id } }, [
          el('span', { class: `codicon codicon-${b.level === 'success' ? 'pass' : b.level === 'info' ? 'info' : b.level}`, attrs: { 'aria-hidden': 'true' } }),
          el('span', { class: 'banner-text', text: b.message }),
          el('vscode-icon', { attrs: { name: 'close', 'action-icon': true, label: 'Dismiss' }, on: { click: () => this.removeBanner(b.id) } }),
          b.actions?.length ? el('div', { class: 'banner-actions' }, b.actions.map((a) => button(a.label, a.run, { secondary: a.secondary }))) : undefined,
        ]),
      ),
    );
  }
}
