// The sandbox's CloudTrail endpoint (awsJson1_1, CloudTrail_20131101.<Op>): LookupEvents over the recorded events,
// authorized by cloudtrail:LookupEvents in the caller's identity policies (it has no resource-level permissions).
// AWS allows two lookups a second per account and Region; the sandbox limits them only when asked (lookupsPerSecond),
// so that paging through a long history stays fast.
import { accessDeniedMessage, evaluate } from '../../policy';
import type { IdentityDirectory, JsonService, RequestContext } from '../contracts';
import { globalConditions, principalPolicies } from '../request-conditions';
import { cloudTrailError } from './errors';
import { lookupEvents } from './lookup';
import type { EventStore } from './store';

export class CloudTrailService implements JsonService {
  private tokens: number;
  private refilledAt = 0;

  constructor(
    private readonly store: EventStore,
    private readonly directory: IdentityDirectory,
    private readonly lookupsPerSecond?: number,
  ) {
    this.tokens = lookupsPerSecond ?? 0;
  }

  async handle(operation: string, input: Record<string, unknown>, ctx: RequestContext): Promise<unknown> {
    if (operation !== 'LookupEvents') throw cloudTrailError.unknownOperation(operation);
    this.authorize(ctx, `cloudtrail:${operation}`);
    this.throttle(ctx.now.getTime());
    return lookupEvents(this.store, input);
  }

  /** A token bucket holding one second of lookups. */
  private throttle(now: number): void {
    const rate = this.lookupsPerSecond;
    if (!rate) return;
    this.tokens = Math.min(Math.max(1, rate), this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    if (this.tokens < 1) throw cloudTrailError.throttling();
    this.tokens -= 1;
  }

  private authorize(ctx: RequestContext, action: string): void {
    if (ctx.caller.kind === 'root') return;
    const facts = this.directory.principalFacts(ctx.caller);
    const result = evaluate({
      principal: ctx.caller.arn,
      userId: ctx.caller.userId,
      action,
      resource: '*',
      context: globalConditions(ctx, facts),
      ...principalPolicies(facts),
      now: ctx.now,
    });
    if (result.decision !== 'allowed') throw cloudTrailError.accessDenied(accessDeniedMessage(result) ?? `User: ${ctx.caller.arn} is not authorized to perform: ${action}`);
  }
}
