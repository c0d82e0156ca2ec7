# The calls of LocalStack's AWS-validated STS tests (tests/aws/services/sts/test_sts.py), replayed on the sandbox.
import json

from common import account_id, client, error_response, scenario, short_uid


def trust_account(actions):
    return {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': actions, 'Principal': {'AWS': account_id()}}]}


@scenario('TestSTSIntegrations::test_assume_role')
def assume_role(record):
    session_name = f'test-assume-role-{short_uid()}'
    record('role-session-name', {'RoleSessionName': session_name})
    trust = {'Version': '2012-10-17', 'Statement': [{'Action': 'sts:AssumeRole', 'Principal': {'AWS': account_id()}, 'Effect': 'Allow'}]}
    role = client('iam').create_role(RoleName=f'role-{short_uid()}', AssumeRolePolicyDocument=json.dumps(trust))
    record('create-role', role)
    record('assume-role', client('sts').assume_role(RoleArn=role['Role']['Arn'], RoleSessionName=session_name))


@scenario('TestSTSIntegrations::test_sts_invalid_parameters')
def invalid_parameters(record):
    sts = client('sts', validate=False)
    for entry, arn, session in (
        ('malformed-arn', 'nothing-valid-in-here', 'Session1'),
        ('no-partition', 'arn::b:::something/test-role', 'Session1'),
        ('no-service', 'arn:a::::something/test-role', 'Session1'),
        ('not-enough-colons', 'arn:a:::something/test-role', 'Session1'),
        ('no-resource', 'arn:a:a::aaaaaaaaaa:', 'Session1'),
        ('invalid-session-name', 'arn:a:b:::something/test-role', 'Session1:2'),
    ):
        record(entry, error_response(lambda: sts.assume_role(RoleArn=arn, RoleSessionName=session)))


def tagging_role(name):
    return client('iam').create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_account(['sts:AssumeRole', 'sts:TagSession'])))


@scenario('TestSTSAssumeRoleTagging::test_assume_role_tag_validation')
def tag_validation(record):
    role = tagging_role(f'role-1-{short_uid()}')
    record('role-1', role)
    arn = role['Role']['Arn']
    sts = client('sts')
    sts.assume_role(RoleArn=arn, RoleSessionName='Session1')
    record(
        'invalid-transitive-tag-keys',
        error_response(
            lambda: sts.assume_role(
                RoleArn=arn,
                RoleSessionName='SessionInvalidTransitiveKeys',
                Tags=[{'Key': 'SessionTag1', 'Value': 'SessionValue1'}],
                TransitiveTagKeys=['InvalidKey'],
            )
        ),
    )
    sts.assume_role(
        RoleArn=arn,
        RoleSessionName='SessionInvalidCasingTransitiveKeys',
        Tags=[{'Key': 'SessionTag1', 'Value': 'SessionValue1'}],
        TransitiveTagKeys=['sessiontag1'],
    )
    record(
        'duplicate-tag-keys-different-casing',
        error_response(
            lambda: sts.assume_role(
                RoleArn=arn,
                RoleSessionName='SessionInvalidCasingTransitiveKeys',
                Tags=[{'Key': 'SessionTag1', 'Value': 'SessionValue1'}, {'Key': 'sessiontag1', 'Value': 'SessionValue2'}],
                TransitiveTagKeys=['sessiontag1'],
            )
        ),
    )


@scenario('TestSTSAssumeRoleTagging::test_iam_role_chaining_override_transitive_tags')
def chaining_transitive_tags(record):
    role_1 = tagging_role(f'role-1-{short_uid()}')
    record('role-1', role_1)
    role_2 = tagging_role(f'role-2-{short_uid()}')
    record('role-2', role_2)
    client('iam').put_role_policy(
        RoleName=role_1['Role']['RoleName'],
        PolicyName=f'policy-{short_uid()}',
        PolicyDocument=json.dumps(
            {
                'Version': '2012-10-17',
                'Statement': [{'Effect': 'Allow', 'Action': ['sts:AssumeRole', 'sts:TagSession'], 'Resource': [role_2['Role']['Arn']]}],
            }
        ),
    )
    keys = client('sts').assume_role(
        RoleArn=role_1['Role']['Arn'],
        RoleSessionName='Session1',
        Tags=[{'Key': 'SessionTag1', 'Value': 'SessionValue1'}],
        TransitiveTagKeys=['SessionTag1'],
    )['Credentials']
    chained = client('sts', credentials=keys)
    for entry, key in (('override-transitive-tag-error', 'SessionTag1'), ('override-transitive-tag-case-ignore-error', 'sessiontag1')):
        record(
            entry,
            error_response(
                lambda key=key: chained.assume_role(
                    RoleArn=role_2['Role']['Arn'],
                    RoleSessionName='Session2SessionTagOverride',
                    Tags=[{'Key': key, 'Value': 'SessionValue2'}],
                )
            ),
        )
