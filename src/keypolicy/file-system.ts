// The kmslab: file system. A key policy opens as an ordinary editable tab: a thin adapter of the key policy editing
// core (editing.ts), which saves with the store's checks and never overwrites a conflict without the person's say.
// A save made elsewhere (a table panel, the lab, a history restore) reaches it on the account's change signal.
// Everything else is read-only.
import * as vscode from 'vscode';
import type { AwsSession } from '../aws/session';
import type { ConnectionTarget } from '../aws/types';
import { touchesKey, type AccountChangeEvent, type AccountChanges } from '../session/account-changes';
import { describeTarget } from '../status/targets';
import { KeyPolicyEdit, type EditResult, type KeyPolicyEditUi } from './editing';
import { describeProblem, prettyPolicyText } from './policy-text';
import type { KeyPolicyDocument, KeyPolicyStore } from './store';
import { KMSLAB_SCHEME, formatPath, parsePath, type KmslabPath } from './uri';

/** What the file system needs of the connection: the active target, its session, and its kmslab: name. */
export interface ActiveTarget {
  readonly target: ConnectionTarget | undefined;
  readonly session: AwsSession | undefined;
  nameOf(target: ConnectionTarget): string;
  /** Resolves once a target is selected, or after a while without one (tabs restored at startup wait for it). */
  whenSelected(): Promise<void>;
}

export type IamPolicyPath = Extract<KmslabPath, { kind: 'iam-policy' }>;

/** Reads the read-only IAM policy documents served on the same scheme. */
export type IamPolicyReader = (session: AwsSession, path: IamPolicyPath) => Promise<string>;

type KeyPath = Extract<KmslabPath, { kind: 'key-policy' | 'live-policy' | 'history-entry' }>;

/** An open key policy: the core's edit (the document last read is the base for conflicts) and the bytes the editor was given. */
interface OpenPolicy {
  edit: KeyPolicyEdit;
  content: Uint8Array;
  mtime: number;
  /** readFile may hand out `content` without asking AWS again until then (it was just loaded). */
  freshUntil: number;
  /** After a save, once VS Code has recorded it: show the policy as KMS now holds it. */
  showReloadedAfterSave?: boolean;
}

interface ReadOnlyFile {
  content: Uint8Array;
  mtime: number;
}

const FRESH_MS = 2000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function keyPolicyUri(path: Omit<Extract<KmslabPath, { kind: 'key-policy' }>, 'kind'>): vscode.Uri {
  return vscode.Uri.from({ scheme: KMSLAB_SCHEME, path: formatPath({ kind: 'key-policy', ...path }).path });
}

function pathOf(uri: vscode.Uri): KmslabPath {
  return parsePath(uri.path, uri.query);
}

function sibling(path: KeyPath, kind: 'key-policy' | 'live-policy'): vscode.Uri {
  return vscode.Uri.from({ scheme: KMSLAB_SCHEME, path: formatPath({ kind, target: path.target, region: path.region, keyId: path.keyId }).path });
}

function failure(message: string): vscode.FileSystemError {
  // A plain FileSystemError keeps the message; NoPermissions would make VS Code offer "Retry as Admin" instead.
  return new vscode.FileSystemError(message);
}

export class KmslabFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly open = new Map<string, OpenPolicy>();
  private readonly loading = new Map<string, Promise<OpenPolicy>>();
  private readonly readOnly = new Map<string, ReadOnlyFile>();
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly store: KeyPolicyStore,
    private readonly active: ActiveTarget,
    private readonly log: vscode.LogOutputChannel,
    private readonly readIamPolicy: IamPolicyReader,
    private readonly ui: KeyPolicyEditUi,
    changes: AccountChanges,
  ) {
    this.subscriptions = [changes.subscribe((event) => this.savedElsewhere(event)), vscode.workspace.onDidSaveTextDocument((d) => this.showReloaded(d))];
  }

  /** The document last read for an open key policy tab, if any. */
  documentOf(uri: vscode.Uri): KeyPolicyDocument | undefined {
    return this.open.get(uri.path)?.edit.loaded;
  }

  /** Shows `text` read-only as the live policy of the key, e.g. to compare it with an editor. */
  showLive(uri: vscode.Uri, text: string): vscode.Uri {
    const path = pathOf(uri);
    if (path.kind !== 'key-policy') throw new Error(`${uri.toString()} is not a key policy`);
    const live = sibling(path, 'live-policy');
    this.readOnly.set(live.path, { content: encoder.encode(text), mtime: Date.now() });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri: live }]);
    return live;
  }

  /** Re-reads a key policy from AWS the next time VS Code asks, if its editor has no unsaved changes. */
  refresh(uri: vscode.Uri): void {
    const entry = this.open.get(uri.path);
    if (!entry || this.isDirty(uri)) return;
    entry.freshUntil = 0;
    entry.mtime = Math.max(Date.now(), entry.mtime + 1);
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const path = pathOf(uri);
    if (path.kind === 'folder') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    if (path.kind === 'key-policy') {
      const entry = this.open.get(uri.path) ?? (await this.load(uri, path));
      const permissions = entry.edit.loaded?.editable === false ? vscode.FilePermission.Readonly : undefined;
      return { type: vscode.FileType.File, ctime: entry.mtime, mtime: entry.mtime, size: entry.content.byteLength, permissions };
    }
    const file = this.readOnly.get(uri.path + uri.query) ?? (await this.loadReadOnly(uri, path));
    return { type: vscode.FileType.File, ctime: file.mtime, mtime: file.mtime, size: file.content.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const path = pathOf(uri);
    if (path.kind === 'folder') throw vscode.FileSystemError.FileIsADirectory(uri);
    if (path.kind === 'key-policy') {
      const cached = this.open.get(uri.path);
      const entry = cached && cached.freshUntil > Date.now() ? cached : await this.load(uri, path);
      // Text read into a clean editor is what the person's next edits start from.
      if (!this.isDirty(uri)) entry.edit.baseUnknown = false;
      return entry.content;
    }
    const cached = this.readOnly.get(uri.path + uri.query);
    if (cached && path.kind !== 'iam-policy') return cached.content;
    return (await this.loadReadOnly(uri, path)).content;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const path = pathOf(uri);
    if (path.kind !== 'key-policy') throw failure(`${uri.path} is read-only: only key policies can be saved to AWS`);
    const session = await this.sessionFor(path);
    const text = decoder.decode(content);
    const entry = this.open.get(uri.path) ?? (await this.load(uri, path));
    // Text of unknown origin comes back as a conflict: the person decides, having seen the live policy.
    let result = await entry.edit.save(session, text);
    if (result.kind === 'conflict') result = await this.resolveConflict(uri, session, entry.edit, text, result);
    this.finishSave(uri, entry, text, result);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('KMS Lab documents cannot be created here');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('KMS Lab documents cannot be deleted');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('KMS Lab documents cannot be renamed');
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.emitter.dispose();
    this.open.clear();
    this.readOnly.clear();
  }

  private async sessionFor(path: { target: string; region?: string }): Promise<AwsSession> {
    await this.active.whenSelected();
    const { target, session } = this.active;
    if (!target || !session) {
      throw vscode.FileSystemError.Unavailable(`No AWS profile is selected. Choose "${path.target}" in the status bar, then try again.`);
    }
    const name = this.active.nameOf(target);
    if (name !== path.target) {
      throw vscode.FileSystemError.Unavailable(
        `This document belongs to "${path.target}", but the active profile is ${describeTarget(target)}. Switch to "${path.target}" in the status bar and try again; unsaved text stays in the editor.`,
      );
    }
    if (path.region && path.region !== target.region) {
      throw vscode.FileSystemError.Unavailable(
        `This key is in ${path.region}, but the active region is ${target.region}. Switch to ${path.region} in the status bar and try again; unsaved text stays in the editor.`,
      );
    }
    return session;
  }

  /** Reads the key policy from AWS; stat and readFile asking at once share one read. */
  private load(uri: vscode.Uri, path: Extract<KmslabPath, { kind: 'key-policy' }>): Promise<OpenPolicy> {
    const inFlight = this.loading.get(uri.path);
    if (inFlight) return inFlight;
    const loading = this.loadNow(uri, path).finally(() => this.loading.delete(uri.path));
    this.loading.set(uri.path, loading);
    return loading;
  }

  private async loadNow(uri: vscode.Uri, path: Extract<KmslabPath, { kind: 'key-policy' }>): Promise<OpenPolicy> {
    const session = await this.sessionFor(path);
    const previous = this.open.get(uri.path);
    const edit = previous?.edit ?? new KeyPolicyEdit(this.store, this.ui, { source: 'key policy tab' });
    // Reading for a tab with unsaved changes (e.g. "Compare with Saved") must not move the base of those changes.
    const keepBase = !!previous && this.isDirty(uri);
    const { document } = await edit.load(session, path.keyId, { keepBase }).catch((error: unknown) => {
      throw vscode.FileSystemError.Unavailable(`Cannot read the key policy of ${path.keyId}: ${(error as Error).message}`);
    });
    if (!keepBase) {
      edit.clearDraft();
      edit.baseUnknown = true;
    }
    const entry: OpenPolicy = {
      edit,
      content: encoder.encode(document.text),
      mtime: Math.max(document.loadedAt.getTime(), (previous?.mtime ?? 0) + 1),
      freshUntil: Date.now() + FRESH_MS,
    };
    this.open.set(uri.path, entry);
    return entry;
  }

  private async loadReadOnly(uri: vscode.Uri, path: Exclude<KmslabPath, { kind: 'folder' | 'key-policy' }>): Promise<ReadOnlyFile> {
    const session = await this.sessionFor(path.kind === 'iam-policy' ? { target: path.target } : path);
    let text: string;
    try {
      if (path.kind === 'iam-policy') text = await this.readIamPolicy(session, path);
      else if (path.kind === 'live-policy') text = prettyPolicyText((await session.kms.getKeyPolicy(path.keyId)).text);
      else text = await this.historyText(session, path);
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      throw vscode.FileSystemError.Unavailable(`Cannot read ${uri.path}: ${(error as Error).message}`);
    }
    const file = { content: encoder.encode(text), mtime: Date.now() };
    this.readOnly.set(uri.path + uri.query, file);
    return file;
  }

  private async historyText(session: AwsSession, path: Extract<KmslabPath, { kind: 'history-entry' }>): Promise<string> {
    const key = await session.kms.describeKey(path.keyId);
    const entry = (await this.store.history(key.arn)).find((e) => e.id === path.entryId);
    if (!entry) throw vscode.FileSystemError.FileNotFound(`The local history of ${key.arn} has no version ${path.entryId}`);
    return prettyPolicyText(entry.text);
  }

  /** The modal a person answers when the live policy changed since their tab read it. */
  private async resolveConflict(uri: vscode.Uri, session: AwsSession, edit: KeyPolicyEdit, text: string, conflict: Extract<EditResult, { kind: 'conflict' }>): Promise<EditResult> {
    const base = edit.loaded;
    if (!base) throw failure('Not saved: the key policy is not loaded.');
    const choice = await vscode.window.showWarningMessage(
      !conflict.unknownBase
        ? `The key policy of ${base.keyId} was changed by someone else since you opened it. Nothing was saved.`
        : `KMS Lab does not know which version of the key policy of ${base.keyId} this text started from (the tab was restored). Nothing was saved.`,
      {
        modal: true,
        detail: 'Compare shows the live policy beside yours. Overwrite replaces the live policy with yours (the replaced one is kept in the local history).',
      },
      'Compare',
      'Overwrite…',
    );
    if (choice === 'Compare') {
      const live = this.showLive(uri, conflict.theirs);
      void vscode.commands.executeCommand('vscode.diff', live, uri, `${base.keyId} key policy: live ↔ yours`);
      throw failure('Not saved: the key policy changed since you opened it. The live policy is open beside yours; merge what you need, then save again and choose Overwrite.');
    }
    // The core asks for the second, explicit confirmation (the same words as in a table panel).
    if (choice === 'Overwrite…') return edit.save(session, text, { overwriteConflict: true });
    return { kind: 'cancelled' };
  }

  private finishSave(uri: vscode.Uri, entry: OpenPolicy, written: string, result: EditResult): void {
    switch (result.kind) {
      case 'saved': {
        entry.content = encoder.encode(written);
        entry.mtime = Math.max(Date.now(), entry.mtime + 1);
        entry.freshUntil = Date.now() + FRESH_MS;
        entry.showReloadedAfterSave = result.document.text !== written;
        this.open.set(uri.path, entry);
        if (result.notes?.length) void vscode.window.showWarningMessage(result.notes.join(' '));
        return;
      }
      case 'cancelled':
        throw failure('Not saved: the key policy changed since you opened it. Your text is still here; save again to compare or overwrite.');
      case 'invalid': {
        const [first] = result.problems;
        const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more problems: see the Problems panel)` : '';
        throw failure(`Key policy not saved: ${first ? describeProblem(first) : 'it is not valid'}${more}`);
      }
      case 'lockout':
      case 'failed':
        throw failure(result.message);
      case 'conflict':
        throw failure('Not saved: the key policy changed since you opened it.');
    }
  }

  /** VS Code has recorded the save (its stat included); now swap in the policy as KMS holds it (pretty-printed). */
  private showReloaded(document: vscode.TextDocument): void {
    const entry = document.uri.scheme === KMSLAB_SCHEME ? this.open.get(document.uri.path) : undefined;
    if (!entry?.showReloadedAfterSave || document.isDirty) return;
    const loaded = entry.edit.loaded;
    if (!loaded) return;
    entry.showReloadedAfterSave = false;
    entry.content = encoder.encode(loaded.text);
    entry.mtime += 1;
    entry.freshUntil = Date.now() + FRESH_MS;
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri: document.uri }]);
  }

  /** A panel, the lab or a restore changed this key (or anything changed): tabs without unsaved changes show it. */
  private savedElsewhere(event: AccountChangeEvent): void {
    for (const [path, entry] of this.open) {
      const keyArn = entry.edit.loaded?.keyArn;
      if (!keyArn || !touchesKey(event, keyArn) || entry.edit.saving) continue;
      this.log.debug(`Key policy changed by ${event.source}; reloading its tab · ${keyArn}`);
      this.refresh(vscode.Uri.from({ scheme: KMSLAB_SCHEME, path }));
    }
  }

  private isDirty(uri: vscode.Uri): boolean {
    return vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.scheme === KMSLAB_SCHEME && d.uri.path === uri.path);
  }
}
