"""Counts the AWS requests the emulator receives, for tests that check call budgets.

Each request is counted by service — the signing name in the SigV4 credential scope
(`rds`, `sts`, `monitoring`, `redshift-data`, `states`, `logs`, ...) — and by
`service:Action`, the action coming from X-Amz-Target, the awsQuery `Action`
parameter or the RPC v2 CBOR path — and by the account it is made in (the caller's, from its
access key), so a test can tell the central account's calls from the tenant accounts'. `/_shiftops/*` and `/moto-api/*` are not counted.
"""

from __future__ import annotations

import threading
from collections import Counter

from .wsgi import AwsRequest

_LOCK = threading.Lock()
_SERVICES: Counter = Counter()
_ACTIONS: Counter = Counter()
_ACCOUNTS: Counter = Counter()
_TOTAL = [0]


def count(req: AwsRequest) -> None:
    service = req.service or "unsigned"
    with _LOCK:
        _TOTAL[0] += 1
        _SERVICES[service] += 1
        _ACTIONS[f"{service}:{req.action or req.environ.get('REQUEST_METHOD', '?')}"] += 1
        _ACCOUNTS[req.account_id or "unsigned"] += 1


def snapshot() -> dict:
    with _LOCK:
        return {"total": _TOTAL[0], "by_service": dict(_SERVICES), "by_action": dict(_ACTIONS),
                "by_account": dict(_ACCOUNTS)}


def reset() -> None:
    with _LOCK:
        _TOTAL[0] = 0
        _SERVICES.clear()
        _ACTIONS.clear()
        _ACCOUNTS.clear()
