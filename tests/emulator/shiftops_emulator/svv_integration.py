"""SVV_INTEGRATION as a warehouse answers it: one row per Zero-ETL integration into that warehouse.

AWS's view "displays details about the configuration of integrations": `integration_id`, `source`,
`state` ("Possible values are PendingDbConnectState, SchemaDiscoveryState, CdcRefreshState and
ErrorState"), `current_lag` ("The current lag time between the source and target of the
integration in milliseconds"), `total_tables_replicated`, `total_tables_failed`, `creation_time` …
(https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION.html). So the emulator derives it
from the integrations it holds (`rds_integrations.py`, any account) whose `TargetArn` is the
queried warehouse's namespace — a workgroup's namespace, or a cluster's `ClusterNamespaceArn` —
instead of rows a test registers: an integration staged `failed` reads `ErrorState` here too.

The state follows the integration's Status; no AWS page maps one onto the other, so the mapping
is ours: `creating` → PendingDbConnectState, `syncing` → SchemaDiscoveryState, `active` and
`modifying` → CdcRefreshState, `failed` and `needs_attention` → ErrorState. An integration
`deleting` is no longer listed. `current_lag` is what `set_lag` staged, else 1,000 ms once CDC
runs, and NULL before (no change has been replicated yet).

A statement's select list is honoured as far as `<column> AS <alias>` and `TRIM(<column>) AS
<alias>` (what shiftops sends); `SELECT *` gives every column served. A statement with a WHERE
clause is not interpreted: it gets what is registered for it. A test's own registration
for the same SQL still wins (`redshift_data._match`). AWS pages a result by its size (up to 100 MB a
result set, https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-troubleshooting.html), not
by a count of rows: rows of this view are some 100 bytes, so the emulator serves up to 10,000 of
them in one page.
"""

from __future__ import annotations

import re
from typing import Any

from moto.redshift.models import redshift_backends

from . import rds_integrations, redshift_clusters, redshift_serverless

STATES = {
    "creating": "PendingDbConnectState",
    "syncing": "SchemaDiscoveryState",
    "active": "CdcRefreshState",
    "modifying": "CdcRefreshState",
    "failed": "ErrorState",
    "needs_attention": "ErrorState",
}
STEADY_LAG_MS = 1_000
PAGE_ROWS = 10_000
# Lags staged by tests and the seed, by integration ARN.
LAGS: dict[str, int | None] = {}

_READS = re.compile(r"(?is)\bfrom\s+svv_integration\b(?!_)")
_COLUMNS = [
    ("integration_id", "varchar"), ("source", "varchar"), ("state", "varchar"), ("current_lag", "int8"),
    ("total_tables_replicated", "int4"), ("total_tables_failed", "int4"), ("creation_time", "timestamp"),
]


def set_lag(integration_arn: str, lag_ms: int | None) -> None:
    LAGS[integration_arn] = lag_ms


def _namespace_of(account: str, region: str, target: dict) -> str | None:
    if target.get("WorkgroupName"):
        workgroup = redshift_serverless.STORE[account][region].workgroups.get(target["WorkgroupName"])
        if workgroup is None:
            return None
        return redshift_serverless.namespace_arn(account, region, workgroup.get("namespaceName", ""))
    cluster = (target.get("ClusterIdentifier") or "").lower()
    if cluster in {c.lower() for c in redshift_backends[account][region].clusters}:
        return redshift_clusters.namespace_arn(account, region, cluster)
    return None


def _row(integration: dict) -> dict[str, Any] | None:
    state = STATES.get(integration["Status"])
    if state is None:
        return None
    arn = integration["IntegrationArn"]
    default = STEADY_LAG_MS if state in ("CdcRefreshState", "ErrorState") else None
    return {
        "integration_id": arn.rsplit(":", 1)[-1], "source": "MySQL", "state": state,
        "current_lag": LAGS.get(arn, default), "total_tables_replicated": 0, "total_tables_failed": 0,
        "creation_time": integration["CreateTime"].timestamp(),
    }


def _selected(sql: str) -> list[tuple[str, str]]:
    """(alias, column) of each selected column, or every column for `SELECT *`."""
    listed = re.search(r"(?is)^\s*select\s+(.*?)\s+from\s", sql)
    if listed is None or listed.group(1).strip() == "*":
        return [(name, name) for name, _ in _COLUMNS]
    picked = []
    for item in listed.group(1).split(","):
        match = re.fullmatch(r"(?is)\s*(?:trim\()?\s*(\w+)\s*\)?\s*(?:as\s+(\w+))?\s*", item)
        if match is None:
            return [(name, name) for name, _ in _COLUMNS]
        picked.append(((match.group(2) or match.group(1)).lower(), match.group(1).lower()))
    return picked


def answer(sql: str, account: str, region: str, target: dict) -> dict | None:
    """A registration-like answer for a statement reading SVV_INTEGRATION, else None."""
    if not _READS.search(sql or "") or re.search(r"(?i)\bwhere\b", sql):
        return None
    namespace = _namespace_of(account, region, target)
    found = [] if namespace is None else [
        i for regions in list(rds_integrations.STORE.values()) for store in list(regions.values())
        for i in list(store.items.values()) if i["TargetArn"] == namespace
    ]
    found.sort(key=lambda i: i["CreateTime"])
    rows = [row for row in map(_row, found) if row is not None]
    types = dict(_COLUMNS)
    selected = _selected(sql)
    return {
        "pattern": _READS.pattern, "error": None, "page_size": PAGE_ROWS,
        "columns": [{"name": alias, "type": types.get(column, "varchar")} for alias, column in selected],
        "rows": [[row.get(column) for _, column in selected] for row in rows],
    }
