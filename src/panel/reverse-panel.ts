// The "What can this principal read?" panel: one per principal, its page under the table panel's strict CSP (its own
// bundle, reverse.js), every message from the page checked before it is acted on, and the answer kept true as the
// account changes (ReverseController) or the status bar switches to another profile or region.
import * as vscode from 'vscode';
import { errorMessage } from '../notify';
import type { AccountChanges } from '../session/account-changes';
import type { Connection } from '../status/connection';
import { describeTarget } from '../status/targets';
import type { PanelUi } from './controller';
import { panelHtml, WEBVIEW_ASSETS, webviewOptions } from './html';
import { ReverseController } from './reverse-controller';
import type { ReverseHostMessage, ReverseView, ReverseWebviewMessage } from './reverse-protocol';
import { parseReverseMessage } from './reverse-incoming';

export interface ReversePanelDeps {
  log: vscode.LogOutputChannel;
  connection: Connection;
  changes: AccountChanges;
  ui: Pick<PanelUi, 'copy' | 'saveJson'>;
  extensionUri: vscode.Uri;
}

/** A reverse panel as tests and the API see it. */
export interface ReversePanelInfo {
  principal: string;
  title: string;
  visible: boolean;
  view: ReverseView;
}

export class ReversePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly controller: ReverseController;
  private ready = false;
  private disposed = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.emitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly principal: string,
    private readonly deps: ReversePanelDeps,
  ) {
    const name = principal.split('/').pop() ?? principal;
    this.controller = new ReverseController(principal, {
      log: deps.log,
      ui: deps.ui,
      isVisible: () => panel.visible,
      post: (message) => this.post(message),
      session: () => {
        const session = deps.connection.session;
        return session ? { access: session.access, region: session.target.region, label: describeTarget(session.target) } : undefined;
      },
    });
    panel.title = `What ${name} can read`;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'kms-lab.svg');
    panel.webview.options = webviewOptions(deps.extensionUri, vscode.Uri.joinPath);
    panel.webview.html = panelHtml(panel.webview, vscode.Uri.joinPath(deps.extensionUri, ...WEBVIEW_ASSETS), panel.title, (base, file) => vscode.Uri.joinPath(base, file), 'reverse');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.controller.onVisible();
      }),
      deps.connection.onDidChangeTarget(() => void this.controller.analyse()),
      deps.changes.subscribe((event) => void this.controller.onAccountChange(event)),
    );
    void this.controller.analyse();
  }

  info(): ReversePanelInfo {
    return { principal: this.principal, title: this.panel.title, visible: this.panel.visible, view: this.controller.view };
  }

  /** Shows the panel again and collects afresh. */
  async reveal(): Promise<void> {
    this.panel.reveal();
    await this.controller.analyse();
  }

  private post(message: ReverseHostMessage): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    let message: ReverseWebviewMessage;
    try {
      message = parseReverseMessage(raw);
    } catch (error) {
      this.deps.log.warn(`What can read: ignored a malformed message from the webview: ${errorMessage(error)}`);
      return;
    }
    try {
      if (message.type === 'ready') {
        this.ready = true;
        this.controller.replay();
      } else if (message.type === 'refresh') await this.controller.analyse();
      else await this.controller.export(message.format);
    } catch (error) {
      this.deps.log.error(`What can read: ${message.type} failed: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`KMS Lab: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
    this.emitter.fire();
    this.emitter.dispose();
  }
}
