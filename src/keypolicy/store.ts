// Key policies as editable documents: load one, save it safely (validation, size, lockout pre-check, conflict
// detection, PutKeyPolicy, local history), restore an older version. Plain Node: the panel and the editor share it.
import { AwsLayerError } from '../aws/errors';
import { silentLogger, type Logger } from '../aws/log';
import type { AwsSession } from '../aws/session';
import type { KmsKey } from '../aws/types';
import { KEY_POLICY_MAX_BYTES, wouldLockOut, type PolicyProblem } from '../policy';
import { readCallerPolicies } from './caller-policies';
import { KeyedQueue } from './keyed-queue';
import { PolicyHistory, type HistoryEntry } from './history';
import { policyProblems, prettyPolicyText, samePolicy } from './policy-text';
import { lockoutMessage, refusalOf, type FailureReason } from './save-failures';
import { unknownPrincipals } from './unknown-principals';
import { parseKeyArn } from './uri';

export type { HistoryEntry } from './history';
export type { FailureReason } from './save-failures';

export interface KeyPolicyDocument {
  keyArn: string;
  keyId: string;
  region: string;
  /** The policy text exactly as GetKeyPolicy returned it when loaded: the base for conflict detection. */
  liveText: string;
  /** Pretty-printed (2 spaces, final newline) for editing. */
  text: string;
  editable: boolean;
  /** Why it is read-only, e.g. an AWS managed key ("its policy is managed by AWS and cannot be changed"). */
  readOnlyReason?: string;
  loadedAt: Date;
}

export type SaveResult =
  /** Reloaded after PutKeyPolicy. `notes` says what the person should know (a partial pre-check, a history that could not be written). */
  | { kind: 'saved'; document: KeyPolicyDocument; notes?: string[] }
  /** JSON syntax or validation errors, with ranges; nothing sent. Only errors block: warnings are not listed here. */
  | { kind: 'invalid'; problems: PolicyProblem[] }
  /** The caller would lose kms:PutKeyPolicy; nothing sent (or KMS's own check refused it). */
  | { kind: 'lockout'; message: string }
  /** The live policy changed since `liveText`; nothing sent. Both texts pretty-printed like `text`. */
  | { kind: 'conflict'; base: string; theirs: string }
  /** `action` is the AWS action that failed (e.g. kms:PutKeyPolicy); `reason` says which kind of failure it was. */
  | { kind: 'failed'; message: string; action?: string; reason?: FailureReason };

export interface KeyPolicyStoreOptions {
  /** Where the history files go (created 0700; one 0600 JSON file per key). */
  historyDir: string;
  logger?: Logger;
}

export interface SaveOptions {
  /** Replace the live policy even though it changed since `document` was loaded. */
  overwriteConflict?: boolean;
  /** Who saves, for the change signal and the log: "key policy tab", "table panel", "lab step 6". */
  source?: string;
}

/** Told after every save that reached KMS. */
export type SaveListener = (keyArn: string, source: string | undefined) => void;

export const AWS_MANAGED_REASON = 'This is an AWS managed key: its policy is managed by AWS and cannot be changed.';


export class KeyPolicyStore {
  private readonly historyStore: PolicyHistory;
  private readonly logger: Logger;
  private readonly listeners = new Set<SaveListener>();
  /** Saves of one key, one after the other, so a second save sees the first as a conflict rather than racing it. */
  private readonly saving = new KeyedQueue();

  constructor(options: KeyPolicyStoreOptions) {
    this.historyStore = new PolicyHistory(options.historyDir);
    this.logger = options.logger ?? silentLogger;
  }

  async load(session: AwsSession, keyIdOrArn: string): Promise<KeyPolicyDocument> {
    const key = await this.describe(session, keyIdOrArn);
    const policy = await session.kms.getKeyPolicy(key.arn || key.keyId);
    const awsManaged = key.keyManager === 'AWS';
    return {
      keyArn: key.arn,
      keyId: key.keyId,
      region: parseKeyArn(key.arn)?.region ?? session.target.region,
      liveText: policy.text,
      text: prettyPolicyText(policy.text),
      editable: !awsManaged,
      readOnlyReason: awsManaged ? AWS_MANAGED_REASON : undefined,
      loadedAt: new Date(),
    };
  }

  save(session: AwsSession, document: KeyPolicyDocument, newText: string, options: SaveOptions = {}): Promise<SaveResult> {
    return this.saving.run(document.keyArn, () => this.saveNow(session, document, newText, options));
  }

  /** Newest first. */
  history(keyArn: string): Promise<HistoryEntry[]> {
    return this.historyStore.list(keyArn);
  }

  /** Puts an older version back, with the same checks as save. */
  async restore(session: AwsSession, document: KeyPolicyDocument, entryId: string, options: Pick<SaveOptions, 'source'> = {}): Promise<SaveResult> {
    const entry = (await this.history(document.keyArn)).find((e) => e.id === entryId);
    if (!entry) return { kind: 'failed', message: `The history of ${document.keyArn} has no entry ${entryId}` };
    return this.save(session, document, entry.text, options);
  }

  onDidSave(listener: SaveListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private async saveNow(session: AwsSession, document: KeyPolicyDocument, newText: string, options: SaveOptions): Promise<SaveResult> {
    const { keyArn } = document;
    if (!document.editable) return { kind: 'failed', reason: 'read-only', message: document.readOnlyReason ?? `The key policy of ${keyArn} is read-only` };

    const errors = policyProblems(newText).filter((p) => p.severity === 'error' && p.code !== 'policy-too-large');
    if (errors.length > 0) return { kind: 'invalid', problems: errors };
    const bytes = Buffer.byteLength(newText, 'utf8');
    if (bytes > KEY_POLICY_MAX_BYTES) {
      return { kind: 'failed', reason: 'too-large', message: `The key policy is ${bytes} bytes; KMS accepts at most ${KEY_POLICY_MAX_BYTES}. Remove statements or principals (whitespace counts too).` };
    }

    let callerArn: string | undefined;
    let partialPrecheck: string | undefined;
    try {
      const caller = await readCallerPolicies(session);
      callerArn = caller.identity.arn;
      partialPrecheck = caller.partialReason;
      const lockedOut = wouldLockOut(newText, caller.identity.arn, caller.policies, caller.identity.account, { keyArn, userId: caller.identity.userId });
      // With identity policies unknown, an allow through IAM cannot be seen: only a full check may refuse.
      if (lockedOut && !partialPrecheck) return { kind: 'lockout', message: lockoutMessage(caller.identity.arn, keyArn) };

      const live = await session.kms.getKeyPolicy(keyArn);
      if (!samePolicy(live.text, document.liveText) && !options.overwriteConflict) {
        this.logger.info(`Key policy changed since it was loaded; not saved · ${keyArn}`);
        return { kind: 'conflict', base: prettyPolicyText(document.liveText), theirs: prettyPolicyText(live.text) };
      }

      await session.kms.putKeyPolicy(keyArn, newText);
      this.logger.info(`Key policy saved${options.source ? ` from the ${options.source}` : ''} · ${keyArn}`);
      const notes: string[] = [];
      if (partialPrecheck) notes.push(`The lockout pre-check was partial (${partialPrecheck}); KMS's own check accepted the policy.`);
      await this.historyStore
        .add({ keyArn, savedAt: new Date().toISOString(), text: live.text, replacedBy: callerArn })
        .catch((error: unknown) => {
          this.logger.warn(`Key policy history not written · ${keyArn}: ${(error as Error).message}`);
          notes.push(`The previous policy could not be kept in the history: ${(error as Error).message}`);
        });
      this.fire(keyArn, options.source);
      const reloaded = await this.load(session, keyArn).catch((error: unknown) => {
        notes.push(`The saved policy could not be read back (${(error as Error).message}); showing what was sent.`);
        return { ...document, liveText: newText, text: prettyPolicyText(newText), loadedAt: new Date() };
      });
      return notes.length > 0 ? { kind: 'saved', document: reloaded, notes } : { kind: 'saved', document: reloaded };
    } catch (error) {
      let result = refusalOf(error, { keyArn, callerArn, partialPrecheck });
      if (result.kind === 'failed' && result.reason === 'invalid-principal') {
        const missing = await unknownPrincipals(session, newText, parseKeyArn(keyArn)?.account ?? '').catch(() => []);
        if (missing.length > 0) result = { ...result, message: `${result.message} Not found in IAM: ${missing.join(', ')}.` };
      }
      this.logger.warn(`Key policy not saved (${result.kind}) · ${keyArn}: ${result.message}`);
      return result;
    }
  }

  /** DescribeKey, or, when that is denied and a key ARN was given, what the ARN itself says. */
  private async describe(session: AwsSession, keyIdOrArn: string): Promise<KmsKey> {
    try {
      return await session.kms.describeKey(keyIdOrArn);
    } catch (error) {
      const arn = parseKeyArn(keyIdOrArn);
      if (!(error instanceof AwsLayerError) || error.kind !== 'access-denied' || !arn) throw error;
      this.logger.info(`kms:DescribeKey denied; reading the key policy by ARN · ${keyIdOrArn}`);
      return { keyId: arn.keyId, arn: keyIdOrArn, aliases: [], state: 'Unknown', keyManager: 'CUSTOMER', problem: error.message };
    }
  }

  private fire(keyArn: string, source: string | undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(keyArn, source);
      } catch (error) {
        this.logger.warn(`A key policy save listener failed · ${keyArn}: ${(error as Error).message}`);
      }
    }
  }
}
