# The calls of LocalStack's AWS-validated KMS tests (tests/aws/services/kms/test_kms.py), replayed on the sandbox.
from common import base64, client, error_response, scenario, short_uid, wait_until

MESSAGE = b'test message 123 !%$@ 1234567890'
# LocalStack's ciphertext header (key id, IV, tag) is 36 + 16 + 16 bytes; the test cuts that much off the front.
LOCALSTACK_HEADER_LEN = 68
# The recording (April 2025) hit the limit after 10 rotations; AWS has since raised it to 25 (RotateKeyOnDemand's
# documentation). The replay rotates up to today's limit, then expects the same LimitExceededException.
ON_DEMAND_ROTATION_LIMIT = 25


def kms(validate=True):
    return client('kms', validate)


def create_key(**kwargs):
    kwargs.setdefault('Description', f'test description - {short_uid()}')
    return kms().create_key(**kwargs)['KeyMetadata']


def tags_of(**pairs):
    return [{'TagKey': k, 'TagValue': v} for k, v in pairs.items()]


@scenario('TestKMS::test_create_key')
def create_key_and_describe(record):
    key_id = create_key(Description='test key 123', KeyUsage='ENCRYPT_DECRYPT')['KeyId']
    listed = [k['KeyId'] for k in kms().list_keys()['Keys']]
    assert key_id in listed
    record('describe-key', kms().describe_key(KeyId=key_id)['KeyMetadata'])


@scenario('TestKMS::test_get_key_does_not_exist')
def describe_missing_key(record):
    key = create_key(Description='test key 123')
    fake = '134f2428-cec1-4b25-a1ae-9048164dba47'
    record('describe-nonexistent-key-with-id', error_response(lambda: kms().describe_key(KeyId=fake)))
    fake_arn = key['Arn'].replace(key['KeyId'], fake)
    record('describe-nonexistent-with-arn', error_response(lambda: kms().describe_key(KeyId=fake_arn)))
    mrk = 'mrk-d3b95762d3b95762d3b95762d3b95762'
    record('describe-key-with-valid-id-mrk', error_response(lambda: kms().describe_key(KeyId=mrk)))


@scenario('TestKMS::test_get_key_invalid_uuid')
def describe_invalid_key_id(record):
    record('describe-key-with-invalid-uuid', error_response(lambda: kms().describe_key(KeyId='fake-key-id')))
    record('describe-key-with-invalid-uuid-2', error_response(lambda: kms().describe_key(KeyId='134f2428cec14b25a1ae9048164dba47')))
    record('describe-key-with-invalid-uuid-mrk', error_response(lambda: kms().describe_key(KeyId='mrk-fake-key-id')))


@scenario('TestKMS::test_describe_with_alias_arn')
def describe_by_alias_arn(record):
    alias_name = f'alias/{short_uid()}'
    key = create_key(Description='test - description')
    record('created-key', key)
    kms().create_alias(TargetKeyId=key['KeyId'], AliasName=alias_name)
    alias = next(a for a in kms().list_aliases()['Aliases'] if a['AliasName'] == alias_name)
    record('describe-key', kms().describe_key(KeyId=alias['AliasArn']))


@scenario('TestKMS::test_non_multi_region_keys_should_not_have_multi_region_properties')
def single_region_key(record):
    key = create_key(MultiRegion=False, Description='test non multi region key')
    record('non_multi_region_keys_should_not_have_multi_region_properties', key)


@scenario('TestKMS::test_create_alias')
def alias_without_prefix(record):
    key_id = create_key()['KeyId']
    record('create_alias', error_response(lambda: kms().create_alias(AliasName=short_uid(), TargetKeyId=key_id)))


@scenario('TestKMS::test_plaintext_size_for_encrypt')
def plaintext_too_large(record):
    key_id = create_key()['KeyId']
    record('invalid-plaintext-size-encrypt', error_response(lambda: kms().encrypt(KeyId=key_id, Plaintext=base64.b64encode(MESSAGE * 100))))


@scenario('TestKMS::test_encrypt_decrypt_encryption_context')
def encryption_context(record):
    key_id = create_key()['KeyId']
    context = {'context-key': 'context-value'}
    encrypted = kms().encrypt(KeyId=key_id, Plaintext=base64.b64encode(MESSAGE), EncryptionAlgorithm='SYMMETRIC_DEFAULT', EncryptionContext=context)
    record('encrypt_response', encrypted)
    blob = encrypted['CiphertextBlob']
    record(
        'decrypt_response_with_encryption_context',
        kms().decrypt(KeyId=key_id, CiphertextBlob=blob, EncryptionAlgorithm='SYMMETRIC_DEFAULT', EncryptionContext=context),
    )
    record(
        'decrypt_response_without_encryption_context',
        error_response(lambda: kms().decrypt(KeyId=key_id, CiphertextBlob=blob, EncryptionAlgorithm='SYMMETRIC_DEFAULT')),
    )
    record(
        'decrypt_response_with_invalid_ciphertext',
        error_response(
            lambda: kms().decrypt(
                KeyId=key_id, CiphertextBlob=blob[LOCALSTACK_HEADER_LEN:], EncryptionAlgorithm='SYMMETRIC_DEFAULT', EncryptionContext=context
            )
        ),
    )


@scenario('TestKMS::test_re_encrypt[SYMMETRIC_DEFAULT-SYMMETRIC_DEFAULT]')
def re_encrypt(record):
    source = create_key(KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT')['KeyId']
    destination = create_key(KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT')['KeyId']
    blob = kms().encrypt(KeyId=source, Plaintext=base64.b64encode(MESSAGE), EncryptionAlgorithm='SYMMETRIC_DEFAULT')['CiphertextBlob']
    result = kms().re_encrypt(
        SourceKeyId=source,
        DestinationKeyId=destination,
        CiphertextBlob=blob,
        SourceEncryptionAlgorithm='SYMMETRIC_DEFAULT',
        DestinationEncryptionAlgorithm='SYMMETRIC_DEFAULT',
    )
    record('test_re_encrypt', result)
    again = kms().decrypt(KeyId=destination, CiphertextBlob=result['CiphertextBlob'])['Plaintext']
    assert base64.b64decode(again) == MESSAGE


@scenario('TestKMSGenerateKeys::test_generate_data_key')
def generate_data_key(record):
    key_id = create_key()['KeyId']
    result = kms().generate_data_key(KeyId=key_id, KeySpec='AES_256')
    record('generate-data-key-result', result)
    assert kms().decrypt(CiphertextBlob=result['CiphertextBlob'], KeyId=key_id)['Plaintext'] == result['Plaintext']


@scenario('TestKMSGenerateKeys::test_generate_data_key_without_plaintext')
def generate_data_key_without_plaintext(record):
    key_id = create_key()['KeyId']
    record('generate-data-key-without-plaintext', kms().generate_data_key_without_plaintext(KeyId=key_id, KeySpec='AES_256'))


def decrypt_without_context(record, generate):
    key_id = create_key()['KeyId']
    blob = generate(KeyId=key_id, KeySpec='AES_256', EncryptionContext={'context-key': 'context-value'})['CiphertextBlob']
    record('decrypt-without-encryption-context', error_response(lambda: kms().decrypt(CiphertextBlob=blob, KeyId=key_id)))


@scenario('TestKMSGenerateKeys::test_encryption_context_generate_data_key')
def data_key_context(record):
    decrypt_without_context(record, kms().generate_data_key)


@scenario('TestKMSGenerateKeys::test_encryption_context_generate_data_key_without_plaintext')
def data_key_without_plaintext_context(record):
    decrypt_without_context(record, kms().generate_data_key_without_plaintext)


def generate_random(size):
    def replay(record):
        plaintext = kms().generate_random(NumberOfBytes=size)['Plaintext']
        assert isinstance(plaintext, bytes)
        record('result_length', len(plaintext))

    return replay


for _size in (12, 44, 91, 1, 1024):
    scenario(f'TestKMS::test_generate_random[{_size}]')(generate_random(_size))


def generate_random_invalid(size):
    def replay(record):
        record('generate-random-exc', error_response(lambda: kms(validate=False).generate_random(NumberOfBytes=size)))

    return replay


for _size in (None, 0, 1025):
    scenario(f'TestKMS::test_generate_random_invalid_number_of_bytes[{_size}]')(generate_random_invalid(_size))


@scenario('TestKMS::test_tag_existing_key_and_untag')
def tag_and_untag(record):
    key_id = create_key(Description='test key 123', KeyUsage='ENCRYPT_DECRYPT')['KeyId']
    tags = tags_of(tag1='value1', tag2='value2')
    kms().tag_resource(KeyId=key_id, Tags=tags)
    record('list-resource-tags', kms().list_resource_tags(KeyId=key_id)['Tags'])
    kms().untag_resource(KeyId=key_id, TagKeys=[t['TagKey'] for t in tags])
    record('list-resource-tags-after-all-untagged', kms().list_resource_tags(KeyId=key_id)['Tags'])


@scenario('TestKMS::test_create_key_with_tag_and_untag')
def create_tagged_and_untag(record):
    tags = tags_of(tag1='value1', tag2='value2')
    key_id = create_key(Description='test key 123', KeyUsage='ENCRYPT_DECRYPT', Tags=tags)['KeyId']
    record('list-resource-tags', kms().list_resource_tags(KeyId=key_id)['Tags'])
    kms().untag_resource(KeyId=key_id, TagKeys=[t['TagKey'] for t in tags])
    record('list-resource-tags-after-all-untagged', kms().list_resource_tags(KeyId=key_id)['Tags'])


@scenario('TestKMS::test_untag_key_partially')
def untag_partially(record):
    key_id = create_key(Description='test key 123', Tags=tags_of(tag1='value1', tag2='value2', tag3='value3'))['KeyId']
    record('list-resource-tags', kms().list_resource_tags(KeyId=key_id)['Tags'])
    kms().untag_resource(KeyId=key_id, TagKeys=['tag2'])
    record('list-resource-tags-after-partially-untagged', kms().list_resource_tags(KeyId=key_id)['Tags'])


@scenario('TestKMS::test_update_and_add_tags_on_tagged_key')
def update_and_add_tags(record):
    key_id = create_key(Description='test key 123', Tags=tags_of(tag1='value1', tag2='value2', tag3='value3'))['KeyId']
    record('list-resource-tags', kms().list_resource_tags(KeyId=key_id)['Tags'])
    kms().tag_resource(KeyId=key_id, Tags=tags_of(tag4='value4', tag2='updated_value2', tag5='value5'))
    record('list-resource-tags-after-tags-updated', kms().list_resource_tags(KeyId=key_id)['Tags'])


@scenario('TestKMS::test_tag_key_with_duplicate_tag_keys_raises_error')
def duplicate_tag_keys(record):
    key_id = create_key(Description='test key 123')['KeyId']
    tags = [{'TagKey': 'tag1', 'TagValue': 'value1'}, {'TagKey': 'tag1', 'TagValue': 'another-value1'}]
    record('duplicate-tag-keys', error_response(lambda: kms().tag_resource(KeyId=key_id, Tags=tags)))


@scenario('TestKMS::test_create_key_with_too_many_tags_raises_error')
def too_many_tags(record):
    tags = tags_of(**{f'key{i}': f'value{i}' for i in range(51)})
    record('invalid-tag-key', error_response(lambda: create_key(Description='test key 123', Tags=tags)))


@scenario('TestKMS::test_tag_existing_key_with_invalid_tag_key')
def reserved_tag_on_existing_key(record):
    key_id = create_key(Description='test key 123')['KeyId']
    record('invalid-tag-key', error_response(lambda: kms().tag_resource(KeyId=key_id, Tags=tags_of(**{'aws:key1': 'value1'}))))


@scenario('TestKMS::test_key_with_long_tag_value_raises_error')
def long_tag_value(record):
    record('too-long-tag-value', error_response(lambda: create_key(Description='test key 123', Tags=tags_of(tag1='v' * 257))))


def invalid_tag_key(tag_key):
    def replay(record):
        record('invalid-tag-key', error_response(lambda: create_key(Description='test key 123', Tags=tags_of(**{tag_key: 'value1'}))))

    return replay


for _name, _key in (('lowercase_prefix', 'aws:key1'), ('uppercase_prefix', 'AWS:key1'), ('too_long_key', 'a' * 129)):
    scenario(f'TestKMS::test_create_key_with_invalid_tag_key[{_name}]')(invalid_tag_key(_key))


def rotation_period(days):
    def replay(record):
        key_id = create_key()['KeyId']
        kms().enable_key_rotation(KeyId=key_id, RotationPeriodInDays=days)
        record('match_response', kms().get_key_rotation_status(KeyId=key_id))

    return replay


for _days in (90, 180):
    scenario(f'TestKMS::test_key_enable_rotation_status[{_days}]')(rotation_period(_days))


def no_rotation_in_progress(key_id):
    return lambda: 'OnDemandRotationStartDate' not in kms().get_key_rotation_status(KeyId=key_id)


@scenario('TestKMS::test_rotate_key_on_demand_modifies_key_material')
def rotation_changes_material(record):
    key_id = create_key(KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT')['KeyId']
    before = kms().encrypt(KeyId=key_id, Plaintext=base64.b64encode(MESSAGE))['CiphertextBlob']
    record('rotate-on-demand-response', kms().rotate_key_on_demand(KeyId=key_id))
    after = kms().encrypt(KeyId=key_id, Plaintext=base64.b64encode(MESSAGE))['CiphertextBlob']
    assert before != after


@scenario('TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_disabled')
def rotation_without_automatic(record):
    key_id = create_key()['KeyId']
    record('rotate-on-demand-response', kms().rotate_key_on_demand(KeyId=key_id))
    assert wait_until(no_rotation_in_progress(key_id), timeout=10)
    record('rotation-status-response-after-rotation', kms().get_key_rotation_status(KeyId=key_id))


@scenario('TestKMS::test_rotate_key_on_demand_with_symmetric_key_and_automatic_rotation_enabled')
def rotation_with_automatic(record):
    key_id = create_key()['KeyId']
    kms().enable_key_rotation(KeyId=key_id)
    status_before = kms().get_key_rotation_status(KeyId=key_id)
    record('rotate-on-demand-response', kms().rotate_key_on_demand(KeyId=key_id))
    assert kms().get_key_rotation_status(KeyId=key_id)['NextRotationDate'] == status_before['NextRotationDate']
    assert wait_until(no_rotation_in_progress(key_id), timeout=10)
    record('rotation-status-response-after-rotation', kms().get_key_rotation_status(KeyId=key_id))


@scenario('TestKMS::test_rotate_key_on_demand_raises_error_given_key_that_does_not_exist')
def rotate_missing_key(record):
    record('error-response', error_response(lambda: kms().rotate_key_on_demand(KeyId='1234abcd-12ab-34cd-56ef-1234567890ab')))


@scenario('TestKMS::test_rotate_on_demand_returns_arn_for_key_id')
def rotate_returns_arn(record):
    key = create_key(KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT')
    response = kms().rotate_key_on_demand(KeyId=key['KeyId'])
    record('rotate-on-demand-aws-key', response)
    assert response['KeyId'] == key['Arn']


@scenario('TestKMS::test_key_rotation_updates_current_key_material_id_for_aws_symmetric_keys')
def rotation_changes_material_id(record):
    key_id = create_key(KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT', Description='test-key')['KeyId']
    before = kms().describe_key(KeyId=key_id)
    record('describe-key-before-rotation', before)
    kms().rotate_key_on_demand(KeyId=key_id)
    material = before['KeyMetadata'].get('CurrentKeyMaterialId')
    assert wait_until(lambda: kms().describe_key(KeyId=key_id)['KeyMetadata'].get('CurrentKeyMaterialId') != material, timeout=10)
    record('describe-key-after-rotation', kms().describe_key(KeyId=key_id))


@scenario('TestKMS::test_key_rotations_encryption_decryption')
def decrypt_after_rotation(record):
    key_id = create_key(KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT')['KeyId']
    blob = kms().encrypt(KeyId=key_id, Plaintext=base64.b64encode(MESSAGE))['CiphertextBlob']
    before = kms().decrypt(KeyId=key_id, CiphertextBlob=blob)['Plaintext']
    kms().rotate_key_on_demand(KeyId=key_id)
    assert kms().decrypt(KeyId=key_id, CiphertextBlob=blob)['Plaintext'] == before
    record('bad-ciphertext', error_response(lambda: kms().decrypt(KeyId=key_id, CiphertextBlob=blob + b'bad_data')))


@scenario('TestKMS::test_key_rotations_limits')
def rotation_limit(record):
    key_id = create_key(KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT')['KeyId']
    for _ in range(ON_DEMAND_ROTATION_LIMIT):
        kms().rotate_key_on_demand(KeyId=key_id)
        assert wait_until(no_rotation_in_progress(key_id), timeout=10)
    record('error-response', error_response(lambda: kms().rotate_key_on_demand(KeyId=key_id)))
