"""The emulator refuses what AWS refuses for the console's recovery actions (see the modules' citations)."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from shiftops_emulator.seed import WLM as SEED_WLM
from shiftops_emulator.sfn_redrive import TOKEN_LIFETIME, remember, remembered

ROLE = "arn:aws:iam::999999999999:role/r"
WAIT = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}}
FAIL = {"StartAt": "Load", "States": {"Load": {"Type": "Fail", "Error": "Redshift.LoadError", "Cause": "c"}}}


# -- helpers ----------------------------------------------------------------------------

def unchecked(emu, service: str):
    """A client that sends what it is given, as the Rust SDK does (no client-side length checks)."""
    return boto3.client(service, endpoint_url=emu.url, region_name="us-east-1", aws_access_key_id="AKIATESTCENTRAL00000",
                        aws_secret_access_key="secret",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def refused(call, code: str, status: int = 400) -> str:
    with pytest.raises(ClientError) as exc:
        call()
    error = exc.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status), error["Error"]
    return error["Error"]["Message"]


def interpreter(emu, on: bool) -> None:
    urllib.request.urlopen(urllib.request.Request(emu.url + "/moto-api/config", method="POST",
                           data=json.dumps({"stepfunctions": {"execute_state_machine": on}}).encode()))


def machine(sfn, name: str, definition: dict) -> str:
    return sfn.create_state_machine(name=name, roleArn=ROLE, definition=json.dumps(definition))["stateMachineArn"]


def in_step(sfn, arn: str, step: str) -> None:
    """Waits until moto's interpreter, which runs in a thread of its own, has entered `step`."""
    deadline = time.monotonic() + 10
    while not any(e.get("stateEnteredEventDetails", {}).get("name") == step
                  for e in sfn.get_execution_history(executionArn=arn)["events"]):
        assert time.monotonic() < deadline, step
        time.sleep(0.02)


def stop(sfn, arn: str) -> None:
    """StopExecution; moto's interpreter reports ABORTED once its thread has ended."""
    sfn.stop_execution(executionArn=arn, error="Stopped", cause="by the test")
    settle(sfn, arn, "ABORTED")


def settle(sfn, arn: str, status: str) -> dict:
    deadline = time.monotonic() + 10
    while (described := sfn.describe_execution(executionArn=arn))["status"] != status:
        assert time.monotonic() < deadline, described["status"]
        time.sleep(0.02)
    return described


# -- Redshift: default parameter groups -----------------------------------------------------------

def test_default_parameter_group_is_used_and_cannot_be_modified_or_reset(emu):
    rs = emu.client("redshift")
    rs.create_cluster(ClusterIdentifier="plain", NodeType="ra3.xlplus", ClusterType="single-node",
                      MasterUsername="awsuser", MasterUserPassword="Passw0rd-not-secret")
    groups = rs.describe_clusters(ClusterIdentifier="plain")["Clusters"][0]["ClusterParameterGroups"]
    assert [g["ParameterGroupName"] for g in groups] == ["default.redshift-1.0"]
    wlm = {p["ParameterName"]: p for p in rs.describe_cluster_parameters(
        ParameterGroupName="default.redshift-1.0")["Parameters"]}["wlm_json_configuration"]
    assert (wlm["ParameterValue"], wlm["Source"]) == ('[{"auto_wlm":true}]', "engine-default")

    change = [{"ParameterName": "wlm_json_configuration", "ParameterValue": json.dumps([{"query_concurrency": 5}])}]
    message = refused(lambda: rs.modify_cluster_parameter_group(ParameterGroupName="default.redshift-1.0",
                                                                Parameters=change), "InvalidParameterValue")
    assert message == "Cannot modify a default parameter group."
    refused(lambda: rs.reset_cluster_parameter_group(ParameterGroupName="default.redshift-1.0",
                                                     ResetAllParameters=True), "InvalidParameterValue")
    refused(lambda: rs.reset_cluster_parameter_group(ParameterGroupName="default.redshift-1.0", Parameters=[
        {"ParameterName": "wlm_json_configuration"}]), "InvalidParameterValue")
    assert rs.describe_cluster_parameters(ParameterGroupName="default.redshift-1.0", Source="user")["Parameters"] == []
    refused(lambda: rs.modify_cluster_parameter_group(ParameterGroupName="missing", Parameters=change),
            "ClusterParameterGroupNotFound", 404)


def test_at_most_20_parameters_per_request(emu):
    rs = emu.client("redshift")
    rs.create_cluster_parameter_group(ParameterGroupName="p", ParameterGroupFamily="redshift-1.0", Description="d")
    params = [{"ParameterName": f"p{i}", "ParameterValue": "1"} for i in range(21)]
    refused(lambda: rs.modify_cluster_parameter_group(ParameterGroupName="p", Parameters=params), "InvalidParameterValue")
    refused(lambda: rs.reset_cluster_parameter_group(ParameterGroupName="p", Parameters=params), "InvalidParameterValue")
    rs.modify_cluster_parameter_group(ParameterGroupName="p", Parameters=params[:20])


# -- Redshift: wlm_json_configuration ---------------------------------------------------------------

def paused_seed() -> list:
    """What the console's pause makes of the seeded configuration: adhoc at 1 slot with an abort rule."""
    queues = json.loads(json.dumps(SEED_WLM))
    queues[1]["query_concurrency"] = 1
    queues[1]["rules"] = [{"rule_name": "shiftops_pause_adhoc", "action": "abort", "predicate": [
        {"metric_name": "query_execution_time", "operator": ">", "value": 1}]}]
    return queues


VALID = {
    "seed": SEED_WLM,
    "seed paused": paused_seed(),
    "demo seed": [
        {"name": "batch", "user_group": ["elt_stepfunctions"], "query_group": ["batch"], "query_concurrency": 10,
         "memory_percent_to_use": 50, "max_execution_time": 7200000, "concurrency_scaling": "auto", "rules": []},
        {"name": "adhoc", "user_group": ["learners"], "query_group": ["adhoc"], "query_concurrency": 5,
         "memory_percent_to_use": 30, "max_execution_time": 1800000, "concurrency_scaling": "off", "rules": []},
        {"name": "admin", "user_group": ["ops_lambda"], "query_group": ["admin"], "query_concurrency": 3,
         "memory_percent_to_use": 20, "max_execution_time": 0, "concurrency_scaling": "auto", "rules": []},
        {"short_query_queue": True}],
    "auto paused": [{"name": "batch", "auto_wlm": True, "priority": "highest"},
                    {"name": "adhoc", "auto_wlm": True, "priority": "lowest"}, {"short_query_queue": True}],
    "default": [{"auto_wlm": True}],
    # the Management Guide's examples ("Configuring workload management"), brought in line with
    # its rules: the default queue gets the 35 % its text gives it (memory is set on all queues or
    # none), and the rules' values are within the metrics' documented ranges, which the guide's
    # 1000000 CPU seconds and 600000000 execution seconds exceed
    "guide manual": [
        {"query_concurrency": 4, "max_execution_time": 20000, "memory_percent_to_use": 25, "query_group": ["report"],
         "query_group_wild_card": 1, "user_group": [], "user_group_wild_card": 0, "concurrency_scaling": "auto",
         "queue_type": "manual"},
        {"query_concurrency": 5, "memory_percent_to_use": 40, "query_group": [], "query_group_wild_card": 0,
         "user_group": ["admin", "dba"], "user_group_wild_card": 0, "concurrency_scaling": "off",
         "queue_type": "manual"},
        {"query_concurrency": 5, "memory_percent_to_use": 35, "query_group": [], "query_group_wild_card": 0,
         "user_group": [], "user_group_wild_card": 0, "concurrency_scaling": "auto", "queue_type": "manual"},
        {"short_query_queue": True}],
    "guide auto rules": [
        {"query_group": ["report"], "concurrency_scaling": "auto", "priority": "normal", "queue_type": "auto",
         "rules": [{"rule_name": "rule_1", "action": "log", "predicate": [
             {"metric_name": "query_cpu_time", "operator": ">", "value": 100000},
             {"metric_name": "query_blocks_read", "operator": ">", "value": 1000}]}]},
        {"user_group": ["admin", "dba"], "concurrency_scaling": "off", "priority": "high", "queue_type": "auto",
         "rules": [{"rule_name": "rule_2", "action": "abort", "predicate": [
             {"metric_name": "query_execution_time", "operator": ">", "value": 6000},
             {"metric_name": "scan_row_count", "operator": ">", "value": 1000000000}]}]},
        {"concurrency_scaling": "auto", "priority": "low", "queue_type": "auto", "auto_wlm": True},
        {"short_query_queue": True}],
    "priority rules": [{"name": "etl", "auto_wlm": True, "rules": [
        {"rule_name": "rule_change_priority", "action": "change_query_priority", "value": "lowest", "predicate": [
            {"metric_name": "query_temp_blocks_to_disk", "operator": ">", "value": 1000000},
            {"metric_name": "query_priority", "operator": "=", "value": "normal"}]},
        {"rule_name": "skewed", "action": "log", "predicate": [
            {"metric_name": "segment_execution_time", "operator": ">", "value": 120},
            {"metric_name": "io_skew", "operator": ">", "value": 1.30}]}]}],
}


# One test per table, not one per case: every emulator reset builds moto's backends afresh, and
# the emulator process takes longer to exit for each of them.
def test_wlm_configurations_aws_takes(emu):
    rs = emu.client("redshift")
    rs.create_cluster_parameter_group(ParameterGroupName="p", ParameterGroupFamily="redshift-1.0", Description="d")
    for name, queues in VALID.items():
        value = json.dumps(queues)
        rs.modify_cluster_parameter_group(ParameterGroupName="p", Parameters=[
            {"ParameterName": "wlm_json_configuration", "ParameterValue": value, "ApplyType": "dynamic"}])
        user = rs.describe_cluster_parameters(ParameterGroupName="p", Source="user")["Parameters"]
        assert [(p["ParameterName"], p["ParameterValue"]) for p in user] == [("wlm_json_configuration", value)], name


def manual(**adhoc) -> list:
    queues = json.loads(json.dumps(SEED_WLM))
    queues[1].update(adhoc)
    return queues


def rule(name: str = "r1", action: str = "abort", **predicate) -> dict:
    return {"rule_name": name, "action": action,
            "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1, **predicate}]}


AUTO = [{"name": "batch", "auto_wlm": True, "priority": "high"}, {"name": "adhoc", "auto_wlm": True}]

INVALID = {
    "not json": "[{",
    "an object": json.dumps({"query_concurrency": 5}),
    "not objects": json.dumps([5]),
    "no queue": json.dumps([{"short_query_queue": True}]),
    "nine queues": json.dumps([{"query_concurrency": 1} for _ in range(9)]),
    "over 8000 characters": json.dumps([{"query_concurrency": 5, "query_group": ["g" * 8000]}]),
    "duplicate queue names": json.dumps([{"name": "q", "query_concurrency": 1}, {"name": "q", "query_concurrency": 1}]),
    "queue name with a quote": json.dumps(manual(name='ad"hoc')),
    "queue name of 65 characters": json.dumps(manual(name="q" * 65)),
    "concurrency 0": json.dumps(manual(query_concurrency=0)),
    "concurrency 51": json.dumps(manual(query_concurrency=51)),
    "concurrency as text": json.dumps(manual(query_concurrency="5")),
    "over 50 slots": json.dumps(manual(query_concurrency=43)),  # 5 + 43 + 3
    "over 50 slots by default": json.dumps([{"query_concurrency": 46}, {}]),  # a queue without one has 5
    "memory over 100 %": json.dumps(manual(memory_percent_to_use=31)),
    "memory on some queues only": json.dumps([{"memory_percent_to_use": 50}, {"query_concurrency": 5}]),
    "priority under manual WLM": json.dumps(manual(priority="low")),
    "unknown priority": json.dumps([{"name": "a", "auto_wlm": True, "priority": "urgent"}]),
    "unknown concurrency scaling": json.dumps(manual(concurrency_scaling="on")),
    "unknown queue type": json.dumps(manual(queue_type="fast")),
    "short query time of 25 s": json.dumps([{"query_concurrency": 5}, {"short_query_queue": True,
                                                                        "max_execution_time": 25000}]),
    "rule name of 33 characters": json.dumps(manual(rules=[rule("r" * 33)])),
    "rule name with a hyphen": json.dumps(manual(rules=[rule("pause-adhoc")])),
    "rule name with a space": json.dumps(manual(rules=[rule("pause adhoc")])),
    "duplicate rule names": json.dumps([{"query_concurrency": 5, "rules": [rule("r1")]},
                                        {"query_concurrency": 5, "rules": [rule("r1")]}]),
    "26 rules in a queue": json.dumps(manual(rules=[rule(f"r{i}") for i in range(26)])),
    "26 rules in all": json.dumps([{"query_concurrency": 5, "rules": [rule(f"a{i}") for i in range(13)]},
                                   {"query_concurrency": 5, "rules": [rule(f"b{i}") for i in range(13)]}]),
    "no predicate": json.dumps(manual(rules=[{"rule_name": "r1", "action": "abort", "predicate": []}])),
    "four predicates": json.dumps(manual(rules=[{"rule_name": "r1", "action": "abort", "predicate": [
        {"metric_name": "query_execution_time", "operator": ">", "value": 1}] * 4}])),
    "unknown action": json.dumps(manual(rules=[rule(action="cancel")])),
    "hop under automatic WLM": json.dumps([AUTO[0], {**AUTO[1], "rules": [rule(action="hop")]}]),
    "change priority under manual WLM": json.dumps(manual(rules=[{**rule(action="change_query_priority"),
                                                                  "value": "low"}])),
    "change priority without a priority": json.dumps([AUTO[0], {**AUTO[1], "rules": [
        rule(action="change_query_priority")]}]),
    "unknown metric": json.dumps(manual(rules=[rule(metric_name="query_runtime")])),
    "unknown operator": json.dumps(manual(rules=[rule(operator=">=")])),
    "execution time over 86,399 s": json.dumps(manual(rules=[rule(value=86400)])),
    "negative value": json.dumps(manual(rules=[rule(value=-1)])),
    "value as text": json.dumps(manual(rules=[rule(value="1")])),
    "cpu skew over 99": json.dumps(manual(rules=[rule(metric_name="cpu_skew", value=100)])),
    "unknown query priority": json.dumps(manual(rules=[rule(metric_name="query_priority", operator="=",
                                                            value="urgent")])),
}


# Why each is refused: a part of the message.
REASONS = {
    "not json": "not valid JSON", "an object": "JSON array", "not objects": "JSON array",
    "no queue": "at least one queue", "nine queues": "at most 8", "over 8000 characters": "more than 8000",
    "duplicate queue names": "unique", "queue name with a quote": "queue name",
    "queue name of 65 characters": "queue name", "concurrency 0": "1 to 50", "concurrency 51": "1 to 50",
    "concurrency as text": "1 to 50", "over 50 slots": "51 query slots", "over 50 slots by default": "51 query slots",
    "memory over 100 %": "adds up to 101", "memory on some queues only": "every queue",
    "priority under manual WLM": "needs automatic WLM", "unknown priority": "priority must be",
    "unknown concurrency scaling": "concurrency_scaling", "unknown queue type": "queue_type",
    "short query time of 25 s": "1000 to 20000", "rule name of 33 characters": "1 to 32",
    "rule name with a hyphen": "1 to 32", "rule name with a space": "1 to 32", "duplicate rule names": "used twice",
    "26 rules in a queue": "per queue", "26 rules in all": "for all queues", "no predicate": "1 to 3 predicates",
    "four predicates": "1 to 3 predicates", "unknown action": "action must be",
    "hop under automatic WLM": "only available with manual WLM",
    "change priority under manual WLM": "only available with automatic WLM",
    "change priority without a priority": "needs a value", "unknown metric": "unknown metric",
    "unknown operator": "operator", "execution time over 86,399 s": "0 to 86399", "negative value": "0 to 86399",
    "value as text": "0 to 86399", "cpu skew over 99": "0 to 99", "unknown query priority": "query_priority must be",
}


def test_wlm_configurations_aws_refuses(emu):
    rs = emu.client("redshift")
    rs.create_cluster_parameter_group(ParameterGroupName="p", ParameterGroupFamily="redshift-1.0", Description="d")
    before = rs.describe_cluster_parameters(ParameterGroupName="p")["Parameters"]
    assert set(REASONS) == set(INVALID)
    for name, value in INVALID.items():
        message = refused(lambda: rs.modify_cluster_parameter_group(ParameterGroupName="p", Parameters=[
            {"ParameterName": "enable_case_sensitive_identifier", "ParameterValue": "true"},
            {"ParameterName": "wlm_json_configuration", "ParameterValue": value, "ApplyType": "dynamic"}]),
            "InvalidParameterValue")
        assert message.startswith("Invalid wlm_json_configuration: ") and REASONS[name] in message, (name, message)
        assert rs.describe_cluster_parameters(ParameterGroupName="p")["Parameters"] == before, name  # nothing kept


# -- Step Functions: StartExecution ----------------------------------------------------------------

@pytest.mark.parametrize("interpret", [False, True], ids=["plain", "interpreter"])
def test_start_execution_names(emu, interpret):
    interpreter(emu, interpret)
    sfn = unchecked(emu, "stepfunctions")
    arn = machine(sfn, "names", WAIT)
    refused(lambda: sfn.start_execution(stateMachineArn=arn, name=""), "ValidationException")
    message = refused(lambda: sfn.start_execution(stateMachineArn=arn, name="a" * 81), "ValidationException")
    assert "Member must have length less than or equal to 80" in message
    for char in [" ", "\t", "\n", "\u00a0", "\u3000", *"<>{}[]?*\"#%\\^|~`$&,;:/", "\u0000", "\u001f", "\u007f",
                 "\u0085", "\u009f", "\ud800", "\ufffe", "\uffff", "\U0010ffff"]:
        name = f"daily{char}run"
        assert refused(lambda: sfn.start_execution(stateMachineArn=arn, name=name), "InvalidName") == \
            f"Invalid Name: '{name}'", repr(char)
    for name in ["a" * 80, "daily-elt-20261120-0600-rerun-20261121T0600", "Run_2026.11.21+1", "実行"]:
        assert sfn.start_execution(stateMachineArn=arn, name=name)["executionArn"].endswith(f":{name}")
    first, second = (sfn.start_execution(stateMachineArn=arn)["executionArn"] for _ in range(2))
    assert first != second  # each nameless start gets its own UUID
    names = {e["name"] for e in sfn.list_executions(stateMachineArn=arn)["executions"]}
    assert {first.rsplit(":", 1)[1], second.rsplit(":", 1)[1]} <= names and len(names) == 6
    for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
        stop(sfn, execution["executionArn"])


@pytest.mark.parametrize("interpret", [False, True], ids=["plain", "interpreter"])
def test_start_execution_is_idempotent_only_while_running_with_the_same_input(emu, interpret):
    interpreter(emu, interpret)
    sfn = emu.client("stepfunctions")
    arn = machine(sfn, "idempotent", WAIT)
    first = sfn.start_execution(stateMachineArn=arn, name="run-1", input='{"day": "2026-11-21"}')
    time.sleep(0.01)
    again = sfn.start_execution(stateMachineArn=arn, name="run-1", input='{"day": "2026-11-21"}')
    assert (again["executionArn"], again["startDate"]) == (first["executionArn"], first["startDate"])
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 1
    message = refused(lambda: sfn.start_execution(stateMachineArn=arn, name="run-1", input='{"day": "2026-11-22"}'),
                      "ExecutionAlreadyExists")
    assert first["executionArn"] in message
    stop(sfn, first["executionArn"])
    refused(lambda: sfn.start_execution(stateMachineArn=arn, name="run-1", input='{"day": "2026-11-21"}'),
            "ExecutionAlreadyExists")
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 1


# -- Step Functions: the running execution and its current step ---------------------------------------

def test_running_executions_newest_first_and_history_latest_first(emu):
    interpreter(emu, True)
    sfn = emu.client("stepfunctions")
    arn = machine(sfn, "running", WAIT)
    runs = []
    for name in ["r1", "r2", "r3"]:
        runs.append(sfn.start_execution(stateMachineArn=arn, name=name)["executionArn"])
        time.sleep(0.02)
    stop(sfn, runs[1])
    running = sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
    assert [(e["name"], e["status"]) for e in running] == [("r3", "RUNNING"), ("r1", "RUNNING")]
    page = sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING", maxResults=1)
    assert [e["name"] for e in page["executions"]] == ["r3"] and page["nextToken"]
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=arn, statusFilter="ABORTED")["executions"]] == ["r2"]
    refused(lambda: sfn.list_executions(stateMachineArn=arn, statusFilter="PENDING_REDRIVE"), "ValidationException")

    in_step(sfn, runs[2], "Wait")
    forward = sfn.get_execution_history(executionArn=runs[2])["events"]
    assert [e["type"] for e in forward] == ["ExecutionStarted", "WaitStateEntered"]
    latest = sfn.get_execution_history(executionArn=runs[2], reverseOrder=True, maxResults=1)
    assert [(e["type"], e["stateEnteredEventDetails"]["name"]) for e in latest["events"]] == [
        ("WaitStateEntered", "Wait")]
    rest = sfn.get_execution_history(executionArn=runs[2], reverseOrder=True, maxResults=1,
                                     nextToken=latest["nextToken"])
    assert [e["type"] for e in rest["events"]] == ["ExecutionStarted"] and "nextToken" not in rest
    refused(lambda: sfn.get_execution_history(executionArn=runs[2], nextToken="not-a-token"), "InvalidToken")
    refused(lambda: unchecked(emu, "stepfunctions").get_execution_history(executionArn=runs[2], maxResults=1001),
            "ValidationException")
    for run in (runs[0], runs[2]):
        stop(sfn, run)


def test_history_latest_first_without_the_interpreter(emu):
    interpreter(emu, False)
    sfn = emu.client("stepfunctions")
    arn = machine(sfn, "plain", WAIT)
    run = sfn.start_execution(stateMachineArn=arn, name="r1")["executionArn"]
    forward = [e["id"] for e in sfn.get_execution_history(executionArn=run)["events"]]
    backward = [e["id"] for e in sfn.get_execution_history(executionArn=run, reverseOrder=True)["events"]]
    assert forward == sorted(forward) and backward == forward[::-1] and len(forward) > 1


# -- Step Functions: RedriveExecution -----------------------------------------------------------------

def test_redrive_tokens_are_remembered_ten_at_a_time(emu):
    interpreter(emu, True)
    sfn = emu.client("stepfunctions")
    run = sfn.start_execution(stateMachineArn=machine(sfn, "failing", FAIL), name="r1")["executionArn"]
    settle(sfn, run, "FAILED")
    first = sfn.redrive_execution(executionArn=run, clientToken="token-0")["redriveDate"]
    assert settle(sfn, run, "FAILED")["redriveCount"] == 1
    assert sfn.redrive_execution(executionArn=run, clientToken="token-0")["redriveDate"] == first
    assert sfn.describe_execution(executionArn=run)["redriveCount"] == 1  # the same token redrives once
    for i in range(1, 11):
        sfn.redrive_execution(executionArn=run, clientToken=f"token-{i}")
        assert settle(sfn, run, "FAILED")["redriveCount"] == i + 1
    last = sfn.describe_execution(executionArn=run)["redriveDate"]
    # token-0 is no longer among the last 10: it is a new redrive of the failed execution
    assert sfn.redrive_execution(executionArn=run, clientToken="token-0")["redriveDate"] > first
    assert settle(sfn, run, "FAILED")["redriveCount"] == 12
    assert sfn.redrive_execution(executionArn=run, clientToken="token-10")["redriveDate"] == last
    assert sfn.describe_execution(executionArn=run)["redriveCount"] == 12


def test_a_running_redriven_execution_cannot_be_redriven_again(emu):
    interpreter(emu, True)
    sfn = emu.client("stepfunctions")
    run = sfn.start_execution(stateMachineArn=machine(sfn, "waiting", WAIT), name="r1")["executionArn"]
    stop(sfn, run)
    date = sfn.redrive_execution(executionArn=run, clientToken="first-press")["redriveDate"]
    described = settle(sfn, run, "RUNNING")
    assert (described["redriveCount"], described["redriveStatus"]) == (1, "NOT_REDRIVABLE")
    refused(lambda: sfn.redrive_execution(executionArn=run, clientToken="second-press"), "ExecutionNotRedrivable")
    assert sfn.redrive_execution(executionArn=run, clientToken="first-press")["redriveDate"] == date
    assert sfn.describe_execution(executionArn=run)["redriveCount"] == 1
    stop(sfn, run)


def test_redrive_client_token_format(emu):
    interpreter(emu, False)
    sfn = unchecked(emu, "stepfunctions")
    run = sfn.start_execution(stateMachineArn=machine(sfn, "m", WAIT), name="r1")["executionArn"]
    stop(sfn, run)
    for token in ["t" * 65, "with space", "é"]:
        refused(lambda: sfn.redrive_execution(executionArn=run, clientToken=token), "ValidationException")
    assert sfn.describe_execution(executionArn=run)["redriveCount"] == 0
    sfn.redrive_execution(executionArn=run, clientToken="t" * 64)


def test_redrive_tokens_are_forgotten_after_15_minutes():
    tokens: dict = {}
    t0 = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.timezone.utc)
    remember(tokens, "press", t0)
    assert remembered(tokens, "press", t0 + TOKEN_LIFETIME) == t0
    assert remembered(tokens, "press", t0 + TOKEN_LIFETIME + dt.timedelta(seconds=1)) is None
    assert remembered(tokens, None, t0) is None
    for i in range(10):
        remember(tokens, f"other-{i}", t0)
    assert remembered(tokens, "press", t0) is None and len(tokens) == 10


# -- StopExecution --------------------------------------------------------------------------

def test_stop_execution_keeps_who_and_why_and_leaves_a_finished_execution_alone(emu):
    interpreter(emu, True)
    sfn = emu.client("stepfunctions")
    arn = sfn.start_execution(stateMachineArn=machine(sfn, "stop-wait", WAIT), name="hung")["executionArn"]
    in_step(sfn, arn, "Wait")
    sfn.stop_execution(executionArn=arn, error="shiftops.Stopped", cause="hung in Wait")
    # ABORTED when the call returns, as on AWS, not when moto's thread gets round to it.
    described = sfn.describe_execution(executionArn=arn)
    assert described["status"] == "ABORTED"
    assert (described.get("error"), described.get("cause")) == ("shiftops.Stopped", "hung in Wait")
    stopped = described["stopDate"]
    # Stopping it again changes nothing; a finished execution is never turned ABORTED.
    sfn.stop_execution(executionArn=arn, error="again", cause="again")
    assert sfn.describe_execution(executionArn=arn)["stopDate"] == stopped
    interpreter(emu, False)
    done = sfn.start_execution(stateMachineArn=machine(sfn, "stop-done", WAIT), name="done")["executionArn"]
    sfn.stop_execution(executionArn=done)
    sfn.redrive_execution(executionArn=done)
    assert sfn.describe_execution(executionArn=done)["status"] == "SUCCEEDED"
    sfn.stop_execution(executionArn=done)
    assert sfn.describe_execution(executionArn=done)["status"] == "SUCCEEDED"


def test_stop_execution_refuses_an_error_or_cause_too_long(emu):
    interpreter(emu, False)
    sfn = unchecked(emu, "stepfunctions")
    arn = sfn.start_execution(stateMachineArn=machine(sfn, "stop-long", WAIT), name="long")["executionArn"]
    refused(lambda: sfn.stop_execution(executionArn=arn, error="e" * 257), "ValidationException")
    refused(lambda: sfn.stop_execution(executionArn=arn, cause="c" * 32769), "ValidationException")
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    sfn.stop_execution(executionArn=arn, error="e" * 256, cause="c" * 32768)
    assert sfn.describe_execution(executionArn=arn)["status"] == "ABORTED"
    refused(lambda: sfn.stop_execution(executionArn=arn.replace(":long", ":nope")), "ExecutionDoesNotExist")
