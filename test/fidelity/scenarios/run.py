# Runs every registered scenario (or those whose id contains argv[1]) and prints {test id: {entry: answer}} as JSON.
# A scenario that raises keeps the entries it recorded before, plus "__failed__" with the reason.
import json
import sys
import traceback

from common import ASSERTIONS, SCENARIOS, plain
import kms  # noqa: F401 - registers its scenarios
import dynamodb  # noqa: F401
import iam  # noqa: F401
import sts  # noqa: F401
import kms_assertions  # noqa: F401


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else ''
    answers = {}
    for test_id, fn in SCENARIOS.items():
        if only not in test_id:
            continue
        entries = {}

        def record(name, value, entries=entries):
            entries[name] = plain(value)

        try:
            fn(record)
        except Exception as error:  # noqa: BLE001 - reported, not raised
            entries['__failed__'] = f'{type(error).__name__}: {error}'
            print(f'{test_id}: {traceback.format_exc()}', file=sys.stderr)
        answers[test_id] = entries
    assertions = {}
    for test_id, fn in ASSERTIONS.items():
        if only not in test_id:
            continue
        try:
            fn()
            assertions[test_id] = 'ok'
        except Exception as error:  # noqa: BLE001 - reported, not raised
            assertions[test_id] = f'{type(error).__name__}: {error}'
    print(json.dumps({'snapshots': answers, 'assertions': assertions}))


if __name__ == '__main__':
    main()
