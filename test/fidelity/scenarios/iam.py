# The calls of LocalStack's AWS-validated IAM tests (tests/aws/services/iam/test_iam.py), replayed on the sandbox.
import json
from urllib.parse import quote_plus

from common import client, error_response, region, scenario, short_uid

EC2_TRUST = {
    'Version': '2012-10-17',
    'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}],
}
LIST_FUNCTIONS = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['lambda:ListFunctions'], 'Resource': ['*']}]}


def iam():
    return client('iam')


@scenario('TestIAMIntegrations::test_create_describe_role')
def create_describe_role(record):
    path = f'/{short_uid()}/'
    name = f'role-{short_uid()}'
    record('create_role_result', iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Path=path))
    record('get_role_result', iam().get_role(RoleName=name))
    record('list_roles_result', iam().list_roles(PathPrefix=path))


@scenario('TestIAMExtensions::test_role_with_path_lifecycle')
def role_with_path(record):
    name = f'role-{short_uid()}'
    path = f'/path{short_uid()}/'
    trust = {'Version': '2012-10-17', 'Statement': [{'Action': 'sts:AssumeRole', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Effect': 'Allow'}]}
    record('create-role-response', iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Path=path))
    record('get-role-response', iam().get_role(RoleName=name))
    record('delete-role-response', iam().delete_role(RoleName=name))


@scenario('TestRoles::test_role_with_tags')
def role_with_tags(record):
    name = f'role-{short_uid()}'
    path = '/role-with-tags/'
    # Earlier runs in the same account may have left roles under this path; the recording lists only this one.
    for role in iam().list_roles(PathPrefix=path)['Roles']:
        iam().delete_role(RoleName=role['RoleName'])
    created = iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Tags=[{'Key': 'test', 'Value': 'value'}], Path=path)
    record('create-role-response', created)
    record('get-role-response', iam().get_role(RoleName=name))
    record('list-role-response', iam().list_roles(PathPrefix=path))


@scenario('TestIAMIntegrations::test_update_assume_role_policy')
def update_assume_role_policy(record):
    policy = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': ['ec2.amazonaws.com']}, 'Action': ['sts:AssumeRole']}]}
    name = f'role-{short_uid()}'
    record('created_role', iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(policy)))
    record('updated_policy', iam().update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(policy)))
    iam().delete_role(RoleName=name)


@scenario('TestIAMExtensions::test_create_role_with_malformed_assume_role_policy_document')
def malformed_trust_policy(record):
    document = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Action": "sts:AssumeRole",
              "Principal": "*",
              "Effect": "Allow",
            }
          ]
        }
        """
    record('invalid-json', error_response(lambda: iam().create_role(RoleName=f'role-{short_uid()}', AssumeRolePolicyDocument=document)))


@scenario('TestIAMIntegrations::test_list_roles_with_permission_boundary')
def list_roles_with_boundary(record):
    path = f'/{short_uid()}/'
    name = f'role-{short_uid()}'
    record('created_role', iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Path=path))
    policy_arn = iam().create_policy(PolicyName=f'policy-{short_uid()}', PolicyDocument=json.dumps(LIST_FUNCTIONS))['Policy']['Arn']
    iam().put_role_permissions_boundary(RoleName=name, PermissionsBoundary=policy_arn)
    record('list_roles_result', iam().list_roles(PathPrefix=path))


def attach_policy(record, attach):
    policy_name = f'test-policy-{short_uid()}'
    created = iam().create_policy(PolicyName=policy_name, PolicyDocument=json.dumps(LIST_FUNCTIONS))
    record('create_policy_response', created)
    arn = created['Policy']['Arn']
    record('non_existent_malformed_policy_arn', error_response(lambda: attach('longpolicynamebutnoarn')))
    record('existing_policy_name_provided', error_response(lambda: attach(policy_name)))
    record('valid_arn_not_existent', error_response(lambda: attach(f'{arn}123')))
    record('valid_policy_arn', attach(arn))


@scenario('TestIAMIntegrations::test_role_attach_policy')
def role_attach_policy(record):
    name = f'test-role-{short_uid()}'
    iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    attach_policy(record, lambda arn: iam().attach_role_policy(RoleName=name, PolicyArn=arn))


@scenario('TestIAMIntegrations::test_user_attach_policy')
def user_attach_policy(record):
    name = f'test-role-{short_uid()}'
    iam().create_user(UserName=name)
    attach_policy(record, lambda arn: iam().attach_user_policy(UserName=name, PolicyArn=arn))


def encoded_policy():
    target = quote_plus(f'arn:aws:apigateway:{region()}::/restapis/aaeeieije')
    document = {
        'Version': '2012-10-17',
        'Statement': [{'Effect': 'Allow', 'Action': ['apigatway:PUT'], 'Resource': [f'arn:aws:apigateway:{region()}::/tags/{target}']}],
    }
    return target, document


@scenario('TestIAMPolicyEncoding::test_put_user_policy_encoding')
def user_policy_encoding(record):
    _, document = encoded_policy()
    user, policy = f'test-user-{short_uid()}', f'test-policy-{short_uid()}'
    iam().create_user(UserName=user)
    iam().put_user_policy(UserName=user, PolicyName=policy, PolicyDocument=json.dumps(document))
    record('get-policy-response', iam().get_user_policy(UserName=user, PolicyName=policy))


@scenario('TestIAMPolicyEncoding::test_put_role_policy_encoding')
def role_policy_encoding(record):
    target, document = encoded_policy()
    trust = {
        'Version': '2012-10-17',
        'Statement': [
            {
                'Action': 'sts:AssumeRole',
                'Principal': {'Service': 'lambda.amazonaws.com'},
                'Effect': 'Allow',
                'Condition': {'StringEquals': {'aws:SourceArn': target}},
            }
        ],
    }
    role, policy, path = f'test-role-{short_uid()}', f'test-policy-{short_uid()}', f'/{short_uid()}/'
    record('create-role-response', iam().create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust), Path=path))
    iam().put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=json.dumps(document))
    record('get-policy-response', iam().get_role_policy(RoleName=role, PolicyName=policy))
    record('get-role-response', iam().get_role(RoleName=role))
    record('list-roles-response', iam().list_roles(PathPrefix=path))


@scenario('TestIAMPolicyEncoding::test_put_group_policy_encoding')
def group_policy_encoding(record):
    _, document = encoded_policy()
    group, policy = f'test-group-{short_uid()}', f'test-policy-{short_uid()}'
    iam().create_group(GroupName=group)
    iam().put_group_policy(GroupName=group, PolicyName=policy, PolicyDocument=json.dumps(document))
    record('get-policy-response', iam().get_group_policy(GroupName=group, PolicyName=policy))


@scenario('TestIAMIntegrations::test_delete_non_existent_policy_returns_no_such_entity')
def delete_missing_policy(record):
    arn = f'arn:aws:iam::{client("sts").get_caller_identity()["Account"]}:policy/non-existent-policy'
    record('delete-non-existent-policy-exc', error_response(lambda: iam().delete_policy(PolicyArn=arn)))


def simulate(kind):
    def replay(record):
        document = {'Version': '2012-10-17', 'Statement': {'Sid': '', 'Effect': 'Allow', 'Action': 's3:PutObject', 'Resource': '*'}}
        policy_arn = iam().create_policy(PolicyName=f'policy-{short_uid()}', PolicyDocument=json.dumps(document))['Policy']['Arn']
        if kind == 'role':
            trust = {
                'Version': '2012-10-17',
                'Statement': {'Sid': '', 'Effect': 'Allow', 'Principal': {'Service': 'apigateway.amazonaws.com'}, 'Action': 'sts:AssumeRole'},
            }
            name = f'role-{short_uid()}'
            arn = iam().create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))['Role']['Arn']
            iam().attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        elif kind == 'group':
            name = f'group-{short_uid()}'
            arn = iam().create_group(GroupName=name)['Group']['Arn']
            iam().attach_group_policy(GroupName=name, PolicyArn=policy_arn)
        else:
            name = f'user-{short_uid()}'
            arn = iam().create_user(UserName=name)['User']['Arn']
            iam().attach_user_policy(UserName=name, PolicyArn=policy_arn)
        response = iam().simulate_principal_policy(
            PolicySourceArn=arn, ActionNames=['s3:PutObject', 's3:GetObjectVersion'], ResourceArns=['arn:aws:s3:::bucket']
        )
        record('response', response)

    return replay


for _kind in ('role', 'group', 'user'):
    scenario(f'TestIAMIntegrations::test_simulate_principle_policy[{_kind}]')(simulate(_kind))
