//! The SQL shiftops sends to the warehouse: one statement per system view, for all tenants at
//! once. Names that reach SQL are validated identifiers and are quoted anyway.

use crate::config::is_identifier;
use crate::model::SETTLED_TABLE_STATES;

/// `'text'`, with quotes and backslashes doubled: Redshift reads a backslash in a literal as an
/// escape (in `'a\'` the quote would not close the string), so both are doubled to stay inside.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// `"name"`, with quotes doubled.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'a', 'b'` for an `IN (…)` list; refuses anything that is not an identifier.
pub fn schema_list<'a>(schemas: impl IntoIterator<Item = &'a str>) -> Result<String, String> {
    let mut quoted = Vec::new();
    for schema in schemas {
        if !is_identifier(schema) {
            return Err(format!("{schema:?} is not a valid schema name"));
        }
        quoted.push(quote_literal(schema));
    }
    if quoted.is_empty() {
        // `IN ()` is a syntax error; an impossible name keeps the statement valid and empty.
        quoted.push("''".into());
    }
    Ok(quoted.join(", "))
}

/// SVV_INTEGRATION: state and lag (milliseconds) of every integration into this warehouse.
pub const INTEGRATIONS: &str = "SELECT TRIM(integration_id) AS integration_id, TRIM(state) AS state, \
current_lag AS current_lag_ms FROM svv_integration";

/// SVV_INTEGRATION_TABLE_STATE: replicated tables that are not in a settled state
/// ([`SETTLED_TABLE_STATES`]: `Synced`, and `Deleted` and `DroppedSource`, which are no failure).
pub fn integration_tables() -> String {
    let settled = SETTLED_TABLE_STATES.map(quote_literal).join(", ");
    format!(
        "SELECT TRIM(integration_id) AS integration_id, \
TRIM(schema_name) AS schema_name, TRIM(table_name) AS table_name, TRIM(table_state) AS table_state, \
TRIM(reason) AS reason FROM svv_integration_table_state WHERE TRIM(table_state) NOT IN ({settled}) \
ORDER BY integration_id, schema_name, table_name"
    )
}

/// SYS_LOAD_ERROR_DETAIL of the last 24 hours, newest first: the errors of the tenants' schemas,
/// and those of tables that no longer exist.
///
/// The view names its table only by `table_id`
/// (https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_ERROR_DETAIL.html), so the schema and
/// name come from the catalog tables PG_CLASS and PG_NAMESPACE, which "are accessible to Amazon
/// Redshift users" (https://docs.aws.amazon.com/redshift/latest/dg/c_intro_catalog_views.html).
/// Not SVV_TABLE_INFO: it is visible to superusers only and "doesn't return any information for
/// empty tables" (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html), so an
/// inner join to it dropped the errors of a table the failed COPY left empty or a TRUNCATE
/// emptied. The LEFT JOINs keep the errors of a table dropped since: their schema is NULL, and
/// they are matched to a tenant by the S3 file they came from.
pub fn load_errors(schemas: &str) -> String {
    format!(
        "SELECT TRIM(n.nspname) AS schema_name, TRIM(c.relname) AS table_name, e.table_id, \
TRIM(e.file_name) AS file_name, e.line_number, TRIM(e.column_name) AS column_name, \
TRIM(e.error_message) AS error_message, e.start_time \
FROM sys_load_error_detail e LEFT JOIN pg_class c ON c.oid = e.table_id \
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
WHERE e.start_time > DATEADD(hour, -24, GETDATE()) \
AND (n.nspname IN ({schemas}) OR n.nspname IS NULL) \
ORDER BY e.start_time DESC LIMIT 5000"
    )
}

/// SYS_LOAD_HISTORY of the last two days: completed COPYs by S3 source and table, matched to
/// tenants by their export bucket and prefix. `last_clean_at` is the latest COPY with no rejected
/// row (`error_count` = 0): the COPY errors of the table before it were fixed by that load.
/// Columns: https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_HISTORY.html
pub const LOADS: &str = "SELECT TRIM(data_source) AS data_source, TRIM(table_name) AS table_name, \
MAX(end_time) AS last_copy_at, MAX(CASE WHEN error_count = 0 THEN end_time END) AS last_clean_at, \
SUM(loaded_rows) AS loaded_rows FROM sys_load_history WHERE status = 'completed' \
AND end_time > DATEADD(day, -2, GETDATE()) GROUP BY 1, 2";

/// STV_WLM_QUERY_STATE by queue: queued and running now, and the longest wait in seconds, of the
/// user queues only. Service classes 6–13 are manual WLM's queues and 100–107 automatic WLM's;
/// 1–4 are the system's, 5 the superuser queue, 14 short query acceleration and 15 Redshift's
/// maintenance ("WLM service class IDs",
/// https://docs.aws.amazon.com/redshift/latest/dg/cm-c-wlm-system-tables-and-views.html).
pub const QUEUES: &str = "SELECT TRIM(c.name) AS queue, \
SUM(CASE WHEN TRIM(s.state) LIKE 'Queued%' THEN 1 ELSE 0 END) AS queued, \
SUM(CASE WHEN TRIM(s.state) LIKE 'Running%' THEN 1 ELSE 0 END) AS running, \
COALESCE(MAX(CASE WHEN TRIM(s.state) LIKE 'Queued%' THEN s.queue_time END), 0) / 1000000.0 AS max_wait_seconds \
FROM stv_wlm_service_class_config c LEFT JOIN stv_wlm_query_state s ON s.service_class = c.service_class \
WHERE (c.service_class BETWEEN 6 AND 13 OR c.service_class >= 100) GROUP BY 1 ORDER BY 1";

/// The queries running now, with the pid CANCEL takes: STV_INFLIGHT by WLM queue.
///
/// Their SQL: STV_INFLIGHT's `text` is "truncated to 100 characters if the statement exceeds
/// that limit" (STV_INFLIGHT, Amazon Redshift Database Developer Guide,
/// https://docs.aws.amazon.com/redshift/latest/dg/r_STV_INFLIGHT.html), so the whole statement
/// comes from STL_QUERYTEXT, which keeps it "in 200-character increments", one row per
/// `sequence`, with newlines written as `\n`
/// (https://docs.aws.amazon.com/redshift/latest/dg/r_STL_QUERYTEXT.html), joined in order.
/// Only the first [`QUERY_TEXT_PIECES`] pieces are joined — LISTAGG fails beyond 65,535 bytes
/// — and `sql_pieces` says how many there are, so a longer statement is known to be cut.
/// STV_INFLIGHT's `text` stands in while STL_QUERYTEXT has no row for the query yet.
pub const QUERIES: &str = "SELECT i.pid, TRIM(c.name) AS queue, TRIM(u.usename) AS user_name, \
TRIM(s.state) AS state, i.starttime AS started_at, COALESCE(t.sql, TRIM(i.text)) AS sql, \
t.pieces AS sql_pieces \
FROM stv_inflight i JOIN stv_wlm_query_state s ON s.query = i.query \
JOIN stv_wlm_service_class_config c ON c.service_class = s.service_class \
LEFT JOIN pg_user u ON u.usesysid = i.userid \
LEFT JOIN (SELECT query, LISTAGG(CASE WHEN sequence < 100 THEN text END) \
WITHIN GROUP (ORDER BY sequence) AS sql, COUNT(*) AS pieces FROM stl_querytext \
WHERE query IN (SELECT query FROM stv_inflight) GROUP BY query) t ON t.query = i.query \
ORDER BY i.starttime LIMIT 500";

/// A Serverless workgroup has no STV/STL tables: they are "System monitoring (provisioned only)"
/// (https://docs.aws.amazon.com/redshift/latest/dg/c_intro_system_views.html), and Serverless
/// is watched through the SYS monitoring views, "available for Amazon Redshift clusters and
/// Amazon Redshift Serverless workgroups"
/// (https://docs.aws.amazon.com/redshift/latest/dg/serverless_views-monitoring.html), so
/// queue state comes from SYS_QUERY_HISTORY, whose `status` is one of planning, queued, running,
/// returning, failed, canceled, success and `queue_time` is in microseconds
/// (https://docs.aws.amazon.com/redshift/latest/dg/SYS_QUERY_HISTORY.html). The same page says
/// `service_class_name` "is only used for queries run on provisioned clusters. For queries run on
/// Amazon Redshift Serverless, this column is empty": so on Serverless the figures are the
/// workgroup's as a whole, in one row whose queue name is empty, never spread over queues by a
/// guess. Only queues with a query in them have a row; the WLM view lists the configured ones.
pub const SERVERLESS_QUEUES: &str = "SELECT TRIM(service_class_name) AS queue, \
SUM(CASE WHEN TRIM(status) = 'queued' THEN 1 ELSE 0 END) AS queued, \
SUM(CASE WHEN TRIM(status) IN ('running', 'returning') THEN 1 ELSE 0 END) AS running, \
COALESCE(MAX(CASE WHEN TRIM(status) = 'queued' THEN queue_time END), 0) / 1000000.0 AS max_wait_seconds \
FROM sys_query_history WHERE TRIM(status) IN ('queued', 'running', 'returning') \
GROUP BY 1 ORDER BY 1";

/// The running queries on Serverless: SYS_QUERY_HISTORY's `session_id` is the process CANCEL
/// takes, and the whole SQL is SYS_QUERY_TEXT's pieces "in 4000-character increments", by
/// `sequence` from 0 (https://docs.aws.amazon.com/redshift/latest/dg/SYS_QUERY_TEXT.html).
/// `query_text` (4,000 characters, "may be truncated") stands in while there is no piece yet.
pub const SERVERLESS_QUERIES: &str = "SELECT h.session_id AS pid, TRIM(h.service_class_name) AS queue, \
TRIM(u.usename) AS user_name, TRIM(h.status) AS state, h.start_time AS started_at, \
COALESCE(t.sql, TRIM(h.query_text)) AS sql, t.pieces AS sql_pieces \
FROM sys_query_history h LEFT JOIN pg_user u ON u.usesysid = h.user_id \
LEFT JOIN (SELECT query_id, LISTAGG(CASE WHEN sequence < 16 THEN text END) \
WITHIN GROUP (ORDER BY sequence) AS sql, COUNT(*) AS pieces FROM sys_query_text \
WHERE query_id IN (SELECT query_id FROM sys_query_history WHERE TRIM(status) IN ('queued', 'running', 'returning')) \
GROUP BY query_id) t ON t.query_id = h.query_id \
WHERE TRIM(h.status) IN ('queued', 'running', 'returning') ORDER BY h.start_time LIMIT 500";

/// The process of each query running in the adhoc queue now, which a pause CANCELs: on a
/// cluster from STV_INFLIGHT with its WLM queue.
pub const ADHOC_RUNNING: &str = "SELECT i.pid FROM stv_inflight i \
JOIN stv_wlm_query_state s ON s.query = i.query \
JOIN stv_wlm_service_class_config c ON c.service_class = s.service_class \
WHERE TRIM(c.name) = 'adhoc'";

/// How many of SYS_QUERY_TEXT's 4,000-character pieces [`SERVERLESS_QUERIES`] joins
/// (`sequence < 16`: LISTAGG fails beyond 65,535 bytes).
pub const SERVERLESS_QUERY_TEXT_PIECES: usize = 16;
pub const SERVERLESS_QUERY_TEXT_PIECE: usize = 4000;

/// How many of STL_QUERYTEXT's 200-character pieces [`QUERIES`] joins (its `sequence < 100`).
pub const QUERY_TEXT_PIECES: usize = 100;
/// The characters of a piece of STL_QUERYTEXT, and of STV_INFLIGHT's `text`.
pub const QUERY_TEXT_PIECE: usize = 200;
pub const INFLIGHT_TEXT: usize = 100;

/// The queries that failed in the last [`FAILED_QUERY_HOURS`] hours, newest first, at most
/// [`FAILED_QUERY_LIMIT`]: SYS_QUERY_HISTORY works on both warehouse types; a row whose `status`
/// is `failed` carries the reason in `error_message` (512 characters) and the statement in
/// `query_text` (4,000 characters, "may be truncated"), with `query_type`, `start_time`,
/// `end_time` and the `user_id` that pg_user names
/// (https://docs.aws.amazon.com/redshift/latest/dg/SYS_QUERY_HISTORY.html). A regular user sees
/// only its own rows there; `SYSLOG ACCESS UNRESTRICTED` shows every user's (docs/iam.md).
pub const FAILED_QUERIES: &str = "SELECT h.query_id, TRIM(u.usename) AS user_name, \
TRIM(h.query_type) AS query_type, h.start_time, h.end_time, TRIM(h.error_message) AS error_message, \
TRIM(h.query_text) AS query_text \
FROM sys_query_history h LEFT JOIN pg_user u ON u.usesysid = h.user_id \
WHERE TRIM(h.status) = 'failed' AND h.start_time > DATEADD(hour, -24, GETDATE()) \
ORDER BY h.start_time DESC LIMIT 200";
pub const FAILED_QUERY_HOURS: u32 = 24;
pub const FAILED_QUERY_LIMIT: usize = 200;
/// The characters of SYS_QUERY_HISTORY's `query_text`.
pub const QUERY_HISTORY_TEXT: usize = 4000;

/// SVV_TABLE_INFO: the largest tables with their skew, unsorted share and stale statistics, and
/// on every row what all tables take together (`size` is "Size of the table, in 1-MB data blocks":
/// https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html). The window sums every
/// table before the LIMIT, in the same statement.
pub const TABLES: &str = "SELECT TRIM(\"schema\") AS schema_name, TRIM(\"table\") AS table_name, \
size AS size_mb, tbl_rows, skew_rows, unsorted, stats_off, SUM(size) OVER () AS total_size_mb \
FROM svv_table_info ORDER BY size DESC LIMIT 5000";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_identifiers_are_quoted() {
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\"), "'a\\\\'");
        assert_eq!(quote_literal("\\'; DROP"), "'\\\\''; DROP'");
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn schema_lists_refuse_injection() {
        assert_eq!(
            schema_list(["tenant_a", "tenant_b"]).unwrap(),
            "'tenant_a', 'tenant_b'"
        );
        assert!(schema_list(["tenant_a'); DROP TABLE users; --"]).is_err());
        assert_eq!(schema_list([]).unwrap(), "''");
        assert!(load_errors("'tenant_a'").contains("IN ('tenant_a')"));
    }

    #[test]
    fn deleted_and_dropped_source_tables_are_not_out_of_sync() {
        assert!(
            integration_tables().contains("NOT IN ('Synced', 'Deleted', 'DroppedSource')"),
            "{}",
            integration_tables()
        );
    }

    #[test]
    fn short_query_acceleration_and_maintenance_are_not_user_queues() {
        assert!(
            QUEUES.contains("(c.service_class BETWEEN 6 AND 13 OR c.service_class >= 100)"),
            "{QUEUES}"
        );
    }

    #[test]
    fn load_errors_keep_empty_and_dropped_tables() {
        let sql = load_errors("'tenant_a'");
        assert!(
            !sql.contains("svv_table_info"),
            "superuser-only, no empty tables: {sql}"
        );
        assert!(
            sql.contains("LEFT JOIN pg_class c ON c.oid = e.table_id"),
            "{sql}"
        );
        assert!(
            sql.contains("LEFT JOIN pg_namespace n ON n.oid = c.relnamespace"),
            "{sql}"
        );
        assert!(
            sql.contains("(n.nspname IN ('tenant_a') OR n.nspname IS NULL)"),
            "a dropped table's errors stay: {sql}"
        );
        assert!(
            sql.contains("e.table_id"),
            "a dropped table is named by its id: {sql}"
        );
    }

    #[test]
    fn the_failed_queries_statement_says_its_window_and_bound() {
        assert!(FAILED_QUERIES.contains(&format!("DATEADD(hour, -{FAILED_QUERY_HOURS},")));
        assert!(FAILED_QUERIES.ends_with(&format!("LIMIT {FAILED_QUERY_LIMIT}")));
        assert!(FAILED_QUERIES.contains("TRIM(h.status) = 'failed'"));
    }
}
