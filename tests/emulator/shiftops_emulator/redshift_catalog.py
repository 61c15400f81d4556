"""Redshift system relations per warehouse type, and the SQL check that refuses what a target lacks.

The catalogue holds the system tables and views shiftops reads (or will read on Serverless), each
with its columns as the Amazon Redshift Database Developer Guide lists them, the page next to
each entry, and the warehouse types that have it:

* STL, STV, SVCS and SVL relations exist on provisioned clusters only: "System monitoring
  (provisioned only)" — "The following system tables and views can be queried on provisioned
  clusters" (https://docs.aws.amazon.com/redshift/latest/dg/c_intro_system_views.html); "You can't
  query STL, STV, SVCS, SVL, and some SVV system tables and views with Amazon Redshift
  Serverless" (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-monitoring.html).
  So on a workgroup a relation with one of those prefixes does not exist, catalogued or not.
* SYS views are for both: "SYS views are used to monitor query and workload usage for
  provisioned clusters and serverless workgroups"
  (https://docs.aws.amazon.com/redshift/latest/dg/cm_chap_system-tables.html), except
  SYS_SERVERLESS_USAGE: "This system view doesn't apply to provisioned Amazon Redshift clusters."

`problem(sql, warehouse)` finds the relations a statement names after FROM or JOIN (not
subqueries, CTE names, or schema-qualified user tables such as `tenant_a.orders`) and answers
Redshift's error text for the first system relation (pg_, stl_, stv_, svl_, svcs_, svv_, sys_)
the warehouse does not have, or for a column of a catalogued relation that it does not have:
qualified by the relation's alias (`e.no_such`), or unqualified in a statement whose only
relation is that one and which has no subquery. A system relation the catalogue does not know
is let through: the check refuses only what it can determine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROVISIONED, SERVERLESS = "provisioned", "serverless"
BOTH = frozenset({PROVISIONED, SERVERLESS})
SYSTEM_PREFIXES = ("pg_", "stl_", "stv_", "svl_", "svcs_", "svv_", "sys_")
PROVISIONED_ONLY_PREFIXES = ("stl_", "stv_", "svl_", "svcs_")
DG = "https://docs.aws.amazon.com/redshift/latest/dg/"


@dataclass(frozen=True)
class Relation:
    columns: frozenset[str]
    warehouses: frozenset[str]
    page: str


def _rel(page: str, columns: str, warehouses: frozenset[str] = BOTH) -> Relation:
    return Relation(frozenset(columns.split()), warehouses, page)


PROVISIONED_ONLY = frozenset({PROVISIONED})
CATALOG: dict[str, Relation] = {
    "svv_integration": _rel(
        DG + "r_SVV_INTEGRATION.html",
        "integration_id target_database source state current_lag last_replicated_checkpoint total_tables_replicated "
        "total_tables_failed creation_time refresh_interval source_database is_history_mode"),
    "svv_integration_table_state": _rel(
        DG + "r_SVV_INTEGRATION_TABLE_STATE.html",
        "integration_id target_database schema_name table_name table_state table_last_replicated_checkpoint reason "
        "last_updated_timestamp table_rows table_size is_history_mode"),
    "svv_table_info": _rel(
        DG + "r_SVV_TABLE_INFO.html",
        "database schema table_id table encoded diststyle sortkey1 max_varchar sortkey1_enc sortkey_num size pct_used "
        "empty unsorted stats_off tbl_rows skew_sortkey1 skew_rows estimated_visible_rows risk_event "
        "vacuum_sort_benefit create_time"),
    "sys_load_error_detail": _rel(
        DG + "SYS_LOAD_ERROR_DETAIL.html",
        "user_id query_id transaction_id session_id database_name table_id start_time file_name line_number "
        "column_name column_type column_length position error_code error_message"),
    "sys_load_history": _rel(
        DG + "SYS_LOAD_HISTORY.html",
        "user_id query_id transaction_id session_id database_name status table_name start_time end_time duration "
        "data_source file_format loaded_rows loaded_bytes source_file_count source_file_bytes file_count_scanned "
        "file_bytes_scanned error_count copy_job_id"),
    "sys_query_history": _rel(
        DG + "SYS_QUERY_HISTORY.html",
        "user_id query_id query_label transaction_id session_id database_name query_type status result_cache_hit "
        "start_time end_time elapsed_time queue_time execution_time error_message returned_rows returned_bytes "
        "query_text redshift_version usage_limit compute_type compile_time planning_time lock_wait_time "
        "service_class_id service_class_name query_priority short_query_accelerated user_query_hash "
        "generic_query_hash query_hash_version result_cache_query_id"),
    "sys_query_text": _rel(
        DG + "SYS_QUERY_TEXT.html",
        "user_id query_id transaction_id session_id start_time sequence text"),
    "sys_serverless_usage": _rel(
        DG + "SYS_SERVERLESS_USAGE.html",
        "start_time end_time compute_seconds compute_capacity data_storage cross_region_transferred_data "
        "charged_seconds", frozenset({SERVERLESS})),
    "stv_wlm_service_class_config": _rel(
        DG + "r_STV_WLM_SERVICE_CLASS_CONFIG.html",
        "service_class queueing_strategy num_query_tasks target_num_query_tasks evictable eviction_threshold "
        "query_working_mem target_query_working_mem min_step_mem name max_execution_time user_group_wild_card "
        "query_group_wild_card concurrency_scaling query_priority user_role_wild_card", PROVISIONED_ONLY),
    "stv_wlm_query_state": _rel(
        DG + "r_STV_WLM_QUERY_STATE.html",
        "xid task query service_class slot_count wlm_start_time state queue_time exec_time query_priority",
        PROVISIONED_ONLY),
    "stv_inflight": _rel(
        DG + "r_STV_INFLIGHT.html",
        "userid slice query label xid pid starttime text suspended insert_pristine concurrency_scaling_status",
        PROVISIONED_ONLY),
    "stl_querytext": _rel(DG + "r_STL_QUERYTEXT.html", "userid xid pid query sequence text", PROVISIONED_ONLY),
    "stl_load_errors": _rel(
        DG + "r_STL_LOAD_ERRORS.html",
        "userid slice tbl starttime session query filename line_number colname type col_length position raw_line "
        "raw_field_value err_code err_reason is_partial start_offset copy_job_id", PROVISIONED_ONLY),
    # A PostgreSQL catalog view Redshift keeps ("System catalog tables",
    # https://docs.aws.amazon.com/redshift/latest/dg/c_intro_catalog_views.html); its columns are
    # PostgreSQL 8.0's (https://www.postgresql.org/docs/8.0/view-pg-user.html).
    "pg_user": _rel("https://www.postgresql.org/docs/8.0/view-pg-user.html",
                    "usename usesysid usecreatedb usesuper usecatupd passwd valuntil useconfig"),
}

KEYWORDS = frozenset("""
select from where and or not as on join left right inner outer full cross natural using group by order asc desc
limit offset having case when then else end is null in like ilike similar between distinct all union except
intersect minus true false over partition within exists with any some nulls first last interval cast extract
rows range unbounded preceding following current row top escape at time zone date timestamp timestamptz
varchar char character int int2 int4 int8 integer bigint smallint text boolean bool numeric decimal float float4
float8 real double precision varying
year years month months day days hour hours minute minutes second seconds week weeks quarter millisecond
milliseconds microsecond microseconds epoch dow doy
""".split())
TOKEN = re.compile(r'"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*)|(::|[().,;:*])|(\S)')
RELATION_END = KEYWORDS | {"where", "join", "on", "group", "order", "limit", "left", "right", "inner", "full",
                           "cross", "union", "having", "natural", "using"}


@dataclass
class Token:
    text: str  # lower case for identifiers
    kind: str  # "ident", "quoted", "punct", "other"


def _tokens(sql: str) -> list[Token]:
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    sql = re.sub(r"'(?:[^']|'')*'", " '' ", sql)  # string literals hold no names
    out = []
    for quoted, ident, punct, other in TOKEN.findall(sql):
        if ident:
            out.append(Token(ident.lower(), "ident"))
        elif punct:
            out.append(Token(punct, "punct"))
        elif other:
            out.append(Token(other, "other"))
        else:
            out.append(Token(quoted.replace('""', '"').lower(), "quoted"))
    return out


def _is_name(tok: Token | None) -> bool:
    return tok is not None and (tok.kind == "quoted" or (tok.kind == "ident" and tok.text not in KEYWORDS))


@dataclass
class Named:
    name: str  # the relation, schema dropped
    schema: str | None
    alias: str | None


def _relations(toks: list[Token]) -> tuple[list[Named], int]:
    """The relations named after FROM / JOIN (and after commas of a FROM list), and how many
    subqueries the statement has."""
    found, subqueries = [], 0
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "punct" and tok.text == "(" and i + 1 < len(toks) and toks[i + 1].text == "select":
            subqueries += 1
        if tok.kind == "ident" and tok.text in ("from", "join"):
            i += 1
            while i < len(toks):
                if toks[i].text == "(":
                    break  # a subquery: its own FROM is read when the loop reaches it
                if not _is_name(toks[i]) and toks[i].kind != "ident":
                    break
                parts = [toks[i].text]
                i += 1
                while i + 1 < len(toks) and toks[i].text == "." and toks[i + 1].kind in ("ident", "quoted"):
                    parts.append(toks[i + 1].text)
                    i += 2
                alias = None
                if i < len(toks) and toks[i].text == "as":
                    i += 1
                if i < len(toks) and _is_name(toks[i]) and toks[i].text not in RELATION_END:
                    alias = toks[i].text
                    i += 1
                found.append(Named(parts[-1], parts[-2] if len(parts) > 1 else None, alias))
                if i < len(toks) and toks[i].text == "," and tok.text == "from":
                    i += 1
                    continue
                break
            continue
        i += 1
    return found, subqueries


def _cte_names(toks: list[Token]) -> set[str]:
    names = set()
    for i in range(len(toks) - 3):
        if toks[i].text in ("with", ",") and _is_name(toks[i + 1]) and toks[i + 2].text == "as" \
                and toks[i + 3].text == "(":
            names.add(toks[i + 1].text)
    return names


def _system(name: str) -> bool:
    return name.startswith(SYSTEM_PREFIXES)


def problem(sql: str, warehouse: str) -> str | None:
    """Redshift's error for what this statement names and the warehouse lacks, or None."""
    toks = _tokens(sql or "")
    relations, subqueries = _relations(toks)
    ctes = _cte_names(toks)
    relations = [r for r in relations if r.name not in ctes or r.schema]
    aliases: dict[str, str] = {}
    for rel in relations:
        if rel.schema not in (None, "pg_catalog") or not _system(rel.name):
            continue  # a user table (tenant schemas are not checked)
        known = CATALOG.get(rel.name)
        lacking = warehouse not in known.warehouses if known else (
            warehouse == SERVERLESS and rel.name.startswith(PROVISIONED_ONLY_PREFIXES))
        if lacking:
            return f'ERROR: relation "{rel.name}" does not exist'
        if known:
            aliases[rel.alias or rel.name] = rel.name
    for i in range(len(toks) - 2):
        qualifier, dot, column = toks[i], toks[i + 1], toks[i + 2]
        if dot.text != "." or qualifier.text not in aliases or column.kind not in ("ident", "quoted"):
            continue
        if i > 0 and toks[i - 1].text == ".":
            continue  # schema.relation.column: the middle part is the relation
        if column.text not in CATALOG[aliases[qualifier.text]].columns:
            return f"ERROR: column {qualifier.text}.{column.text} does not exist"
    if len(relations) == 1 and not subqueries and not ctes and aliases:
        return _unqualified_problem(toks, relations[0])
    return None


def _unqualified_problem(toks: list[Token], rel: Named) -> str | None:
    columns = CATALOG[rel.name].columns
    output_names = {toks[i + 1].text for i in range(len(toks) - 1) if toks[i].text == "as"}
    skip = {rel.name, rel.alias, rel.schema}
    for i, tok in enumerate(toks):
        if tok.kind == "ident" and tok.text in KEYWORDS:
            continue
        if tok.kind not in ("ident", "quoted") or tok.text in skip or tok.text in output_names:
            continue
        before = toks[i - 1].text if i else ""
        after = toks[i + 1].text if i + 1 < len(toks) else ""
        if after in ("(", ".") or before in (".", ":", "::"):
            continue  # a function, a qualifier, a qualified column (checked above), a parameter or a type
        if tok.text not in columns:
            return f'ERROR: column "{tok.text}" does not exist in {rel.name}'
    return None
