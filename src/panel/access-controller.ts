// The Access feature ("Who can read?"): routes its messages to the analysis, and keeps the answer true. A change in
// the account that touches the table, its key or any principal marks the report stale; it is collected again at once
// when the panel is visible, else as soon as it is shown again.
import { touchesKey, touchesPrincipals, touchesTable, type AccountChangeEvent } from '../session/account-changes';
import type { AccessHostMessage, AccessView, AccessWebviewMessage } from './access-protocol';
import type { PanelController, PanelHost } from './controller';
import { PanelAccess, type PanelAccessDeps } from './panel-access';
import type { PersistedState } from './protocol';
import type { PanelScope } from './scope';

export class AccessController implements PanelController<AccessWebviewMessage> {
  private readonly access: PanelAccess;
  /** "Who can read?" opened the panel: its page starts on the Access view. */
  private shownFirst = false;
  private stale = false;

  constructor(
    private readonly host: PanelHost,
    private readonly scope: PanelScope,
    deps: PanelAccessDeps,
  ) {
    this.access = new PanelAccess(scope, (message) => this.post(message), deps);
  }

  get view(): AccessView {
    return this.access.view;
  }

  /** Opens the Access view and answers "who can read this table?". */
  async show(): Promise<void> {
    this.shownFirst = true;
    this.post({ type: 'showAccess' });
    await this.access.analyse();
  }

  onReady(_state: PersistedState | undefined): void {
    if (this.shownFirst) this.post({ type: 'showAccess' });
    this.access.replay();
  }

  async handle(message: AccessWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'whoCanRead':
        this.stale = false;
        return this.access.analyse();
      case 'previewAccess':
        this.post({ type: 'accessPreview', version: message.version, preview: this.access.preview(message.text) });
        return;
      case 'verifyAccess':
        return this.access.verify();
      case 'exportAccess':
        return this.access.export(message.format);
    }
  }

  async onAccountChange(event: AccountChangeEvent): Promise<void> {
    if (!this.access.analysed) return;
    const tableName = this.scope.subject.tableName;
    const keyArn = this.scope.keyArn;
    const touched = (tableName && touchesTable(event, tableName)) || (keyArn && touchesKey(event, keyArn)) || touchesPrincipals(event);
    if (!touched) return;
    this.stale = true;
    this.access.markStale();
    if (this.host.isVisible()) await this.refresh();
  }

  onVisible(): void {
    if (this.stale) void this.refresh();
  }

  dispose(): void {}

  private async refresh(): Promise<void> {
    this.stale = false;
    await this.access.analyse();
  }

  private post(message: AccessHostMessage): void {
    this.host.post(message);
  }
}
