// Every item request of a caller makes DynamoDB ask KMS the same question. Without AWS's timing, the sandbox keeps
// each answer only while no account state has changed (any change may change it), and for a second at most (for
// the time condition keys); AWS's own DynamoDB keeps the caller's table key for minutes.
import type { RequestContext } from '../contracts';
import { stateGeneration } from '../storage/state-generation';
import type { AccessDecision } from './access';

const KEPT_MS = 1000;
const MAX_KEPT = 1024;

export class RecentDecisions {
  private readonly kept = new Map<string, { generation: number; until: number; decision: AccessDecision }>();

  static idOf(ctx: RequestContext, keyArn: string, tableName: string, operation: string): string {
    return `${ctx.caller.accessKeyId} ${ctx.caller.arn} ${ctx.region} ${ctx.sourceIp} ${tableName} ${keyArn} ${operation}`;
  }

  get(id: string, now: Date): AccessDecision | undefined {
    const kept = this.kept.get(id);
    return kept && kept.generation === stateGeneration() && now.getTime() < kept.until ? kept.decision : undefined;
  }

  set(id: string, now: Date, decision: AccessDecision): void {
    if (this.kept.size >= MAX_KEPT) this.kept.clear();
    this.kept.set(id, { generation: stateGeneration(), until: now.getTime() + KEPT_MS, decision });
  }
}
