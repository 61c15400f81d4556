"""The Redshift Data API, rebuilt on moto's handler class, with injectable results.

moto 5.2.5's Redshift Data API cannot serve the Rust SDK: it returns ISO date strings
where the model has epoch numbers, a boolean `nullable` where an integer is expected,
leaves statements STARTED forever, has no workgroup mode, no BatchExecuteStatement
or ListStatements, and always returns the same three made-up rows. Every operation
is therefore answered here (still through moto's response class and serializer, so
field names and types follow botocore's model):

ExecuteStatement and BatchExecuteStatement (cluster mode: ClusterIdentifier with DbUser
or SecretArn; serverless mode: WorkgroupName), DescribeStatement (HasResultSet,
ResultRows, ResultSize, Duration in ns, QueryString, SubStatements for batches),
GetStatementResult (paged, TotalNumRows), ListStatements, CancelStatement.

As strict as AWS about the target: a ClusterIdentifier that moto's Redshift has no cluster of,
or a WorkgroupName our Serverless module has no workgroup of (in the caller's account and
region), is refused before anything runs (see `_check_target`). And a statement that names a
system relation or column the target's warehouse type does not have ends FAILED with Redshift's
error text, whatever is registered (redshift_catalog.py).

Statements finish at once. A statement whose SQL matches a registered result
(`POST /_shiftops/redshift-data/results`: case-insensitive regex, first registration
wins, the same pattern registered again for the same target replaces it; a registration may
name a `cluster` or a `workgroup`, or a `target` that is either, to apply to that target only) gets its columns and rows, or
ends FAILED with its `error`; other SQL finishes with no result set. Every statement
is recorded (`GET /_shiftops/redshift-data/statements`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
import uuid
from typing import Any

from moto.redshift.models import redshift_backends
from moto.redshiftdata.responses import RedshiftDataAPIServiceResponse

from . import redshift_catalog, redshift_serverless, svv_integration
from .moto_ext import ServiceError, add_action, page, result, store_dict, utcnow

STORE = store_dict("redshift")  # moto keys redshift-data regions by "redshift" too
_LOCK = threading.Lock()
_SEQUENCE = itertools.count(1)
REGISTRATIONS: list[dict] = []

STRING_TYPES = {"varchar", "char", "text", "bpchar", "character varying", "character", "name", "super"}
LONG_TYPES = {"int2", "int4", "int8", "bigint", "integer", "int", "smallint"}
DOUBLE_TYPES = {"float4", "float8", "numeric", "double", "double precision", "real", "float", "decimal"}
BOOL_TYPES = {"bool", "boolean"}
TIME_TYPES = {"timestamp", "timestamptz", "date", "time", "timetz"}


def install() -> None:
    cls = RedshiftDataAPIServiceResponse
    for name in ("execute_statement", "batch_execute_statement", "describe_statement", "get_statement_result",
                 "list_statements", "cancel_statement"):
        add_action(cls, name)(globals()[name])


# -- registrations (control endpoint) -------------------------------------------------

def register(spec: dict, fleet: bool = False) -> dict:
    """Registers a result. The standard fleet's registrations (`fleet`) answer only SQL that no
    registration made through the control endpoint matches, so a test's own rows always win."""
    pattern = spec.get("pattern")
    if not pattern:
        raise ValueError("pattern is required")
    re.compile(pattern)
    entry = {
        "pattern": pattern,
        "columns": [c if isinstance(c, dict) else {"name": str(c), "type": "varchar"} for c in spec.get("columns", [])],
        "rows": spec.get("rows", []),
        "page_size": int(spec.get("page_size") or 1000),
        "error": spec.get("error"),
        "cluster": spec.get("cluster"),
        "workgroup": spec.get("workgroup"),
        "target": spec.get("target"),
        "fleet": fleet,
    }
    if entry["cluster"] and entry["workgroup"]:
        raise ValueError("a registration names a cluster or a workgroup, not both")
    with _LOCK:
        for i, existing in enumerate(REGISTRATIONS):
            if (existing["pattern"], existing["cluster"], existing["workgroup"], existing["target"],
                existing["fleet"]) == (pattern, entry["cluster"], entry["workgroup"], entry["target"], fleet):
                REGISTRATIONS[i] = entry
                break
        else:
            REGISTRATIONS.append(entry)
    return entry


def clear_registrations() -> None:
    with _LOCK:
        REGISTRATIONS.clear()


def _match(sql: str, target: dict, fleet: bool) -> dict | None:
    """The first registration of a test's own (`fleet` False) or of the standard fleet's that
    answers `sql` on `target`."""
    with _LOCK:
        for entry in [e for e in REGISTRATIONS if e["fleet"] == fleet]:
            if entry["cluster"] and entry["cluster"] != target.get("ClusterIdentifier"):
                continue
            if entry["target"] and entry["target"] not in (target.get("ClusterIdentifier"), target.get("WorkgroupName")):
                continue
            if entry["workgroup"] and entry["workgroup"] != target.get("WorkgroupName"):
                continue
            if re.search(entry["pattern"], sql or "", re.IGNORECASE):
                return entry
    return None


def recorded_statements(account_id: str | None = None) -> list[dict]:
    rows = []
    for account, region, store in STORE.iter_backends():
        if account_id and account != account_id:
            continue
        for stmt in store.items.values():
            for sub in stmt["subs"]:
                rows.append((sub["seq"], {
                    "id": sub["Id"], "sql": sub["QueryString"], "database": stmt["Database"],
                    **({"workgroup": stmt["WorkgroupName"]} if stmt.get("WorkgroupName") else
                       {"cluster": stmt.get("ClusterIdentifier")}),
                    "status": sub["Status"], "account_id": account, "region": region,
                }))
    return [row for _, row in sorted(rows, key=lambda r: r[0])]


# -- statements ------------------------------------------------------------------------

def _store(self: RedshiftDataAPIServiceResponse) -> dict:
    return STORE[self.current_account][self.region].items


def _target(self: RedshiftDataAPIServiceResponse) -> dict:
    cluster = self._get_param("ClusterIdentifier")
    workgroup = self._get_param("WorkgroupName")
    database = self._get_param("Database")
    if bool(cluster) == bool(workgroup):
        raise ServiceError("ValidationException", "Either ClusterIdentifier or WorkgroupName must be specified.")
    if not database:
        raise ServiceError("ValidationException", "Database is required.")
    if cluster and not (self._get_param("DbUser") or self._get_param("SecretArn")):
        raise ServiceError("ValidationException", "Either DbUser or SecretArn must be specified with ClusterIdentifier.")
    _check_target(self, cluster, workgroup)
    return {
        "ClusterIdentifier": cluster, "WorkgroupName": workgroup, "Database": database,
        "DbUser": self._get_param("DbUser"), "SecretArn": self._get_param("SecretArn"),
        "DbGroups": self._get_param("DbGroups"), "StatementName": self._get_param("StatementName"),
    }


def _check_target(self: RedshiftDataAPIServiceResponse, cluster: str | None, workgroup: str | None) -> None:
    """The Data API refuses a target that does not exist. For a cluster AWS answers
    `ValidationException` "Redshift endpoint doesn't exist in this region." (as observed and
    reported in https://github.com/aws/aws-cdk/issues/30536). For a workgroup no AWS page gives the
    answer; we choose `ResourceNotFoundException`, which ExecuteStatement and BatchExecuteStatement
    declare for "a missing resource" (botocore redshift-data 2019-12-20 service-2.json,
    https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html#API_ExecuteStatement_Errors)."""
    account, region = self.current_account, self.region
    if cluster and cluster.lower() not in {c.lower() for c in redshift_backends[account][region].clusters}:
        raise ServiceError("ValidationException", "Redshift endpoint doesn't exist in this region.")
    if workgroup and workgroup not in redshift_serverless.workgroup_names(account, region):
        raise ServiceError("ResourceNotFoundException", f"Workgroup {workgroup} not found.")


def _run(sql: str, ident: str, created: dt.datetime, target: dict, account: str, region: str) -> dict:
    """One (sub-)statement, finished at once, with its answer: a test's registration, else what the
    warehouse holds (SVV_INTEGRATION, `svv_integration.py`), else the standard fleet's rows."""
    warehouse = redshift_catalog.SERVERLESS if target.get("WorkgroupName") else redshift_catalog.PROVISIONED
    refusal = redshift_catalog.problem(sql, warehouse)
    reg = {"error": refusal} if refusal else (
        _match(sql, target, fleet=False) or svv_integration.answer(sql, account, region, target)
        or _match(sql, target, fleet=True))
    sub: dict[str, Any] = {
        "Id": ident, "QueryString": sql, "CreatedAt": created, "UpdatedAt": created + dt.timedelta(milliseconds=12),
        "Duration": 12_345_678, "RedshiftQueryId": next(_SEQUENCE) + 100000, "seq": next(_SEQUENCE),
        "HasResultSet": False, "ResultRows": -1, "ResultSize": -1, "Status": "FINISHED", "registration": None,
    }
    if reg and reg["error"]:
        sub.update(Status="FAILED", Error=reg["error"], Duration=0)
    elif reg:
        rows = [list(r) for r in reg["rows"]]
        sub.update(HasResultSet=True, ResultRows=len(rows), ResultSize=len(repr(rows)),
                   registration={**reg, "rows": rows})
    return sub


def _new_statement(self: RedshiftDataAPIServiceResponse, sqls: list[str]) -> dict:
    target = _target(self)
    ident = str(uuid.uuid4())
    created = utcnow()
    batch = len(sqls) > 1 or self._get_action() == "BatchExecuteStatement"
    subs = [_run(sql, f"{ident}:{n}" if batch else ident, created, target, self.current_account, self.region)
            for n, sql in enumerate(sqls, 1)]
    failed = next((s for s in subs if s["Status"] == "FAILED"), None)
    if failed:  # a batch runs as one transaction: later statements never run
        for later in subs[subs.index(failed) + 1:]:
            later.update(Status="ABORTED", HasResultSet=False, registration=None)
    stmt = {
        "Id": ident, **target, "CreatedAt": created, "UpdatedAt": subs[-1]["UpdatedAt"], "batch": batch,
        "subs": subs, "QueryParameters": self._get_param("Parameters"), "RedshiftPid": 1073815000 + subs[0]["seq"],
        "ResultFormat": self._get_param("ResultFormat") or "JSON",
    }
    _store(self)[ident] = stmt
    return stmt


def _created_answer(stmt: dict) -> Any:
    keys = ("Id", "CreatedAt", "ClusterIdentifier", "WorkgroupName", "Database", "DbUser", "DbGroups", "SecretArn")
    return result({k: stmt[k] for k in keys if stmt.get(k) is not None})


def execute_statement(self: RedshiftDataAPIServiceResponse):
    sql = self._get_param("Sql")
    if not sql:
        raise ServiceError("ValidationException", "Sql is required.")
    return _created_answer(_new_statement(self, [sql]))


def batch_execute_statement(self: RedshiftDataAPIServiceResponse):
    sqls = self._get_param("Sqls") or []
    if not sqls:
        raise ServiceError("ValidationException", "Sqls must contain at least one statement.")
    return _created_answer(_new_statement(self, sqls))


def _lookup(self: RedshiftDataAPIServiceResponse, ident: str | None) -> tuple[dict, dict | None]:
    if not ident or not re.match(r"^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$", ident):
        raise ServiceError("ValidationException",
                           "id must satisfy regex pattern: ^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d+)?$")
    parent_id, _, sub_no = ident.partition(":")
    stmt = _store(self).get(parent_id)
    if stmt is None:
        raise ServiceError("ResourceNotFoundException", "Query does not exist.")
    if not sub_no:
        return stmt, None
    sub = next((s for s in stmt["subs"] if s["Id"] == ident), None)
    if sub is None:
        raise ServiceError("ResourceNotFoundException", "Query does not exist.")
    return stmt, sub


def _overall_status(stmt: dict) -> str:
    statuses = [s["Status"] for s in stmt["subs"]]
    for status in ("ABORTED", "FAILED"):
        if status in statuses and (status == "FAILED" or all(s == "ABORTED" for s in statuses)):
            return status
    return "FINISHED" if all(s == "FINISHED" for s in statuses) else statuses[-1]


def _sub_view(sub: dict) -> dict:
    keys = ("Id", "QueryString", "CreatedAt", "UpdatedAt", "Duration", "Status", "Error", "RedshiftQueryId",
            "HasResultSet", "ResultRows", "ResultSize")
    return {k: sub[k] for k in keys if sub.get(k) is not None}


def describe_statement(self: RedshiftDataAPIServiceResponse):
    stmt, sub = _lookup(self, self._get_param("Id"))
    view = {k: stmt[k] for k in ("ClusterIdentifier", "WorkgroupName", "Database", "DbUser", "SecretArn",
                                 "QueryParameters", "RedshiftPid", "ResultFormat") if stmt.get(k) is not None}
    if sub is not None:
        view.update(_sub_view(sub))
        return result(view)
    subs = stmt["subs"]
    view.update(
        Id=stmt["Id"], CreatedAt=stmt["CreatedAt"], UpdatedAt=stmt["UpdatedAt"], Status=_overall_status(stmt),
        Duration=sum(s["Duration"] for s in subs), RedshiftQueryId=subs[-1]["RedshiftQueryId"],
        HasResultSet=any(s["HasResultSet"] for s in subs),
        ResultRows=sum(max(s["ResultRows"], 0) for s in subs) if any(s["HasResultSet"] for s in subs) else -1,
        ResultSize=sum(max(s["ResultSize"], 0) for s in subs) if any(s["HasResultSet"] for s in subs) else -1,
    )
    if stmt["batch"]:
        view["QueryString"] = "; ".join(s["QueryString"] for s in subs)
        view["SubStatements"] = [_sub_view(s) for s in subs]
    else:
        view["QueryString"] = subs[0]["QueryString"]
        if subs[0].get("Error"):
            view["Error"] = subs[0]["Error"]
    return result(view)


def get_statement_result(self: RedshiftDataAPIServiceResponse):
    stmt, sub = _lookup(self, self._get_param("Id"))
    if sub is None:
        if stmt["batch"]:
            raise ServiceError("ValidationException",
                               "Statement is a batch; use the Id of one of its SubStatements (<id>:<n>).")
        sub = stmt["subs"][0]
    if sub["Status"] == "FAILED":
        raise ServiceError("ValidationException", f"Query failed: {sub.get('Error')}")
    reg = sub["registration"]
    if not sub["HasResultSet"] or reg is None:
        raise ServiceError("ResourceNotFoundException",
                           "Query does not have result. Please check query status with DescribeStatement.")
    rows, token = page(reg["rows"], self._get_param("NextToken"), reg["page_size"], reg["page_size"])
    columns = reg["columns"]
    out: dict[str, Any] = {
        "ColumnMetadata": [_column(c) for c in columns],
        "Records": [[_field(value, columns[i] if i < len(columns) else {}) for i, value in enumerate(row)]
                    for row in rows],
        "TotalNumRows": len(reg["rows"]),
    }
    if token:
        out["NextToken"] = token
    return result(out)


def _column(col: dict) -> dict:
    kind = str(col.get("type", "varchar")).lower()
    return {
        "name": col["name"], "label": col["name"], "typeName": kind,
        "nullable": 1 if col.get("nullable", True) else 0,
        "isCaseSensitive": kind in STRING_TYPES, "isCurrency": False,
        "isSigned": kind in LONG_TYPES or kind in DOUBLE_TYPES,
        "precision": int(col.get("precision", 256 if kind in STRING_TYPES else 19 if kind in LONG_TYPES else 0)),
        "scale": int(col.get("scale", 0)), "length": 0,
        "schemaName": col.get("schema", ""), "tableName": col.get("table", ""),
    }


def _field(value: Any, col: dict) -> dict:
    kind = str(col.get("type", "varchar")).lower()
    if value is None:
        return {"isNull": True}
    if kind in LONG_TYPES:
        return {"longValue": int(value)}
    if kind in DOUBLE_TYPES:
        return {"doubleValue": float(value)}
    if kind in BOOL_TYPES:
        return {"booleanValue": value if isinstance(value, bool) else str(value).lower() in ("true", "t", "1")}
    if kind in TIME_TYPES and isinstance(value, (int, float)):
        return {"stringValue": dt.datetime.fromtimestamp(value, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")}
    if isinstance(value, bool):
        return {"booleanValue": value}
    return {"stringValue": str(value)}


def list_statements(self: RedshiftDataAPIServiceResponse):
    status = self._get_param("Status") or "ALL"
    name = self._get_param("StatementName")
    items = sorted(_store(self).values(), key=lambda s: s["CreatedAt"], reverse=True)
    for key in ("Database", "ClusterIdentifier", "WorkgroupName"):
        wanted = self._get_param(key)
        if wanted:
            items = [s for s in items if s.get(key) == wanted]
    if name:
        items = [s for s in items if (s.get("StatementName") or "").startswith(name)]
    if status != "ALL":
        items = [s for s in items if _overall_status(s) == status]
    chunk, token = page(items, self._get_param("NextToken"), self._get_param("MaxResults"), 100)
    out: dict[str, Any] = {"Statements": [_list_item(s) for s in chunk]}
    if token:
        out["NextToken"] = token
    return result(out)


def _list_item(stmt: dict) -> dict:
    item = {"Id": stmt["Id"], "Status": _overall_status(stmt), "CreatedAt": stmt["CreatedAt"],
            "UpdatedAt": stmt["UpdatedAt"], "IsBatchStatement": stmt["batch"], "ResultFormat": stmt["ResultFormat"]}
    for key in ("StatementName", "SecretArn", "QueryParameters"):
        if stmt.get(key) is not None:
            item[key] = stmt[key]
    if stmt["batch"]:
        item["QueryStrings"] = [s["QueryString"] for s in stmt["subs"]]
    else:
        item["QueryString"] = stmt["subs"][0]["QueryString"]
    return item


def cancel_statement(self: RedshiftDataAPIServiceResponse):
    stmt, _ = _lookup(self, self._get_param("Id"))
    status = _overall_status(stmt)
    if status in ("FINISHED", "FAILED", "ABORTED"):
        raise ServiceError("ValidationException",
                           f"Could not cancel a query that is already in {status} state with ID: {stmt['Id']}")
    for sub in stmt["subs"]:
        sub["Status"] = "ABORTED"
    return result({"Status": True})


