// toAwsLayerError on errors as the SDK and Node really produce them.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { ConditionalCheckFailedException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { KMSServiceException, LimitExceededException, NotFoundException } from '@aws-sdk/client-kms';
import { CredentialsProviderError } from '@smithy/core/config';
import { AwsLayerError, toAwsLayerError } from '../../../src/aws/errors';
import { freePort } from './support/moto';

const $metadata = { httpStatusCode: 400 };

/** KMS does not model AccessDeniedException; the SDK raises it as a KMSServiceException with that name. */
const kmsAccessDenied = (message: string) => new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata, message });

function refusedConnection(port: number): Promise<Error> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', (err) => resolve(err));
    socket.once('connect', () => {
      socket.destroy();
      resolve(new Error(`port ${port} unexpectedly open`));
    });
  });
}

describe('toAwsLayerError', () => {
  it('KMS AccessDeniedException: names the action, the caller from the message, and the profile', () => {
    const err = kmsAccessDenied(
      'User: arn:aws:iam::111122223333:user/test is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/abc because no resource-based policy allows the kms:Decrypt action',
    );
    const wrapped = toAwsLayerError(err, { action: 'kms:Decrypt', profile: 'dev', service: 'kms' });
    assert.equal(wrapped.kind, 'access-denied');
    assert.equal(wrapped.message, 'Access denied: kms:Decrypt is not allowed for arn:aws:iam::111122223333:user/test (profile dev)');
    assert.equal(wrapped.code, 'AccessDeniedException');
    assert.equal(wrapped.cause, err);
    assert.equal(wrapped.service, 'kms');
  });

  it('access denied without a caller in the message still names the action', () => {
    const wrapped = toAwsLayerError(kmsAccessDenied('Access denied'), { action: 'kms:ListKeys' });
    assert.equal(wrapped.message, 'Access denied: kms:ListKeys is not allowed for the current identity');
  });

  it('names the action AWS denied when it is not the one called', () => {
    const err = Object.assign(new Error('User: arn:aws:iam::111122223333:user/test is not authorized to perform: kms:CreateGrant on resource: arn:aws:kms:us-east-1:111122223333:key/abc'), {
      name: 'AccessDeniedException',
      $metadata,
    });
    assert.equal(
      toAwsLayerError(err, { action: 'dynamodb:CreateTable' }).message,
      'Access denied: kms:CreateGrant (needed by dynamodb:CreateTable) is not allowed for arn:aws:iam::111122223333:user/test',
    );
  });

  it("DynamoDB's KMS key access denied error says the key is what refused", () => {
    const err = Object.assign(
      new Error(
        'KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 1f0d1c6e-0000-4000-8000-000000000000; Proxy: null)',
      ),
      { name: 'AccessDeniedException', $metadata },
    );
    const wrapped = toAwsLayerError(err, { action: 'dynamodb:Scan', profile: 'test-user' });
    assert.equal(wrapped.kind, 'access-denied');
    assert.equal(wrapped.message, "Access denied: dynamodb:Scan needs kms:Decrypt on the table's KMS key, which the key does not allow for the current identity (profile test-user)");
  });

  it('not found, from KMS and DynamoDB', () => {
    assert.equal(toAwsLayerError(new NotFoundException({ $metadata, message: "Key 'x' does not exist" }), { action: 'kms:DescribeKey' }).kind, 'not-found');
    const ddb = toAwsLayerError(new ResourceNotFoundException({ $metadata, message: 'Requested resource not found' }), { action: 'dynamodb:DescribeTable' });
    assert.equal(ddb.kind, 'not-found');
    assert.equal(ddb.message, 'dynamodb:DescribeTable: Requested resource not found');
  });

  it('other service errors keep their code and message', () => {
    const wrapped = toAwsLayerError(new LimitExceededException({ $metadata, message: 'Too many keys' }), { action: 'kms:CreateKey', profile: 'dev' });
    assert.equal(wrapped.kind, 'other');
    assert.equal(wrapped.message, 'kms:CreateKey failed (profile dev): LimitExceededException: Too many keys');
    const conditional = toAwsLayerError(new ConditionalCheckFailedException({ $metadata, message: 'The conditional request failed' }), { action: 'dynamodb:PutItem' });
    assert.equal(conditional.code, 'ConditionalCheckFailedException');
  });

  it('throttling codes are throttled', () => {
    for (const name of ['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'ProvisionedThroughputExceededException']) {
      const err = Object.assign(new Error('Rate exceeded'), { name, $metadata });
      assert.equal(toAwsLayerError(err, { action: 'iam:ListUsers' }).kind, 'throttled', name);
    }
  });

  it('rejected credentials are invalid-credentials', () => {
    for (const name of ['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'ExpiredTokenException']) {
      const err = Object.assign(new Error('The security token included in the request is invalid.'), { name, $metadata });
      const wrapped = toAwsLayerError(err, { action: 'sts:GetCallerIdentity', profile: 'dev', service: 'sts' });
      assert.equal(wrapped.kind, 'invalid-credentials', name);
      assert.match(wrapped.message, new RegExp(`rejected by sts \\(${name}\\) during sts:GetCallerIdentity`));
    }
  });

  it('a refused connection is endpoint-unreachable, naming the endpoint and service', async () => {
    const port = await freePort();
    const refused = await refusedConnection(port);
    const wrapped = toAwsLayerError(refused, { action: 'kms:ListKeys', service: 'kms', endpoint: `http://127.0.0.1:${port}` });
    assert.equal(wrapped.kind, 'endpoint-unreachable');
    assert.equal(wrapped.message, `Cannot reach http://127.0.0.1:${port} (kms): connection refused`);
  });

  it('network errors inside an AggregateError or a cause are found', async () => {
    const refused = await refusedConnection(await freePort());
    assert.equal(toAwsLayerError(new AggregateError([refused], 'connect failed'), { action: 'sts:GetCallerIdentity' }).kind, 'endpoint-unreachable');
    assert.equal(toAwsLayerError(new Error('request failed', { cause: refused }), { action: 'sts:GetCallerIdentity' }).kind, 'endpoint-unreachable');
  });

  it('an unknown host names the host when no endpoint was configured', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND kms.xx-nowhere-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'kms.xx-nowhere-1.amazonaws.com' });
    const wrapped = toAwsLayerError(err, { action: 'kms:ListKeys', service: 'kms' });
    assert.equal(wrapped.message, 'Cannot reach kms.xx-nowhere-1.amazonaws.com (kms): host not found');
  });

  it('SDK credential errors about SSO become sso-expired with the login command', () => {
    const err = new CredentialsProviderError('The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.');
    const wrapped = toAwsLayerError(err, { action: 'kms:ListKeys', profile: 'corp' });
    assert.equal(wrapped.kind, 'sso-expired');
    assert.equal(wrapped.message, 'The SSO session for profile corp has expired or is missing. Run: aws sso login --profile corp');
  });

  it('other SDK credential errors are invalid-credentials', () => {
    const err = new CredentialsProviderError('Could not load credentials from any providers');
    assert.equal(toAwsLayerError(err, { action: 'kms:ListKeys', profile: 'x' }).kind, 'invalid-credentials');
  });

  it('an AwsLayerError passes through, gaining the action it lacked', () => {
    const original = new AwsLayerError('unknown-profile', "Profile 'x' is not defined", { profile: 'x' });
    const wrapped = toAwsLayerError(original, { action: 'kms:ListKeys', service: 'kms' });
    assert.equal(wrapped.kind, 'unknown-profile');
    assert.equal(wrapped.message, "Profile 'x' is not defined");
    assert.equal(wrapped.action, 'kms:ListKeys');
    const withAction = new AwsLayerError('other', 'm', { action: 'kms:CreateKey' });
    assert.equal(toAwsLayerError(withAction, { action: 'kms:ListKeys' }), withAction);
  });

  it('anything else is other, with its message', () => {
    const wrapped = toAwsLayerError('plain string', { action: 'iam:GetPolicy' });
    assert.equal(wrapped.kind, 'other');
    assert.equal(wrapped.message, 'iam:GetPolicy failed: plain string');
    assert.ok(wrapped instanceof Error);
  });
});
