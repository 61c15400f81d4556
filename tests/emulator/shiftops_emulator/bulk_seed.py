"""Fleets of hundreds or thousands of tenant accounts, seeded server-side in a second or two.

`POST /_shiftops/seed/bulk` creates, directly in moto's backends and our extension stores (no
HTTP round trip per resource), for each of `accounts` accounts `tenants_per_account` tenants:
an Aurora MySQL cluster `tenant-NNNN-mysql`, and then, alternating, a Zero-ETL integration
`tenant-NNNN-to-central-integration` (active, into the standard fleet's Serverless namespace
`multitenant-analytics`, by its real ARN, so DescribeInboundIntegrations finds it there) or, for
every `export_every`-th tenant (`0`: none, an all-Zero-ETL fleet; the namespace's SVV_INTEGRATION lists
each integration, `svv_integration.py`), a manual cluster snapshot and a
COMPLETE export task to bucket
`tenant-NNNN-snapshots`, prefix `tenant_NNNN/`. Tenant numbers run from `first_tenant` (default
1); account ids are consecutive from `first_account` (default 100000000000). Roles need no
creating: moto's AssumeRole accepts any role of any account, and the credentials it hands out
belong to that account. Request counts are untouched (control endpoints are not counted).

The answer lists the tenants as the config needs them:
`{"tenants": [{"name", "account_id", "role_arn", "cluster", "path", "integration" | "bucket" +
"prefix"}], "accounts": [...], "seconds": 0.8}`.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from moto.rds.models import rds_backends

from . import DEFAULT_REGION, redshift_serverless
from .rds_integrations import STORE as INTEGRATIONS
from .moto_ext import utcnow

ROLE = "ShiftopsReadOnly"
CENTRAL = "999999999999"
NAMESPACE = "multitenant-analytics"


def seed_bulk(payload: dict) -> dict:
    started = time.monotonic()
    accounts = int(payload.get("accounts", 10))
    per_account = int(payload.get("tenants_per_account", 100))
    first_account = int(payload.get("first_account", 100_000_000_000))
    first_tenant = int(payload.get("first_tenant", 1))
    export_every = int(payload.get("export_every", 2))
    region = payload.get("region", DEFAULT_REGION)
    target = redshift_serverless.namespace_arn(CENTRAL, region, NAMESPACE)
    if target is None:
        raise ValueError(f"seed the standard fleet first: its namespace {NAMESPACE} is the integrations' target")
    if not (1 <= accounts <= 10_000 and 1 <= per_account <= 10_000 and accounts * per_account <= 20_000):
        raise ValueError("accounts × tenants_per_account must be between 1 and 20,000")
    tenants: list[dict[str, Any]] = []
    account_ids = []
    number = first_tenant
    for a in range(accounts):
        account = f"{first_account + a:012d}"
        account_ids.append(account)
        rds = rds_backends[account][region]
        for _ in range(per_account):
            export = export_every > 0 and number % export_every == 0
            tenants.append(_tenant(rds, account, region, number, export, target))
            number += 1
    return {"accounts": account_ids, "tenants": tenants, "seconds": round(time.monotonic() - started, 3)}


def _tenant(rds: Any, account: str, region: str, number: int, export: bool, target: str) -> dict:
    name = f"tenant_{number:04d}"
    cluster = f"tenant-{number:04d}-mysql"
    created = rds.create_db_cluster({
        "db_cluster_identifier": cluster, "engine": "aurora-mysql", "engine_version": "8.0.mysql_aurora.3.05.2",
        "master_username": "admin", "master_user_password": "Passw0rd-not-secret", "database_name": name,
    })
    tenant: dict[str, Any] = {"name": name, "account_id": account, "role_arn": f"arn:aws:iam::{account}:role/{ROLE}",
                              "cluster": cluster, "path": "export" if export else "zero-etl"}
    if export:
        bucket, prefix = f"tenant-{number:04d}-snapshots", f"tenant_{number:04d}/"
        snapshot = rds.create_db_cluster_snapshot(cluster, f"{cluster}-snapshot-20261121-021500")
        arn = getattr(snapshot, "snapshot_arn", None) or \
            f"arn:aws:rds:{region}:{account}:cluster-snapshot:{cluster}-snapshot-20261121-021500"
        rds.start_export_task({
            "export_task_identifier": f"{cluster}-export-20261121-021500", "source_arn": arn,
            "s3_bucket_name": bucket, "s3_prefix": prefix,
            "iam_role_arn": f"arn:aws:iam::{account}:role/RDSExportServiceRole",
            "kms_key_id": f"arn:aws:kms:{region}:{account}:key/{uuid.uuid4()}",
        })
        tenant.update(bucket=bucket, prefix=prefix)
    else:
        integration = f"tenant-{number:04d}-to-central-integration"
        ident = str(uuid.uuid4())
        INTEGRATIONS[account][region].items[ident] = {
            "IntegrationName": integration,
            "IntegrationArn": f"arn:aws:rds:{region}:{account}:integration:{ident}",
            "SourceArn": created.db_cluster_arn, "TargetArn": target, "Status": "active", "Errors": [],
            "CreateTime": utcnow(), "DataFilter": f"include:{name}.*.*", "Description": None,
            "KMSKeyId": f"arn:aws:kms:{region}:{account}:key/{uuid.uuid4()}",
            "AdditionalEncryptionContext": None, "Tags": [],
        }
        tenant["integration"] = integration
    return tenant
