// Reading the lab table as the test user: what AWS does (observed), what the policies say (predicted), and whether
// the two agree. Item values stay in memory for display; only their count is remembered.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { AwsLayerError } from '../aws/errors';
import type { AwsSession } from '../aws/session';
import type { StaticCredentials } from '../aws/types';
import type { LabContext } from './context';
import { PARTITION_KEY, SAMPLE_ITEM } from './defaults';
import { awsSaid, locksText } from './lesson';
import type { ObservedRead, PredictedRead, ReadOutcome, ReadResult } from './record';
import type { StepStatus } from './step';
import { jittered, labWaits } from './timing';

/** DynamoDB's words when IAM, not the key, refuses the action. */
const TABLE_LOCK_DENIAL = /is not authorized to perform: dynamodb:/;

export interface LiveRead {
  observed: ObservedRead;
  /** The item read by GetItem, as plain JSON, when the read was allowed. */
  item?: Record<string, unknown>;
}

interface OperationResult {
  outcome: ReadOutcome;
  code?: string;
  message?: string;
  retryable: boolean;
}

/** AWS's own message, not our rewording of it. */
function awsMessage(err: unknown): string {
  if (err instanceof AwsLayerError && err.cause instanceof Error && err.cause.message) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function failureOf(err: unknown): OperationResult {
  if (err instanceof AwsLayerError) {
    if (err.kind === 'access-denied') return { outcome: 'denied', code: err.code, message: awsMessage(err), retryable: false };
    return { outcome: 'error', code: err.code, message: awsMessage(err), retryable: err.kind === 'invalid-credentials' || err.kind === 'throttled' };
  }
  return { outcome: 'error', message: awsMessage(err), retryable: false };
}

async function readOnce(session: AwsSession, table: string, itemId: string): Promise<{ result: OperationResult; itemCount?: number; item?: Record<string, unknown> }> {
  let scan: OperationResult;
  let itemCount: number | undefined;
  try {
    itemCount = (await session.dynamodb.readItems(table, { kind: 'scan', limit: 25 })).items.length;
    scan = { outcome: 'allowed', retryable: false };
  } catch (err) {
    scan = failureOf(err);
  }
  let get: OperationResult;
  let item: Record<string, unknown> | undefined;
  try {
    const found = await session.dynamodbData.getItem(table, { [PARTITION_KEY]: { S: itemId } });
    item = found ? unmarshall(found) : undefined;
    get = { outcome: 'allowed', retryable: false };
  } catch (err) {
    get = failureOf(err);
  }
  if (scan.outcome === get.outcome) return { result: scan.outcome === 'allowed' ? scan : { ...scan, retryable: scan.retryable || get.retryable }, itemCount, item };
  const describe = (name: string, r: OperationResult) => `${name} ${r.outcome}${r.message ? ` (${r.message})` : ''}`;
  return { result: { outcome: 'error', message: `${describe('Scan', scan)}, but ${describe('GetItem', get)}`, retryable: true }, itemCount, item };
}

/** Scan and GetItem as the test user, retried while the outcome is not yet `expect` (AWS catching up), within `retryMs`. */
export async function readAsTestUser(
  ctx: LabContext,
  credentials: StaticCredentials,
  options: {
    expect: ReadOutcome;
    retryMs: number;
    report(message: string): void;
    /** Why an outcome other than `expect` may be only a delay (DynamoDB's cached table key); shown while waiting. */
    waitingFor?: (outcome: ReadOutcome) => { because: string; detail: string; pauseMs: number } | undefined;
  },
): Promise<LiveRead> {
  const record = ctx.record;
  const session = ctx.services.sessionAs(record.testUserName, credentials);
  const started = Date.now();
  const waits = labWaits(ctx.backend);
  let before: ObservedRead['before'];
  try {
    for (let attempt = 1; ; attempt++) {
      const { result, itemCount, item } = await readOnce(session, record.tableName, record.itemId ?? SAMPLE_ITEM.id);
      // On AWS (or the sandbox keeping its timing), a table-lock denial of a user just given DynamoDB access is IAM catching up.
      const notYetConsistent = waits.scaled && result.outcome === 'denied' && TABLE_LOCK_DENIAL.test(result.message ?? '');
      const settled =
        (result.outcome === options.expect && !notYetConsistent) ||
        (result.outcome !== 'error' && options.retryMs === 0 && !notYetConsistent) ||
        (result.outcome === 'error' && !result.retryable);
      // A refused new key (each AWS service learns of it on its own) or throttling is retried a little longer.
      const transientBudget = result.retryable ? waits.transientMs : 0;
      const consistencyBudget = notYetConsistent ? waits.policyChangeMs : 0;
      const waiting = result.outcome !== 'error' && result.outcome !== options.expect ? options.waitingFor?.(result.outcome) : undefined;
      if (settled || Date.now() - started >= Math.max(options.retryMs, transientBudget, consistencyBudget)) {
        const observed: ObservedRead = { outcome: result.outcome, code: result.code, message: result.message, itemCount, attempts: attempt };
        if (before && before.outcome !== result.outcome) observed.before = before;
        return { observed, item: result.outcome === 'allowed' ? item : undefined };
      }
      if (waiting) {
        before = { outcome: result.outcome, attempts: (before?.attempts ?? 0) + 1, forMs: Date.now() - started, because: waiting.because };
        options.report(waiting.detail);
      } else if (result.outcome === 'error') {
        options.report(`${result.code ?? 'the read failed'} (attempt ${attempt}): retrying with backoff, at most ${Math.round(Math.max(options.retryMs, transientBudget) / 1000)} s`);
      } else {
        const what = notYetConsistent ? 'the user\'s new IAM policy' : 'the key policy change';
        options.report(`the read is ${result.outcome} so far (attempt ${attempt}); waiting for ${what} to apply everywhere`);
      }
      const pause = waiting ? waiting.pauseMs : Math.min(1000 * attempt, 4000);
      await new Promise((resolve) => setTimeout(resolve, jittered(pause)));
      session.invalidate();
    }
  } finally {
    session.dispose();
  }
}

export async function predictRead(ctx: LabContext): Promise<{ predicted?: PredictedRead; problem?: string }> {
  try {
    return { predicted: await ctx.services.predict(ctx.admin, { tableName: ctx.record.tableName, principalArn: ctx.userArn() }) };
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

/** The locks' verdicts and deciding statements, table lock first; the engine's reasons for older records. */
function why(predicted: PredictedRead | undefined): string {
  if (!predicted) return '';
  const unknowns = predicted.reasons.filter((reason) => reason.startsWith('Not known:'));
  return predicted.locks ? [locksText(predicted.locks), ...unknowns].join(' ') : predicted.reasons.join(' ');
}

const items = (count: number | undefined) => `${count ?? 0} item${count === 1 ? '' : 's'}`;

/**
 * What a read step concludes. `expect` is what the lab teaches at this point; agreement between observed and
 * predicted is what makes it a success. An emulator that returns items the policies forbid is named for what it is.
 * Every conclusion leads with the two locks; AWS's own words come second.
 */
export function conclude(
  ctx: LabContext,
  expect: 'allowed' | 'denied',
  live: LiveRead,
  prediction: { predicted?: PredictedRead; problem?: string },
  options: { afterRevoke?: boolean } = {},
): { result: ReadResult; status: StepStatus } {
  const { observed } = live;
  const { predicted, problem } = prediction;
  const user = ctx.record.testUserName;
  const table = ctx.record.tableName;
  const agree = predicted !== undefined && observed.outcome !== 'error' && predicted.decision === observed.outcome;
  const said = awsSaid(observed);
  const aws = said ? ` ${said}` : '';
  let status: StepStatus;
  if (observed.outcome === 'error') {
    status = { state: 'failed', detail: `The read as ${user} failed: ${observed.message ?? 'unknown error'}` };
  } else if (!predicted) {
    status = { state: 'failed', detail: `${user} was ${observed.outcome === 'allowed' ? 'allowed to read' : 'refused'}, but KMS Lab could not predict it from the policies: ${problem ?? 'unknown reason'}.${aws}` };
  } else if (observed.outcome === 'allowed' && predicted.decision === 'denied') {
    if (options.afterRevoke && (ctx.backend.kind === 'aws' || labWaits(ctx.backend).scaled)) {
      status = {
        state: 'waiting',
        detail: `${user} can still read ${table} although the key lock is shut now: DynamoDB may cache the table key for up to 5 minutes on AWS. Run this step again in a few minutes. ${why(predicted)}`,
      };
    } else {
      status = {
        state: 'failed',
        detail:
          `${ctx.backend.label} returned the table's items to ${user}, but the policies keep a lock shut: ` +
          `${ctx.backend.kind === 'aws' ? 'AWS and the prediction disagree.' : 'the emulator did not enforce the key. On AWS, and in KMS Lab\'s local sandbox, this read is refused.'} ${why(predicted)}`,
      };
    }
  } else if (observed.outcome === 'denied' && predicted.decision === 'allowed') {
    status = { state: 'failed', detail: `${user} is refused, although the policies KMS Lab read open both locks. ${why(predicted)}${aws}` };
  } else if (predicted.decision === 'conditional') {
    status = { state: 'failed', detail: `${user} was ${observed.outcome === 'allowed' ? 'allowed to read' : 'refused'}; the policies open a lock only under request conditions. ${why(predicted)}${aws}` };
  } else if (observed.outcome !== expect) {
    status =
      expect === 'denied'
        ? { state: 'failed', detail: `${user} can read ${table}: the key lock is already open (step 6 was done?). ${why(predicted)} Run step 8 (Revoke) to see the denial again.` }
        : { state: 'failed', detail: `${user} is still refused, as predicted: run step 6 (Grant) first. ${why(predicted)}${aws}` };
  } else if (expect === 'denied') {
    const cached = observed.before?.outcome === 'allowed' ? ` Until then (${Math.round(observed.before.forMs / 1000)} s, ${observed.before.attempts} reads) DynamoDB served ${user} with its ${observed.before.because}: observed allowed, predicted denied.` : '';
    const headline = options.afterRevoke ? `Revoked. ${user} is refused again, as predicted.${cached}` : `${user} is refused, as predicted.`;
    status = { state: 'done', detail: `${headline} ${why(predicted)}${aws}` };
  } else {
    status = { state: 'done', detail: `${user} reads ${table} now, as predicted (${items(observed.itemCount)}). ${why(predicted)}` };
  }
  const result: ReadResult = {
    at: new Date().toISOString(),
    principalArn: ctx.userArn(),
    keyArn: ctx.record.keyArn,
    observed,
    predicted,
    predictionProblem: problem,
    agree,
    conclusion: status.state,
    summary: status.detail ?? '',
  };
  return { result, status };
}

/** A read step's state from what it recorded, for the current user and key; undefined when it has not run. */
export function recordedStatus(ctx: LabContext, result: ReadResult | undefined): StepStatus | undefined {
  if (!result || result.principalArn !== ctx.userArn() || (ctx.record.keyArn && result.keyArn !== ctx.record.keyArn)) return undefined;
  return { state: result.conclusion, detail: result.summary };
}
