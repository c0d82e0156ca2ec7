// The request context: condition keys (case-insensitive names) with one value or several.
// Keys the engine knows from the caller are computed on lookup; the request's own context overrides them.
import { describeCaller, type CallerIdentityInfo } from './caller';
import type { ContextValue, RequestContextView, VariableLookup } from './context-types';
import type { ConditionContext, EvaluationRequest } from './types';

const PRINCIPAL_TYPE: Partial<Record<CallerIdentityInfo['kind'], string>> = {
  root: 'Account',
  user: 'User',
  role: 'AssumedRole',
  'assumed-role': 'AssumedRole',
  'federated-user': 'FederatedUser',
  anonymous: 'Anonymous',
};

const lowered = new WeakMap<object, Map<string, ContextValue>>();

/**
 * The request's context with lower-cased key names. A frozen context (Object.freeze) cannot change, so its view is
 * remembered: callers that evaluate many requests with one context (the access analysis) pay for it once.
 */
function requestValues(context: ConditionContext | undefined): Map<string, ContextValue> | undefined {
  if (!context || typeof context !== 'object') return undefined;
  const frozen = Object.isFrozen(context);
  const known = frozen ? lowered.get(context) : undefined;
  if (known) return known;
  const values = new Map<string, ContextValue>();
  if (frozen) lowered.set(context, values);
  for (const key of Object.keys(context)) {
    const value = context[key];
    if (typeof value === 'string') values.set(key.toLowerCase(), value);
    else if (Array.isArray(value)) values.set(key.toLowerCase(), value.filter((v): v is string => typeof v === 'string'));
  }
  return values;
}

function engineValue(key: string, req: EvaluationRequest, caller: CallerIdentityInfo): ContextValue | undefined {
  switch (key) {
    case 'aws:principalaccount':
      return caller.account || undefined;
    case 'aws:principalarn':
      return caller.account ? (caller.roleArn ?? caller.arn) : undefined;
    case 'aws:principaltype':
      return PRINCIPAL_TYPE[caller.kind];
    case 'aws:username':
      return caller.kind === 'user' ? caller.name : undefined;
    case 'aws:userid':
      return typeof req.userId === 'string' && req.userId ? req.userId : caller.kind === 'root' && caller.account ? caller.account : undefined;
    case 'aws:principalservicename':
      return caller.kind === 'service' ? caller.arn : undefined;
    case 'kms:calleraccount':
      return caller.account && typeof req.action === 'string' && req.action.toLowerCase().startsWith('kms:') ? caller.account : undefined;
    case 'aws:currenttime':
      return (req.now instanceof Date ? req.now : new Date()).toISOString();
    case 'aws:epochtime':
      return String(Math.floor((req.now instanceof Date ? req.now : new Date()).getTime() / 1000));
    default:
      return undefined;
  }
}

/** The context of one request; the request's own keys are read on the first lookup, when a condition needs them. */
export function buildContext(req: EvaluationRequest, caller: CallerIdentityInfo): RequestContextView {
  let values: Map<string, ContextValue> | undefined | null = null;
  return {
    get(key) {
      if (values === null) values = requestValues(req.context);
      return values?.get(key) ?? engineValue(key, req, caller);
    },
  };
}

/** Single-valued lookup for policy variables. */
export function variableLookup(view: RequestContextView): VariableLookup {
  return (key) => {
    const value = view.get(key);
    return typeof value === 'string' ? value : undefined;
  };
}

/**
 * The policy variables of a caller's requests with this context (\${aws:userid}, \${aws:username}, tags, ...), for
 * callers outside the engine that need the value a templated policy value takes for a principal.
 */
export function callerVariables(principal: string, userId: string | undefined, context: ConditionContext): VariableLookup {
  return variableLookup(buildContext({ principal, userId, context, action: '', resource: '', identityPolicies: [] }, describeCaller(principal)));
}
