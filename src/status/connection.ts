import * as path from 'node:path';
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { loadConfigFiles, profileSection } from '../aws/config-files';
import { configFilePaths, loadProfiles } from '../aws/profiles';
import { AwsSession } from '../aws/session';
import type { CallerIdentity, ConnectionTarget, ProfileLoadResult } from '../aws/types';
import { presentError } from '../notify';
import type { Settings } from '../config';
import { isSandboxTarget, type LocalSandbox } from './local-sandbox';
import { describeTarget } from './targets';
import { askMfaCode } from './mfa-prompt';

const STORED_TARGET = 'kmsLab.target';

/** What is persisted: never credentials. */
type StoredTarget = { kind: 'profile'; profile: string; region: string } | { kind: 'environment'; region: string } | { kind: 'sandbox'; region: string };

export type IdentityState =
  | { state: 'none' }
  | { state: 'loading' }
  | { state: 'known'; identity: CallerIdentity }
  | { state: 'failed'; error: unknown };

/**
 * The active AWS profile and region, the session built for it, and the profiles on disk.
 * Everything that depends on the profile listens to onDidChangeTarget.
 */
export class Connection implements vscode.Disposable {
  private readonly targetEmitter = new vscode.EventEmitter<ConnectionTarget | undefined>();
  private readonly profilesEmitter = new vscode.EventEmitter<ProfileLoadResult>();
  private readonly identityEmitter = new vscode.EventEmitter<IdentityState>();
  private readonly disposables: vscode.Disposable[] = [this.targetEmitter, this.profilesEmitter, this.identityEmitter];
  private currentTarget: ConnectionTarget | undefined;
  private currentSession: AwsSession | undefined;
  private loadedProfiles: ProfileLoadResult | undefined;
  private identityState: IdentityState = { state: 'none' };
  private reportedProblems = '';
  /** A digest of the settings the current profile depends on, to tell a relevant file edit from another. */
  private profileDigest: string | undefined;

  readonly onDidChangeTarget = this.targetEmitter.event;
  readonly onDidChangeProfiles = this.profilesEmitter.event;
  readonly onDidChangeIdentity = this.identityEmitter.event;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    private settings: Settings,
    readonly sandbox: LocalSandbox,
  ) {}

  get target(): ConnectionTarget | undefined {
    return this.currentTarget;
  }

  get session(): AwsSession | undefined {
    return this.currentSession;
  }

  get profiles(): ProfileLoadResult | undefined {
    return this.loadedProfiles;
  }

  get identity(): IdentityState {
    return this.identityState;
  }

  /** Reads the profiles, restores the last choice (or picks a sensible default), and starts watching the files. */
  async initialize(): Promise<void> {
    await this.reloadProfiles();
    this.watchProfileFiles();
    const restored = await this.restoreTarget();
    if (restored) await this.select(restored);
    else await this.clear();
  }

  async select(target: ConnectionTarget): Promise<void> {
    const digest = target.kind === 'profile' ? await profileDigest(target.profile).catch(() => undefined) : undefined;
    this.currentSession?.dispose();
    this.profileDigest = digest;
    this.currentTarget = target;
    await vscode.commands.executeCommand('setContext', 'kmsLab.hasTarget', true);
    this.currentSession = new AwsSession(target, {
      logger: this.log,
      mfaCodeProvider: (serial) => askMfaCode(serial),
      maxConcurrency: this.settings.maxConcurrentRequests,
    });
    this.persist(target);
    this.log.info(`Switched to ${describeTarget(target)} · ${target.region}`);
    this.targetEmitter.fire(target);
    void this.loadIdentity();
  }

  /** No profile in use (e.g. the local sandbox was stopped): the tree empties and says how to choose one. */
  async clear(): Promise<void> {
    this.currentSession?.dispose();
    this.currentSession = undefined;
    this.currentTarget = undefined;
    await vscode.commands.executeCommand('setContext', 'kmsLab.hasTarget', false);
    this.setIdentity({ state: 'none' });
    this.targetEmitter.fire(undefined);
  }

  /** Drops cached results, so the next loads ask AWS again. */
  invalidate(): void {
    this.currentSession?.invalidate();
    void this.loadIdentity();
  }

  /** Returns true when the session was rebuilt (which reloads everything anyway). */
  updateSettings(settings: Settings): boolean {
    const concurrencyChanged = settings.maxConcurrentRequests !== this.settings.maxConcurrentRequests;
    this.settings = settings;
    if (!concurrencyChanged || !this.currentTarget) return false;
    void this.select(this.currentTarget);
    return true;
  }

  async reloadProfiles(): Promise<ProfileLoadResult> {
    const result = await loadProfiles(process.env);
    this.loadedProfiles = result;
    const noProfiles = result.profiles.length === 0 && !result.environmentCredentials;
    await vscode.commands.executeCommand('setContext', 'kmsLab.noProfiles', noProfiles);
    await vscode.commands.executeCommand('setContext', 'kmsLab.profilesLoaded', true);
    this.reportProblems(result);
    this.profilesEmitter.fire(result);
    return result;
  }

  private async loadIdentity(): Promise<void> {
    const session = this.currentSession;
    if (!session) return;
    this.setIdentity({ state: 'loading' });
    try {
      const identity = await session.sts.getCallerIdentity();
      if (session === this.currentSession) this.setIdentity({ state: 'known', identity });
    } catch (error) {
      if (session !== this.currentSession) return;
      this.setIdentity({ state: 'failed', error });
      void presentError(this.log, `sts:GetCallerIdentity for ${describeTarget(session.target)} failed`, error);
    }
  }

  private setIdentity(state: IdentityState): void {
    this.identityState = state;
    this.identityEmitter.fire(state);
  }

  private reportProblems(result: ProfileLoadResult): void {
    const summary = result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
    if (summary === this.reportedProblems) return;
    this.reportedProblems = summary;
    for (const problem of result.problems) this.log.warn(`Malformed AWS file ${problem.file}:${problem.line}: ${problem.message}`);
    const first = result.problems[0];
    if (!first) return;
    const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more)` : '';
    void vscode.window
      .showWarningMessage(`${path.basename(first.file)} line ${first.line}: ${first.message}${more}. Profiles in the rest of the files still load.`, 'Open File')
      .then(async (choice) => {
        if (choice !== 'Open File') return;
        const document = await vscode.workspace.openTextDocument(vscode.Uri.file(first.file));
        const line = Math.max(0, first.line - 1);
        await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
      });
  }

  private watchProfileFiles(): void {
    const { configFile, credentialsFile } = configFilePaths(process.env);
    let timer: NodeJS.Timeout | undefined;
    const onChange = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.onProfileFilesChanged(), 300);
    };
    for (const file of new Set([configFile, credentialsFile])) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      watcher.onDidChange(onChange);
      watcher.onDidCreate(onChange);
      watcher.onDidDelete(onChange);
      this.disposables.push(watcher);
    }
    this.disposables.push({ dispose: () => clearTimeout(timer) });
  }

  private async onProfileFilesChanged(): Promise<void> {
    this.log.info('AWS config or credentials file changed; reloading profiles');
    const result = await this.reloadProfiles();
    const target = this.currentTarget;
    if (target?.kind === 'profile') {
      if (!result.profiles.some((p) => p.name === target.profile)) this.log.warn(`Profile ${target.profile} is no longer defined`);
      const digest = await profileDigest(target.profile).catch(() => undefined);
      if (digest === undefined || digest !== this.profileDigest) await this.select(target);
    } else if (!target) {
      const fallback = await this.defaultTarget();
      if (fallback) await this.select(fallback);
    }
  }

  private async restoreTarget(): Promise<ConnectionTarget | undefined> {
    const stored = this.memento.get<StoredTarget>(STORED_TARGET);
    if (stored?.kind === 'profile' && typeof stored.profile === 'string' && typeof stored.region === 'string') return stored;
    if (stored?.kind === 'environment' && typeof stored.region === 'string') return stored;
    if (stored?.kind === 'sandbox' && typeof stored.region === 'string') return this.sandbox.start(stored.region);
    return this.defaultTarget();
  }

  /**
   * The local sandbox when the settings ask for it; otherwise AWS_PROFILE, then "default", then the first profile,
   * then environment credentials, then the local sandbox.
   */
  private async defaultTarget(): Promise<ConnectionTarget | undefined> {
    if (this.settings.firstConnection === 'localSandbox') return this.sandbox.start();
    const profiles = this.loadedProfiles?.profiles ?? [];
    const wanted = process.env.AWS_PROFILE ?? 'default';
    const chosen = profiles.find((p) => p.name === wanted) ?? profiles[0];
    const fallbackRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    if (chosen) return { kind: 'profile', profile: chosen.name, region: chosen.region ?? fallbackRegion };
    if (this.loadedProfiles?.environmentCredentials) return { kind: 'environment', region: fallbackRegion };
    return this.sandbox.start();
  }

  private persist(target: ConnectionTarget): void {
    const stored: StoredTarget | undefined =
      target.kind === 'profile'
        ? { kind: 'profile', profile: target.profile, region: target.region }
        : target.kind === 'environment'
          ? { kind: 'environment', region: target.region }
          : isSandboxTarget(target)
            ? { kind: 'sandbox', region: target.region }
            : undefined;
    if (stored) void this.memento.update(STORED_TARGET, stored);
  }

  dispose(): void {
    this.currentSession?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Everything a profile's credentials and endpoints come from: its sections, its source profile, services and SSO session. */
async function profileDigest(profile: string): Promise<string> {
  const files = await loadConfigFiles(process.env);
  const own = profileSection(files, profile);
  const source = own?.source_profile ? profileSection(files, own.source_profile) : undefined;
  const services = own?.services ? files.configFile[`services.${own.services}`] : undefined;
  const ssoSession = own?.sso_session ? files.configFile[`sso-session.${own.sso_session}`] : undefined;
  return createHash('sha256').update(JSON.stringify([own, source, services, ssoSession])).digest('hex');
}
