// Where a panel looks: its subject (table or key, region), the status bar's identity, the "Read as" identity beside
// it, and the table's description. The shell owns one; the feature controllers read it. No vscode import.
import type { Logger } from '../aws/log';
import type { AwsSession } from '../aws/session';
import type { ConnectionTarget, DynamoTable } from '../aws/types';
import { touchesPrincipals, touchesTable, type AccountChangeEvent, type AccountScope } from '../session/account-changes';
import { errorText } from './controller';
import { borrowedSource, disposeSource, ownedSource, personName, type PaneSource, type SessionFactory } from './pane-source';
import type { PanelSubject } from './protocol';
import { resolveReadAs, type ReadAsDirectory } from './read-as';
import { readFailure } from './read-failure';

/** The status bar's connection, as far as a panel needs it. */
export interface StatusBarConnection {
  readonly target: ConnectionTarget | undefined;
  readonly session: AwsSession | undefined;
}

export interface PanelScopeDeps {
  log: Logger;
  connection: StatusBarConnection;
  readAs: ReadAsDirectory;
  openSession: SessionFactory;
}

export class PanelScope {
  admin: PaneSource | undefined;
  readAs: PaneSource | undefined;
  readAsId: string | undefined;
  /** The "Read as" identity's name, kept so that a panel whose identity is gone still names it. */
  readAsLabel: string | undefined;
  /** Why the panel cannot read as the chosen identity. */
  readAsProblem: string | undefined;
  table: DynamoTable | undefined;
  tableProblem: string | undefined;
  /** Settles once the table has been described (again). */
  tableLoaded: Promise<void> = Promise.resolve();
  /** Settles once the "Read as" identity has a session (or a problem). */
  readAsLoaded: Promise<void> = Promise.resolve();
  private generationValue = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    public subject: PanelSubject,
    private readonly deps: PanelScopeDeps,
    options: { readAs?: string; readAsLabel?: string } = {},
  ) {
    this.readAsId = options.readAs;
    this.readAsLabel = options.readAsLabel;
  }

  /** Bumped on every (re)connection: answers for a connection the panel has left are dropped. */
  get generation(): number {
    return this.generationValue;
  }

  /** The key whose policy decides the key lock: the table's, or the key the panel was opened for; none for an AWS owned key. */
  get keyArn(): string | undefined {
    if (this.table?.encryption === 'aws-owned') return undefined;
    return this.table?.kmsKeyArn ?? this.subject.keyArn;
  }

  /** The account and region the panel shows, for matching account changes. */
  get accountScope(): AccountScope {
    return { accountId: this.admin?.identity?.account, region: this.subject.region };
  }

  get name(): string {
    return this.subject.tableName ?? this.subject.keyArn?.split('/').pop() ?? 'Table';
  }

  /** "kms-lab-table as admin and kms-lab-test-user": people's names, never an identity's id. */
  title(): string {
    const primary = this.admin ? personName(this.admin) : 'no profile';
    const second = this.readAsId ? ` and ${this.readAs ? personName(this.readAs) : (this.readAsLabel ?? 'another identity')}` : '';
    return `${this.name} as ${primary}${second}`;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Follows the status bar's session: on opening, and after a profile or region switch. */
  connect(): void {
    const generation = ++this.generationValue;
    const { target, session } = this.deps.connection;
    if (target) this.subject = { ...this.subject, region: target.region };
    this.admin = session ? borrowedSource(session) : undefined;
    // A "Read as" profile reads in the panel's region: open it again.
    disposeSource(this.readAs);
    this.readAs = undefined;
    void this.loadIdentity(this.admin);
    this.tableLoaded = this.describeTable(generation);
    this.readAsLoaded = this.openReadAs(generation);
    this.changed();
  }

  async setReadAs(id: string | undefined): Promise<void> {
    disposeSource(this.readAs);
    this.readAs = undefined;
    this.readAsProblem = undefined;
    if (id !== this.readAsId) this.readAsLabel = undefined;
    this.readAsId = id;
    this.readAsLoaded = this.openReadAs(this.generation);
    this.changed();
    await this.readAsLoaded;
  }

  /** What a change means for the scope itself: the table described again, the "Read as" identity opened again. */
  async onAccountChange(event: AccountChangeEvent): Promise<void> {
    const waits: Promise<void>[] = [];
    if (this.subject.tableName && touchesTable(event, this.subject.tableName)) waits.push((this.tableLoaded = this.describeTable(this.generation)));
    if (this.readAsId && touchesPrincipals(event)) {
      disposeSource(this.readAs);
      this.readAs = undefined;
      waits.push((this.readAsLoaded = this.openReadAs(this.generation)));
    }
    await Promise.all(waits);
  }

  /** Describes the table again (a retry after it could not be read). */
  describeAgain(): Promise<void> {
    this.tableLoaded = this.describeTable(this.generation);
    return this.tableLoaded;
  }

  /** The principal's name for messages ("kms-lab-test-user"), asking STS when it is not known yet. */
  async nameOf(source: PaneSource): Promise<string> {
    if (!source.identity) await this.loadIdentity(source);
    return personName(source);
  }

  async loadIdentity(source: PaneSource | undefined): Promise<void> {
    if (!source) return;
    try {
      source.identity = await source.session.sts.getCallerIdentity();
      source.identityProblem = undefined;
    } catch (error) {
      source.identityProblem = errorText(error);
    }
    this.changed();
  }

  dispose(): void {
    disposeSource(this.readAs);
    this.readAs = undefined;
    this.listeners.clear();
  }

  private async describeTable(generation: number): Promise<void> {
    const name = this.subject.tableName;
    const admin = this.admin;
    if (!name || !admin) {
      this.table = undefined;
      this.tableProblem = name ? 'No AWS profile selected: pick one in the status bar.' : undefined;
      return;
    }
    try {
      const table = await admin.session.dynamodb.describeTable(name);
      if (generation !== this.generation) return;
      this.table = table;
      this.tableProblem = table.problem;
    } catch (error) {
      if (generation !== this.generation) return;
      this.table = undefined;
      this.tableProblem = readFailure(error, admin.label, name, admin.target).message;
    }
  }

  private async openReadAs(generation: number): Promise<void> {
    const id = this.readAsId;
    if (!id) return;
    try {
      const choice = await resolveReadAs(this.deps.readAs, this.subject.region, id, this.readAsLabel);
      if (id === this.readAsId) this.readAsLabel = choice.label;
      const target = await choice.target();
      if (generation !== this.generation || id !== this.readAsId) return;
      disposeSource(this.readAs);
      this.readAs = ownedSource(target, this.deps.openSession, choice.label);
      this.readAsProblem = undefined;
      void this.loadIdentity(this.readAs);
    } catch (error) {
      if (generation !== this.generation || id !== this.readAsId) return;
      this.readAsProblem = errorText(error);
      this.deps.log.warn(`Table panel: cannot read as ${this.readAsLabel ?? 'the chosen identity'}: ${this.readAsProblem}`);
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
