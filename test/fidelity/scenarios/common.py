# What every replayed scenario uses: boto3 clients on the sandbox, a registry of scenarios, and the JSON form of
# answers that compare.mjs reads (timestamps as "datetime:<iso>", bytes as Python's b'...' text).
import base64
import datetime
import os
import uuid

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

SCENARIOS = {}
# Tests that assert instead of snapshotting: test id -> fn() raising on a difference.
ASSERTIONS = {}


def scenario_assertion(assertions):
    ASSERTIONS.update(assertions)


def scenario(test_id):
    """Registers fn(record) as the replay of the recorded test test_id ("TestClass::test_name[param]")."""

    def register(fn):
        SCENARIOS[test_id] = fn
        return fn

    return register


def short_uid():
    return uuid.uuid4().hex[:8]


def session(access_key=None, secret_key=None, token=None):
    return boto3.session.Session(
        region_name=os.environ['AWS_REGION'],
        aws_access_key_id=access_key or os.environ['AWS_ACCESS_KEY_ID'],
        aws_secret_access_key=secret_key or os.environ['AWS_SECRET_ACCESS_KEY'],
        aws_session_token=token,
    )


def client(name, validate=True, credentials=None):
    config = Config(retries={'max_attempts': 1}, parameter_validation=validate)
    creds = credentials or {}
    return session(creds.get('AccessKeyId'), creds.get('SecretAccessKey'), creds.get('SessionToken')).client(
        name, endpoint_url=os.environ['AWS_ENDPOINT_URL'], config=config
    )


def account_id():
    return client('sts').get_caller_identity()['Account']


def region():
    return os.environ['AWS_REGION']


def error_response(call):
    """The ClientError's response dict (what the recordings snapshot), or a marker when the call succeeded."""
    try:
        call()
    except ClientError as error:
        return error.response
    return {'__unexpected_success__': True}


def error_text(call):
    """str() of the exception a call raised (some recordings snapshot that)."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the recording is of whatever was raised
        return str(error)
    return '<no error raised>'


def wait_until(condition, timeout=30.0, interval=0.1):
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def plain(value):
    """The answer as JSON: datetimes and bytes marked so compare.mjs can tell them from strings."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return 'datetime:' + value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return str(bytes(value))
    if isinstance(value, botocore.response.StreamingBody):
        return str(value.read())
    return value


__all__ = [
    'base64',
    'scenario',
    'short_uid',
    'client',
    'account_id',
    'region',
    'error_response',
    'error_text',
    'wait_until',
    'plain',
    'SCENARIOS',
    'ASSERTIONS',
    'scenario_assertion',
    'ClientError',
]
