// What the table panel's shell and its feature controllers (items, key policy, access) agree on. No vscode import:
// the controllers are plain classes, tested against the real sandbox with a scripted PanelUi.
import type { KeyPolicyEditUi } from '../keypolicy/editing';
import type { AccountChangeEvent } from '../session/account-changes';
import type { HostMessage, PersistedState, WebviewMessage } from './protocol';

/** One feature of the panel. The shell calls it; it posts to the webview through its PanelHost. */
export interface PanelController<M extends WebviewMessage = WebviewMessage> {
  /** The page (re)started: post everything it should show now. Nothing computed before this is lost. */
  onReady(state: PersistedState | undefined): Promise<void> | void;
  /** A message of this feature, already checked. */
  handle(message: M): Promise<void>;
  /** Something in the account changed (already known to be this panel's account and region): re-read what it touches. */
  onAccountChange(event: AccountChangeEvent): Promise<void> | void;
  /** The panel became visible again. */
  onVisible?(): void;
  dispose(): void;
}

/** How a controller reaches the page: posts are dropped until the page is ready, so each controller keeps what it
 * shows and posts it again from onReady. */
export interface PanelHost {
  post(message: HostMessage): void;
  isVisible(): boolean;
}

/** Someone the key policy can name, as offered in the "Choose…" picker. */
export interface PrincipalChoice {
  label: string;
  arn: string;
  icon: 'person' | 'server';
}

/** What the panel asks of VS Code: dialogs a person answers, the clipboard, and the commands of other features. */
export interface PanelUi extends KeyPolicyEditUi {
  /** undefined when dismissed; the person may also type an ARN. */
  pickPrincipal(title: string, choices: Promise<PrincipalChoice[]>): Promise<string | undefined>;
  copy(text: string, what: string): Promise<void>;
  /** Asks where to save, then writes the text; undefined when dismissed. */
  saveJson(title: string, fileName: string, text: string): Promise<string | undefined>;
  canOpenKeyPolicyEditor(): Promise<boolean>;
  openKeyPolicyEditor(keyArn: string): Promise<void>;
  ssoLogin(profile: string): Promise<void>;
  switchProfile(): Promise<void>;
}

/** An error's message for the page (notify.ts's errorMessage imports vscode, which the controllers do not). */
export { errorMessage as errorText } from '../error-message';
