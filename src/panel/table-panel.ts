// One table panel: the shell around its three features (items, key policy, access). It builds the page under a strict
// CSP, posts nothing until the page says it is ready (each feature then posts all it has), checks and routes what the
// page sends, and tells each feature when the account changes, the status bar switches, or the panel is shown again.
import * as vscode from 'vscode';
import { AwsSession } from '../aws/session';
import type { DraftStore } from '../keypolicy/drafts';
import type { KeyPolicyStore } from '../keypolicy/store';
import { errorMessage } from '../notify';
import { sameScope, type AccountChangeEvent, type AccountChanges } from '../session/account-changes';
import type { Connection } from '../status/connection';
import type { ExtraIdentities } from '../status/identities';
import { isSandboxTarget } from '../status/local-sandbox';
import { askMfaCode } from '../status/mfa-prompt';
import { AccessController } from './access-controller';
import { ActivityController } from './activity-controller';
import { activityInfo, type ActivityInfo } from './activity-info';
import type { AccessView } from './access-protocol';
import type { PanelController, PanelHost, PanelUi } from './controller';
import { panelHtml, WEBVIEW_ASSETS, webviewOptions } from './html';
import { InvalidMessageError, routeWebviewMessage, type RoutedMessage } from './incoming';
import { type LocalSandboxTiming, newKeysMayLag } from './new-keys';
import { ItemsController, type ItemsInfo } from './items-controller';
import { PolicyController } from './policy-controller';
import type { PolicyView } from './policy-protocol';
import type { HostMessage, PanelSubject, PersistedState } from './protocol';
import type { ReadAsDirectory } from './read-as';
import { PanelScope } from './scope';

export interface PanelDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  identities: ExtraIdentities;
  readAs: ReadAsDirectory;
  keyPolicies: KeyPolicyStore;
  drafts: DraftStore;
  changes: AccountChanges;
  ui: PanelUi;
  extensionUri: vscode.Uri;
  /** The local sandbox's endpoint and AWS timing, for whether a new access key may still be refused. */
  localSandbox?: () => LocalSandboxTiming;
}

/** A panel as tests and the API see it: its title, and what each feature shows. */
export interface PanelInfo extends ItemsInfo {
  title: string;
  subject: PanelSubject;
  /** The "Read as" identity's id, and its name. */
  readAs?: string;
  readAsLabel?: string;
  policyState: PolicyView['state'];
  /** Why there is no key policy to edit (an AWS owned key), or why it is read-only (an AWS managed key). */
  policyNote?: string;
  access: AccessView['state'];
  accessStale: boolean;
  /** Who can read?'s answer: each principal's verdict once ready, or why it could not be answered. */
  accessRows: { principal: string; name: string; read: string }[];
  accessMessage?: string;
  /** The Activity view, and Who can read? rows joined with it. */
  activity: ActivityInfo;
  visible: boolean;
}

const READY_TIMEOUT_MS = 10_000;

export class TablePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the panel is closed. */
  readonly onDidDispose = this.emitter.event;
  private ready = false;
  private disposed = false;
  private readyWatchdog: NodeJS.Timeout | undefined;
  private readonly openedAt: number;
  private readonly scope: PanelScope;
  private readonly items: ItemsController;
  private readonly policy: PolicyController;
  private readonly access: AccessController;
  private readonly activity: ActivityController;
  private readonly controllers: PanelController<never>[];

  constructor(
    readonly panel: vscode.WebviewPanel,
    subject: PanelSubject,
    private readonly deps: PanelDeps,
    options: { readAs?: string; state?: PersistedState; openedAt?: number } = {},
  ) {
    this.openedAt = options.openedAt ?? Date.now();
    const { log, readAs, ui, state } = { ...deps, state: options.state };
    const openSession = (target: ConstructorParameters<typeof AwsSession>[0], label: string) =>
      new AwsSession(target, { logger: log, mfaCodeProvider: (serial) => askMfaCode(serial, label) });
    this.scope = new PanelScope(subject, { log, connection: deps.connection, readAs, openSession }, { readAs: options.readAs ?? state?.readAs, readAsLabel: state?.readAsLabel });
    const host: PanelHost = { post: (message) => this.post(message), isVisible: () => this.panel.visible };
    const localSandbox = deps.localSandbox ?? (() => ({ awsTiming: 0 }));
    this.items = new ItemsController(host, this.scope, { log, readAs, ui, openedAt: this.openedAt, pageSize: state?.pageSize, newKeysMayLag: (source) => newKeysMayLag(source, localSandbox) });
    this.policy = new PolicyController(host, this.scope, { log, store: deps.keyPolicies, drafts: deps.drafts, ui, readAs, restoredDraft: state?.draft });
    this.activity = new ActivityController(host, this.scope, { log, isSandbox: isSandboxTarget });
    this.access = new AccessController(host, this.scope, { log, readAs, ui, onReport: (report) => void this.activity.reportChanged(report) });
    this.controllers = [this.items, this.policy, this.access, this.activity];

    panel.webview.options = webviewOptions(deps.extensionUri, vscode.Uri.joinPath);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'kms-lab.svg');
    this.setHtml(vscode.Uri.joinPath(deps.extensionUri, ...WEBVIEW_ASSETS));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.visible) for (const c of this.controllers) c.onVisible?.();
      }),
      deps.connection.onDidChangeTarget(() => this.followStatusBar()),
      deps.identities.onDidChange(() => void this.items.identitiesChanged()),
      deps.changes.subscribe((event) => void this.onAccountChange(event)),
      this.scope.onDidChange(() => this.updateTitle()),
    );
    this.scope.connect();
    this.items.start();
    void this.policy.start();
    this.updateTitle();
  }

  get key(): string {
    return panelKey(this.scope.subject);
  }

  info(): PanelInfo {
    return {
      ...this.items.info(),
      title: this.panel.title,
      subject: { ...this.scope.subject },
      readAs: this.scope.readAsId,
      readAsLabel: this.scope.readAsLabel,
      policyState: this.policy.state.state,
      policyNote: this.policy.note,
      access: this.access.view.state,
      accessStale: this.access.view.state === 'ready' && !!this.access.view.stale,
      ...accessAnswer(this.access.view),
      activity: activityInfo(this.activity),
      visible: this.panel.visible,
    };
  }

  /** Shows the panel again, reading as `readAs` when given (the lab opens it this way). */
  async reveal(readAs?: string): Promise<void> {
    this.panel.reveal();
    if (readAs !== undefined && readAs !== this.scope.readAsId) await this.items.handle({ type: 'setReadAs', id: readAs });
  }

  /** Opens the Access view and answers "who can read this table?". */
  async showAccess(): Promise<void> {
    this.panel.reveal();
    await this.access.show();
  }

  /** Opens the Activity view and reads the key's CloudTrail events. */
  async showActivity(): Promise<void> {
    this.panel.reveal();
    await this.activity.show();
  }

  /** The page, under a strict CSP with a fresh nonce. A page that has not started a while after it was set is logged:
   * under load, code-server's webview sometimes waits 30 s for one of the page's files before it runs anything. */
  private setHtml(assets: vscode.Uri): void {
    this.panel.webview.html = panelHtml(this.panel.webview, assets, this.scope.name, (base, file) => vscode.Uri.joinPath(base, file));
    this.readyWatchdog = setTimeout(() => {
      if (!this.ready && !this.disposed) this.deps.log.warn(`Table panel: the page has not started ${READY_TIMEOUT_MS} ms after it was set · ${this.scope.name}`);
    }, READY_TIMEOUT_MS);
  }

  /** The status bar switched profile or region: read everything again as the new identity. */
  private followStatusBar(): void {
    this.scope.connect();
    void this.dispatch({ scope: this.scope.accountScope, changes: [{ kind: 'everything', reason: 'connection' }], source: 'the status bar' });
    void this.items.identitiesChanged();
  }

  private async onAccountChange(event: AccountChangeEvent): Promise<void> {
    if (this.disposed || !sameScope(event.scope, this.scope.accountScope)) return;
    // A switch of profile or region is followed through the connection itself (followStatusBar).
    if (event.changes.every((c) => c.kind === 'everything' && c.reason === 'connection')) return;
    this.deps.log.debug(`Table panel: ${event.source} changed ${event.changes.map((c) => c.kind).join(', ')} · ${this.scope.name}`);
    await this.scope.onAccountChange(event);
    await this.dispatch(event);
  }

  private async dispatch(event: AccountChangeEvent): Promise<void> {
    await Promise.all(
      this.controllers.map(async (controller) => {
        try {
          await controller.onAccountChange(event);
        } catch (error) {
          this.deps.log.error(`Table panel: following ${event.source} failed: ${errorMessage(error)}`);
        }
      }),
    );
  }

  private post(message: HostMessage): void {
    if (!this.ready || this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    let routed: RoutedMessage;
    try {
      routed = routeWebviewMessage(raw);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      this.deps.log.warn(`Table panel: ignored a malformed message from the webview: ${error.message}`);
      return;
    }
    try {
      await this.route(routed);
    } catch (error) {
      this.deps.log.error(`Table panel: ${routed.message.type} failed: ${errorMessage(error)}`);
      this.post({ type: 'notice', level: 'error', message: errorMessage(error) });
    }
  }

  private async route(routed: RoutedMessage): Promise<void> {
    switch (routed.feature) {
      case 'shell':
        if (routed.message.type === 'ready') return this.onReady(routed.message.state);
        return this.deps.ui.copy(routed.message.text, routed.message.what);
      case 'items':
        return this.items.handle(routed.message);
      case 'policy':
        return this.policy.handle(routed.message);
      case 'access':
        return this.access.handle(routed.message);
      case 'activity':
        return this.activity.handle(routed.message);
    }
  }

  private async onReady(state: PersistedState | undefined): Promise<void> {
    this.deps.log.debug(`Table panel: webview ready ${Date.now() - this.openedAt} ms after opening · ${this.scope.name}`);
    this.ready = true;
    clearTimeout(this.readyWatchdog);
    this.post({ type: 'init', subject: this.scope.subject, readAs: this.scope.readAsId, readAsLabel: this.scope.readAsLabel });
    for (const controller of this.controllers) await controller.onReady(state);
  }

  private updateTitle(): void {
    if (!this.disposed) this.panel.title = this.scope.title();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.readyWatchdog);
    for (const controller of this.controllers) controller.dispose();
    this.scope.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.emitter.fire();
    this.emitter.dispose();
  }
}

export function panelKey(subject: PanelSubject): string {
  return subject.tableName ? `table:${subject.tableName}` : `key:${subject.keyArn ?? ''}`;
}

function accessAnswer(view: AccessView): Pick<PanelInfo, 'accessRows' | 'accessMessage'> {
  if (view.state === 'ready') return { accessRows: view.rows.map((r) => ({ principal: r.principal, name: r.name, read: r.read })) };
  return { accessRows: [], ...(view.state === 'idle' ? {} : { accessMessage: view.message }) };
}
