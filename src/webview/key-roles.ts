// The console's view of a key policy: who administers the key, who uses it, and whether IAM policies count too;
// principals are added by ARN or picked from the account, and removed from the console's statements.
import type { KeyRoleEdit, KeyRolesView } from '../panel/policy-protocol';
import { button, clear, el } from './dom';
import { send } from './host';

export class KeyRoles {
  readonly element: HTMLElement;
  private readonly body = el('div', { class: 'roles-body' });
  private readonly input = el('vscode-textfield', { class: 'role-arn', attrs: { placeholder: 'arn:aws:iam::111122223333:user/name', 'aria-label': 'Principal ARN' } });
  private readonly problem = el('div', { class: 'roles-problem', attrs: { role: 'alert' } });
  private readonly noteBox = el('div', { class: 'roles-note', attrs: { role: 'status' } });

  /** `text` is the editor's current text: role edits apply to it. */
  constructor(private readonly text: () => string) {
    this.element = el('vscode-collapsible', { class: 'roles', attrs: { title: 'Key administrators and key users', open: true } }, [
      el('div', { class: 'roles-content' }, [
        this.body,
        el('div', { class: 'roles-add' }, [
          this.input,
          button('Add Key User', () => this.edit('addUser'), { id: 'add-key-user' }),
          button('Add Administrator', () => this.edit('addAdministrator'), { secondary: true, id: 'add-key-administrator' }),
          button('Choose…', () => this.edit('addUser', true), { secondary: true, icon: 'person-add', id: 'choose-key-user', title: 'Pick a user or role of the account to add as key user' }),
        ]),
        this.problem,
        this.noteBox,
      ]),
    ]);
  }

  /** What the last edit did ("Added … Not saved yet."), or nothing. */
  note(text: string): void {
    this.problem.textContent = '';
    this.noteBox.textContent = text;
  }

  failed(message: string): void {
    this.noteBox.textContent = '';
    this.problem.textContent = message;
  }

  render(roles: KeyRolesView | undefined): void {
    clear(this.body);
    if (!roles) {
      this.body.append(el('p', { class: 'muted', text: 'Fix the JSON to see who administers and uses the key.' }));
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
                  el('vscode-icon', { attrs: { name: 'close', 'action-icon': true, label: `Remove ${arn}` }, on: { click: () => send({ type: 'editKeyRoles', edit: remove, text: this.text(), arn }) } }),
                ]),
              ),
            ),
      ]);
    this.body.append(
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

  private edit(edit: KeyRoleEdit, choose = false): void {
    const arn = choose ? undefined : (this.input.value ?? '').trim();
    if (!choose && !arn) {
      this.problem.textContent = 'Enter the ARN of a user or role, or use Choose… to pick one.';
      return;
    }
    this.problem.textContent = '';
    if (!choose) this.input.value = '';
    send({ type: 'editKeyRoles', edit, text: this.text(), arn });
  }
}
