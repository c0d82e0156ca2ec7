// Sessions for tests: straight at a moto endpoint, with static test credentials.
import assert from 'node:assert/strict';
import { AwsLayerError } from '../../../../src/aws/errors';
import { AwsSession, type SessionOptions } from '../../../../src/aws/session';

export function motoSession(endpoint: string, options: SessionOptions & { accessKeyId?: string; secretAccessKey?: string } = {}): AwsSession {
  const { accessKeyId = 'AKIDTESTADMIN', secretAccessKey = 'test-admin-secret', ...rest } = options;
  return new AwsSession({ kind: 'static', label: 'moto', region: 'us-east-1', endpoint, credentials: { accessKeyId, secretAccessKey } }, rest);
}

export async function rejection(promise: Promise<unknown>): Promise<AwsLayerError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AwsLayerError, `expected an AwsLayerError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
