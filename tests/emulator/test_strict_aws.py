"""Where AWS refuses or returns nothing, the emulator does too: one test per rule (cited in the modules)."""

from __future__ import annotations

import datetime as dt
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import warehouses

NOW = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
PROD = [{"Name": "Environment", "Value": "prod"}]


def refused(call, code: str, status: int = 400) -> str:
    with pytest.raises(ClientError) as exc:
        call()
    error = exc.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status), error["Error"]
    return error["Error"]["Message"]


def unchecked(emu, service: str):
    """A client that sends what it is given, as the Rust SDK does (no client-side checks)."""
    return boto3.client(service, endpoint_url=emu.url, region_name="us-east-1", aws_access_key_id="AKIATESTCENTRAL00000",
                        aws_secret_access_key="secret",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


# -- CloudWatch: exact dimension sets ---------------------------------------------------------------

def put_copy_errors(cw) -> None:
    cw.put_metric_data(Namespace="Custom/DPC", MetricData=[
        {"MetricName": "CopyErrorCount", "Dimensions": dims, "Value": value, "Timestamp": NOW - dt.timedelta(minutes=1)}
        for dims, value in ((PROD, 3.0), (PROD + [{"Name": "Tenant", "Value": "tenant_b"}], 2.0))])
    cw.put_metric_data(Namespace="Custom/Other", MetricData=[
        {"MetricName": "CopyErrorCount", "Dimensions": PROD, "Value": 100.0, "Timestamp": NOW - dt.timedelta(minutes=1)}])


def metric_values(cw, dimensions: list[dict], namespace: str = "Custom/DPC") -> list[float]:
    result = cw.get_metric_data(StartTime=NOW - dt.timedelta(hours=1), EndTime=NOW + dt.timedelta(minutes=1),
                                MetricDataQueries=[{"Id": "m", "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
                                    "Namespace": namespace, "MetricName": "CopyErrorCount",
                                    "Dimensions": dimensions}}}])
    return result["MetricDataResults"][0]["Values"]


def test_get_metric_data_matches_only_the_exact_dimension_set(emu):
    cw = emu.client("cloudwatch")
    put_copy_errors(cw)
    assert metric_values(cw, PROD) == [3.0]
    assert metric_values(cw, PROD + [{"Name": "Tenant", "Value": "tenant_b"}]) == [2.0]
    assert metric_values(cw, [{"Name": "Tenant", "Value": "tenant_b"}, *PROD]) == [2.0]  # a set: order is no matter
    assert metric_values(cw, []) == []  # published with Environment=prod only: no dimensions reads nothing
    assert metric_values(cw, [{"Name": "Tenant", "Value": "tenant_b"}]) == []  # fewer dimensions
    assert metric_values(cw, PROD + [{"Name": "Tenant", "Value": "tenant_b"}, {"Name": "X", "Value": "y"}]) == []
    assert metric_values(cw, PROD, "Custom/Other") == [100.0]  # the namespace counts with dimensions too
    assert metric_values(cw, PROD, "Custom/None") == []


def test_get_metric_data_math_reads_exact_metrics(emu):
    cw = emu.client("cloudwatch")
    put_copy_errors(cw)
    results = cw.get_metric_data(StartTime=NOW - dt.timedelta(hours=1), EndTime=NOW + dt.timedelta(minutes=1),
                                 MetricDataQueries=[
        {"Id": "share", "Expression": "tenant / total"},
        {"Id": "tenant", "ReturnData": False, "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
            "Namespace": "Custom/DPC", "MetricName": "CopyErrorCount",
            "Dimensions": PROD + [{"Name": "Tenant", "Value": "tenant_b"}]}}},
        {"Id": "total", "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
            "Namespace": "Custom/DPC", "MetricName": "CopyErrorCount", "Dimensions": PROD}}}])["MetricDataResults"]
    assert {r["Id"]: r["Values"] for r in results} == {"total": [3.0], "share": [pytest.approx(2 / 3)]}


def test_get_metric_statistics_matches_only_the_exact_dimension_set(emu):
    cw = emu.client("cloudwatch")
    put_copy_errors(cw)

    def sums(dimensions: list[dict]) -> list[float]:
        points = cw.get_metric_statistics(Namespace="Custom/DPC", MetricName="CopyErrorCount", Dimensions=dimensions,
                                          StartTime=NOW - dt.timedelta(hours=1), EndTime=NOW + dt.timedelta(minutes=1),
                                          Period=3600, Statistics=["Sum"])["Datapoints"]
        return [p["Sum"] for p in points]

    assert sums(PROD) == [3.0]
    assert sums(PROD + [{"Name": "Tenant", "Value": "tenant_b"}]) == [2.0]
    assert sums([]) == []
    assert sums([{"Name": "Tenant", "Value": "tenant_b"}]) == []


# -- CloudWatch: what a dimension may hold ----------------------------------------------------------

@pytest.mark.parametrize("dimension", [
    {"Name": "Tenant", "Value": "テナントA"},  # not ASCII
    {"Name": "Tenant", "Value": "tenant\x07"},  # an ASCII control character
    {"Name": "Tenant", "Value": "   "},  # no non-whitespace character
    {"Name": "Tenant", "Value": ""},
    {"Name": "Tenant", "Value": "x" * 1025},
    {"Name": ":Tenant", "Value": "tenant_a"},  # a name starting with a colon
    {"Name": "Ténant", "Value": "tenant_a"},
    {"Name": "T" * 256, "Value": "tenant_a"},
])
def test_put_metric_data_refuses_dimensions_aws_refuses(emu, dimension):
    cw = unchecked(emu, "cloudwatch")
    refused(lambda: cw.put_metric_data(Namespace="Custom/DPC", MetricData=[
        {"MetricName": "CopyErrorCount", "Dimensions": [dimension], "Value": 1.0}]), "InvalidParameterValue")
    assert cw.list_metrics(Namespace="Custom/DPC")["Metrics"] == []  # nothing of the request is kept
    refused(lambda: cw.get_metric_data(StartTime=NOW - dt.timedelta(hours=1), EndTime=NOW, MetricDataQueries=[
        {"Id": "m", "MetricStat": {"Period": 60, "Stat": "Sum", "Metric": {
            "Namespace": "Custom/DPC", "MetricName": "CopyErrorCount", "Dimensions": [dimension]}}}]),
        "InvalidParameterValue")
    refused(lambda: cw.get_metric_statistics(Namespace="Custom/DPC", MetricName="CopyErrorCount",
                                             Dimensions=[dimension], StartTime=NOW - dt.timedelta(hours=1),
                                             EndTime=NOW, Period=60, Statistics=["Sum"]), "InvalidParameterValue")


def test_put_metric_data_takes_30_dimensions_and_not_31(emu):
    cw = unchecked(emu, "cloudwatch")
    dims = [{"Name": f"D{i}", "Value": "v"} for i in range(31)]
    refused(lambda: cw.put_metric_data(Namespace="Custom/DPC", MetricData=[
        {"MetricName": "M", "Dimensions": dims, "Value": 1.0}]), "InvalidParameterValue")
    cw.put_metric_data(Namespace="Custom/DPC", MetricData=[{"MetricName": "M", "Dimensions": dims[:30], "Value": 1.0}])
    cw.put_metric_data(Namespace="Custom/DPC", MetricData=[
        {"MetricName": "M", "Dimensions": [{"Name": "Tenant", "Value": "tenant a (prod) #1"}], "Value": 1.0}])


def test_list_metrics_refuses_dimension_filters_out_of_length(emu):
    cw = unchecked(emu, "cloudwatch")
    refused(lambda: cw.list_metrics(Dimensions=[{"Name": ""}]), "InvalidParameterValue")
    refused(lambda: cw.list_metrics(Dimensions=[{"Name": "Tenant", "Value": "x" * 1025}]), "InvalidParameterValue")
    assert cw.list_metrics(Dimensions=[{"Name": "Tenant"}])["Metrics"] == []


# -- CloudWatch: DescribeAlarmHistory's AlarmTypes --------------------------------------------------

def test_alarm_history_without_alarm_types_is_metric_alarms_only(emu):
    cw = emu.client("cloudwatch")
    cw.put_metric_alarm(AlarmName="Alert-ELT-Delay", Namespace="Custom/DPC", MetricName="ELTExecutionDelay",
                        Dimensions=PROD, Statistic="Maximum", Period=300, EvaluationPeriods=2, Threshold=90,
                        ComparisonOperator="GreaterThanThreshold")
    cw.put_composite_alarm(AlarmName="Pipeline-Degraded", AlarmRule='ALARM("Alert-ELT-Delay")')
    cw.set_alarm_state(AlarmName="Pipeline-Degraded", StateValue="ALARM", StateReason="test")

    def names(**filters: object) -> set[str]:
        return {i["AlarmName"] for i in cw.describe_alarm_history(**filters)["AlarmHistoryItems"]}

    assert names() == {"Alert-ELT-Delay"}
    assert names(AlarmName="Pipeline-Degraded") == set()
    assert names(AlarmTypes=["CompositeAlarm"]) == {"Pipeline-Degraded"}
    assert names(AlarmTypes=["MetricAlarm", "CompositeAlarm"]) == {"Alert-ELT-Delay", "Pipeline-Degraded"}


# -- Redshift Data API: targets and the system relations of each warehouse type ---------------------

def run(data, sql: str, **target: str) -> dict:
    target = target or {"WorkgroupName": "multitenant-wg"}
    if "ClusterIdentifier" in target:
        target = {"DbUser": "awsuser", **target}
    return data.describe_statement(Id=data.execute_statement(Database="dev", Sql=sql, **target)["Id"])


CLUSTER = {"ClusterIdentifier": "dpc-learning"}


def test_data_api_refuses_a_cluster_or_workgroup_that_does_not_exist(emu):
    warehouses(emu)
    data = emu.client("redshift-data")
    assert refused(lambda: data.execute_statement(ClusterIdentifier="nope", DbUser="awsuser", Database="dev",
                                                  Sql="select 1"), "ValidationException") \
        == "Redshift endpoint doesn't exist in this region."
    refused(lambda: data.batch_execute_statement(ClusterIdentifier="nope", DbUser="awsuser", Database="dev",
                                                 Sqls=["select 1", "select 2"]), "ValidationException")
    refused(lambda: data.execute_statement(WorkgroupName="nope", Database="dev", Sql="select 1"),
            "ResourceNotFoundException")
    refused(lambda: data.batch_execute_statement(WorkgroupName="nope", Database="dev", Sqls=["select 1"]),
            "ResourceNotFoundException")
    # another account's warehouses are not this account's
    tenant = emu.tenant("redshift-data", "111111111111")
    refused(lambda: tenant.execute_statement(WorkgroupName="multitenant-wg", Database="dev", Sql="select 1"),
            "ResourceNotFoundException")
    assert emu.control("/_shiftops/redshift-data/statements") == []
    assert run(data, "select 1")["Status"] == "FINISHED"
    assert run(data, "select 1", **CLUSTER)["Status"] == "FINISHED"


def test_data_api_fails_provisioned_only_relations_on_serverless(emu):
    warehouses(emu)
    emu.control("/_shiftops/redshift-data/results", {"pattern": "stv_inflight", "columns": ["pid"], "rows": [["1"]]})
    data = emu.client("redshift-data")
    sql = "SELECT i.pid FROM stv_inflight i JOIN stv_wlm_query_state s ON s.query = i.query"
    failed = run(data, sql)
    assert (failed["Status"], failed["Error"]) == ("FAILED", 'ERROR: relation "stv_inflight" does not exist')
    assert run(data, sql, **CLUSTER)["HasResultSet"] is True
    for relation in ("stl_querytext", "svl_qlog", "svcs_query_summary", "stv_wlm_service_class_config"):
        assert run(data, f"select * from {relation}")["Error"] == f'ERROR: relation "{relation}" does not exist'
    assert run(data, "select * from sys_serverless_usage", **CLUSTER)["Error"] == \
        'ERROR: relation "sys_serverless_usage" does not exist'
    for sql in ("select * from sys_serverless_usage", "select * from svv_integration", "select * from sys_query_history",
                "with stv_inflight as (select 1 as pid) select pid from stv_inflight",
                "select * from tenant_a.stl_orders", "select * from svv_not_in_the_catalogue"):
        assert run(data, sql)["Status"] == "FINISHED", sql


def test_data_api_fails_columns_a_system_view_does_not_have(emu):
    warehouses(emu)
    emu.control("/_shiftops/redshift-data/results", {"pattern": "svv_integration", "columns": ["x"], "rows": [["1"]]})
    data = emu.client("redshift-data")
    assert run(data, "select lag from svv_integration")["Error"] == 'ERROR: column "lag" does not exist in svv_integration'
    assert run(data, "select i.lag_ms from svv_integration i")["Error"] == "ERROR: column i.lag_ms does not exist"
    assert run(data, "select e.error_message, ti.tablename from sys_load_error_detail e "
                     "join svv_table_info ti on ti.table_id = e.table_id")["Error"] == \
        "ERROR: column ti.tablename does not exist"
    ok = run(data, "SELECT TRIM(integration_id) AS integration_id, current_lag AS current_lag_ms FROM svv_integration "
                   "WHERE state <> 'ErrorState' AND creation_time > DATEADD(hour, -24, GETDATE()) ORDER BY current_lag_ms")
    assert (ok["Status"], ok["HasResultSet"]) == ("FINISHED", True)
    # an unqualified column with two relations cannot be told apart: let through
    assert run(data, "select nope from svv_integration i join svv_integration_table_state t "
                     "on t.integration_id = i.integration_id")["Status"] == "FINISHED"


def test_data_api_registrations_for_one_target(emu):
    warehouses(emu)
    rows = lambda n: {"pattern": "from sys_query_history", "columns": [{"name": "n", "type": "int4"}],  # noqa: E731
                      "rows": [[n]]}
    emu.control("/_shiftops/redshift-data/results", {**rows(1), "cluster": "dpc-learning"})
    emu.control("/_shiftops/redshift-data/results", {**rows(2), "workgroup": "multitenant-wg"})
    data = emu.client("redshift-data")

    def first(**target: str) -> object:
        statement = run(data, "select count(*) as n from sys_query_history", **target)
        return data.get_statement_result(Id=statement["Id"])["Records"][0][0]["longValue"]

    assert first(**CLUSTER) == 1 and first() == 2
    emu.control("/_shiftops/redshift-data/results", {**rows(3), "workgroup": "multitenant-wg"})  # replaces its own
    assert first(**CLUSTER) == 1 and first() == 3


# -- Redshift Serverless: workgroup configParameters ------------------------------------------------

QUEUES = [
    {"name": "batch", "user_role": ["batch"], "query_group": ["batch"], "rules": [
        {"rule_name": "batch_timeout", "action": "abort",
         "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 7200}]}]},
    {"name": "adhoc", "query_group": ["adhoc"], "rules": [
        {"rule_name": "adhoc_scan", "action": "log",
         "predicate": [{"metric_name": "scan_row_count", "operator": ">", "value": 1000000000}]}]},
]


def workgroup(emu):
    serverless = unchecked(emu, "redshift-serverless")
    serverless.create_namespace(namespaceName="multitenant-analytics")
    serverless.create_workgroup(workgroupName="multitenant-wg", namespaceName="multitenant-analytics")
    return serverless


def config(serverless) -> dict:
    return {p["parameterKey"]: p["parameterValue"]
            for p in serverless.get_workgroup(workgroupName="multitenant-wg")["workgroup"]["configParameters"]}


def update(serverless, **params: str) -> None:
    serverless.update_workgroup(workgroupName="multitenant-wg", configParameters=[
        {"parameterKey": k, "parameterValue": v} for k, v in params.items()])


def test_workgroup_config_parameters_are_stored_and_returned(emu):
    serverless = workgroup(emu)
    update(serverless, enable_case_sensitive_identifier="true", datestyle="ISO, DMY", search_path="tenant_a, public",
           wlm_json_configuration=json.dumps(QUEUES))
    stored = config(serverless)
    assert stored["enable_case_sensitive_identifier"] == "true" and stored["datestyle"] == "ISO, DMY"
    assert json.loads(stored["wlm_json_configuration"]) == QUEUES
    update(serverless, max_query_execution_time="3600")
    assert config(serverless)["max_query_execution_time"] == "3600"


@pytest.mark.parametrize("key,value", [
    ("enable_result_cache", "true"),  # not a key the API takes
    ("wlm_query_slot_count", "2"),  # a provisioned parameter
    ("enable_case_sensitive_identifier", "yes"),
    ("datestyle", "ISO"),
    ("max_query_execution_time", "86400"),
    ("max_scan_row_count", "-1"),
    ("wlm_json_configuration", "{not json"),
    ("wlm_json_configuration", "x" * 8001),
])
def test_workgroup_refuses_config_parameters_aws_refuses(emu, key, value):
    serverless = workgroup(emu)
    before = config(serverless)
    refused(lambda: update(serverless, **{key: value}), "ValidationException")
    assert config(serverless) == before


@pytest.mark.parametrize("queue,why", [
    ({"name": "batch", "query_concurrency": 5}, "query_concurrency"),
    ({"name": "batch", "memory_percent_to_use": 50}, "memory_percent_to_use"),
    ({"name": "batch", "user_group": ["batch"]}, "user_group"),
    ({"name": "batch", "priority": "high"}, "priority"),
    ({"name": "batch", "auto_wlm": True}, "auto_wlm"),
    ({"name": "batch", "concurrency_scaling": "auto"}, "concurrency_scaling"),
    ({"name": "batch", "max_execution_time": 7200000}, "max_execution_time"),
    ({"short_query_queue": True}, "short_query_queue"),
    ({"name": "batch", "rules": [{"rule_name": "r", "action": "hop",
                                  "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1}]}]},
     "action"),
    ({"name": "batch", "rules": [{"rule_name": "r", "action": "change_query_priority", "value": "low",
                                  "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1}]}]},
     "action"),
    ({"name": "batch", "rules": [{"rule_name": "r", "action": "abort",
                                  "predicate": [{"metric_name": "query_execution_time", "operator": ">=", "value": 1}]}]},
     "operator"),
    ({"name": "bad/name"}, "queue name"),
])
def test_workgroup_refuses_queues_serverless_does_not_support(emu, queue, why):
    serverless = workgroup(emu)
    message = refused(lambda: update(serverless, wlm_json_configuration=json.dumps([queue])), "ValidationException")
    assert why in message
    assert "wlm_json_configuration" not in config(serverless)


def test_workgroup_takes_queues_or_metrics_not_both(emu):
    serverless = workgroup(emu)
    refused(lambda: update(serverless, wlm_json_configuration=json.dumps(QUEUES), max_query_execution_time="60"),
            "ValidationException")
    refused(lambda: serverless.create_workgroup(workgroupName="other", namespaceName="multitenant-analytics",
                                                configParameters=[{"parameterKey": "auto_mv", "parameterValue": "maybe"}]),
            "ValidationException")
    assert [w["workgroupName"] for w in serverless.list_workgroups()["workgroups"]] == ["multitenant-wg"]


# -- Redshift: DescribeInboundIntegrations -----------------------------------------------------------

def test_inbound_integrations_are_read_in_the_warehouse_account_for_every_source_account(emu):
    """Every integration into a namespace of the caller's account, whatever account its source is
    in; a TargetArn that is no namespace of the caller is InvalidNamespaceFault, and MaxRecords is
    20 to 100 (API_DescribeInboundIntegrations, redshift_inbound_integrations.py)."""
    fleet = emu.control("/_shiftops/seed", {"fleet": "standard"})
    target = fleet["serverless"]["namespace_arn"]
    rs = emu.client("redshift")
    found = rs.describe_inbound_integrations(TargetArn=target)["InboundIntegrations"]
    by_source = {i["SourceArn"].split(":")[4]: i for i in found}
    assert sorted(by_source) == ["111111111111", "333333333333"]
    assert by_source["111111111111"]["Status"] == "needs_attention"
    assert by_source["111111111111"]["Errors"][0]["ErrorCode"] == "IntegrationTablesFailed"
    assert by_source["333333333333"]["Status"] == "active"
    assert all(i["TargetArn"] == target and "IntegrationName" not in i for i in found)
    assert len(rs.describe_inbound_integrations()["InboundIntegrations"]) == 2

    cluster_ns = rs.describe_clusters(ClusterIdentifier="dpc-learning")["Clusters"][0]["ClusterNamespaceArn"]
    assert rs.describe_inbound_integrations(TargetArn=cluster_ns)["InboundIntegrations"] == []
    # The same namespace seen from a tenant account is not that account's.
    tenant = emu.tenant("redshift", "111111111111")
    refused(lambda: tenant.describe_inbound_integrations(TargetArn=target), "InvalidNamespaceFault")
    refused(lambda: rs.describe_inbound_integrations(
        TargetArn="arn:aws:redshift-serverless:us-east-1:999999999999:namespace/00000000-0000-0000-0000-000000000000"),
        "InvalidNamespaceFault")
    loose = unchecked(emu, "redshift")
    refused(lambda: loose.describe_inbound_integrations(TargetArn=target, MaxRecords=10), "InvalidParameterValue")
    refused(lambda: loose.describe_inbound_integrations(TargetArn=target, MaxRecords=101), "InvalidParameterValue")
    refused(lambda: rs.describe_inbound_integrations(
        IntegrationArn="arn:aws:rds:us-east-1:111111111111:integration:00000000-0000-0000-0000-000000000000"),
        "IntegrationNotFoundFault", 404)
