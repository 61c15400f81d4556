"""Tests of the shiftops AWS emulator, driven with boto3/botocore as the Rust SDK would be."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import boto3
import botocore.session
import cbor2
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import CENTRAL, HERE, start_emulator, warehouses

NOW = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)


# -- helpers ----------------------------------------------------------------------------

def cbor_call(emu, op: str, params: dict, key: str = "AKIATESTCENTRAL00000") -> tuple[int, dict, object, bytes]:
    """A raw RPC v2 CBOR call, signed like the Rust SDK signs it."""
    url = f"{emu.url}/service/GraniteServiceVersion20100801/operation/{op}"
    body = cbor2.dumps(params)
    headers = {"Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(key, "secret"), "monitoring", "us-east-1").add_auth(request)
    prepared = urllib.request.Request(url, data=body, headers=dict(request.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(prepared) as resp:
            raw = resp.read()
            return resp.status, dict(resp.headers), cbor2.loads(raw) if raw else None, raw
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, dict(err.headers), cbor2.loads(raw), raw


@pytest.fixture(scope="session")
def cbor_models(tmp_path_factory):
    """A botocore data path whose CloudWatch model offers only smithy-rpc-v2-cbor."""
    root = tmp_path_factory.mktemp("models")
    loader = botocore.session.get_session().get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    target = root / "cloudwatch" / model["metadata"]["apiVersion"]
    target.mkdir(parents=True)
    (target / "service-2.json").write_text(json.dumps(model))
    return str(root)


def cbor_cloudwatch(emu, models: str):
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, models)
    client = session.create_client("cloudwatch", endpoint_url=emu.url, region_name="us-east-1",
                                   aws_access_key_id="AKIATESTCENTRAL00000", aws_secret_access_key="secret",
                                   config=Config(retries={"max_attempts": 1}))
    assert client.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    return client


def raw_json(emu, target: str, payload: dict, service: str, version: str = "1.1") -> dict:
    url = emu.url + "/"
    body = json.dumps(payload).encode()
    headers = {"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": target}
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials("AKIATESTCENTRAL00000", "secret"), service, "us-east-1").add_auth(request)
    prepared = urllib.request.Request(url, data=body, headers=dict(request.headers.items()), method="POST")
    with urllib.request.urlopen(prepared) as resp:
        return json.loads(resp.read())


def error_code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.response["Error"]["Code"]


# -- process -----------------------------------------------------------------------------

def test_starts_and_stops_when_stdin_closes(server):
    # How fast it starts is measured, not asserted: tests never assert timings.
    proc, url, startup = start_emulator()
    assert url.startswith("http://127.0.0.1:")
    proc.stdin.close()
    assert proc.wait(timeout=5) == 0


def test_stops_on_sigterm():
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "run.py"), "--port", "0", "--no-stdin-watch"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("READY port=")
    proc.terminate()
    assert proc.wait(timeout=5) == 0


def test_accounts_follow_credentials(emu):
    assert emu.client("sts").get_caller_identity()["Account"] == CENTRAL
    assert emu.tenant("sts", "111111111111").get_caller_identity()["Account"] == "111111111111"
    emu.tenant("s3", "111111111111").create_bucket(Bucket="only-in-a")
    assert [b["Name"] for b in emu.tenant("s3", "111111111111").list_buckets()["Buckets"]] == ["only-in-a"]
    assert emu.client("s3").list_buckets()["Buckets"] == []


# -- CloudWatch CBOR ---------------------------------------------------------------------

def test_cbor_raw_round_trip(emu):
    stamp = NOW - dt.timedelta(minutes=3)
    status, headers, _, _ = cbor_call(emu, "PutMetricData", {"Namespace": "Custom/DPC", "MetricData": [
        {"MetricName": "ELTExecutionDelay", "Dimensions": [{"Name": "Environment", "Value": "prod"}],
         "Timestamp": cbor2.CBORTag(1, stamp.timestamp()), "Value": 40, "Unit": "None"}]})
    assert status == 200 and headers["smithy-protocol"] == "rpc-v2-cbor"
    status, headers, body, raw = cbor_call(emu, "GetMetricData", {
        "StartTime": cbor2.CBORTag(1, int((NOW - dt.timedelta(hours=1)).timestamp())),
        "EndTime": cbor2.CBORTag(1, (NOW + dt.timedelta(minutes=1)).timestamp()),
        "ScanBy": "TimestampDescending",
        "MetricDataQueries": [{"Id": "m1", "MetricStat": {"Period": 60, "Stat": "Maximum", "Metric": {
            "Namespace": "Custom/DPC", "MetricName": "ELTExecutionDelay",
            "Dimensions": [{"Name": "Environment", "Value": "prod"}]}}}]})
    assert status == 200
    assert headers["Content-Type"] == "application/cbor"
    result = body["MetricDataResults"][0]
    assert result["Values"] == [40.0] and isinstance(result["Values"][0], float)
    assert result["Timestamps"][0] == stamp  # cbor2 decodes tag 1 to a datetime
    assert b"\xc1\xfb" in raw  # tag 1 followed by a float64, as the Rust decoder requires


def test_cbor_errors(emu):
    status, headers, body, _ = cbor_call(emu, "SetAlarmState", {"AlarmName": "nope", "StateValue": "ALARM",
                                                             "StateReason": "x"})
    assert status == 404
    assert body["__type"] == "com.amazonaws.cloudwatch#ResourceNotFound"
    assert headers["x-amzn-query-error"] == "ResourceNotFound;Sender"


def test_cbor_client_alarms_history_and_math(emu, cbor_models):
    cw = cbor_cloudwatch(emu, cbor_models)
    cw.put_metric_data(Namespace="Custom/DPC", MetricData=[
        {"MetricName": name, "Dimensions": [{"Name": "Environment", "Value": "prod"}], "Value": value,
         "Timestamp": NOW - dt.timedelta(minutes=m)} for m in range(5)
        for name, value in (("WLMAttemptedQueries", 100.0), ("WLMRejectedQueries", 2.0))])
    for i in range(3):
        cw.put_metric_alarm(AlarmName=f"Alert-{i}", Namespace="Custom/DPC", MetricName="WLMRejectedQueries",
                            Statistic="Sum", Period=300, EvaluationPeriods=2, Threshold=10,
                            ComparisonOperator="GreaterThanThreshold")
    cw.put_composite_alarm(AlarmName="Pipeline-Degraded", AlarmRule='ALARM("Alert-0")')
    cw.set_alarm_state(AlarmName="Alert-1", StateValue="ALARM", StateReason="test")

    first = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=2)
    assert [a["AlarmName"] for a in first["MetricAlarms"]] == ["Alert-0", "Alert-1"]
    second = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=2,
                                NextToken=first["NextToken"])
    assert [a["AlarmName"] for a in second["MetricAlarms"]] == ["Alert-2"]
    assert [a["AlarmName"] for a in second["CompositeAlarms"]] == ["Pipeline-Degraded"]
    assert "NextToken" not in second
    assert isinstance(first["MetricAlarms"][1]["StateUpdatedTimestamp"], dt.datetime)
    assert cw.describe_alarms()["CompositeAlarms"] == []  # AWS: metric alarms only by default
    assert [a["AlarmName"] for a in cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]] == ["Alert-1"]

    history = cw.describe_alarm_history(AlarmName="Alert-1", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert history[0]["HistorySummary"] == "Alarm updated from OK to ALARM"
    assert json.loads(history[0]["HistoryData"])["newState"]["stateValue"] == "ALARM"

    data = cw.get_metric_data(StartTime=NOW - dt.timedelta(hours=1), EndTime=NOW + dt.timedelta(minutes=1),
                              MetricDataQueries=[
        {"Id": "rate", "Expression": "100 * rejected / attempted", "Label": "failure %"},
        {"Id": "rejected", "ReturnData": False, "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
            "Namespace": "Custom/DPC", "MetricName": "WLMRejectedQueries",
            "Dimensions": [{"Name": "Environment", "Value": "prod"}]}}},
        {"Id": "attempted", "ReturnData": False, "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
            "Namespace": "Custom/DPC", "MetricName": "WLMAttemptedQueries",
            "Dimensions": [{"Name": "Environment", "Value": "prod"}]}}}])["MetricDataResults"]
    assert [r["Id"] for r in data] == ["rate"] and data[0]["Values"]
    assert all(v == pytest.approx(2.0) for v in data[0]["Values"])
    listed = cw.list_metrics(Namespace="Custom/DPC")["Metrics"]
    assert {m["MetricName"] for m in listed} == {"WLMAttemptedQueries", "WLMRejectedQueries"}

    sent = []
    cw.meta.events.register("before-send", lambda request, **_: sent.append(request.headers.get("Content-Encoding")))
    cw.put_metric_data(Namespace="Custom/Big", MetricData=[  # > 10 KiB: botocore gzips it, as the Rust SDK does
        {"MetricName": "WLMQueueLength", "Value": float(i), "Timestamp": NOW - dt.timedelta(minutes=i),
         "Dimensions": [{"Name": "ClusterIdentifier", "Value": "dpc-learning"}, {"Name": "QueueName", "Value": "batch"}]}
        for i in range(300)])
    assert sent[-1] == b"gzip" or sent[-1] == "gzip"
    assert len(cw.list_metrics(Namespace="Custom/Big")["Metrics"]) == 1


def test_alarm_history_json_filters(emu):
    cw = emu.client("cloudwatch")
    cw.put_metric_alarm(AlarmName="A", Namespace="N", MetricName="M", Statistic="Sum", Period=60,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    cw.set_alarm_state(AlarmName="A", StateValue="ALARM", StateReason="up")
    cw.set_alarm_state(AlarmName="A", StateValue="OK", StateReason="down")
    items = cw.describe_alarm_history(AlarmName="A", ScanBy="TimestampAscending")["AlarmHistoryItems"]
    assert [i["HistoryItemType"] for i in items] == ["ConfigurationUpdate", "StateUpdate", "StateUpdate", "StateUpdate"]
    assert items[-1]["HistorySummary"] == "Alarm updated from ALARM to OK"
    page = cw.describe_alarm_history(AlarmName="A", MaxRecords=1)
    assert page["AlarmHistoryItems"][0]["HistorySummary"] == "Alarm updated from ALARM to OK"
    assert cw.describe_alarm_history(AlarmName="A", MaxRecords=1, NextToken=page["NextToken"])["AlarmHistoryItems"]
    later = cw.describe_alarm_history(StartDate=NOW + dt.timedelta(hours=1), EndDate=NOW + dt.timedelta(hours=2))
    assert later["AlarmHistoryItems"] == []
    assert emu.tenant("cloudwatch", "111111111111").describe_alarm_history()["AlarmHistoryItems"] == []


# DescribeAlarmHistory's AlarmTypes default: test_strict_aws.py.


# -- RDS ----------------------------------------------------------------------------------

def make_cluster(rds, name="tenant-a-mysql"):
    return rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-mysql", MasterUsername="admin",
                                 MasterUserPassword="password123")["DBCluster"]["DBClusterArn"]


def test_rds_integrations(emu):
    rds = emu.tenant("rds", "111111111111")
    source = make_cluster(rds)
    target = "arn:aws:redshift-serverless:us-east-1:999999999999:namespace/0d7f3e1c-aaaa-bbbb-cccc-123456789012"
    created = rds.create_integration(SourceArn=source, TargetArn=target, IntegrationName="tenant-a-to-central-integration",
                                     DataFilter="include:tenant_a.*.*")
    assert created["Status"] == "creating"
    assert created["IntegrationArn"].startswith("arn:aws:rds:us-east-1:111111111111:integration:")
    with pytest.raises(ClientError) as exc:
        rds.create_integration(SourceArn=source, TargetArn=target, IntegrationName="tenant-a-to-central-integration")
    assert error_code(exc) == "IntegrationAlreadyExistsFault"
    with pytest.raises(ClientError) as exc:
        rds.create_integration(SourceArn=source.replace("tenant-a", "nope"), TargetArn=target, IntegrationName="x")
    assert error_code(exc) == "DBClusterNotFoundFault"
    rds.create_integration(SourceArn=source, TargetArn=target, IntegrationName="second")

    by_name = rds.describe_integrations(IntegrationIdentifier="tenant-a-to-central-integration")["Integrations"]
    assert by_name[0]["Status"] == "active" and by_name[0]["DataFilter"] == "include:tenant_a.*.*"
    assert isinstance(by_name[0]["CreateTime"], dt.datetime)
    by_arn = rds.describe_integrations(IntegrationIdentifier=created["IntegrationArn"])["Integrations"]
    assert by_arn[0]["IntegrationName"] == "tenant-a-to-central-integration"
    page = rds.describe_integrations(MaxRecords=1)
    assert len(page["Integrations"]) == 1 and page["Marker"]
    assert rds.describe_integrations(Marker=page["Marker"])["Integrations"][0]["IntegrationName"] == "second"
    filtered = rds.describe_integrations(Filters=[{"Name": "integration-name", "Values": ["second"]}])
    assert [i["IntegrationName"] for i in filtered["Integrations"]] == ["second"]

    emu.control("/_shiftops/rds/integration-state", {
        "account_id": "111111111111", "region": "us-east-1", "name": "tenant-a-to-central-integration",
        "status": "needs_attention", "errors": [{"ErrorCode": "IntegrationTablesFailed", "ErrorMessage": "2 failed"}]})
    staged = rds.describe_integrations(IntegrationIdentifier="tenant-a-to-central-integration")["Integrations"][0]
    assert staged["Status"] == "needs_attention"
    assert staged["Errors"] == [{"ErrorCode": "IntegrationTablesFailed", "ErrorMessage": "2 failed"}]

    assert rds.modify_integration(IntegrationIdentifier="second", Description="d")["Status"] == "modifying"
    assert rds.delete_integration(IntegrationIdentifier="second")["Status"] == "deleting"
    with pytest.raises(ClientError) as exc:
        rds.describe_integrations(IntegrationIdentifier="second")
    assert error_code(exc) == "IntegrationNotFoundFault"
    assert emu.client("rds").describe_integrations()["Integrations"] == []  # other account


def test_rds_export_task_states(emu):
    rds = emu.tenant("rds", "222222222222")
    make_cluster(rds, "tenant-b-mysql")
    snap = rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="s1", DBClusterIdentifier="tenant-b-mysql")
    rds.start_export_task(ExportTaskIdentifier="e1", SourceArn=snap["DBClusterSnapshot"]["DBClusterSnapshotArn"],
                          S3BucketName="tenant-b-snapshots", S3Prefix="tenant_b/",
                          IamRoleArn="arn:aws:iam::222222222222:role/x", KmsKeyId="k")
    task = rds.describe_export_tasks(ExportTaskIdentifier="e1")["ExportTasks"][0]
    assert task["Status"] == "COMPLETE" and task["PercentProgress"] == 100 and task["S3Prefix"] == "tenant_b/"
    emu.control("/_shiftops/rds/export-task-state", {
        "account_id": "222222222222", "region": "us-east-1", "export_task_identifier": "e1", "status": "FAILED",
        "failure_cause": "KMS key not accessible", "percent_progress": 37})
    task = rds.describe_export_tasks(ExportTaskIdentifier="e1")["ExportTasks"][0]
    assert (task["Status"], task["FailureCause"], task["PercentProgress"]) == ("FAILED", "KMS key not accessible", 37)



def test_rds_export_tasks_page_as_aws_does(emu):
    rds = emu.tenant("rds", "222222222222")
    make_cluster(rds, "tenant-b-mysql")
    snap = rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="s1", DBClusterIdentifier="tenant-b-mysql")
    for i in range(25):
        rds.start_export_task(ExportTaskIdentifier=f"e{i:02}", SourceArn=snap["DBClusterSnapshot"]["DBClusterSnapshotArn"],
                              S3BucketName="tenant-b-snapshots", S3Prefix="tenant_b/",
                              IamRoleArn="arn:aws:iam::222222222222:role/x", KmsKeyId="k")
    first = rds.describe_export_tasks(MaxRecords=20)
    assert len(first["ExportTasks"]) == 20 and first["Marker"]
    rest = rds.describe_export_tasks(MaxRecords=20, Marker=first["Marker"])
    assert len(rest["ExportTasks"]) == 5 and "Marker" not in rest
    ids = [t["ExportTaskIdentifier"] for t in first["ExportTasks"] + rest["ExportTasks"]]
    assert sorted(ids) == [f"e{i:02}" for i in range(25)]
    assert len(rds.describe_export_tasks()["ExportTasks"]) == 25  # default page: 100
    # botocore refuses these before sending (its model says min 20); the server must too.
    creds = emu.client("sts").assume_role(RoleArn="arn:aws:iam::222222222222:role/ShiftopsReadOnly",
                                          RoleSessionName="pytest")["Credentials"]
    unchecked = boto3.client("rds", endpoint_url=emu.url, region_name="us-east-1",
                             aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"],
                             config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    for size in (19, 101):
        with pytest.raises(ClientError) as exc:
            unchecked.describe_export_tasks(MaxRecords=size)
        assert error_code(exc) == "InvalidParameterValue"

# -- Step Functions -------------------------------------------------------------------------

def test_redrive_without_interpreter(emu):
    urllib.request.urlopen(urllib.request.Request(emu.url + "/moto-api/config", method="POST",
                           data=json.dumps({"stepfunctions": {"execute_state_machine": False}}).encode()))
    sfn = emu.client("stepfunctions")
    machine = sfn.create_state_machine(name="m", roleArn="arn:aws:iam::999999999999:role/r", definition=json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, name="run1")["executionArn"]
    assert sfn.describe_execution(executionArn=arn)["redriveStatus"] == "NOT_REDRIVABLE"
    with pytest.raises(ClientError) as exc:
        sfn.redrive_execution(executionArn=arn)
    assert error_code(exc) == "ExecutionNotRedrivable"
    sfn.stop_execution(executionArn=arn, error="Stopped", cause="by test")
    described = sfn.describe_execution(executionArn=arn)
    assert described["status"] == "ABORTED" and described["redriveStatus"] == "REDRIVABLE"
    assert described["redriveCount"] == 0
    date = sfn.redrive_execution(executionArn=arn, clientToken="tok-1")["redriveDate"]
    assert sfn.redrive_execution(executionArn=arn, clientToken="tok-1")["redriveDate"] == date
    described = sfn.describe_execution(executionArn=arn)
    assert (described["status"], described["redriveCount"]) == ("SUCCEEDED", 1)
    assert described["redriveDate"] == date
    listed = sfn.list_executions(stateMachineArn=machine, redriveFilter="REDRIVEN")["executions"]
    assert listed[0]["redriveCount"] == 1


# -- Redshift -------------------------------------------------------------------------------

def test_redshift_parameter_group(emu):
    rs = emu.client("redshift")
    rs.create_cluster_parameter_group(ParameterGroupName="p", ParameterGroupFamily="redshift-1.0", Description="d")
    wlm = json.dumps([{"name": "batch", "query_concurrency": 5}, {"short_query_queue": True}])
    answer = rs.modify_cluster_parameter_group(ParameterGroupName="p", Parameters=[
        {"ParameterName": "enable_case_sensitive_identifier", "ParameterValue": "true"},
        {"ParameterName": "wlm_json_configuration", "ParameterValue": wlm}])
    assert answer["ParameterGroupName"] == "p" and "updated" in answer["ParameterGroupStatus"]
    user = {p["ParameterName"]: p for p in rs.describe_cluster_parameters(ParameterGroupName="p", Source="user")["Parameters"]}
    assert user["wlm_json_configuration"]["ParameterValue"] == wlm
    assert user["enable_case_sensitive_identifier"] == {**user["enable_case_sensitive_identifier"], "Source": "user",
                                                        "ParameterValue": "true"}
    everything = rs.describe_cluster_parameters(ParameterGroupName="p")["Parameters"]
    assert {p["Source"] for p in everything} == {"user", "engine-default"}
    rs.reset_cluster_parameter_group(ParameterGroupName="p", Parameters=[{"ParameterName": "wlm_json_configuration"}])
    user = rs.describe_cluster_parameters(ParameterGroupName="p", Source="user")["Parameters"]
    assert [p["ParameterName"] for p in user] == ["enable_case_sensitive_identifier"]
    with pytest.raises(ClientError) as exc:
        rs.modify_cluster_parameter_group(ParameterGroupName="nope", Parameters=[
            {"ParameterName": "a", "ParameterValue": "b"}])
    assert error_code(exc) == "ClusterParameterGroupNotFound"


def test_redshift_serverless(emu):
    rs = emu.client("redshift-serverless")
    ns = rs.create_namespace(namespaceName="multitenant-analytics", dbName="dev")["namespace"]
    assert ns["namespaceArn"] == f"arn:aws:redshift-serverless:us-east-1:{CENTRAL}:namespace/{ns['namespaceId']}"
    wg = rs.create_workgroup(workgroupName="multitenant-wg", namespaceName="multitenant-analytics", baseCapacity=8)
    assert wg["workgroup"]["baseCapacity"] == 8 and isinstance(wg["workgroup"]["creationDate"], dt.datetime)
    updated = rs.update_workgroup(workgroupName="multitenant-wg", maxCapacity=64, configParameters=[
        {"parameterKey": "enable_case_sensitive_identifier", "parameterValue": "true"}])["workgroup"]
    params = {p["parameterKey"]: p["parameterValue"] for p in updated["configParameters"]}
    assert params["enable_case_sensitive_identifier"] == "true" and updated["maxCapacity"] == 64
    assert rs.get_workgroup(workgroupName="multitenant-wg")["workgroup"]["maxCapacity"] == 64
    assert [n["namespaceName"] for n in rs.list_namespaces()["namespaces"]] == ["multitenant-analytics"]
    assert [w["workgroupName"] for w in rs.list_workgroups()["workgroups"]] == ["multitenant-wg"]
    assert rs.delete_workgroup(workgroupName="multitenant-wg")["workgroup"]["status"] == "DELETING"
    with pytest.raises(ClientError) as exc:
        rs.get_workgroup(workgroupName="multitenant-wg")
    assert error_code(exc) == "ResourceNotFoundException"
    assert emu.tenant("redshift-serverless", "111111111111").list_namespaces()["namespaces"] == []



def test_redshift_data_results_and_paging(emu):
    emu.control("/_shiftops/redshift-data/results", {
        "pattern": r"(?i)from\s+svv_integration\b",
        "columns": [{"name": "integration_id", "type": "varchar"}, {"name": "lag", "type": "int8"},
                    {"name": "ratio", "type": "float8"}, {"name": "ok", "type": "bool"},
                    {"name": "at", "type": "timestamp"}],
        "rows": [["a", 12, 0.5, True, "2026-11-21 06:00:00"], ["b", None, 1, False, None], ["c", 3, 2.5, True, None]],
        "page_size": 2})
    emu.control("/_shiftops/redshift-data/results", {"pattern": "stl_load_errors", "error": "ERROR: permission denied"})
    warehouses(emu)
    data = emu.client("redshift-data")
    sid = data.execute_statement(WorkgroupName="multitenant-wg", Database="dev",
                                 Sql="SELECT * FROM SVV_INTEGRATION")["Id"]
    described = data.describe_statement(Id=sid)
    assert (described["Status"], described["HasResultSet"], described["ResultRows"]) == ("FINISHED", True, 3)
    assert described["WorkgroupName"] == "multitenant-wg" and isinstance(described["CreatedAt"], dt.datetime)
    first = data.get_statement_result(Id=sid)
    assert first["TotalNumRows"] == 3 and len(first["Records"]) == 2
    assert first["Records"][0] == [{"stringValue": "a"}, {"longValue": 12}, {"doubleValue": 0.5},
                                   {"booleanValue": True}, {"stringValue": "2026-11-21 06:00:00"}]
    assert first["Records"][1][1] == {"isNull": True}
    assert first["ColumnMetadata"][1]["nullable"] == 1 and first["ColumnMetadata"][0]["isCaseSensitive"] is True
    second = data.get_statement_result(Id=sid, NextToken=first["NextToken"])
    assert len(second["Records"]) == 1 and "NextToken" not in second

    raw = raw_json(emu, "RedshiftData.DescribeStatement", {"Id": sid}, "redshift-data")
    assert isinstance(raw["CreatedAt"], (int, float)) and isinstance(raw["Duration"], int)
    raw = raw_json(emu, "RedshiftData.GetStatementResult", {"Id": sid}, "redshift-data")
    assert raw["ColumnMetadata"][0]["nullable"] == 1 and raw["ColumnMetadata"][0]["isCaseSensitive"] is True

    failed = data.execute_statement(ClusterIdentifier="dpc-learning", DbUser="awsuser", Database="dev",
                                    Sql="select * from stl_load_errors")["Id"]
    assert data.describe_statement(Id=failed)["Status"] == "FAILED"
    assert data.describe_statement(Id=failed)["Error"] == "ERROR: permission denied"
    plain = data.execute_statement(ClusterIdentifier="dpc-learning", SecretArn="arn:aws:secretsmanager:x",
                                   Database="dev", Sql="ANALYZE mart.orders")["Id"]
    assert data.describe_statement(Id=plain)["HasResultSet"] is False
    with pytest.raises(ClientError) as exc:
        data.get_statement_result(Id=plain)
    assert error_code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        data.cancel_statement(Id=plain)
    assert error_code(exc) == "ValidationException"
    with pytest.raises(ClientError) as exc:
        data.execute_statement(ClusterIdentifier="dpc-learning", Database="dev", Sql="select 1")
    assert error_code(exc) == "ValidationException"

    batch = data.batch_execute_statement(WorkgroupName="multitenant-wg", Database="dev",
                                         Sqls=["ANALYZE a", "select current_lag from svv_integration"])["Id"]
    described = data.describe_statement(Id=batch)
    assert [s["Id"] for s in described["SubStatements"]] == [f"{batch}:1", f"{batch}:2"]
    assert described["SubStatements"][1]["HasResultSet"] is True
    assert data.get_statement_result(Id=f"{batch}:2")["TotalNumRows"] == 3

    listed = data.list_statements()["Statements"]
    assert listed[0]["Id"] == batch and listed[0]["IsBatchStatement"] is True
    assert {s["Id"] for s in data.list_statements(Status="FAILED")["Statements"]} == {failed}
    recorded = emu.control("/_shiftops/redshift-data/statements")
    assert [r["sql"] for r in recorded] == ["SELECT * FROM SVV_INTEGRATION", "select * from stl_load_errors",
                                           "ANALYZE mart.orders", "ANALYZE a", "select current_lag from svv_integration"]
    assert recorded[0]["workgroup"] == "multitenant-wg" and recorded[1]["cluster"] == "dpc-learning"
    assert recorded[1]["status"] == "FAILED"

    emu.control("/_shiftops/redshift-data/results", {"pattern": "stl_load_errors", "columns": [{"name": "n", "type": "int4"}],
                                                     "rows": [[7]]})
    again = data.execute_statement(ClusterIdentifier="dpc-learning", DbUser="awsuser", Database="dev",
                                   Sql="select * from stl_load_errors")
    assert data.get_statement_result(Id=again["Id"])["Records"] == [[{"longValue": 7}]]
    emu.control("/_shiftops/redshift-data/results/reset", {})
    cleared = data.execute_statement(ClusterIdentifier="dpc-learning", DbUser="awsuser", Database="dev",
                                     Sql="select * from stl_load_errors")
    assert data.describe_statement(Id=cleared["Id"])["HasResultSet"] is False


def test_logs_insights_start_query_takes_at_most_50_log_groups(emu):
    logs = emu.client("logs")
    names = [f"/aws/redshift/cluster/c{i:02}/connectionlog" for i in range(51)]
    for name in names:
        logs.create_log_group(logGroupName=name)
    now = int(time.time())
    ok = logs.start_query(logGroupNames=names[:50], startTime=now - 60, endTime=now,
                          queryString="fields @timestamp, @message")
    assert ok["queryId"]
    with pytest.raises(ClientError) as exc:
        logs.start_query(logGroupNames=names, startTime=now - 60, endTime=now,
                         queryString="fields @timestamp, @message")
    assert error_code(exc) == "InvalidParameterException"
    for name in names:
        logs.delete_log_group(logGroupName=name)


def test_redshift_data_results_for_one_target(emu):
    warehouses(emu)
    emu.client("redshift-serverless").create_workgroup(workgroupName="other-wg",
                                                       namespaceName="multitenant-analytics")
    emu.control("/_shiftops/redshift-data/results", {
        "pattern": "sys_query_history", "target": "multitenant-wg",
        "columns": [{"name": "query_id", "type": "int8"}], "rows": [[1]]})
    emu.control("/_shiftops/redshift-data/results", {
        "pattern": "sys_query_history", "target": "dpc-learning",
        "columns": [{"name": "query_id", "type": "int8"}], "rows": [[2]]})
    data = emu.client("redshift-data")
    on_wg = data.execute_statement(WorkgroupName="multitenant-wg", Database="dev",
                                   Sql="select query_id from sys_query_history")["Id"]
    on_cluster = data.execute_statement(ClusterIdentifier="dpc-learning", DbUser="u", Database="dev",
                                        Sql="select query_id from sys_query_history")["Id"]
    elsewhere = data.execute_statement(WorkgroupName="other-wg", Database="dev",
                                       Sql="select query_id from sys_query_history")["Id"]
    assert data.get_statement_result(Id=on_wg)["Records"] == [[{"longValue": 1}]]
    assert data.get_statement_result(Id=on_cluster)["Records"] == [[{"longValue": 2}]]
    assert data.describe_statement(Id=elsewhere)["HasResultSet"] is False
    emu.control("/_shiftops/redshift-data/results/reset", {})


# -- control: deny, counting ----------------------------------------------------------------

def test_deny_and_allow(emu):
    rds_b = emu.tenant("rds", "222222222222")
    emu.control("/_shiftops/deny", {"account_id": "222222222222"})
    with pytest.raises(ClientError) as exc:
        emu.tenant("rds", "222222222222")
    assert error_code(exc) == "AccessDenied" and exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as exc:
        rds_b.describe_db_clusters()
    assert error_code(exc) == "AccessDenied"
    with pytest.raises(ClientError) as exc:
        emu.client("cloudwatch", **_creds_of(rds_b)).describe_alarms()
    assert error_code(exc) == "AccessDenied"
    status, _, body, _ = cbor_call(emu, "DescribeAlarms", {}, key=_creds_of(rds_b)["key"])
    assert status == 403 and body["__type"].endswith("#AccessDenied")
    emu.tenant("rds", "111111111111").describe_db_clusters()
    emu.control("/_shiftops/allow", {"account_id": "222222222222"})
    assert rds_b.describe_db_clusters()["DBClusters"] == []


def _creds_of(client) -> dict:
    creds = client._request_signer._credentials
    return {"key": creds.access_key, "secret": creds.secret_key, "token": creds.token}


def test_request_counting(emu):
    emu.control("/_shiftops/requests/reset", {})
    emu.client("sts").get_caller_identity()
    emu.client("rds").describe_db_clusters()
    emu.client("rds").describe_integrations()
    emu.client("logs").describe_log_groups()
    cbor_call(emu, "DescribeAlarms", {})
    counts = emu.control("/_shiftops/requests")
    assert counts["total"] == 5
    assert counts["by_service"] == {"sts": 1, "rds": 2, "logs": 1, "monitoring": 1}
    assert counts["by_action"]["rds:DescribeIntegrations"] == 1
    assert counts["by_action"]["monitoring:DescribeAlarms"] == 1
    assert counts["by_action"]["logs:DescribeLogGroups"] == 1
    assert counts["by_account"] == {"999999999999": 5}, "the central test key's account"
    emu.tenant("rds", "111111111111").describe_db_clusters()
    counts = emu.control("/_shiftops/requests")
    assert counts["by_account"]["111111111111"] == 1 and counts["by_account"]["999999999999"] == 6  # + AssumeRole


# -- the standard fleet ---------------------------------------------------------------------

def test_standard_seed(emu, cbor_models):
    fleet = emu.control("/_shiftops/seed", {"fleet": "standard"})
    assert [t["name"] for t in fleet["tenants"]] == ["tenant_a", "tenant_b", "tenant_c"]
    assert emu.control("/_shiftops/seed", {"fleet": "standard"}) == fleet  # seeding twice is harmless

    for tenant in fleet["tenants"]:
        rds = emu.tenant("rds", tenant["account_id"])
        cluster = rds.describe_db_clusters()["DBClusters"][0]
        assert (cluster["DBClusterIdentifier"], cluster["Engine"]) == (tenant["cluster"], "aurora-mysql")
        params = {p["ParameterName"]: p["ParameterValue"] for p in rds.describe_db_cluster_parameters(
            DBClusterParameterGroupName=cluster["DBClusterParameterGroup"])["Parameters"]}
        assert params["binlog_format"] == "ROW" and params["binlog_row_image"] == "full"
        assert params["binlog_row_metadata"] == "full" and params["binlog_backup"] == "0"
        assert params["binlog_replication_globaldb"] == "0" and "binlog_checksum" not in params
        assert (params.get("aurora_enhanced_binlog") == "1") == (tenant["name"] != "tenant_b")
        iam = emu.tenant("iam", tenant["account_id"])
        assert CENTRAL in iam.get_role(RoleName="ShiftopsReadOnly")["Role"]["AssumeRolePolicyDocument"]["Statement"][0][
            "Principal"]["AWS"]

    a = emu.tenant("rds", "111111111111").describe_integrations()["Integrations"][0]
    assert (a["IntegrationName"], a["Status"]) == ("tenant-a-to-central-integration", "needs_attention")
    assert a["Errors"][0]["ErrorCode"] == "IntegrationTablesFailed"
    assert a["TargetArn"] == fleet["serverless"]["namespace_arn"] and a["DataFilter"] == "include:tenant_a.*.*"
    c = emu.tenant("rds", "333333333333").describe_integrations()["Integrations"][0]
    assert (c["IntegrationName"], c["Status"]) == ("tenant-c-to-central-integration", "active")
    rds_b = emu.tenant("rds", "222222222222")
    assert rds_b.describe_integrations()["Integrations"] == []
    assert len(rds_b.describe_db_cluster_snapshots()["DBClusterSnapshots"]) >= 2
    tasks = sorted(rds_b.describe_export_tasks()["ExportTasks"], key=lambda t: t["ExportTaskIdentifier"])
    assert [t["Status"] for t in tasks] == ["COMPLETE", "FAILED"]
    assert "kms" in tasks[1]["FailureCause"].lower() and tasks[1]["S3Bucket"] == "tenant-b-snapshots"

    rs = emu.client("redshift")
    assert rs.describe_clusters(ClusterIdentifier="dpc-learning")["Clusters"][0]["NodeType"] == "ra3.xlplus"
    params = {p["ParameterName"]: p for p in rs.describe_cluster_parameters(ParameterGroupName="dpc-learning-params",
                                                                             Source="user")["Parameters"]}
    assert params["enable_case_sensitive_identifier"]["ParameterValue"] == "false"
    queues = [q.get("name") for q in json.loads(params["wlm_json_configuration"]["ParameterValue"])]
    assert queues[:3] == ["batch", "adhoc", "admin"]
    wg = emu.client("redshift-serverless").get_workgroup(workgroupName="multitenant-wg")["workgroup"]
    assert wg["baseCapacity"] == 8
    config = {p["parameterKey"]: p["parameterValue"] for p in wg["configParameters"]}
    assert config["enable_case_sensitive_identifier"] == "true"
    assert [q["name"] for q in json.loads(config["wlm_json_configuration"])] == ["batch", "adhoc", "admin"]

    cw = cbor_cloudwatch(emu, cbor_models)
    alarms = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    states = {a["AlarmName"]: a["StateValue"] for a in alarms["MetricAlarms"] + alarms["CompositeAlarms"]}
    assert states == {"Alert-ELT-Delay": "OK", "Alert-COPY-Error": "ALARM", "Alert-Storage-High": "OK",
                      "Alert-WLM-Queue": "ALARM", "Alert-Query-Failure": "OK", "aurora-export-failure": "OK",
                      "redshift-copy-failure": "OK", "Pipeline-Degraded": "OK"}
    assert all(isinstance(a["StateTransitionedTimestamp"], dt.datetime) for a in alarms["MetricAlarms"])
    listed = cw.list_metrics(Namespace="AWS/Redshift", MetricName="WLMQueueLength")
    assert sorted(d["Value"] for m in listed["Metrics"] for d in m["Dimensions"] if d["Name"] == "QueueName") == [
        "adhoc", "admin", "batch"] and "NextToken" not in listed
    history = cw.describe_alarm_history(AlarmName="Alert-WLM-Queue", HistoryItemType="StateUpdate")
    assert history["AlarmHistoryItems"][0]["HistorySummary"] == "Alarm updated from OK to ALARM"
    batch = cw.get_metric_data(StartTime=NOW - dt.timedelta(hours=1), EndTime=NOW + dt.timedelta(minutes=2),
                               ScanBy="TimestampDescending", MetricDataQueries=[
        {"Id": "q", "MetricStat": {"Period": 60, "Stat": "Maximum", "Metric": {
            "Namespace": "AWS/Redshift", "MetricName": "WLMQueueLength",
            "Dimensions": [{"Name": "ClusterIdentifier", "Value": "dpc-learning"},
                           {"Name": "QueueName", "Value": "batch"}]}}}])["MetricDataResults"][0]
    assert batch["Values"][0] == pytest.approx(14) and len(batch["Values"]) >= 59

    sfn = emu.client("stepfunctions")
    runs = {e["name"]: e["status"] for e in sfn.list_executions(stateMachineArn=fleet["state_machine"]["arn"])["executions"]}
    assert runs == {"daily-elt-20261120-0600": "SUCCEEDED", "daily-elt-20261121-0600": "FAILED"}
    failed_arn = next(e["arn"] for e in fleet["executions"] if e["status"] == "FAILED")
    failed = sfn.describe_execution(executionArn=failed_arn)
    assert failed["error"] == "Redshift.LoadError" and "stl_load_errors" in failed["cause"]
    assert failed["redriveStatus"] == "REDRIVABLE"
    events = sfn.get_execution_history(executionArn=failed_arn)["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
    assert entered[-1] == "COPY tenant_b"
    task_failed = next(e for e in events if e["type"] == "TaskFailed")["taskFailedEventDetails"]
    assert task_failed["error"] == "Redshift.LoadError" and "stl_load_errors" in task_failed["cause"]

    logs = emu.client("logs")
    query = logs.start_query(logGroupName="/aws/redshift/cluster/dpc-learning",
                             startTime=int((NOW - dt.timedelta(hours=2)).timestamp()),
                             endTime=int((NOW + dt.timedelta(minutes=5)).timestamp()),
                             queryString="fields @timestamp, @message | filter @message like 'ERROR' "
                                         "| sort @timestamp desc | limit 20")["queryId"]
    rows = logs.get_query_results(queryId=query)["results"]
    messages = [next(f["value"] for f in row if f["field"] == "@message") for row in rows]
    assert len(messages) == fleet["log_group"]["error_events"] and all("ERROR" in m for m in messages)
    stamp = next(f["value"] for f in rows[0] if f["field"] == "@timestamp")
    assert dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f")

    # redrive the failed run: moto's interpreter runs it again; we answer its COPY tasks
    sfn.redrive_execution(executionArn=failed_arn, clientToken="redrive-1")
    assert sfn.describe_execution(executionArn=failed_arn)["redriveCount"] == 1
    sqs = emu.client("sqs")
    deadline = time.monotonic() + 15
    while sfn.describe_execution(executionArn=failed_arn)["status"] == "RUNNING" and time.monotonic() < deadline:
        for msg in sqs.receive_message(QueueUrl=fleet["state_machine"]["copy_queue_url"],
                                       MaxNumberOfMessages=10).get("Messages", []):
            sfn.send_task_success(taskToken=json.loads(msg["Body"])["taskToken"], output="{}")
            sqs.delete_message(QueueUrl=fleet["state_machine"]["copy_queue_url"], ReceiptHandle=msg["ReceiptHandle"])
        time.sleep(0.05)
    redriven = sfn.describe_execution(executionArn=failed_arn)
    assert (redriven["status"], redriven["redriveCount"]) == ("SUCCEEDED", 1)
    assert redriven["redriveStatus"] == "NOT_REDRIVABLE"
    types = [e["type"] for e in sfn.get_execution_history(executionArn=failed_arn)["events"]]
    assert "ExecutionRedriven" in types and types[-1] == "ExecutionSucceeded"
    ids = [e["id"] for e in sfn.get_execution_history(executionArn=failed_arn)["events"]]
    assert ids == list(range(1, len(ids) + 1))

    # a reset wipes the fleet; seeding again rebuilds it
    urllib.request.urlopen(urllib.request.Request(emu.url + "/moto-api/reset", method="POST"))
    assert emu.client("redshift-serverless").list_workgroups()["workgroups"] == []
    again = emu.control("/_shiftops/seed", {"fleet": "standard"})
    assert [e["status"] for e in again["executions"]] == ["SUCCEEDED", "FAILED"]
    assert again["serverless"]["namespace_arn"] != fleet["serverless"]["namespace_arn"]


def test_standard_fleet_is_shaped_like_the_seeds(emu):
    fleet = emu.control("/_shiftops/seed", {"fleet": "standard"})
    # the export Lambda's names: {cluster}-snapshot-{%Y%m%d-%H%M%S} and {cluster}-export-{...}
    b = next(t for t in fleet["tenants"] if t["name"] == "tenant_b")
    assert all(re.fullmatch(r"tenant-b-mysql-snapshot-\d{8}-\d{6}", s["id"]) for s in b["snapshots"])
    assert all(re.fullmatch(r"tenant-b-mysql-export-\d{8}-\d{6}", t["id"]) for t in b["export_tasks"])
    # the export failure alarm in the export tenant's own account, and only there
    alarms = emu.tenant("cloudwatch", "222222222222").describe_alarms()["MetricAlarms"]
    assert [(a["AlarmName"], a["Namespace"], a["MetricName"], a["Dimensions"], a["StateValue"]) for a in alarms] == [
        ("aurora-export-failure", "AWS/Lambda", "Errors", [{"Name": "FunctionName", "Value": "aurora-snapshot-export"}],
         "OK")]
    assert b["alarms"][0]["arn"].startswith("arn:aws:cloudwatch:us-east-1:222222222222:alarm:")
    for account in ("111111111111", "333333333333"):
        assert emu.tenant("cloudwatch", account).describe_alarms()["MetricAlarms"] == []
    central = {a["AlarmName"]: a for a in emu.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert {"Alert-ELT-Delay", "Alert-COPY-Error", "aurora-export-failure"} <= set(central)
    assert central["Alert-COPY-Error"]["Dimensions"] == [{"Name": "Environment", "Value": "prod"},
                                                         {"Name": "Tenant", "Value": "tenant_b"}]

    # the custom metrics with the seed's dimensions, read by exactly those
    cw = emu.client("cloudwatch")

    def total(name: str, dims: dict) -> float | None:
        result = cw.get_metric_data(StartTime=NOW - dt.timedelta(hours=2), EndTime=NOW + dt.timedelta(minutes=2),
                                    MetricDataQueries=[{"Id": "m", "MetricStat": {"Period": 7200, "Stat": "Sum", "Metric": {
                                        "Namespace": "Custom/DPC", "MetricName": name,
                                        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}}}])
        values = result["MetricDataResults"][0]["Values"]
        return sum(values) if values else None

    assert total("CopyErrorCount", {"Environment": "prod"}) == 3
    assert total("CopyErrorCount", {"Environment": "prod", "Tenant": "tenant_b"}) == 3
    assert total("CopyErrorCount", {"Environment": "prod", "Tenant": "tenant_a"}) == 0
    assert total("CopyErrorCount", {"Tenant": "tenant_b"}) is None
    for name in ("ELTExecutionDelay", "WLMRejectedQueries", "WLMAttemptedQueries"):
        assert total(name, {"Environment": "prod"}) is not None and total(name, {}) is None

    # the warehouses answer by type: integration views on the workgroup, WLM on the cluster
    data = emu.client("redshift-data")

    def run(sql: str, **target: str) -> dict:
        target = target or {"WorkgroupName": "multitenant-wg"}
        return data.describe_statement(Id=data.execute_statement(Database="dev", Sql=sql, **target)["Id"])

    cluster = {"ClusterIdentifier": "dpc-learning", "DbUser": "awsuser"}
    lag = "SELECT TRIM(integration_id) AS integration_id, TRIM(state) AS state, current_lag AS current_lag_ms FROM svv_integration"
    on_workgroup = run(lag)
    assert on_workgroup["ResultRows"] == 2
    ids = {row[0]["stringValue"] for row in data.get_statement_result(Id=on_workgroup["Id"])["Records"]}
    assert ids == {t["integration"]["id"] for t in fleet["tenants"] if t.get("integration")}
    # SVV_INTEGRATION lists the integrations into the queried warehouse only: none into the cluster
    assert run(lag, **cluster)["ResultRows"] == 0
    records = data.get_statement_result(Id=on_workgroup["Id"])["Records"]
    by_id = {row[0]["stringValue"]: (row[1]["stringValue"], row[2]["longValue"]) for row in records}
    tenant_a = next(t for t in fleet["tenants"] if t["name"] == "tenant_a")["integration"]
    assert by_id[tenant_a["id"]] == ("ErrorState", 2_400_000)
    # an integration staged failed reads ErrorState there at once, one staged active CdcRefreshState
    tenant_c = next(t for t in fleet["tenants"] if t["name"] == "tenant_c")
    staged = {"account_id": tenant_c["account_id"], "name": tenant_c["integration"]["name"]}
    emu.control("/_shiftops/rds/integration-state", {**staged, "status": "failed", "errors": [{"ErrorCode": "X"}]})
    states = {row[0]["stringValue"]: row[1]["stringValue"]
              for row in data.get_statement_result(Id=run(lag)["Id"])["Records"]}
    assert states[tenant_c["integration"]["id"]] == "ErrorState"
    emu.control("/_shiftops/rds/integration-state", {**staged, "status": "active"})
    inflight = "SELECT i.pid FROM stv_inflight i JOIN stv_wlm_query_state s ON s.query = i.query"
    assert run(inflight, **cluster)["ResultRows"] == 2
    assert run(inflight)["Status"] == "FAILED"
    # a test's own rows win over the fleet's
    emu.control("/_shiftops/redshift-data/results", {"pattern": r"(?i)from\s+svv_integration\b", "columns": ["x"],
                                                     "rows": [["mine"]]})
    assert run(lag)["ResultRows"] == 1


def test_control_endpoint_errors(emu):
    with pytest.raises(urllib.error.HTTPError) as exc:
        emu.control("/_shiftops/nope", {})
    assert exc.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as exc:
        emu.control("/_shiftops/redshift-data/results", {"columns": []})
    assert exc.value.code == 400




# -- bulk fleets ---------------------------------------------------------------------------


def test_bulk_seed_builds_many_accounts_server_side_without_counting(emu):
    fleet = emu.control("/_shiftops/seed", {"fleet": "standard"})
    emu.control("/_shiftops/requests/reset", {})
    out = emu.control("/_shiftops/seed/bulk", {"accounts": 20, "tenants_per_account": 5,
                                               "first_account": 300000000000})
    assert len(out["accounts"]) == 20 and len(out["tenants"]) == 100
    assert emu.control("/_shiftops/requests")["total"] == 0, "seeding is not counted"
    first = out["tenants"][0]
    assert first["name"] == "tenant_0001" and first["account_id"] == "300000000000"
    assert first["path"] == "zero-etl" and out["tenants"][1]["path"] == "export"
    rds = emu.tenant("rds", "300000000000")
    assert sorted(c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]) == [
        f"tenant-{n:04d}-mysql" for n in range(1, 6)]
    integrations = rds.describe_integrations()["Integrations"]
    assert [i["Status"] for i in integrations] == ["active"] * 3
    tasks = rds.describe_export_tasks()["ExportTasks"]
    assert len(tasks) == 2 and all(t["Status"] == "COMPLETE" and t["SnapshotTime"] for t in tasks)
    assert tasks[0]["S3Bucket"] == "tenant-0002-snapshots" and tasks[0]["S3Prefix"] == "tenant_0002/"
    last = emu.tenant("rds", "300000000019").describe_db_clusters()["DBClusters"]
    assert sorted(c["DBClusterIdentifier"] for c in last)[-1] == "tenant-0100-mysql"
    # The integrations replicate into the standard fleet's namespace: the warehouse sees them all.
    assert integrations[0]["TargetArn"] == fleet["serverless"]["namespace_arn"]
    rs = emu.client("redshift")
    inbound, marker = [], None
    while True:
        page = rs.describe_inbound_integrations(TargetArn=fleet["serverless"]["namespace_arn"],
                                                **({"Marker": marker} if marker else {}))
        inbound += page["InboundIntegrations"]
        marker = page.get("Marker")
        if not marker:
            break
    assert len(inbound) == 50 + 2  # the bulk fleet's and the standard fleet's tenant_a and tenant_c


def test_a_bulk_fleet_may_be_all_zero_etl(emu):
    emu.control("/_shiftops/seed", {"fleet": "standard"})
    out = emu.control("/_shiftops/seed/bulk", {"accounts": 3, "tenants_per_account": 2, "export_every": 0,
                                               "first_account": 400000000000})
    assert [t["path"] for t in out["tenants"]] == ["zero-etl"] * 6
    assert all("integration" in t and "bucket" not in t for t in out["tenants"])
    rds = emu.tenant("rds", "400000000001")
    assert [i["Status"] for i in rds.describe_integrations()["Integrations"]] == ["active"] * 2
    assert rds.describe_export_tasks()["ExportTasks"] == []
    # the namespace's SVV_INTEGRATION lists them all with the standard fleet's 2, in one page
    data = emu.client("redshift-data")
    ident = data.execute_statement(WorkgroupName="multitenant-wg", Database="dev",
                                   Sql="SELECT TRIM(state) AS state, current_lag AS current_lag_ms FROM svv_integration")["Id"]
    page = data.get_statement_result(Id=ident)
    assert "NextToken" not in page and page["TotalNumRows"] == 8
    assert [c["name"] for c in page["ColumnMetadata"]] == ["state", "current_lag_ms"]
    assert sorted(row[0]["stringValue"] for row in page["Records"]).count("CdcRefreshState") == 7


def test_a_bulk_fleet_needs_the_standard_namespace(emu):
    with pytest.raises(Exception):
        emu.control("/_shiftops/seed/bulk", {"accounts": 1, "tenants_per_account": 1})


def test_big_get_metric_data_calls_answer_as_query_by_query(emu):
    import datetime as dt

    emu.control("/_shiftops/seed", {"fleet": "standard"})
    cw = emu.client("cloudwatch")
    metric = lambda ns, name, dims: {"Namespace": ns, "MetricName": name,  # noqa: E731
                                     "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}
    specs = []
    for queue in ("batch", "adhoc", "admin", "nope"):
        for name in ("WLMQueueLength", "WLMRunningQueries", "WLMQueueWaitTime"):
            specs.append((metric("AWS/Redshift", name, {"ClusterIdentifier": "dpc-learning", "QueueName": queue}),
                          "Average", None))
    for tenant in ("tenant_a", "tenant_b", "tenant_c", "tenant_x"):
        specs.append((metric("Custom/DPC", "CopyErrorCount", {"Tenant": tenant}), "Sum", None))
        specs.append((metric("Custom/DPC", "CopyErrorCount", {"Tenant": tenant}), "Maximum", "Count"))
    specs.append((metric("Custom/DPC", "ELTExecutionDelay", {"Environment": "prod"}), "Maximum", None))
    specs.append((metric("Custom/DPC", "WLMAttemptedQueries", {}), "Sum", None))
    specs.append((metric("AWS/Redshift", "PercentageDiskSpaceUsed", {"ClusterIdentifier": "dpc-learning"}),
                  "Average", "Percent"))
    specs.append((metric("AWS/Redshift", "PercentageDiskSpaceUsed", {"ClusterIdentifier": "dpc-learning"}),
                  "Average", "Bytes"))
    queries = [{"Id": f"q{i}", "MetricStat": {"Metric": m, "Period": p, "Stat": s, **({"Unit": u} if u else {})},
                "ReturnData": i != 3}
               for i, (m, s, u) in enumerate(specs) for p in (60, 300)]
    assert len(queries) > 20
    end = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)
    start = end - dt.timedelta(hours=1, minutes=2)
    for scan in ("TimestampAscending", "TimestampDescending"):
        def call(qs):
            return cw.get_metric_data(MetricDataQueries=qs, StartTime=start, EndTime=end,
                                      ScanBy=scan)["MetricDataResults"]
        whole = call(queries)  # one grouping of the datapoints for all queries
        one_by_one = [r for q in queries for r in call([q])]
        assert whole == one_by_one
        assert any(r["Values"] for r in whole)


def test_a_cluster_has_its_namespace_arn(emu):
    """DescribeClusters gives ClusterNamespaceArn (API_Cluster): what a Zero-ETL integration into
    the cluster names as its TargetArn. The same on every call, and each cluster its own."""
    rs = emu.client("redshift")
    for name in ("ns-arn-a", "ns-arn-b"):
        rs.create_cluster(ClusterIdentifier=name, NodeType="ra3.xlplus", MasterUsername="admin",
                          MasterUserPassword="Passw0rd!x", ClusterType="single-node")
    first = rs.describe_clusters(ClusterIdentifier="ns-arn-a")["Clusters"][0]["ClusterNamespaceArn"]
    again = rs.describe_clusters(ClusterIdentifier="ns-arn-a")["Clusters"][0]["ClusterNamespaceArn"]
    other = rs.describe_clusters(ClusterIdentifier="ns-arn-b")["Clusters"][0]["ClusterNamespaceArn"]
    assert first == again
    assert first != other
    assert first.startswith(f"arn:aws:redshift:us-east-1:{CENTRAL}:namespace:")
