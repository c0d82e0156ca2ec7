// evaluate(): AWS's policy evaluation logic for one request. The decision is computed at once; the reasons and
// details that explain it are built on first read, so the sandbox pays for sentences only when it shows them.
// When reading the request later is sure to find the same (a frozen context), even the analysis waits for that read.
import { analyse, type Analysis } from './analysis';
import { decide } from './evaluation-logic';
import { quickDecision } from './decision';
import { buildDetails, buildReasons } from './reasons';
import type { Decision, EvaluationDetails, EvaluationRequest, EvaluationResult, Reason } from './types';

export { describeStatement, refOf } from './reasons';

/**
 * `reasons` and `details` are getters on the prototype: reading them works as on a plain object, but spreading
 * copies only `decision` and `request`. Use toJSON() (or JSON.stringify) for a plain copy.
 */
class LazyResult implements EvaluationResult {
  readonly decision: Decision;
  readonly request: EvaluationRequest;
  #analysis?: Analysis;
  #reasons?: Reason[];
  #details?: EvaluationDetails;

  constructor(decision: Decision, request: EvaluationRequest, analysis: Analysis | undefined) {
    this.decision = decision;
    this.request = request;
    this.#analysis = analysis;
  }

  get reasons(): Reason[] {
    return (this.#reasons ??= buildReasons(this.analysis(), this.decision));
  }

  get details(): EvaluationDetails {
    return (this.#details ??= buildDetails(this.analysis(), this.decision));
  }

  private analysis(): Analysis {
    return (this.#analysis ??= analyse(this.request));
  }

  /** A plain EvaluationResult, for spreading, JSON and structured cloning. */
  toJSON(): EvaluationResult {
    return { decision: this.decision, reasons: this.reasons, request: this.request, details: this.details };
  }
}

export interface EvaluateOptions {
  /** The caller will read the reasons or details: analyse at once rather than deciding first and analysing on the read. */
  explaining?: boolean;
}

/** Never throws: malformed input is reported in the reasons and matches nothing. */
export function evaluate(req: EvaluationRequest, options?: EvaluateOptions): EvaluationResult {
  try {
    const quick = options?.explaining ? undefined : quickDecision(req);
    if (quick !== undefined) return new LazyResult(quick, req, undefined);
    const analysis = analyse(req);
    return new LazyResult(decide(analysis), req, analysis);
  } catch (error) {
    return {
      decision: 'implicitly-denied',
      reasons: [{ kind: 'malformed-policy', message: `The request could not be evaluated: ${(error as Error)?.message ?? String(error)}.` }],
      request: req,
    };
  }
}
