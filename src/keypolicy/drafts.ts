// Unsaved key policy drafts outlive their editor: closing a panel with an edit in it keeps the edit for the next one.
// Kept in VS Code's global state (any key-value store with the same two methods), newest 20.

export interface PolicyDraft {
  text: string;
  /** The live policy the draft was written against: Save compares it with the live one, so no change is overwritten. */
  base: string;
  savedAt: string;
}

/** Where drafts are kept between editors. */
export interface DraftStore {
  get(keyArn: string): PolicyDraft | undefined;
  keep(keyArn: string, draft: PolicyDraft): Promise<void>;
  forget(keyArn: string): Promise<void>;
}

/** VS Code's Memento, or an in-memory stand-in. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY = 'kmsLab.policyDrafts';
const LIMIT = 20;

function isDraft(value: unknown): value is PolicyDraft {
  const d = value as Partial<PolicyDraft> | null;
  return !!d && typeof d.text === 'string' && typeof d.base === 'string' && typeof d.savedAt === 'string';
}

export class PolicyDrafts implements DraftStore {
  constructor(private readonly memento: KeyValueStore) {}

  private all(): Map<string, PolicyDraft> {
    const stored = this.memento.get<Record<string, unknown>>(KEY);
    const drafts = new Map<string, PolicyDraft>();
    if (stored && typeof stored === 'object') for (const [keyArn, draft] of Object.entries(stored)) if (isDraft(draft)) drafts.set(keyArn, draft);
    return drafts;
  }

  get(keyArn: string): PolicyDraft | undefined {
    return this.all().get(keyArn);
  }

  async keep(keyArn: string, draft: PolicyDraft): Promise<void> {
    const all = this.all();
    all.set(keyArn, draft);
    const newest = [...all].sort(([, a], [, b]) => b.savedAt.localeCompare(a.savedAt)).slice(0, LIMIT);
    await this.memento.update(KEY, Object.fromEntries(newest));
  }

  async forget(keyArn: string): Promise<void> {
    const all = this.all();
    if (!all.delete(keyArn)) return;
    await this.memento.update(KEY, Object.fromEntries(all));
  }
}
