// GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. The only policy name is "default"; keys by id or ARN, never alias.
import { AwsError } from '../../contracts';
import { kmsError } from '../errors';
import { optionalBoolean, optionalString, requiredString } from '../input';
import { checkNewKeyPolicy } from '../policy-checks';
import { type KmsCall, authorize, keyFromMember } from './call';

function policyName(call: KmsCall): string {
  const name = optionalString(call.input, 'PolicyName', 128) ?? 'default';
  if (name !== 'default') throw new AwsError('NotFoundException', 'No such policy exists');
  return name;
}

export async function getKeyPolicy(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  const name = policyName(call);
  authorize(call, 'GetKeyPolicy', key);
  return { Policy: key.policy, PolicyName: name };
}

export async function putKeyPolicy(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  policyName(call);
  const text = requiredString(call.input, 'Policy');
  const bypass = optionalBoolean(call.input, 'BypassPolicyLockoutSafetyCheck') ?? false;
  authorize(call, 'PutKeyPolicy', key, { conditions: { 'kms:BypassPolicyLockoutSafetyCheck': String(bypass) } });
  const { ctx, backend } = call;
  checkNewKeyPolicy({ text, keyArn: key.arn, ctx, directory: backend.directory, bypassLockoutCheck: bypass });
  await backend.update((state) => {
    const stored = state.keys[key.keyId];
    if (!stored) throw kmsError.notFoundKey(key.arn);
    stored.policy = text;
  });
  return {};
}

export async function listKeyPolicies(call: KmsCall): Promise<Record<string, unknown>> {
  const key = await keyFromMember(call);
  authorize(call, 'ListKeyPolicies', key);
  return { PolicyNames: ['default'], Truncated: false };
}
