"""Tests of the fault-injecting proxy (shiftops_emulator/fault_proxy.py), driven with boto3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from conftest import CENTRAL, HERE, Emulator


@pytest.fixture(scope="module")
def proxy(server):
    server.control("/_shiftops/reset", {})
    server.control("/_shiftops/seed", {"fleet": "standard"})
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fault_proxy.py"), "--upstream", server.url,
                             "--port", "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("READY port="), line
    yield Emulator(f"http://127.0.0.1:{int(line.split('=', 1)[1])}")
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture
def faults(proxy):
    proxy.control("/_faults/clear", {})
    proxy.control("/_faults/requests/reset", {})
    return proxy


def client(proxy, service: str, read_timeout: float = 60, creds: dict | None = None):
    """A client that tries once: every fault the proxy injects reaches the test."""
    creds = creds or {"aws_access_key_id": "AKIATESTCENTRAL00000", "aws_secret_access_key": "secret"}
    return boto3.client(service, endpoint_url=proxy.url, region_name="us-east-1",
                        config=Config(retries={"total_max_attempts": 1}, read_timeout=read_timeout), **creds)


def tenant(proxy, service: str, account: str):
    answer = client(proxy, "sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/ShiftopsReadOnly",
                                              RoleSessionName="pytest")["Credentials"]
    return client(proxy, service, creds={"aws_access_key_id": answer["AccessKeyId"],
                                         "aws_secret_access_key": answer["SecretAccessKey"],
                                         "aws_session_token": answer["SessionToken"]})


def error_code(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]


def test_requests_pass_through_and_are_counted(faults):
    assert client(faults, "rds").describe_db_clusters()["DBClusters"] == []  # the central account has none
    assert faults.control("/_shiftops/health") == {"ok": True}, "emulator control passes through"
    counts = faults.control("/_faults/requests")
    assert counts["by_action"] == {"rds:DescribeDBClusters": 1}
    assert counts["by_account"] == {CENTRAL: 1}


def test_throttling_in_each_protocol_then_clears_after_times(faults):
    faults.control("/_faults/rules", {"fault": "throttle", "service": "rds", "times": 1})
    faults.control("/_faults/rules", {"fault": "throttle", "service": "states"})
    with pytest.raises(ClientError) as query:
        client(faults, "rds").describe_db_clusters()
    assert error_code(query.value) == "Throttling"
    assert query.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    client(faults, "rds").describe_db_clusters()  # `times` used up: through again
    with pytest.raises(ClientError) as json_error:
        client(faults, "stepfunctions").list_state_machines()
    assert error_code(json_error.value) == "ThrottlingException"
    counts = faults.control("/_faults/requests")
    assert counts["faulted"] == {"rds:DescribeDBClusters": 1, "states:ListStateMachines": 1}
    assert counts["by_action"]["rds:DescribeDBClusters"] == 2


def test_server_errors_and_expired_tokens(faults):
    faults.control("/_faults/rules", {"fault": "error503", "service": "redshift"})
    faults.control("/_faults/rules", {"fault": "expired_token", "service": "logs"})
    with pytest.raises(ClientError) as unavailable:
        client(faults, "redshift").describe_clusters()
    assert unavailable.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    with pytest.raises(ClientError) as expired:
        client(faults, "logs").describe_log_groups()
    assert error_code(expired.value) == "ExpiredTokenException"


def test_access_denied_follows_the_credentials_of_one_account(faults):
    rds_b = tenant(faults, "rds", "222222222222")  # AssumeRole through the proxy: the key is learned
    rds_c = tenant(faults, "rds", "333333333333")
    learned = faults.control("/_faults/credentials")
    assert {c["account_id"] for c in learned} >= {"222222222222", "333333333333"}
    faults.control("/_faults/rules", {"fault": "access_denied", "account_id": "222222222222"})
    with pytest.raises(ClientError) as denied:
        rds_b.describe_db_clusters()
    assert error_code(denied.value) == "AccessDenied"
    assert "222222222222" in str(denied.value)
    assert rds_c.describe_db_clusters()["DBClusters"], "the other account still answers"
    with pytest.raises(ClientError) as assume:
        tenant(faults, "rds", "222222222222")
    assert error_code(assume.value) == "AccessDenied"


def test_dropped_connections_and_slow_answers(faults):
    faults.control("/_faults/rules", {"fault": "drop", "service": "sts"})
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
        client(faults, "sts").get_caller_identity()
    faults.control("/_faults/clear", {})
    faults.control("/_faults/rules", {"fault": "slow", "service": "sts", "delay_seconds": 5})
    slow = client(faults, "sts", read_timeout=0.5)
    with pytest.raises(ReadTimeoutError):
        slow.get_caller_identity()


def test_a_slow_rule_without_times_delays_every_request_and_they_wait_side_by_side(faults):
    """What the refresh benchmark relies on: one `slow` rule with no `times` is a fixed latency on
    every request, and the proxy serves requests concurrently, so the latency adds up per batch of
    calls in flight, not per call. All requests are seen by the rule while none has answered yet."""
    import threading

    faults.control("/_faults/rules", {"fault": "slow", "delay_seconds": 5})
    answered: list[str] = []
    clients = [client(faults, "sts") for _ in range(8)]
    threads = [threading.Thread(target=lambda c=c: answered.append(c.get_caller_identity()["Account"]))
               for c in clients]
    for thread in threads:
        thread.start()
    for _ in range(400):
        (rule,) = faults.control("/_faults/rules")
        if rule["hits"] == len(threads):
            break
        threading.Event().wait(0.01)
    assert rule["hits"] == len(threads), rule
    assert answered == [], "every request was held by the delay at once"
    for thread in threads:
        thread.join(timeout=30)
    assert answered == [CENTRAL] * len(threads), "each was then answered normally"
    assert faults.control("/_faults/requests")["faulted"] == {"sts:GetCallerIdentity": len(threads)}


def test_bad_rules_are_refused(faults):
    request = urllib.request.Request(faults.url + "/_faults/rules", data=json.dumps({"fault": "gremlins"}).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400
