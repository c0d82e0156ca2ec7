// "What can this principal read?" on the host: collects the principal's snapshot (its IAM data, or its group's
// members', and every table of the region with their keys and the organization's policies) with the status bar's
// session, asks whatCanRead, and keeps the answer true: a change in the account marks it stale, and it is collected
// again at once when the panel is visible, else when it is shown again. No vscode import: dialogs go through PanelUi.
import { principalToMarkdown, whatCanRead, type PrincipalAccessReport } from '../access';
import { collectPrincipalSnapshot } from '../aws/access-snapshot';
import type { AccessCollector } from '../aws/access-snapshot';
import type { Logger } from '../aws/log';
import { sameScope, type AccountChangeEvent } from '../session/account-changes';
import { errorText, type PanelUi } from './controller';
import type { ReverseHostMessage, ReverseView } from './reverse-protocol';
import { reverseView } from './reverse-views';

export interface ReverseDeps {
  log: Logger;
  /** The status bar's session, whose identity collects the snapshot; undefined when no profile is selected. */
  session(): { access: AccessCollector; region: string; label: string } | undefined;
  ui: Pick<PanelUi, 'copy' | 'saveJson'>;
  post(message: ReverseHostMessage): void;
  isVisible(): boolean;
}

/** Only item writes leave every access answer as it was. */
function changesAccess(event: AccountChangeEvent): boolean {
  return event.changes.some((c) => !(c.kind === 'table' && c.aspects.every((a) => a === 'items')));
}

export class ReverseController {
  private report: PrincipalAccessReport | undefined;
  private current: ReverseView = { state: 'loading', message: 'Starting…' };
  private stale = false;
  private running = 0;

  constructor(
    readonly principal: string,
    private readonly deps: ReverseDeps,
  ) {}

  get view(): ReverseView {
    return this.current;
  }

  /** The last answer, for tests and exports. */
  get last(): PrincipalAccessReport | undefined {
    return this.report;
  }

  /** The page (re)started: show it what there is. */
  replay(): void {
    this.deps.post({ type: 'reverse', view: this.current, principal: this.principal });
  }

  async analyse(): Promise<void> {
    this.stale = false;
    const session = this.deps.session();
    if (!session) {
      this.show({ state: 'failed', message: 'No AWS profile selected: pick one in the status bar.' });
      return;
    }
    const run = ++this.running;
    const name = this.principal.split('/').pop() ?? this.principal;
    if (this.current.state !== 'ready') this.show({ state: 'loading', message: `Collecting the account's tables and ${name}'s policies as ${session.label}…` });
    let lastPost = 0;
    try {
      const snapshot = await collectPrincipalSnapshot(session, this.principal, {
        onProgress: (done, total, what) => {
          if (run !== this.running || this.current.state === 'ready' || Date.now() - lastPost < 150) return;
          lastPost = Date.now();
          this.show({ state: 'loading', message: `Reading ${what}…`, done, total });
        },
      });
      if (run !== this.running) return;
      const started = Date.now();
      const report = whatCanRead(snapshot, this.principal);
      this.deps.log.info(`What ${name} can read: ${report.tables.length} tables evaluated in ${Date.now() - started} ms`);
      this.report = report;
      this.show(reverseView(report));
    } catch (error) {
      if (run !== this.running) return;
      this.report = undefined;
      this.show({ state: 'failed', message: `What ${name} can read could not be answered: ${errorText(error)}` });
    }
  }

  async export(format: 'markdown' | 'json'): Promise<void> {
    const report = this.report;
    if (!report) throw new Error('There is no answer to export yet: wait for it, or press Refresh.');
    if (format === 'markdown') return this.deps.ui.copy(principalToMarkdown(report), `what ${report.name} can read as Markdown`);
    await this.deps.ui.saveJson(`Save what ${report.name} can read`, `what-${report.name}-can-read.json`, `${JSON.stringify(report, null, 2)}\n`);
  }

  /** A change in the report's account and region that may change access marks it stale, and re-collects when shown. */
  async onAccountChange(event: AccountChangeEvent): Promise<void> {
    const report = this.report;
    if (!report || !sameScope(event.scope, { accountId: report.accountId, region: report.region }) || !changesAccess(event)) return;
    this.stale = true;
    if (this.current.state === 'ready' && !this.current.stale) this.show({ ...this.current, stale: true });
    if (this.deps.isVisible()) await this.analyse();
  }

  onVisible(): void {
    if (this.stale) void this.analyse();
  }

  private show(view: ReverseView): void {
    this.current = view;
    this.deps.post({ type: 'reverse', view, principal: this.principal });
  }
}
