// The request context: condition keys (case-insensitive names) with one value or several.
import type { CallerIdentityInfo } from './caller';
import type { EvaluationRequest } from './types';

import type { ContextValue, RequestContextView, VariableLookup } from './context-types';

const PRINCIPAL_TYPE: Partial<Record<CallerIdentityInfo['kind'], string>> = {
  root: 'Account',
  user: 'User',
  role: 'AssumedRole',
  'assumed-role': 'AssumedRole',
  'federated-user': 'FederatedUser',
  anonymous: 'Anonymous',
};

/** Keys the engine knows from the caller; the request's own context overrides them. */
export function buildContext(req: EvaluationRequest, caller: CallerIdentityInfo): RequestContextView {
  const values = new Map<string, ContextValue>();
  if (caller.account) {
    values.set('aws:principalaccount', caller.account);
    values.set('aws:principalarn', caller.roleArn ?? caller.arn);
  }
  const type = PRINCIPAL_TYPE[caller.kind];
  if (type) values.set('aws:principaltype', type);
  if (caller.kind === 'user' && caller.name) values.set('aws:username', caller.name);
  if (req.userId) values.set('aws:userid', req.userId);
  else if (caller.kind === 'root' && caller.account) values.set('aws:userid', caller.account);
  if (caller.kind === 'service') values.set('aws:principalservicename', caller.arn);
  if (caller.account && typeof req.action === 'string' && req.action.toLowerCase().startsWith('kms:')) {
    values.set('kms:calleraccount', caller.account);
  }
  const context = req.context;
  if (context && typeof context === 'object') {
    for (const key of Object.keys(context)) {
      const value = context[key];
      if (typeof value === 'string') values.set(key.toLowerCase(), value);
      else if (Array.isArray(value)) values.set(key.toLowerCase(), value.filter((v): v is string => typeof v === 'string'));
    }
  }
  return {
    get(key) {
      const value = values.get(key);
      if (value !== undefined) return value;
      if (key === 'aws:currenttime') return (req.now ?? new Date()).toISOString();
      if (key === 'aws:epochtime') return String(Math.floor((req.now ?? new Date()).getTime() / 1000));
      return undefined;
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
