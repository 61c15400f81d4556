"""The standard fleet (`POST /_shiftops/seed {"fleet": "standard"}`).

Built from the project's design documents (shared/seeds): three tenant accounts with
Aurora MySQL clusters (tenant_a and tenant_c on Zero-ETL, tenant_b on snapshot export
+ COPY, with the export Lambda's snapshots, export tasks and failure alarm in its own account),
the central account's provisioned cluster `dpc-learning` with manual WLM, the Redshift
Serverless namespace/workgroup the integrations target (case-sensitive identifiers, Serverless
query queues), an hour of CloudWatch metrics with the seed's dimensions, the design's alarms,
the `daily-elt` state machine with a SUCCEEDED and a FAILED run, a Redshift log group, and the
rows the two warehouses answer through the Data API.

Everything AWS-shaped is created with boto3 against the emulator's own address, with
the central account's credentials or, for tenants, credentials from
`sts:AssumeRole` into the tenant's `ShiftopsReadOnly` role; only what no AWS API can
set (integration errors, a failed export task) is staged through the same functions
as the control endpoints. Seeding twice returns the first description; after
`/moto-api/reset` or `/_shiftops/reset` it builds the fleet afresh.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

from . import CENTRAL_ACCOUNT, DEFAULT_REGION, rds_exports, rds_integrations, redshift_data
from .moto_ext import store_dict

REGION = DEFAULT_REGION
CENTRAL_KEY = ("AKIASHIFTOPSCENTRAL0", "shiftops-central-secret")
TENANTS = [
    {"name": "tenant_a", "account_id": "111111111111", "cluster": "tenant-a-mysql", "path": "zero-etl"},
    {"name": "tenant_b", "account_id": "222222222222", "cluster": "tenant-b-mysql", "path": "export"},
    {"name": "tenant_c", "account_id": "333333333333", "cluster": "tenant-c-mysql", "path": "zero-etl"},
]
ROLE = "ShiftopsReadOnly"
# The Aurora MySQL Zero-ETL prerequisites:
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html
BINLOG = {"aurora_enhanced_binlog": "1", "binlog_backup": "0", "binlog_format": "ROW",
          "binlog_replication_globaldb": "0", "binlog_row_image": "full", "binlog_row_metadata": "full"}
CLUSTER = "dpc-learning"
NAMESPACE, WORKGROUP = "multitenant-analytics", "multitenant-wg"
STATE_MACHINE = "daily-elt"
RUN_OK, RUN_FAILED = "daily-elt-20261120-0600", "daily-elt-20261121-0600"
LOG_GROUP, LOG_STREAM = f"/aws/redshift/cluster/{CLUSTER}", "daily-elt"
ALERTS_TOPIC = f"arn:aws:sns:{REGION}:{CENTRAL_ACCOUNT}:data-pipeline-alerts"
COPY_ERROR_CAUSE = (
    "COPY tenant_b.orders from 's3://tenant-b-snapshots/tenant_b/orders/' failed: 3 rows rejected. "
    "Load into table 'orders' failed. Check 'stl_load_errors' system table for details "
    "(query 918273: Invalid digit, Value 'N/A', Pos 0, Type: Integer)."
)
WLM = [
    {"name": "batch", "user_group": ["batch"], "query_group": ["batch"], "query_concurrency": 5,
     "memory_percent_to_use": 50, "max_execution_time": 7200000, "concurrency_scaling": "auto"},
    {"name": "adhoc", "user_group": ["adhoc"], "query_group": ["adhoc"], "query_concurrency": 5,
     "memory_percent_to_use": 30, "max_execution_time": 1800000, "concurrency_scaling": "off"},
    {"name": "admin", "user_group": ["admin"], "query_group": ["admin"], "query_concurrency": 3,
     "memory_percent_to_use": 20, "concurrency_scaling": "auto"},
    {"short_query_queue": True},
]
# The same three queues in the form Redshift Serverless takes ("Setting query queues",
# https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-query-queues.html): no
# concurrency, memory, user groups, timeouts or SQA; the time limits become abort rules.
SERVERLESS_WLM = [
    {"name": "batch", "user_role": ["batch"], "query_group": ["batch"], "rules": [
        {"rule_name": "batch_over_2h", "action": "abort",
         "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 7200}]}]},
    {"name": "adhoc", "user_role": ["adhoc"], "query_group": ["adhoc"], "rules": [
        {"rule_name": "adhoc_over_30min", "action": "abort",
         "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1800}]}]},
    {"name": "admin", "user_role": ["admin"], "query_group": ["admin"]},
]
EXPORT_FUNCTION = "aurora-snapshot-export"

SEEDED = store_dict("sts")  # the description, kept where moto's reset clears it


def seed_standard(url: str) -> dict:
    marker = SEEDED[CENTRAL_ACCOUNT][REGION].items
    if "standard" not in marker:
        marker["standard"] = Seeder(url).run()
    return marker["standard"]


def work_copy_queue(url: str, execution_arn: str, failing: str | None) -> dict:
    """Play the COPY Lambda for one running execution of the standard fleet's ELT (a redriven or
    rerun one) until it stops, failing `failing`'s COPY if given; returns its final status."""
    seeded = seed_standard(url)
    seeder = Seeder(url)
    seeder.copy_worker(seeded["state_machine"]["copy_queue_url"], execution_arn, failing)
    status = seeder.central("stepfunctions").describe_execution(executionArn=execution_arn)["status"]
    return {"status": status}


class Seeder:
    def __init__(self, url: str):
        self.url = url
        self.now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
        self.central = self.session(*CENTRAL_KEY)
        self.out: dict[str, Any] = {"central_account": CENTRAL_ACCOUNT, "region": REGION, "tenants": []}

    def session(self, key: str, secret: str, token: str | None = None) -> Any:
        cfg = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)

        def client(service: str) -> Any:
            return boto3.client(service, endpoint_url=self.url, region_name=REGION, aws_access_key_id=key,
                                aws_secret_access_key=secret, aws_session_token=token, config=cfg)

        return client

    def run(self) -> dict:
        self.serverless()
        for tenant in TENANTS:
            self.tenant(dict(tenant))
        self.warehouse()
        self.warehouse_rows()
        self.metrics()
        self.alarms()
        self.elt()
        self.logs()
        return self.out

    # -- central: Redshift Serverless and the provisioned cluster ------------------------
    def serverless(self) -> None:
        rs = self.central("redshift-serverless")
        ns = rs.create_namespace(namespaceName=NAMESPACE, adminUsername="admin", dbName="dev",
                                 tags=[{"key": "project", "value": "dpc"}])["namespace"]
        # The Zero-ETL target needs case-sensitive identifiers (as the seed's workgroup sets them).
        wg = rs.create_workgroup(workgroupName=WORKGROUP, namespaceName=NAMESPACE, baseCapacity=8, configParameters=[
            {"parameterKey": "enable_case_sensitive_identifier", "parameterValue": "true"},
            {"parameterKey": "wlm_json_configuration", "parameterValue": json.dumps(SERVERLESS_WLM)},
        ])["workgroup"]
        self.out["serverless"] = {"namespace": NAMESPACE, "namespace_arn": ns["namespaceArn"],
                                  "namespace_id": ns["namespaceId"], "workgroup": WORKGROUP,
                                  "workgroup_arn": wg["workgroupArn"], "base_capacity": 8,
                                  "queues": [q["name"] for q in SERVERLESS_WLM]}

    def warehouse(self) -> None:
        rs = self.central("redshift")
        rs.create_cluster_parameter_group(ParameterGroupName=f"{CLUSTER}-params", ParameterGroupFamily="redshift-1.0",
                                          Description="dpc-learning: manual WLM batch/adhoc/admin + SQA")
        # The provisioned cluster is not a Zero-ETL target: its identifiers stay case-insensitive.
        rs.modify_cluster_parameter_group(ParameterGroupName=f"{CLUSTER}-params", Parameters=[
            {"ParameterName": "enable_case_sensitive_identifier", "ParameterValue": "false"},
            {"ParameterName": "wlm_json_configuration", "ParameterValue": json.dumps(WLM)},
        ])
        cluster = rs.create_cluster(
            ClusterIdentifier=CLUSTER, NodeType="ra3.xlplus", ClusterType="multi-node", NumberOfNodes=2,
            MasterUsername="awsuser", MasterUserPassword="Passw0rd-not-secret", DBName="dev", Encrypted=True,
            ClusterParameterGroupName=f"{CLUSTER}-params",
        )["Cluster"]
        self.out["redshift"] = {"cluster": CLUSTER, "node_type": cluster["NodeType"],
                                "cluster_arn": f"arn:aws:redshift:{REGION}:{CENTRAL_ACCOUNT}:cluster:{CLUSTER}",
                                "parameter_group": f"{CLUSTER}-params",
                                "cluster_namespace_arn": cluster.get("ClusterNamespaceArn")}

    # -- tenants ----------------------------------------------------------------------
    def tenant(self, tenant: dict) -> None:
        account = tenant["account_id"]
        role_arn = f"arn:aws:iam::{account}:role/{ROLE}"
        creds = self.central("sts").assume_role(RoleArn=role_arn, RoleSessionName="shiftops-seed")["Credentials"]
        client = self.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Principal": {"AWS": f"arn:aws:iam::{CENTRAL_ACCOUNT}:root"}}]}
        client("iam").create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust),
                                  Description="Read-only access for the shiftops console")
        rds = client("rds")
        group = f"{tenant['cluster']}-params"
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=group, DBParameterGroupFamily="aurora-mysql8.0",
                                              Description=f"{tenant['name']} binlog settings for Zero-ETL")
        binlog = dict(BINLOG)
        if tenant["name"] == "tenant_b":
            del binlog["aurora_enhanced_binlog"]  # the Zero-ETL prerequisite the doctor must find missing
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=group, Parameters=[
            {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "pending-reboot"} for k, v in binlog.items()])
        cluster = rds.create_db_cluster(
            DBClusterIdentifier=tenant["cluster"], Engine="aurora-mysql", EngineVersion="8.0.mysql_aurora.3.05.2",
            MasterUsername="admin", MasterUserPassword="Passw0rd-not-secret", DBClusterParameterGroupName=group,
            DatabaseName=tenant["name"], StorageEncrypted=True,
        )["DBCluster"]
        tenant.update(role_arn=role_arn, cluster_arn=cluster["DBClusterArn"], parameter_group=group)
        if tenant["path"] == "zero-etl":
            tenant["integration"] = self.integration(rds, tenant)
        else:
            tenant.update(self.exports(client, rds, tenant))
        self.out["tenants"].append(tenant)

    def integration(self, rds: Any, tenant: dict) -> dict:
        name = f"{tenant['cluster'].rsplit('-', 1)[0]}-to-central-integration"
        integ = rds.create_integration(
            SourceArn=tenant["cluster_arn"], TargetArn=self.out["serverless"]["namespace_arn"], IntegrationName=name,
            DataFilter=f"include:{tenant['name']}.*.*", Tags=[{"Key": "tenant", "Value": tenant["name"]}])
        if tenant["name"] == "tenant_a":
            status, errors = "needs_attention", [{
                "ErrorCode": "IntegrationTablesFailed",
                "ErrorMessage": "Replication of 2 tables failed: tenant_a.orders, tenant_a.order_items "
                                "(table has no primary key). Fix the tables and refresh them in the target.",
            }]
        else:
            status, errors = "active", []
        # What the workgroup's SVV_INTEGRATION shows of it (svv_integration.py): 40 minutes behind
        # while tables fail, half a minute otherwise.
        lag_ms = 2_400_000 if tenant["name"] == "tenant_a" else 30_000
        rds_integrations.set_state(tenant["account_id"], REGION, name, status, errors, lag_ms)
        return {"name": name, "arn": integ["IntegrationArn"], "id": integ["IntegrationArn"].rsplit(":", 1)[-1],
                "status": status, "errors": errors}

    def exports(self, client: Any, rds: Any, tenant: dict) -> dict:
        account = tenant["account_id"]
        client("s3").create_bucket(Bucket="tenant-b-snapshots")
        kms = f"arn:aws:kms:{REGION}:{account}:key/6f1c9d3e-2b7a-4c1e-9a55-0d3b8e7f4a21"
        role = f"arn:aws:iam::{account}:role/RDSExportServiceRole"
        snapshots, exports = [], []
        for day, status in (("20261120", "COMPLETE"), ("20261121", "FAILED")):
            snap_id = f"{tenant['cluster']}-snapshot-{day}-021500"
            snap = rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=snap_id,
                                                  DBClusterIdentifier=tenant["cluster"],
                                                  Tags=[{"Key": "Purpose", "Value": "DataExport"}])["DBClusterSnapshot"]
            snapshots.append({"id": snap_id, "arn": snap["DBClusterSnapshotArn"]})
            export_id = f"{tenant['cluster']}-export-{day}-021500"
            rds.start_export_task(ExportTaskIdentifier=export_id, SourceArn=snap["DBClusterSnapshotArn"],
                                  S3BucketName="tenant-b-snapshots", S3Prefix="tenant_b/", IamRoleArn=role,
                                  KmsKeyId=kms, ExportOnly=["tenant_b.users", "tenant_b.orders", "tenant_b.products"])
            if status == "FAILED":
                rds_exports.set_state(account, REGION, export_id, "FAILED",
                                      f"The IAM role {role} is not authorized to call kms:CreateGrant on the KMS key "
                                      f"{kms}. Grant the role access to the key and start the export again.", 37)
            exports.append({"id": export_id, "status": status})
        return {"bucket": "tenant-b-snapshots", "prefix": "tenant_b/", "snapshots": snapshots, "export_tasks": exports,
                "alarms": [self.export_alarm(client, account)]}

    def export_alarm(self, client: Any, account: str) -> dict:
        """The export Lambda's failure alarm in the tenant's own account, as the seed creates it
        (AWS/Lambda Errors of aurora-snapshot-export, Sum over 300 s >= 1), with an hour of no errors."""
        cw = client("cloudwatch")
        cw.put_metric_data(Namespace="AWS/Lambda", MetricData=[
            {"MetricName": "Errors", "Dimensions": [{"Name": "FunctionName", "Value": EXPORT_FUNCTION}],
             "Timestamp": self.now - dt.timedelta(minutes=m), "Value": 0.0, "Unit": "Count"} for m in range(60, -1, -1)])
        topic = f"arn:aws:sns:{REGION}:{account}:data-pipeline-alerts"
        cw.put_metric_alarm(AlarmName="aurora-export-failure", AlarmDescription="Aurora snapshot export failure",
                            Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum", Period=300,
                            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                            Dimensions=[{"Name": "FunctionName", "Value": EXPORT_FUNCTION}], AlarmActions=[topic])
        alarm = cw.describe_alarms(AlarmNames=["aurora-export-failure"])["MetricAlarms"][0]
        return {"name": alarm["AlarmName"], "arn": alarm["AlarmArn"], "state": alarm["StateValue"]}

    # -- what the warehouses answer through the Data API ------------------------------------
    def warehouse_rows(self) -> None:
        """The rows shiftops' statements get from the two warehouses: the integration views from the
        Zero-ETL target (the workgroup), WLM, loads and tables from the provisioned cluster. They are
        the fleet's own registrations, so a test's registrations for the same SQL win."""
        ids = {t["name"]: t["integration"]["id"] for t in self.out["tenants"] if t.get("integration")}
        ago = lambda minutes: (self.now - dt.timedelta(minutes=minutes)).timestamp()  # noqa: E731
        text = lambda *names: [{"name": n, "type": "varchar"} for n in names]  # noqa: E731

        def rows(pattern: str, columns: list[dict], data: list[list], target: dict) -> None:
            redshift_data.register({"pattern": pattern, "columns": columns, "rows": data, **target}, fleet=True)

        on_workgroup, on_cluster = {"workgroup": WORKGROUP}, {"cluster": CLUSTER}
        rows(r"(?i)from\s+svv_integration_table_state\b",
             text("integration_id", "schema_name", "table_name", "table_state", "reason"),
             [[ids["tenant_a"], "tenant_a", table, "Failed", "Table has no primary key"]
              for table in ("order_items", "orders")], on_workgroup)
        rows(r"(?i)from\s+sys_load_error_detail\b",
             text("schema_name", "table_name", "file_name") + [{"name": "line_number", "type": "int8"}]
             + text("column_name", "error_message") + [{"name": "start_time", "type": "timestamp"}],
             [["tenant_b", "orders", "s3://tenant-b-snapshots/tenant_b/orders/part-0000.parquet", line, column,
               message, ago(6)] for line, column, message in (
                 (17, "order_id", "Invalid digit, Value 'N/A', Pos 0, Type: Integer"),
                 (42, "order_id", "Invalid digit, Value 'N/A', Pos 0, Type: Integer"),
                 (58, "amount", "Overflow for NUMERIC(12,2), Value '1e21'"))], on_cluster)
        rows(r"(?i)from\s+sys_load_history\b",
             text("data_source", "table_name") + [{"name": "last_copy_at", "type": "timestamp"},
                                                  {"name": "last_clean_at", "type": "timestamp"},
                                                  {"name": "loaded_rows", "type": "int8"}],
             [[f"s3://tenant-b-snapshots/tenant_b/{table}/", table, ago(6), ago(6) if table != "orders" else ago(1446),
               loaded] for table, loaded in (("users", 1200), ("orders", 18250), ("products", 310))], on_cluster)
        rows(r"(?i)from\s+stv_wlm_service_class_config\s+c\s+left\s+join\b",
             text("queue") + [{"name": "queued", "type": "int8"}, {"name": "running", "type": "int8"},
                              {"name": "max_wait_seconds", "type": "float8"}],
             [["adhoc", 1, 3, 0.2], ["admin", 0, 1, 0.0], ["batch", 14, 5, 4.2]], on_cluster)
        rows(r"(?i)from\s+stv_inflight\s+i\s+join\b",
             [{"name": "pid", "type": "int8"}] + text("queue", "user_name", "state")
             + [{"name": "started_at", "type": "timestamp"}] + text("sql") + [{"name": "sql_pieces", "type": "int8"}],
             [[1073815001, "batch", "elt_stepfunctions", "Running", ago(3),
               "COPY tenant_b.orders FROM 's3://tenant-b-snapshots/tenant_b/orders/'", 1],
              [1073815002, "adhoc", "adhoc_user", "Running", ago(1), "SELECT COUNT(*) FROM mart.orders", 1]], on_cluster)
        rows(r"(?i)from\s+svv_table_info\s+order\s+by\b",
             text("schema_name", "table_name") + [{"name": n, "type": t} for n, t in (
                 ("size_mb", "int8"), ("tbl_rows", "float8"), ("skew_rows", "float8"), ("unsorted", "float8"),
                 ("stats_off", "float8"), ("total_size_mb", "int8"))],
             [["tenant_a", "orders", 584, 5_099_746.0, 1.03, 14.6, 11.7, 412_160],
              ["tenant_b", "orders", 333, 2_911_759.0, 1.11, 6.6, 4.8, 412_160],
              ["tenant_c", "orders", 714, 6_240_905.0, 1.32, 16.2, 0.7, 412_160]], on_cluster)

    # -- CloudWatch ---------------------------------------------------------------------
    def metrics(self) -> None:
        cw = self.central("cloudwatch")
        minutes = list(range(60, -1, -1))  # 60 minutes ago .. now
        def at(m: int) -> dt.datetime:
            return self.now - dt.timedelta(minutes=m)

        def put(namespace: str, name: str, dims: dict, values: list[float], unit: str) -> None:
            data = [{"MetricName": name, "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                     "Timestamp": at(m), "Value": float(v), "Unit": unit} for m, v in zip(minutes, values)]
            for i in range(0, len(data), 500):
                cw.put_metric_data(Namespace=namespace, MetricData=data[i:i + 500])

        n = len(minutes)
        ramp = lambda lo, hi: [round(lo + (hi - lo) * i / (n - 1), 2) for i in range(n)]  # noqa: E731
        wave = lambda base, amp: [base + amp * ((i % 6) - 3) / 3 for i in range(n)]  # noqa: E731
        cluster = {"ClusterIdentifier": CLUSTER}
        # WLMQueueWaitTime is in milliseconds ("Units: Milliseconds", Amazon Redshift metrics,
        # https://docs.aws.amazon.com/redshift/latest/mgmt/metrics-listing.html): batch's queries
        # wait from 0.4 s to 4.2 s, as STV_WLM_QUERY_STATE says of the longest one now.
        queues = {"batch": (ramp(3, 14), [5] * n, ramp(400, 4200)),
                  "adhoc": (wave(1, 1), wave(3, 1), wave(200, 100)),
                  "admin": ([0] * n, [1] * n, [0] * n)}
        for queue, (length, running, wait) in queues.items():
            dims = {**cluster, "QueueName": queue}
            put("AWS/Redshift", "WLMQueueLength", dims, length, "Count")
            put("AWS/Redshift", "WLMRunningQueries", dims, running, "Count")
            put("AWS/Redshift", "WLMQueueWaitTime", dims, wait, "Milliseconds")
        put("AWS/Redshift", "PercentageDiskSpaceUsed", cluster, ramp(70.5, 72.0), "Percent")
        # The week before that hour, one datapoint an hour: the disk filled from 67.5 % (the trend).
        week = [{"MetricName": "PercentageDiskSpaceUsed", "Dimensions": [{"Name": "ClusterIdentifier", "Value": CLUSTER}],
                 "Timestamp": self.now - dt.timedelta(hours=h), "Value": round(67.5 + 3.0 * (168 - h) / 166, 2),
                 "Unit": "Percent"} for h in range(168, 1, -1)]
        cw.put_metric_data(Namespace="AWS/Redshift", MetricData=week)
        put("AWS/Redshift", "ConcurrencyScalingActiveClusters", cluster, [1 if 20 <= i < 45 else 0 for i in range(n)],
            "Count")
        put("Custom/DPC", "ELTExecutionDelay", {"Environment": "prod"}, ramp(25, 40), "None")
        # As the seed's ELT publishes them: the fleet's figure with Environment=prod, and each
        # tenant's with Environment=prod and Tenant (a metric is its exact dimension set).
        per_tenant = {t: [3 if t == "tenant_b" and i == n - 6 else 0 for i in range(n)]
                      for t in ("tenant_a", "tenant_b", "tenant_c")}
        for tenant, errors in per_tenant.items():
            put("Custom/DPC", "CopyErrorCount", {"Environment": "prod", "Tenant": tenant}, errors, "Count")
        put("Custom/DPC", "CopyErrorCount", {"Environment": "prod"}, [sum(v) for v in zip(*per_tenant.values())],
            "Count")
        put("Custom/DPC", "WLMAttemptedQueries", {"Environment": "prod"}, [120] * n, "Count")
        put("Custom/DPC", "WLMRejectedQueries", {"Environment": "prod"}, [1 if i % 10 == 0 else 0 for i in range(n)],
            "Count")
        for tenant in self.out["tenants"]:
            integ = tenant.get("integration")
            if integ:
                lag = ramp(900, 2400) if integ["status"] != "active" else wave(30, 10)
                put("AWS/Redshift", "IntegrationLag", {"IntegrationId": integ["id"]}, lag, "Seconds")
        for fn in ("aurora-snapshot-export", "redshift-copy-orchestrator"):
            put("AWS/Lambda", "Errors", {"FunctionName": fn}, [0] * n, "Count")
        self.out["metrics"] = {
            "period_seconds": 60, "points": n, "end": self.now.isoformat(),
            "integration_lag": {"namespace": "AWS/Redshift", "metric": "IntegrationLag", "dimension": "IntegrationId",
                                "unit": "Seconds"},
        }

    def alarms(self) -> None:
        cw = self.central("cloudwatch")
        common = {"AlarmActions": [ALERTS_TOPIC], "OKActions": [ALERTS_TOPIC], "TreatMissingData": "notBreaching"}

        def metric(name: str, namespace: str, metric_name: str, dims: dict, stat: str, period: int, periods: int,
                   threshold: float, op: str, description: str) -> None:
            cw.put_metric_alarm(AlarmName=name, AlarmDescription=description, Namespace=namespace,
                                MetricName=metric_name, Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()],
                                Statistic=stat, Period=period, EvaluationPeriods=periods, DatapointsToAlarm=periods,
                                Threshold=threshold, ComparisonOperator=op, **common)

        metric("Alert-ELT-Delay", "Custom/DPC", "ELTExecutionDelay", {"Environment": "prod"}, "Maximum", 300, 2, 90,
               "GreaterThanThreshold", "ELT delay over 90 minutes for 2 datapoints")
        metric("Alert-COPY-Error", "Custom/DPC", "CopyErrorCount", {"Environment": "prod", "Tenant": "tenant_b"}, "Sum",
               300, 1, 1,
               "GreaterThanOrEqualToThreshold", "COPY errors (stl_load_errors) for tenant_b")
        metric("Alert-Storage-High", "AWS/Redshift", "PercentageDiskSpaceUsed", {"ClusterIdentifier": CLUSTER},
               "Average", 300, 3, 80, "GreaterThanThreshold", "Disk space used over 80% for 3 datapoints")
        metric("Alert-WLM-Queue", "AWS/Redshift", "WLMQueueLength", {"ClusterIdentifier": CLUSTER, "QueueName": "batch"},
               "Average", 300, 2, 10, "GreaterThanThreshold", "batch queue length over 10 for 10 minutes")
        cw.put_metric_alarm(
            AlarmName="Alert-Query-Failure", AlarmDescription="Rejected / attempted queries over 5% in an hour",
            EvaluationPeriods=1, Threshold=0.05, ComparisonOperator="GreaterThanThreshold", Metrics=[
                {"Id": "failure_rate", "Expression": "rejected / attempted", "Label": "Query failure rate",
                 "ReturnData": True},
                {"Id": "rejected", "ReturnData": False, "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
                    "Namespace": "Custom/DPC", "MetricName": "WLMRejectedQueries",
                    "Dimensions": [{"Name": "Environment", "Value": "prod"}]}}},
                {"Id": "attempted", "ReturnData": False, "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
                    "Namespace": "Custom/DPC", "MetricName": "WLMAttemptedQueries",
                    "Dimensions": [{"Name": "Environment", "Value": "prod"}]}}},
            ], **common)
        metric("aurora-export-failure", "AWS/Lambda", "Errors", {"FunctionName": "aurora-snapshot-export"}, "Sum", 300,
               1, 1, "GreaterThanOrEqualToThreshold", "Aurora snapshot export failure")
        metric("redshift-copy-failure", "AWS/Lambda", "Errors", {"FunctionName": "redshift-copy-orchestrator"}, "Sum",
               300, 1, 1, "GreaterThanOrEqualToThreshold", "Redshift COPY operation failure")
        cw.put_composite_alarm(
            AlarmName="Pipeline-Degraded", AlarmDescription="The ELT is late or a load path is failing",
            AlarmRule='ALARM("Alert-ELT-Delay") OR ALARM("aurora-export-failure") OR ALARM("redshift-copy-failure")',
            AlarmActions=[ALERTS_TOPIC])
        cw.set_alarm_state(
            AlarmName="Alert-COPY-Error", StateValue="ALARM",
            StateReason="Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold (1.0).",
            StateReasonData=json.dumps({"version": "1.0", "queryDate": self.now.isoformat(), "statistic": "Sum",
                                        "period": 300, "recentDatapoints": [3.0], "threshold": 1.0}))
        cw.set_alarm_state(
            AlarmName="Alert-WLM-Queue", StateValue="ALARM",
            StateReason="Threshold Crossed: 2 datapoints [13.5, 12.6] were greater than the threshold (10.0).",
            StateReasonData=json.dumps({"version": "1.0", "queryDate": self.now.isoformat(), "statistic": "Average",
                                        "period": 300, "recentDatapoints": [13.5, 12.6], "threshold": 10.0}))
        found = cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"], MaxRecords=100)
        self.out["alarms"] = [{"name": a["AlarmName"], "arn": a["AlarmArn"], "state": a["StateValue"]}
                              for a in found["MetricAlarms"] + found["CompositeAlarms"]]

    # -- Step Functions -----------------------------------------------------------------
    def elt(self) -> None:
        self.moto_config({"stepfunctions": {"execute_state_machine": True}})
        queue_url = self.central("sqs").create_queue(QueueName="daily-elt-copy-tasks")["QueueUrl"]
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                 "Principal": {"Service": "states.amazonaws.com"}}]}
        role = self.central("iam").create_role(RoleName="daily-elt-sfn-role",
                                               AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        sfn = self.central("stepfunctions")
        machine = sfn.create_state_machine(name=STATE_MACHINE, roleArn=role,
                                           definition=json.dumps(elt_definition(queue_url)))["stateMachineArn"]
        executions = []
        for name, failing in ((RUN_OK, None), (RUN_FAILED, "tenant_b")):
            arn = sfn.start_execution(stateMachineArn=machine, name=name,
                                      input=json.dumps({"run_date": name[10:18], "schedule": "cron(0 6 * * ? *)"}))[
                "executionArn"]
            self.copy_worker(queue_url, arn, failing)
            executions.append({"name": name, "arn": arn, "status": sfn.describe_execution(executionArn=arn)["status"]})
        self.out["state_machine"] = {"name": STATE_MACHINE, "arn": machine, "copy_queue_url": queue_url}
        self.out["executions"] = executions

    def copy_worker(self, queue_url: str, execution_arn: str, failing: str | None) -> None:
        """Answer the COPY tasks of one execution, as the COPY Lambda would, until it stops."""
        sqs, sfn = self.central("sqs"), self.central("stepfunctions")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if sfn.describe_execution(executionArn=execution_arn)["status"] != "RUNNING":
                return
            for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
                body = json.loads(message["Body"])
                if body["tenant"] == failing:
                    sfn.send_task_failure(taskToken=body["taskToken"], error="Redshift.LoadError",
                                          cause=COPY_ERROR_CAUSE)
                else:
                    sfn.send_task_success(taskToken=body["taskToken"],
                                          output=json.dumps({"tenant": body["tenant"], "rows_loaded": 18250}))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            time.sleep(0.05)
        raise RuntimeError(f"seed: execution {execution_arn} did not finish")

    def moto_config(self, config: dict) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/config", data=json.dumps(config).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    # -- CloudWatch Logs ----------------------------------------------------------------
    def logs(self) -> None:
        logs = self.central("logs")
        logs.create_log_group(logGroupName=LOG_GROUP)
        logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=LOG_STREAM)
        events = [{"timestamp": int((self.now - dt.timedelta(minutes=58 - 2 * i)).timestamp() * 1000), "message": m}
                  for i, m in enumerate(log_messages())]
        logs.put_log_events(logGroupName=LOG_GROUP, logStreamName=LOG_STREAM, logEvents=events)
        arn = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"][0]["arn"]
        self.out["log_group"] = {"name": LOG_GROUP, "arn": arn, "stream": LOG_STREAM, "events": len(events),
                                 "error_events": sum("ERROR" in e["message"] for e in events)}


def elt_definition(queue_url: str) -> dict:
    def copy(tenant: str, nxt: str) -> dict:
        return {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Comment": f"COPY {tenant}'s export from S3 into Redshift (answered by the COPY worker)",
                "Parameters": {"QueueUrl": queue_url, "MessageBody": {
                    "tenant": tenant, "run.$": "$$.Execution.Name", "taskToken.$": "$$.Task.Token"}},
                "ResultPath": f"$.copy.{tenant}", "TimeoutSeconds": 3600, "Next": nxt}

    return {
        "Comment": "Daily ELT 06:00: COPY each tenant's export, dbt run, dbt test, ANALYZE",
        "StartAt": "COPY tenant_a",
        "States": {
            "COPY tenant_a": copy("tenant_a", "COPY tenant_b"),
            "COPY tenant_b": copy("tenant_b", "COPY tenant_c"),
            "COPY tenant_c": copy("tenant_c", "dbt run"),
            "dbt run": {"Type": "Pass", "Result": {"models": 42, "status": "success"}, "ResultPath": "$.dbt_run",
                        "Next": "dbt test"},
            "dbt test": {"Type": "Pass", "Result": {"tests": 118, "failures": 0}, "ResultPath": "$.dbt_test",
                         "Next": "ANALYZE"},
            "ANALYZE": {"Type": "Pass", "Result": {"analyzed": ["mart.orders", "mart.users"]},
                        "ResultPath": "$.analyze", "End": True},
        },
    }


def log_messages() -> list[str]:
    ok = "INFO: COPY {t}.{tbl} from 's3://{b}/{t}/{tbl}/' loaded {n} rows"
    messages = []
    for t, b in (("tenant_a", "tenant-a-snapshots"), ("tenant_b", "tenant-b-snapshots"), ("tenant_c", "tenant-c-snapshots")):
        for tbl, n in (("users", 1200), ("orders", 18250), ("products", 310)):
            if t == "tenant_b" and tbl == "orders":
                messages.append("ERROR: Load into table 'orders' failed. Check 'stl_load_errors' system table for "
                                "details. (tenant_b, query 918273)")
            else:
                messages.append(ok.format(t=t, tbl=tbl, b=b, n=n))
    messages += [
        "INFO: Step Functions execution daily-elt-20261121-0600 started",
        "ERROR: stl_load_errors: line 17, column order_id, Invalid digit, Value 'N/A', Pos 0, Type: Integer",
        "ERROR: stl_load_errors: line 42, column order_id, Invalid digit, Value 'N/A', Pos 0, Type: Integer",
        "ERROR: stl_load_errors: line 58, column amount, Overflow for NUMERIC(12,2), Value '1e21'",
        "WARN: WLM queue batch waiting 14 queries (queue length above 10)",
        "INFO: dbt run started: 42 models",
        "INFO: dbt run finished: PASS=42 WARN=0 ERROR=0 SKIP=0",
        "INFO: dbt test started: 118 tests",
        "ERROR: dbt test failed: not_null_mart_orders_order_id (3 failures)",
        "INFO: dbt test finished: PASS=117 WARN=0 ERROR=1",
        "INFO: ANALYZE mart.orders completed",
        "INFO: ANALYZE mart.users completed",
        "INFO: VACUUM DELETE ONLY mart.orders skipped (unsorted 2%)",
        "ERROR: COPY tenant_b.orders aborted: 3 rows rejected (MAXERROR 0)",
        "INFO: Zero-ETL integration tenant-c-to-central-integration lag 31 s",
        "WARN: Zero-ETL integration tenant-a-to-central-integration needs attention: IntegrationTablesFailed",
        "INFO: concurrency scaling cluster attached to queue batch",
        "INFO: concurrency scaling cluster detached",
        "INFO: user adhoc_user query 918400 finished in 12.3 s",
        "INFO: user adhoc_user query 918401 finished in 4.1 s",
        "INFO: Step Functions execution daily-elt-20261121-0600 FAILED at COPY tenant_b (Redshift.LoadError)",
    ]
    return messages
