use serde::Serialize;

use super::ActionKind;
use crate::config::is_identifier;
use crate::source::aws::sql::quote_identifier;

/// Which tables a resync refreshes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResyncScope {
    /// `REFRESH INERROR TABLES`: only the tables in error (the usual case).
    InError,
    /// `REFRESH ALL TABLES`.
    All,
    /// `REFRESH TABLE schema.t1, schema.t2`.
    Tables(Vec<String>),
}

impl ResyncScope {
    /// The statement that refreshes this scope of the integration's `database`, in the grammar of
    /// ALTER DATABASE: `INTEGRATION REFRESH { { ALL | INERROR } TABLES [ IN SCHEMA schema [, ...] ]
    /// | TABLE schema.table [, ...] }`
    /// (https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_DATABASE.html). A named table
    /// must be `schema.table`; a bare name is taken to be in the tenant's `schema`.
    pub fn refresh_statement(&self, database: &str, schema: &str) -> Result<String, String> {
        let tables = match self {
            ResyncScope::InError => "INERROR TABLES".to_string(),
            ResyncScope::All => "ALL TABLES".to_string(),
            ResyncScope::Tables(tables) => {
                if tables.is_empty() {
                    return Err("no table to refresh".into());
                }
                let mut quoted = Vec::new();
                for table in tables {
                    let (in_schema, name) = table.split_once('.').unwrap_or((schema, table));
                    if !is_identifier(in_schema) || !is_identifier(name) {
                        return Err(format!("{table:?} is not a table name (schema.table)"));
                    }
                    quoted.push(format!(
                        "{}.{}",
                        quote_identifier(in_schema),
                        quote_identifier(name)
                    ));
                }
                format!("TABLE {}", quoted.join(", "))
            }
        };
        Ok(format!(
            "ALTER DATABASE {} INTEGRATION REFRESH {tables}",
            quote_identifier(database)
        ))
    }
}

/// The statement the vacuum action runs on each of a tenant's tables, followed by
/// `"schema"."table"`. DELETE ONLY reclaims the space of deleted and updated rows without the
/// sort phase: it frees the disk, which is what storage pressure needs, and takes far less time
/// and I/O on a busy warehouse than the default, VACUUM FULL, which also re-sorts every row (AWS,
/// Amazon Redshift Database Developer Guide, "VACUUM":
/// https://docs.aws.amazon.com/redshift/latest/dg/r_VACUUM_command.html). The full VACUUM stays
/// in the weekly maintenance window, as the storage-pressure runbook says.
pub const VACUUM_STATEMENT: &str = "VACUUM DELETE ONLY";

/// What the user asked for. A request becomes a [`super::Plan`] once the operator has read what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Request {
    RerunElt { execution_arn: String },
    StopElt { execution_arn: String },
    PauseAdhoc { cancel_running: bool },
    ResumeAdhoc,
    ResyncTables { tenant: String, scope: ResyncScope },
    StartExport { tenant: String },
    Vacuum { tenant: String },
    Analyze { tenant: String },
    CancelQuery { pid: i64 },
}

impl Request {
    pub fn kind(&self) -> ActionKind {
        match self {
            Request::RerunElt { .. } => ActionKind::RerunElt,
            Request::StopElt { .. } => ActionKind::StopElt,
            Request::PauseAdhoc { .. } => ActionKind::PauseAdhoc,
            Request::ResumeAdhoc => ActionKind::ResumeAdhoc,
            Request::ResyncTables { .. } => ActionKind::ResyncTables,
            Request::StartExport { .. } => ActionKind::StartExport,
            Request::Vacuum { .. } => ActionKind::Vacuum,
            Request::Analyze { .. } => ActionKind::Analyze,
            Request::CancelQuery { .. } => ActionKind::CancelQuery,
        }
    }

    /// The tenant a request is about, if it is about one.
    pub fn tenant(&self) -> Option<&str> {
        match self {
            Request::ResyncTables { tenant, .. }
            | Request::StartExport { tenant }
            | Request::Vacuum { tenant }
            | Request::Analyze { tenant } => Some(tenant),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ResyncScope;

    #[test]
    fn refresh_statements_follow_the_alter_database_grammar() {
        let sql = |scope: ResyncScope| scope.refresh_statement("tenant_a_zeroetl", "tenant_a");
        assert_eq!(
            sql(ResyncScope::InError).unwrap(),
            "ALTER DATABASE \"tenant_a_zeroetl\" INTEGRATION REFRESH INERROR TABLES"
        );
        assert_eq!(
            sql(ResyncScope::All).unwrap(),
            "ALTER DATABASE \"tenant_a_zeroetl\" INTEGRATION REFRESH ALL TABLES"
        );
        // `TABLE schema.table [, ...]`: the keyword is TABLE, and a bare name gets the schema.
        assert_eq!(
            sql(ResyncScope::Tables(vec![
                "tenant_a.orders".into(),
                "products".into()
            ]))
            .unwrap(),
            "ALTER DATABASE \"tenant_a_zeroetl\" INTEGRATION REFRESH TABLE \"tenant_a\".\"orders\", \"tenant_a\".\"products\""
        );
        for bad in ["a.b.c", "orders; DROP TABLE x", "tenant_a.", ".orders"] {
            assert!(sql(ResyncScope::Tables(vec![bad.into()])).is_err(), "{bad}");
        }
        assert!(sql(ResyncScope::Tables(vec![])).is_err());
    }
}
