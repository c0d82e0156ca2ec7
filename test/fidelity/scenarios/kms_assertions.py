# LocalStack's AWS-validated KMS tests that assert instead of snapshotting (kms-assertions.json): the same calls,
# the same assertions. Each raises AssertionError (or a ClientError) when the sandbox answers otherwise.
import json

from common import base64, client, scenario_assertion, short_uid
from kms import create_key, kms

ASSERTIONS = {}


def assertion(test_id):
    def register(fn):
        ASSERTIONS[test_id] = fn
        return fn

    return register


def fails_with(code, call):
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the code is what is asserted
        assert code in str(error), f'expected {code}, got {error}'
        return
    raise AssertionError(f'expected {code}, the call succeeded')


def caller_arn():
    return client('sts').get_caller_identity()['Arn']


def grant(key_id, **extra):
    return kms().create_grant(KeyId=key_id, GranteePrincipal=caller_arn(), Operations=['Decrypt', 'Encrypt'], **extra)


@assertion('TestKMS::test_get_put_list_key_policies')
def key_policies():
    account = client('sts').get_caller_identity()['Account']
    root = {'AWS': f'arn:aws:iam::{account}:root'}

    def policy(action):
        return json.dumps(
            {
                'Version': '2012-10-17',
                'Id': 'key-default-1',
                'Statement': [
                    {'Sid': 'This is the default key policy', 'Effect': 'Allow', 'Principal': root, 'Action': 'kms:*', 'Resource': '*'},
                    {'Sid': 'This is some additional stuff to look special', 'Effect': 'Allow', 'Principal': root, 'Action': action, 'Resource': '*'},
                ],
            }
        )

    key_id = create_key(Policy=policy('kms:ListAliases'))['KeyId']
    listed = kms().list_key_policies(KeyId=key_id)
    assert listed['PolicyNames'] == ['default'] and listed['Truncated'] is False, listed
    assert kms().get_key_policy(KeyId=key_id, PolicyName='default')['Policy'] == policy('kms:ListAliases')
    kms().put_key_policy(KeyId=key_id, PolicyName='default', Policy=policy('kms:ListGrants'))
    assert kms().get_key_policy(KeyId=key_id, PolicyName='default')['Policy'] == policy('kms:ListGrants')


@assertion('TestKMS::test_create_grant_with_invalid_key')
def grant_on_invalid_key():
    fails_with('NotFoundException', lambda: grant('invalid'))


@assertion('TestKMS::test_list_grants_with_invalid_key')
def list_grants_of_invalid_key():
    fails_with('NotFoundException', lambda: kms().list_grants(KeyId='invalid'))


@assertion('TestKMS::test_create_grant_with_valid_key')
def grant_on_valid_key():
    key_id = create_key()['KeyId']
    before = len(kms().list_grants(KeyId=key_id)['Grants'])
    created = grant(key_id)
    assert 'GrantId' in created and 'GrantToken' in created
    assert len(kms().list_grants(KeyId=key_id)['Grants']) == before + 1


@assertion('TestKMS::test_create_grant_with_same_name_two_keys')
def same_grant_name_on_two_keys():
    first, second = create_key()['KeyId'], create_key()['KeyId']
    for key_id in (first, second):
        created = kms().create_grant(KeyId=key_id, GranteePrincipal=caller_arn(), Name='TestGrantName', Operations=['Decrypt', 'DescribeKey'])
        assert 'GrantId' in created and 'GrantToken' in created
    assert len(kms().list_grants(KeyId=first)['Grants']) == 1
    assert len(kms().list_grants(KeyId=second)['Grants']) == 1


def grant_removed_by(remove):
    key_id = create_key()['KeyId']
    created = grant(key_id)
    before = len(kms().list_grants(KeyId=key_id)['Grants'])
    remove(key_id, created)
    assert len(kms().list_grants(KeyId=key_id)['Grants']) == before - 1


@assertion('TestKMS::test_revoke_grant')
def revoke_grant():
    grant_removed_by(lambda key_id, created: kms().revoke_grant(KeyId=key_id, GrantId=created['GrantId']))


@assertion('TestKMS::test_retire_grant_with_grant_token')
def retire_grant_by_token():
    grant_removed_by(lambda key_id, created: kms().retire_grant(GrantToken=created['GrantToken']))


@assertion('TestKMS::test_disable_and_enable_key')
def disable_and_enable():
    key_id = create_key()['KeyId']

    def state():
        metadata = kms().describe_key(KeyId=key_id)['KeyMetadata']
        return metadata['Enabled'], metadata['KeyState']

    assert state() == (True, 'Enabled')
    kms().disable_key(KeyId=key_id)
    assert state() == (False, 'Disabled')
    kms().enable_key(KeyId=key_id)
    assert state() == (True, 'Enabled')


@assertion('TestKMS::test_cant_use_disabled_or_deleted_keys')
def disabled_and_deleted_keys():
    key_id = create_key(KeySpec='SYMMETRIC_DEFAULT', KeyUsage='ENCRYPT_DECRYPT')['KeyId']
    kms().generate_data_key(KeyId=key_id, KeySpec='AES_256')
    kms().disable_key(KeyId=key_id)
    fails_with('DisabledException', lambda: kms().generate_data_key(KeyId=key_id, KeySpec='AES_256'))
    kms().schedule_key_deletion(KeyId=key_id)
    fails_with('KMSInvalidStateException', lambda: kms().generate_data_key(KeyId=key_id, KeySpec='AES_256'))


@assertion('TestKMS::test_cant_delete_deleted_key')
def delete_twice():
    key_id = create_key()['KeyId']
    kms().schedule_key_deletion(KeyId=key_id)
    fails_with('KMSInvalidStateException', lambda: kms().schedule_key_deletion(KeyId=key_id))


@assertion('TestKMS::test_schedule_and_cancel_key_deletion')
def schedule_and_cancel():
    key_id = create_key()['KeyId']
    kms().schedule_key_deletion(KeyId=key_id)
    metadata = kms().describe_key(KeyId=key_id)['KeyMetadata']
    assert metadata['Enabled'] is False and metadata['KeyState'] == 'PendingDeletion' and metadata['DeletionDate'], metadata
    kms().cancel_key_deletion(KeyId=key_id)
    metadata = kms().describe_key(KeyId=key_id)['KeyMetadata']
    assert metadata['Enabled'] is False and metadata['KeyState'] == 'Disabled' and not metadata.get('DeletionDate'), metadata


@assertion('TestKMS::test_key_rotation_status')
def rotation_status():
    key_id = create_key()['KeyId']
    assert kms().get_key_rotation_status(KeyId=key_id)['KeyRotationEnabled'] is False
    kms().enable_key_rotation(KeyId=key_id)
    assert kms().get_key_rotation_status(KeyId=key_id)['KeyRotationEnabled'] is True
    kms().disable_key_rotation(KeyId=key_id)
    assert kms().get_key_rotation_status(KeyId=key_id)['KeyRotationEnabled'] is False


def alias_names(**filters):
    return [alias['AliasName'] for alias in kms().list_aliases(**filters)['Aliases']]


@assertion('TestKMS::test_create_list_delete_alias')
def alias_lifecycle():
    name = f'alias/{short_uid()}'
    key_id = create_key()['KeyId']
    assert name not in alias_names()
    kms().create_alias(AliasName=name, TargetKeyId=key_id)
    assert name in alias_names()
    kms().delete_alias(AliasName=name)
    assert name not in alias_names()


@assertion('TestKMS::test_update_alias')
def update_alias():
    name = f'alias/{short_uid()}'
    old, new = create_key()['KeyId'], create_key()['KeyId']
    kms().create_alias(AliasName=name, TargetKeyId=old)
    kms().update_alias(AliasName=name, TargetKeyId=new)
    aliases = kms().list_aliases(KeyId=new)['Aliases']
    assert any(alias['AliasName'] == name and alias['TargetKeyId'] == new for alias in aliases), aliases


@assertion('TestKMS::test_list_aliases_of_key')
def aliases_of_key():
    name = f'alias/{short_uid()}'
    key_id, other = create_key()['KeyId'], create_key()['KeyId']
    kms().create_alias(AliasName=name, TargetKeyId=key_id)
    assert name in alias_names(KeyId=key_id)
    assert name not in alias_names(KeyId=other)


@assertion('TestKMS::test_all_types_of_key_id_can_be_used_for_encryption')
def every_kind_of_key_id():
    key = create_key()
    name = f'alias/{short_uid()}'
    kms().create_alias(AliasName=name, TargetKeyId=key['KeyId'])
    alias_arn = next(alias['AliasArn'] for alias in kms().list_aliases()['Aliases'] if alias['AliasName'] == name)
    for key_id in (key['Arn'], key['KeyId'], alias_arn, name):
        kms().encrypt(KeyId=key_id, Plaintext=b'test')


@assertion('TestKMS::test_list_keys')
def list_keys():
    key = create_key()
    keys = kms().list_keys(Limit=1000)['Keys']
    assert all('KeyId' in entry and 'KeyArn' in entry for entry in keys)
    assert next(entry for entry in keys if entry['KeyId'] == key['KeyId'])['KeyArn'] == key['Arn']


@assertion('TestKMS::test_update_key_description')
def update_description():
    key_id = create_key(Description='old description')['KeyId']
    kms().update_key_description(KeyId=key_id, Description='new description')
    assert kms().describe_key(KeyId=key_id)['KeyMetadata']['Description'] == 'new description'


@assertion('TestKMS::test_encrypt_decrypt[SYMMETRIC_DEFAULT-SYMMETRIC_DEFAULT]')
def encrypt_decrypt():
    key_id = create_key()['KeyId']
    message = b'test message 123 !%$@ 1234567890'
    blob = kms().encrypt(KeyId=key_id, Plaintext=base64.b64encode(message), EncryptionAlgorithm='SYMMETRIC_DEFAULT')['CiphertextBlob']
    plaintext = kms().decrypt(KeyId=key_id, CiphertextBlob=blob, EncryptionAlgorithm='SYMMETRIC_DEFAULT')['Plaintext']
    assert base64.b64decode(plaintext) == message


scenario_assertion(ASSERTIONS)
