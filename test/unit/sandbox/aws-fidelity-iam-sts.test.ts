// IAM and STS answer as real AWS gave them (recorded answers of AWS-validated tests): role shapes, IAM's ARN and
// JSON errors, SimulatePrincipalPolicy's full answer, STS's ValidationError for malformed role ARNs, and session
// tags with transitive keys across role chaining.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as iam from '@aws-sdk/client-iam';
import { IAMClient } from '@aws-sdk/client-iam';
import { ListKeysCommand, KMSClient } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import type { Credentials } from './helpers/users';

let sb: TestSandbox;
let admin: IAMClient;

const stsAs = (credentials: Credentials) => new STSClient({ endpoint: sb.endpoint, region: sb.region, credentials, maxAttempts: 1 });
const EC2_TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const LIST_FUNCTIONS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['lambda:ListFunctions'], Resource: ['*'] }] });

async function failure(call: Promise<unknown>): Promise<{ name: string; status: number; message: string }> {
  try {
    await call;
  } catch (error: any) {
    return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  }
  assert.fail('the call succeeded');
}

before(async () => {
  sb = await startTestSandbox();
  admin = new IAMClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials, maxAttempts: 1 });
});
after(() => sb.stop());

describe('IAM', () => {
  test('CreateRole answers without MaxSessionDuration; GetRole and ListRoles show it', async () => {
    const created = (await admin.send(new iam.CreateRoleCommand({ RoleName: 'shaped', Path: '/fidelity/', AssumeRolePolicyDocument: EC2_TRUST }))).Role!;
    assert.equal(created.MaxSessionDuration, undefined);
    const got = (await admin.send(new iam.GetRoleCommand({ RoleName: 'shaped' }))).Role!;
    assert.equal(got.MaxSessionDuration, 3600);
    assert.deepEqual(got.RoleLastUsed, {});
    const listed = (await admin.send(new iam.ListRolesCommand({ PathPrefix: '/fidelity/' }))).Roles!;
    assert.deepEqual(listed.map((role) => [role.RoleName, role.MaxSessionDuration]), [['shaped', 3600]]);
  });

  test('a trust policy that is not JSON is "This policy contains invalid Json"', async () => {
    const document = '{"Version": "2012-10-17", "Statement": [{"Action": "sts:AssumeRole", "Principal": "*", "Effect": "Allow",}]}';
    assert.deepEqual(await failure(admin.send(new iam.CreateRoleCommand({ RoleName: 'malformed', AssumeRolePolicyDocument: document }))), {
      name: 'MalformedPolicyDocumentException',
      status: 400,
      message: 'This policy contains invalid Json',
    });
  });

  test('attaching something that is not an ARN is ValidationError; a well-formed ARN of no policy is NoSuchEntity', async () => {
    await admin.send(new iam.CreateUserCommand({ UserName: 'attach-target' }));
    await admin.send(new iam.CreateRoleCommand({ RoleName: 'attach-target', AssumeRolePolicyDocument: EC2_TRUST }));
    const arn = (await admin.send(new iam.CreatePolicyCommand({ PolicyName: 'attachable', PolicyDocument: LIST_FUNCTIONS }))).Policy!.Arn!;
    const attachers = [
      (PolicyArn: string) => admin.send(new iam.AttachUserPolicyCommand({ UserName: 'attach-target', PolicyArn })),
      (PolicyArn: string) => admin.send(new iam.AttachRolePolicyCommand({ RoleName: 'attach-target', PolicyArn })),
    ];
    for (const attach of attachers) {
      for (const notAnArn of ['longpolicynamebutnoarn', 'attachable']) {
        assert.deepEqual(await failure(attach(notAnArn)), { name: 'ValidationError', status: 400, message: 'Invalid ARN:  Could not be parsed!' });
      }
      assert.deepEqual(await failure(attach(`${arn}123`)), {
        name: 'NoSuchEntityException',
        status: 404,
        message: `Policy ${arn}123 does not exist or is not attachable.`,
      });
      await attach(arn);
    }
  });

  test('deleting a policy that does not exist: "Policy <arn> was not found."', async () => {
    const missing = `arn:aws:iam::${sb.accountId}:policy/non-existent-policy`;
    assert.deepEqual(await failure(admin.send(new iam.DeletePolicyCommand({ PolicyArn: missing }))), {
      name: 'NoSuchEntityException',
      status: 404,
      message: `Policy ${missing} was not found.`,
    });
  });

  test('SimulatePrincipalPolicy answers IAM Policy statements with their positions, per resource, for a user, group or role', async () => {
    // The document exactly as Python's json.dumps writes it: the statement spans characters 40 to 112 of line 1.
    const document = '{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}';
    const policyArn = (await admin.send(new iam.CreatePolicyCommand({ PolicyName: 'put-objects', PolicyDocument: document }))).Policy!.Arn!;
    await admin.send(new iam.CreateUserCommand({ UserName: 'simulated' }));
    await admin.send(new iam.AttachUserPolicyCommand({ UserName: 'simulated', PolicyArn: policyArn }));
    const group = (await admin.send(new iam.CreateGroupCommand({ GroupName: 'simulated' }))).Group!;
    await admin.send(new iam.AttachGroupPolicyCommand({ GroupName: 'simulated', PolicyArn: policyArn }));
    const role = (await admin.send(new iam.CreateRoleCommand({ RoleName: 'simulated', AssumeRolePolicyDocument: EC2_TRUST }))).Role!;
    await admin.send(new iam.AttachRolePolicyCommand({ RoleName: 'simulated', PolicyArn: policyArn }));
    for (const source of [`arn:aws:iam::${sb.accountId}:user/simulated`, group.Arn!, role.Arn!]) {
      const simulated = await admin.send(
        new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: source, ActionNames: ['s3:PutObject', 's3:GetObjectVersion'], ResourceArns: ['arn:aws:s3:::bucket'] }),
      );
      const [allowed, denied] = simulated.EvaluationResults!;
      const matched = [{ SourcePolicyId: 'put-objects', SourcePolicyType: 'IAM Policy', StartPosition: { Line: 1, Column: 41 }, EndPosition: { Line: 1, Column: 113 } }];
      assert.deepEqual(allowed!.MatchedStatements, matched, source);
      assert.equal(allowed!.EvalDecision, 'allowed');
      assert.deepEqual(allowed!.OrganizationsDecisionDetail, { AllowedByOrganizations: true });
      assert.deepEqual(allowed!.ResourceSpecificResults, [
        { EvalResourceName: 'arn:aws:s3:::bucket', EvalResourceDecision: 'allowed', MatchedStatements: matched, MissingContextValues: [] },
      ]);
      assert.equal(denied!.EvalDecision, 'implicitDeny');
      assert.deepEqual(denied!.ResourceSpecificResults, [
        { EvalResourceName: 'arn:aws:s3:::bucket', EvalResourceDecision: 'implicitDeny', MatchedStatements: [], MissingContextValues: [] },
      ]);
    }
  });

  test('a statement\'s position counts lines in a document written over several', async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }, { Effect: 'Allow', Action: 's3:*', Resource: '*' }] }, null, 2);
    await admin.send(new iam.CreateUserCommand({ UserName: 'multi-line' }));
    await admin.send(new iam.PutUserPolicyCommand({ UserName: 'multi-line', PolicyName: 'inline', PolicyDocument: document }));
    const simulated = await admin.send(new iam.SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${sb.accountId}:user/multi-line`, ActionNames: ['s3:GetObject'] }));
    const [statement] = simulated.EvaluationResults![0]!.MatchedStatements!;
    const lines = document.split('\n');
    const start = lines.findIndex((line, index) => index > 0 && line.includes('"Allow"')) - 1;
    assert.equal(statement!.StartPosition!.Line, start + 1, 'the line of the second statement\'s "{"');
    assert.equal(statement!.EndPosition!.Line, start + 5, 'the line of its "}"');
  });
});

describe('STS AssumeRole', () => {
  test('a RoleArn that is not an ARN is ValidationError "<arn> is invalid"; a well-formed ARN of no role is AccessDenied', async () => {
    const sts = stsAs(sb.credentials);
    for (const arn of ['nothing-valid-in-here', 'arn::b:::something/test-role', 'arn:a::::something/test-role', 'arn:a:::something/test-role', 'arn:a:a::aaaaaaaaaa:']) {
      assert.deepEqual(await failure(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'Session1' }))), {
        name: 'ValidationError',
        status: 400,
        message: `${arn} is invalid`,
      });
    }
    const badName = await failure(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:a:b:::something/test-role', RoleSessionName: 'Session1:2' })));
    assert.equal(badName.name, 'ValidationError');
    assert.match(badName.message, /Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint/);
    const missing = await failure(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${sb.accountId}:role/no-such-role`, RoleSessionName: 'Session1' })));
    assert.deepEqual([missing.name, missing.status], ['AccessDenied', 403]);
  });

  test('session tags: transitive keys must be among the tags (in any case); keys may not repeat in any case', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: sb.accountId } }] });
    const role = (await admin.send(new iam.CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: trust }))).Role!;
    const sts = stsAs(sb.credentials);
    const assume = (input: Partial<AssumeRoleCommandInput>) => sts.send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'tagging', ...input }));
    const tag = [{ Key: 'SessionTag1', Value: 'SessionValue1' }];
    assert.deepEqual(await failure(assume({ Tags: tag, TransitiveTagKeys: ['InvalidKey'] })), {
      name: 'InvalidParameterValue',
      status: 400,
      message: 'The specified transitive tag key must be included in the requested tags.',
    });
    await assume({ Tags: tag, TransitiveTagKeys: ['sessiontag1'] });
    assert.deepEqual(await failure(assume({ Tags: [...tag, { Key: 'sessiontag1', Value: 'SessionValue2' }], TransitiveTagKeys: ['sessiontag1'] })), {
      name: 'InvalidParameterValue',
      status: 400,
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    });
  });

  test('a chained session keeps the transitive tags and may not set them again', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: sb.accountId } }] });
    const first = (await admin.send(new iam.CreateRoleCommand({ RoleName: 'chain-1', AssumeRolePolicyDocument: trust }))).Role!;
    const second = (await admin.send(new iam.CreateRoleCommand({ RoleName: 'chain-2', AssumeRolePolicyDocument: trust }))).Role!;
    const allow = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
    await admin.send(new iam.PutRolePolicyCommand({ RoleName: 'chain-1', PolicyName: 'next', PolicyDocument: allow({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: [second.Arn] }) }));
    await admin.send(
      new iam.PutRolePolicyCommand({
        RoleName: 'chain-2',
        PolicyName: 'tagged-only',
        PolicyDocument: allow({ Effect: 'Allow', Action: 'kms:ListKeys', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/SessionTag1': 'SessionValue1' } } }),
      }),
    );
    const issued = (await stsAs(sb.credentials).send(
      new AssumeRoleCommand({ RoleArn: first.Arn, RoleSessionName: 'Session1', Tags: [{ Key: 'SessionTag1', Value: 'SessionValue1' }], TransitiveTagKeys: ['SessionTag1'] }),
    )).Credentials!;
    const firstSession = { accessKeyId: issued.AccessKeyId!, secretAccessKey: issued.SecretAccessKey!, sessionToken: issued.SessionToken! };
    for (const key of ['SessionTag1', 'sessiontag1']) {
      assert.deepEqual(await failure(stsAs(firstSession).send(new AssumeRoleCommand({ RoleArn: second.Arn, RoleSessionName: 'Override', Tags: [{ Key: key, Value: 'SessionValue2' }] }))), {
        name: 'InvalidParameterValue',
        status: 400,
        message: "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
      });
    }
    const kmsFor = (issued: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) =>
      new KMSClient({
        endpoint: sb.endpoint,
        region: sb.region,
        credentials: { accessKeyId: issued.AccessKeyId!, secretAccessKey: issued.SecretAccessKey!, sessionToken: issued.SessionToken! },
        maxAttempts: 1,
      });
    const chained = (await stsAs(firstSession).send(new AssumeRoleCommand({ RoleArn: second.Arn, RoleSessionName: 'Session2' }))).Credentials!;
    await kmsFor(chained).send(new ListKeysCommand({}));
    const untagged = (await stsAs(sb.credentials).send(new AssumeRoleCommand({ RoleArn: second.Arn, RoleSessionName: 'Untagged' }))).Credentials!;
    assert.equal((await failure(kmsFor(untagged).send(new ListKeysCommand({})))).name, 'AccessDeniedException', 'without the inherited tag the same role may not');
  });
});
