//! The Redshift Data API on the central warehouse: ExecuteStatement, DescribeStatement polling and
//! GetStatementResult paging, in cluster (db_user or secret) or Serverless workgroup mode; and the
//! warehouse source, one statement per system view for all tenants.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_redshiftdata::Client;
use aws_sdk_redshiftdata::types::{Field, StatusString};
use chrono::NaiveDateTime;

use super::error::describe;
use super::{Api, Aws, Key, Limiter, sql};
use std::sync::Arc;

use crate::config::{Config, RedshiftConfig, WarehouseRole};
use crate::model::{
    FailedQuery, Ingest, IntegrationReplication, LoadError, LoadSummary, QueueActivity,
    RunningQuery, SourceData, SourceId, TableInfo, TableSync, Tenant, Time, WarehouseData,
    WarehouseView,
};
use crate::source::{Source, SourceError};

/// Where statements run.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Cluster {
        identifier: String,
        db_user: Option<String>,
        secret_arn: Option<String>,
    },
    Workgroup {
        name: String,
        secret_arn: Option<String>,
    },
}

/// A value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Long(i64),
    Double(f64),
    Bool(bool),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Long(n) => Some(*n as f64),
            Value::Double(n) => Some(*n),
            Value::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Long(n) => Some(*n),
            Value::Double(n) => Some(*n as i64),
            Value::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// Redshift timestamps come as `2026-11-21 06:00:00[.ffffff]`, in UTC.
    pub fn as_time(&self) -> Option<Time> {
        let text = self.as_str()?.trim();
        ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map(|naive| naive.and_utc())
            .or_else(|| {
                chrono::DateTime::parse_from_rfc3339(text)
                    .ok()
                    .map(|t| t.to_utc())
            })
    }
}

/// The rows of a statement, read by column name so the SQL's column order does not matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultSet {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl ResultSet {
    pub fn records(&self) -> impl Iterator<Item = Record<'_>> {
        let index: HashMap<&str, usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let index = std::rc::Rc::new(index);
        self.rows.iter().map(move |values| Record {
            index: index.clone(),
            values,
        })
    }
}

pub struct Record<'a> {
    index: std::rc::Rc<HashMap<&'a str, usize>>,
    values: &'a [Value],
}

impl Record<'_> {
    pub fn get(&self, column: &str) -> &Value {
        self.index
            .get(column)
            .and_then(|&i| self.values.get(i))
            .unwrap_or(&Value::Null)
    }

    pub fn text(&self, column: &str) -> String {
        match self.get(column) {
            Value::Text(text) => text.trim().to_string(),
            Value::Long(n) => n.to_string(),
            Value::Double(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
        }
    }
}

/// Runs SQL on one warehouse through the Data API.
pub struct Warehouse {
    client: Client,
    target: Target,
    database: String,
    limiter: Limiter,
    label: String,
}

impl Warehouse {
    pub fn new(aws: &Aws, config: &RedshiftConfig) -> Self {
        let target = match (&config.cluster_identifier, &config.workgroup) {
            (Some(identifier), _) => Target::Cluster {
                identifier: identifier.clone(),
                db_user: config.db_user.clone(),
                secret_arn: config.secret_arn.clone(),
            },
            (None, Some(name)) => Target::Workgroup {
                name: name.clone(),
                secret_arn: config.secret_arn.clone(),
            },
            (None, None) => unreachable!("validated: [redshift] names a cluster or a workgroup"),
        };
        Self {
            client: aws.redshift_data(),
            target,
            database: config.database.clone(),
            limiter: aws.limiter.clone(),
            label: config.label().to_string(),
        }
    }

    /// The name the config gives it.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// A Serverless workgroup: no STV/STL tables there, only SYS and SVV views.
    pub fn is_serverless(&self) -> bool {
        matches!(self.target, Target::Workgroup { .. })
    }

    /// Runs one statement to the end and returns all its rows.
    pub async fn query(&self, sql: &str) -> Result<ResultSet, String> {
        let id = self.submit(sql).await.map_err(|e| e.to_string())?;
        let has_result = self.wait(&id).await?;
        if !has_result {
            return Ok(ResultSet::default());
        }
        self.fetch_all(&id).await
    }

    /// Runs one statement that returns no rows (VACUUM, ALTER …) to the end.
    /// Runs a statement that changes something. A statement that FAILED or was ABORTED was
    /// refused; a submission or a status nobody answered may have run.
    pub async fn execute(&self, sql: &str) -> Result<(), super::error::CallFailure> {
        use super::error::CallFailure;
        let id = self.submit(sql).await?;
        let mut pause = Duration::from_millis(25);
        loop {
            let output = self
                .limiter
                .run(
                    Key::central(Api::DescribeStatement),
                    self.client.describe_statement().id(&id).send(),
                )
                .await
                .map_err(|e| CallFailure::Unanswered(describe(&e)))?;
            match output.status() {
                Some(StatusString::Finished) => return Ok(()),
                Some(StatusString::Failed) => {
                    return Err(CallFailure::Refused(
                        output.error().unwrap_or("statement failed").to_string(),
                    ));
                }
                Some(StatusString::Aborted) => {
                    return Err(CallFailure::Refused("statement aborted".into()));
                }
                _ => {}
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        }
    }

    async fn submit(&self, sql: &str) -> Result<String, super::error::CallFailure> {
        let mut request = self
            .client
            .execute_statement()
            .database(&self.database)
            .sql(sql)
            .statement_name("shiftops");
        request = match &self.target {
            Target::Cluster {
                identifier,
                db_user,
                secret_arn,
            } => {
                let request = request.cluster_identifier(identifier);
                match (secret_arn, db_user) {
                    (Some(secret), _) => request.secret_arn(secret),
                    (None, Some(user)) => request.db_user(user),
                    (None, None) => request,
                }
            }
            Target::Workgroup { name, secret_arn } => {
                let request = request.workgroup_name(name);
                match secret_arn {
                    Some(secret) => request.secret_arn(secret),
                    None => request,
                }
            }
        };
        let output = self
            .limiter
            .run(Key::central(Api::ExecuteStatement), request.send())
            .await
            .map_err(|e| super::error::classify(&e))?;
        output.id().map(str::to_string).ok_or_else(|| {
            super::error::CallFailure::Unanswered(
                "ExecuteStatement returned no statement id".into(),
            )
        })
    }

    /// Polls DescribeStatement with growing pauses; returns whether there are rows to read.
    async fn wait(&self, id: &str) -> Result<bool, String> {
        let mut pause = Duration::from_millis(25);
        loop {
            let output = self
                .limiter
                .run(
                    Key::central(Api::DescribeStatement),
                    self.client.describe_statement().id(id).send(),
                )
                .await
                .map_err(|e| describe(&e))?;
            match output.status() {
                Some(StatusString::Finished) => {
                    return Ok(output.has_result_set().unwrap_or(false));
                }
                Some(StatusString::Failed) => {
                    return Err(output.error().unwrap_or("statement failed").to_string());
                }
                Some(StatusString::Aborted) => return Err("statement aborted".to_string()),
                _ => {}
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(1));
        }
    }

    async fn fetch_all(&self, id: &str) -> Result<ResultSet, String> {
        let mut result = ResultSet::default();
        let mut next: Option<String> = None;
        loop {
            let output = self
                .limiter
                .run(
                    Key::central(Api::GetStatementResult),
                    self.client
                        .get_statement_result()
                        .id(id)
                        .set_next_token(next.take())
                        .send(),
                )
                .await
                .map_err(|e| describe(&e))?;
            if result.columns.is_empty() {
                result.columns = output
                    .column_metadata()
                    .iter()
                    .map(|c| c.name().or(c.label()).unwrap_or_default().to_lowercase())
                    .collect();
            }
            result.rows.extend(
                output
                    .records()
                    .iter()
                    .map(|record| record.iter().map(value).collect()),
            );
            match output.next_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_string()),
                _ => return Ok(result),
            }
        }
    }
}

fn value(field: &Field) -> Value {
    match field {
        Field::StringValue(text) => Value::Text(text.clone()),
        Field::LongValue(n) => Value::Long(*n),
        Field::DoubleValue(n) => Value::Double(*n),
        Field::BooleanValue(b) => Value::Bool(*b),
        Field::IsNull(_) => Value::Null,
        _ => Value::Null,
    }
}

/// Which warehouse each group of system views is read on (`roles` in the config): a view whose
/// role no warehouse plays is not read at all.
#[derive(Clone, Default)]
pub struct Routes {
    /// The Zero-ETL targets: SVV_INTEGRATION and SVV_INTEGRATION_TABLE_STATE on each.
    pub integrations: Vec<Arc<Warehouse>>,
    /// SYS_LOAD_HISTORY and SYS_LOAD_ERROR_DETAIL: where the ELT COPYs.
    pub elt: Option<Arc<Warehouse>>,
    /// Queue state and running queries.
    pub wlm: Option<Arc<Warehouse>>,
    /// SVV_TABLE_INFO.
    pub storage: Option<Arc<Warehouse>>,
    /// Every warehouse, whatever its roles: the failed queries are read on each.
    pub all: Vec<Arc<Warehouse>>,
}

impl Routes {
    /// One `Warehouse` per configured warehouse, shared by every role it plays.
    pub fn new(aws: &Aws, config: &Config) -> Self {
        let warehouses: Vec<(&RedshiftConfig, Arc<Warehouse>)> = config
            .all_warehouses()
            .into_iter()
            .map(|w| (w, Arc::new(Warehouse::new(aws, w))))
            .collect();
        let holder = |role: WarehouseRole| {
            warehouses
                .iter()
                .find(|(w, _)| w.has_role(role))
                .map(|(_, warehouse)| warehouse.clone())
        };
        Routes {
            integrations: warehouses
                .iter()
                .filter(|(w, _)| w.has_role(WarehouseRole::Integrations))
                .map(|(_, warehouse)| warehouse.clone())
                .collect(),
            elt: holder(WarehouseRole::Elt),
            wlm: holder(WarehouseRole::Wlm),
            storage: holder(WarehouseRole::Storage),
            all: warehouses.iter().map(|(_, w)| w.clone()).collect(),
        }
    }

    /// Whether a failure names its warehouse: there are several.
    fn named(&self) -> bool {
        let mut labels: Vec<&str> = self
            .integrations
            .iter()
            .chain(&self.elt)
            .chain(&self.wlm)
            .chain(&self.storage)
            .chain(&self.all)
            .map(|w| w.label())
            .collect();
        labels.sort_unstable();
        labels.dedup();
        labels.len() > 1
    }
}

/// An answer of SVV_INTEGRATION, shared by the sources that asked for it.
pub type ReplicationAnswer = Arc<Result<ResultSet, String>>;

/// SVV_INTEGRATION on every Zero-ETL target: the state and lag of every integration in one
/// statement a warehouse, whatever the fleet's size: the Data API pages a result by its size (a
/// result set of up to 100 MB,
/// https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-troubleshooting.html), not by a
/// count of rows, and a row of it is some 100 bytes. Its columns and states:
/// https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION.html. The warehouse source shows it; the RDS source takes it as the fast signal that the
/// integrations' statuses it last described still hold; the metrics source asks CloudWatch's
/// IntegrationLag only where it has no lag. Sources that ask at the same time share one reading.
pub struct ReplicationReading {
    warehouses: Vec<Arc<Warehouse>>,
    named: bool,
    /// The readings completed, and the latest answer, held while a reading runs so that a source
    /// asking meanwhile waits for it instead of running the statement again.
    latest: tokio::sync::Mutex<(u64, Option<ReplicationAnswer>)>,
    /// The readings completed, known without waiting for one in flight.
    completed: std::sync::atomic::AtomicU64,
    /// The latest answer, to look at without waiting for one in flight.
    last: std::sync::Mutex<Option<ReplicationAnswer>>,
}

impl ReplicationReading {
    fn new(routes: &Routes) -> Self {
        Self {
            warehouses: routes.integrations.clone(),
            named: routes.named(),
            ..Self::never_read()
        }
    }

    /// A reading of no warehouse, never read: its users ask AWS as if SVV_INTEGRATION were
    /// unread (`doctor`, which checks that every call they make is allowed).
    pub fn never_read() -> Self {
        Self {
            warehouses: Vec::new(),
            named: false,
            latest: tokio::sync::Mutex::new((0, None)),
            completed: std::sync::atomic::AtomicU64::new(0),
            last: std::sync::Mutex::new(None),
        }
    }

    /// SVV_INTEGRATION now: a reading that completes after this call began (the one in flight,
    /// if any, else a new one). `None` when no warehouse has the `integrations` role.
    pub async fn read(&self) -> Option<ReplicationAnswer> {
        use std::sync::atomic::Ordering;
        if self.warehouses.is_empty() {
            return None;
        }
        let completed_before = self.completed.load(Ordering::SeqCst);
        let mut latest = self.latest.lock().await;
        if latest.0 > completed_before
            && let Some(answer) = &latest.1
        {
            return Some(answer.clone());
        }
        let answer = run_on_all(&self.warehouses, sql::INTEGRATIONS, self.named)
            .await
            .unwrap_or_else(|| Ok(ResultSet::default()));
        let answer = Arc::new(answer);
        *latest = (latest.0 + 1, Some(answer.clone()));
        *self.last.lock().expect("never poisoned") = Some(answer.clone());
        self.completed.store(latest.0, Ordering::SeqCst);
        Some(answer)
    }

    /// The latest reading's integrations, without reading: `None` before the first reading
    /// completed, or when it failed.
    pub fn last(&self) -> Option<Vec<IntegrationReplication>> {
        let last = self.last.lock().expect("never poisoned").clone()?;
        Self::integrations(&last)
    }

    /// The integrations of an answer: `None` when it failed.
    pub fn integrations(answer: &Result<ResultSet, String>) -> Option<Vec<IntegrationReplication>> {
        answer
            .as_ref()
            .ok()
            .map(|set| replication(set, &ResultSet::default()))
    }
}

/// The warehouses' system views, one statement each, run side by side, each on the warehouse
/// that holds its data.
pub struct WarehouseSource {
    routes: Routes,
    replication: Arc<ReplicationReading>,
    tenants: Vec<Tenant>,
    interval: Duration,
}

impl WarehouseSource {
    pub fn new(routes: Routes, tenants: Vec<Tenant>, interval: Duration) -> Self {
        Self {
            replication: Arc::new(ReplicationReading::new(&routes)),
            routes,
            tenants,
            interval,
        }
    }

    /// Its SVV_INTEGRATION reading, for the sources that take it as their signal.
    pub fn replication(&self) -> Arc<ReplicationReading> {
        self.replication.clone()
    }
}

type Answer = Option<Result<ResultSet, String>>;

/// Runs `sql` on `warehouse` when a warehouse plays the role; a failure names the warehouse when
/// there are several.
async fn run_on(warehouse: Option<&Arc<Warehouse>>, sql: &str, named: bool) -> Answer {
    let warehouse = warehouse?;
    Some(warehouse.query(sql).await.map_err(|e| {
        if named {
            format!("{}: {e}", warehouse.label())
        } else {
            e
        }
    }))
}

/// The same statement on every Zero-ETL target, the rows together; any failure fails the view.
async fn run_on_all(warehouses: &[Arc<Warehouse>], sql: &str, named: bool) -> Answer {
    if warehouses.is_empty() {
        return None;
    }
    let answers =
        futures_util::future::join_all(warehouses.iter().map(|w| run_on(Some(w), sql, named)))
            .await;
    let mut together = ResultSet::default();
    for answer in answers.into_iter().flatten() {
        let set = match answer {
            Ok(set) => set,
            Err(e) => return Some(Err(e)),
        };
        if together.columns.is_empty() {
            together.columns = set.columns;
        }
        together.rows.extend(set.rows);
    }
    Some(Ok(together))
}

/// SYS_QUERY_HISTORY's failed queries on every warehouse, each row with the label of the
/// warehouse it came from (a `warehouse` column); any failure fails the view.
async fn failed_queries_on_all(warehouses: &[Arc<Warehouse>], named: bool) -> Answer {
    if warehouses.is_empty() {
        return None;
    }
    let answers =
        futures_util::future::join_all(warehouses.iter().map(|w| async move {
            (w.label(), run_on(Some(w), sql::FAILED_QUERIES, named).await)
        }))
        .await;
    let mut together = ResultSet::default();
    for (label, answer) in answers {
        let set = match answer {
            Some(Ok(set)) => set,
            Some(Err(e)) => return Some(Err(e)),
            None => continue,
        };
        if together.columns.is_empty() && !set.columns.is_empty() {
            together.columns = set.columns.clone();
            together.columns.push(WAREHOUSE_COLUMN.into());
        }
        for mut row in set.rows {
            row.push(Value::Text(label.to_string()));
            together.rows.push(row);
        }
    }
    Some(Ok(together))
}

/// The column [`failed_queries_on_all`] adds: which warehouse a row came from.
const WAREHOUSE_COLUMN: &str = "shiftops_warehouse";

#[async_trait]
impl Source for WarehouseSource {
    fn id(&self) -> SourceId {
        SourceId::Warehouse
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        let schemas = sql::schema_list(self.tenants.iter().map(|t| t.schema.as_str()))
            .map_err(SourceError)?;
        let load_errors_sql = sql::load_errors(&schemas);
        let integration_tables_sql = sql::integration_tables();
        let r = &self.routes;
        let named = r.named();
        let wlm_sql = |provisioned: &'static str, serverless: &'static str| match &r.wlm {
            Some(w) if w.is_serverless() => serverless,
            _ => provisioned,
        };
        let text_pieces = match &r.wlm {
            Some(w) if w.is_serverless() => TextPieces::SERVERLESS,
            _ => TextPieces::PROVISIONED,
        };
        let (integrations, tables_state, errors, loads, queues, queries, tables, failed) = tokio::join!(
            async {
                self.replication
                    .read()
                    .await
                    .map(|answer| answer.as_ref().clone())
            },
            run_on_all(&r.integrations, &integration_tables_sql, named),
            run_on(r.elt.as_ref(), &load_errors_sql, named),
            run_on(r.elt.as_ref(), sql::LOADS, named),
            run_on(
                r.wlm.as_ref(),
                wlm_sql(sql::QUEUES, sql::SERVERLESS_QUEUES),
                named
            ),
            run_on(
                r.wlm.as_ref(),
                wlm_sql(sql::QUERIES, sql::SERVERLESS_QUERIES),
                named
            ),
            run_on(r.storage.as_ref(), sql::TABLES, named),
            failed_queries_on_all(&r.all, named),
        );
        let results = [
            (WarehouseView::Integrations, &integrations),
            (WarehouseView::IntegrationTables, &tables_state),
            (WarehouseView::LoadErrors, &errors),
            (WarehouseView::Loads, &loads),
            (WarehouseView::Queues, &queues),
            (WarehouseView::Queries, &queries),
            (WarehouseView::Tables, &tables),
            (WarehouseView::FailedQueries, &failed),
        ];
        let asked = results
            .iter()
            .filter(|(_, answer)| answer.is_some())
            .count();
        let failed_views: Vec<(WarehouseView, String)> = results
            .iter()
            .filter_map(|(view, answer)| match answer {
                Some(Err(e)) => Some((*view, e.clone())),
                _ => None,
            })
            .collect();
        if asked > 0 && failed_views.len() == asked {
            return Err(SourceError(failed_views[0].1.clone()));
        }
        let empty = ResultSet::default();
        let rows = |answer: &Answer| -> ResultSet {
            match answer {
                Some(Ok(set)) => set.clone(),
                _ => empty.clone(),
            }
        };
        Ok(SourceData::Warehouse(WarehouseData {
            replication: replication(&rows(&integrations), &rows(&tables_state)),
            load_errors: load_errors(&rows(&errors), &self.tenants),
            loads: load_summaries(&rows(&loads), &self.tenants),
            queues: queue_activity(&rows(&queues), r.wlm.as_deref()),
            queries: running_queries(&rows(&queries), r.wlm.as_deref(), text_pieces),
            tables: table_info(&rows(&tables)),
            tables_total_mb: tables_total_mb(&rows(&tables)),
            failed_queries: failed_queries(&rows(&failed), named),
            failed_views,
        }))
    }
}

fn replication(integrations: &ResultSet, tables: &ResultSet) -> Vec<IntegrationReplication> {
    let mut by_id: HashMap<String, Vec<TableSync>> = HashMap::new();
    for record in tables.records() {
        by_id
            .entry(record.text("integration_id"))
            .or_default()
            .push(TableSync {
                table: format!(
                    "{}.{}",
                    record.text("schema_name"),
                    record.text("table_name")
                ),
                state: record.text("table_state"),
                reason: record.text("reason"),
            });
    }
    integrations
        .records()
        .map(|record| {
            let id = record.text("integration_id");
            IntegrationReplication {
                tenant: None,
                tables_not_synced: by_id.remove(&id).unwrap_or_default(),
                integration_id: id,
                state: record.text("state"),
                lag_seconds: record.get("current_lag_ms").as_f64().map(|ms| ms / 1000.0),
            }
        })
        .collect()
}

/// A load error is its table's schema's tenant's; the error of a table dropped since (no schema)
/// is the tenant's whose export the S3 file is (`file_name` is "the complete path to the input
/// file": https://docs.aws.amazon.com/redshift/latest/dg/SYS_LOAD_ERROR_DETAIL.html). An error
/// that is neither is another pipeline's, not a watched tenant's, and is left out.
fn load_errors(rows: &ResultSet, tenants: &[Tenant]) -> Vec<LoadError> {
    rows.records()
        .filter_map(|record| {
            let schema = record.text("schema_name");
            let file = record.text("file_name");
            let tenant = if schema.is_empty() {
                export_tenant_of(&file, tenants)?
            } else {
                tenants.iter().find(|t| t.schema == schema)?
            };
            let table = match record.text("table_name") {
                // A dropped table is known only by its id.
                name if name.is_empty() => match record.get("table_id").as_i64() {
                    Some(id) => format!("#{id}"),
                    None => "#?".into(),
                },
                name => name,
            };
            Some(LoadError {
                tenant: tenant.name.clone(),
                table,
                file,
                line: record.get("line_number").as_i64().unwrap_or(0).max(0) as u64,
                column: record.text("column_name"),
                reason: record.text("error_message"),
                time: record.get("start_time").as_time()?,
            })
        })
        .collect()
}

/// The export-path tenant whose bucket and prefix the S3 location `source` is under.
fn export_tenant_of<'a>(source: &str, tenants: &'a [Tenant]) -> Option<&'a Tenant> {
    tenants.iter().find(|t| match &t.ingest {
        Ingest::Export { bucket, prefix } => source.starts_with(&format!("s3://{bucket}/{prefix}")),
        Ingest::ZeroEtl { .. } => false,
    })
}

/// COPYs are matched to export-path tenants by the S3 location they read.
fn load_summaries(rows: &ResultSet, tenants: &[Tenant]) -> Vec<LoadSummary> {
    let mut summaries: Vec<LoadSummary> = Vec::new();
    for record in rows.records() {
        let source = record.text("data_source");
        let Some(tenant) = export_tenant_of(&source, tenants) else {
            continue;
        };
        let Some(at) = record.get("last_copy_at").as_time() else {
            continue;
        };
        let rows = record.get("loaded_rows").as_i64().unwrap_or(0).max(0) as u64;
        let index = match summaries.iter().position(|s| s.tenant == tenant.name) {
            Some(index) => index,
            None => {
                summaries.push(LoadSummary {
                    tenant: tenant.name.clone(),
                    last_copy_at: at,
                    rows: 0,
                    clean_loads: Default::default(),
                });
                summaries.len() - 1
            }
        };
        let summary = &mut summaries[index];
        summary.last_copy_at = summary.last_copy_at.max(at);
        summary.rows += rows;
        let table = record.text("table_name");
        let table = table.rsplit('.').next().unwrap_or_default();
        if let Some(clean) = record.get("last_clean_at").as_time()
            && !table.is_empty()
        {
            let best = summary
                .clean_loads
                .entry(table.to_string())
                .or_insert(clean);
            *best = (*best).max(clean);
        }
    }
    summaries
}

/// The queue a row names. On Serverless AWS names none (see `sql::SERVERLESS_QUEUES`): the
/// row is the workgroup's as a whole, and goes by the workgroup's name.
fn queue_name(record: &Record<'_>, wlm: Option<&Warehouse>) -> String {
    match (record.text("queue"), wlm.filter(|w| w.is_serverless())) {
        (queue, Some(workgroup)) if queue.is_empty() => workgroup.label().to_string(),
        (queue, _) => queue,
    }
}

fn queue_activity(rows: &ResultSet, wlm: Option<&Warehouse>) -> Vec<QueueActivity> {
    rows.records()
        .map(|record| QueueActivity {
            queue: queue_name(&record, wlm),
            queued: record.get("queued").as_i64().unwrap_or(0).max(0) as u32,
            running: record.get("running").as_i64().unwrap_or(0).max(0) as u32,
            max_wait_seconds: record.get("max_wait_seconds").as_f64().unwrap_or(0.0),
        })
        .collect()
}

/// How a warehouse keeps a statement's text: pieces of so many characters, so many joined, and
/// what stands in while there is no piece.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TextPieces {
    joined: usize,
    chars: usize,
    stand_in: usize,
}

impl TextPieces {
    const PROVISIONED: TextPieces = TextPieces {
        joined: sql::QUERY_TEXT_PIECES,
        chars: sql::QUERY_TEXT_PIECE,
        stand_in: sql::INFLIGHT_TEXT,
    };
    const SERVERLESS: TextPieces = TextPieces {
        joined: sql::SERVERLESS_QUERY_TEXT_PIECES,
        chars: sql::SERVERLESS_QUERY_TEXT_PIECE,
        stand_in: sql::SERVERLESS_QUERY_TEXT_PIECE,
    };
}

fn running_queries(
    rows: &ResultSet,
    wlm: Option<&Warehouse>,
    pieces: TextPieces,
) -> Vec<RunningQuery> {
    rows.records()
        .filter_map(|record| {
            let (sql, sql_cut_at) = statement(
                record.text("sql"),
                record.get("sql_pieces").as_i64(),
                pieces,
            );
            Some(RunningQuery {
                pid: record.get("pid").as_i64()?,
                queue: queue_name(&record, wlm),
                user: record.text("user_name"),
                state: record.text("state"),
                started_at: record.get("started_at").as_time()?,
                sql,
                sql_cut_at,
            })
        })
        .collect()
}

/// The failed queries of every warehouse together, newest first; each names its warehouse when
/// the console watches several.
fn failed_queries(rows: &ResultSet, named: bool) -> Vec<FailedQuery> {
    let mut failed: Vec<FailedQuery> = rows
        .records()
        .filter_map(|record| {
            let sql = record.text("query_text");
            let sql_cut_at =
                (sql.chars().count() >= sql::QUERY_HISTORY_TEXT).then_some(sql::QUERY_HISTORY_TEXT);
            Some(FailedQuery {
                warehouse: named.then(|| record.text(WAREHOUSE_COLUMN)),
                query_id: record.get("query_id").as_i64()?,
                user: record.text("user_name"),
                query_type: record.text("query_type"),
                started_at: record.get("start_time").as_time()?,
                ended_at: record.get("end_time").as_time(),
                error: record.text("error_message"),
                sql,
                sql_cut_at,
            })
        })
        .collect();
    failed.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| a.warehouse.cmp(&b.warehouse))
            .then_with(|| b.query_id.cmp(&a.query_id))
    });
    failed
}

/// Every table's size together, as each row of the tables' statement carries it.
fn tables_total_mb(rows: &ResultSet) -> Option<u64> {
    rows.records()
        .next()
        .and_then(|record| record.get("total_size_mb").as_i64())
        .map(|mb| mb.max(0) as u64)
}

/// A running query's SQL and where it may be cut (see `sql::QUERIES`): joined from
/// `pieces` pieces of STL_QUERYTEXT, or STV_INFLIGHT's own `text` when there were none.
fn statement(text: String, pieces: Option<i64>, kept: TextPieces) -> (String, Option<usize>) {
    match pieces {
        Some(pieces) => {
            let pieces = usize::try_from(pieces).unwrap_or(0);
            let cut = (pieces > kept.joined).then_some(kept.joined * kept.chars);
            (unescape_query_text(&text), cut)
        }
        None => {
            let cut = (text.chars().count() >= kept.stand_in).then_some(kept.stand_in);
            (text, cut)
        }
    }
}

/// STL_QUERYTEXT writes a newline as `\n` and a backslash as `\\`: the statement as it was sent.
fn unescape_query_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn table_info(rows: &ResultSet) -> Vec<TableInfo> {
    rows.records()
        .map(|record| TableInfo {
            schema: record.text("schema_name"),
            table: record.text("table_name"),
            size_mb: record.get("size_mb").as_i64().unwrap_or(0).max(0) as u64,
            rows: record.get("tbl_rows").as_f64().unwrap_or(0.0).max(0.0) as u64,
            // skew_rows is the ratio of the fullest slice to the emptiest: 1.0 is no skew.
            skew_percent: record
                .get("skew_rows")
                .as_f64()
                .map_or(0.0, |ratio| ((ratio - 1.0) * 100.0).max(0.0)),
            unsorted_percent: record.get("unsorted").as_f64().unwrap_or(0.0),
            stats_off_percent: record.get("stats_off").as_f64().unwrap_or(0.0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_querys_sql_says_where_it_may_be_cut() {
        assert_eq!(
            statement(
                "SELECT 1\\nFROM t WHERE a = '\\\\'".into(),
                Some(1),
                TextPieces::PROVISIONED
            ),
            ("SELECT 1\nFROM t WHERE a = '\\'".to_string(), None)
        );
        assert_eq!(
            statement("SELECT …".into(), Some(101), TextPieces::PROVISIONED).1,
            Some(20_000),
            "more pieces than joined"
        );
        let inflight = "x".repeat(100);
        assert_eq!(
            statement(inflight.clone(), None, TextPieces::PROVISIONED),
            (inflight, Some(100))
        );
        assert_eq!(
            statement("SELECT …".into(), Some(17), TextPieces::SERVERLESS).1,
            Some(64_000),
            "Serverless keeps 4,000-character pieces"
        );
        assert_eq!(
            statement("SELECT 1".into(), None, TextPieces::PROVISIONED),
            ("SELECT 1".into(), None)
        );
    }

    fn set(columns: &[&str], rows: Vec<Vec<Value>>) -> ResultSet {
        ResultSet {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        }
    }

    #[test]
    fn timestamps_parse_with_and_without_fractions() {
        let at = Value::Text("2026-11-21 06:00:00.123456".into())
            .as_time()
            .unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-21T06:00:00.123456+00:00");
        assert!(
            Value::Text("2026-11-21 06:00:00".into())
                .as_time()
                .is_some()
        );
        assert!(Value::Null.as_time().is_none());
    }

    #[test]
    fn integrations_join_their_tables_and_lag_is_in_seconds() {
        let integrations = set(
            &["integration_id", "state", "current_lag_ms"],
            vec![vec![
                Value::Text("abc".into()),
                Value::Text("CdcRefreshState".into()),
                Value::Long(12_500),
            ]],
        );
        let tables = set(
            &[
                "integration_id",
                "schema_name",
                "table_name",
                "table_state",
                "reason",
            ],
            vec![vec![
                Value::Text("abc".into()),
                Value::Text("tenant_a".into()),
                Value::Text("orders".into()),
                Value::Text("Failed".into()),
                Value::Text("DDL".into()),
            ]],
        );
        let rows = replication(&integrations, &tables);
        assert_eq!(rows[0].lag_seconds, Some(12.5));
        assert_eq!(rows[0].tables_not_synced[0].table, "tenant_a.orders");
    }

    #[test]
    fn load_errors_of_dropped_tables_go_to_the_tenant_whose_export_they_read() {
        let tenant = |name: &str, ingest: Ingest| Tenant {
            name: name.into(),
            metric_dimension_value: name.into(),
            schema: name.into(),
            account_id: "111111111111".into(),
            cluster_identifier: format!("{name}-mysql"),
            ingest,
        };
        let tenants = [
            tenant(
                "tenant_a",
                Ingest::ZeroEtl {
                    integration: "a".into(),
                },
            ),
            tenant(
                "tenant_b",
                Ingest::Export {
                    bucket: "tenant-b-snapshots".into(),
                    prefix: "tenant_b/".into(),
                },
            ),
        ];
        let row = |schema: Option<&str>, table: Option<&str>, id: i64, file: &str| {
            let text = |v: Option<&str>| v.map_or(Value::Null, |v| Value::Text(v.into()));
            vec![
                text(schema),
                text(table),
                Value::Long(id),
                Value::Text(file.into()),
                Value::Long(7),
                Value::Text("quantity".into()),
                Value::Text("Invalid digit".into()),
                Value::Text("2026-11-21 05:10:00".into()),
            ]
        };
        let rows = set(
            &[
                "schema_name",
                "table_name",
                "table_id",
                "file_name",
                "line_number",
                "column_name",
                "error_message",
                "start_time",
            ],
            vec![
                row(Some("tenant_a"), Some("orders"), 1, "s3://elsewhere/x.csv"),
                row(
                    None,
                    None,
                    108_123,
                    "s3://tenant-b-snapshots/tenant_b/orders/p.parquet",
                ),
                row(None, None, 108_124, "s3://someone-else/orders/p.parquet"),
            ],
        );
        let errors = load_errors(&rows, &tenants);
        let seen: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.tenant.as_str(), e.table.as_str()))
            .collect();
        assert_eq!(seen, [("tenant_a", "orders"), ("tenant_b", "#108123")]);
    }

    #[test]
    fn failed_queries_name_their_warehouse_and_may_be_cut() {
        let columns = [
            "query_id",
            "user_name",
            "query_type",
            "start_time",
            "end_time",
            "error_message",
            "query_text",
            WAREHOUSE_COLUMN,
        ];
        let row = |id: i64, at: &str, text: String, warehouse: &str| {
            vec![
                Value::Long(id),
                Value::Text("etl_user".into()),
                Value::Text("COPY".into()),
                Value::Text(at.into()),
                Value::Null,
                Value::Text("Load into table 'orders' failed.".into()),
                Value::Text(text),
                Value::Text(warehouse.into()),
            ]
        };
        let rows = set(
            &columns,
            vec![
                row(
                    7,
                    "2026-11-21 05:00:00",
                    "COPY orders".into(),
                    "dpc-learning",
                ),
                row(9, "2026-11-21 05:30:00", "x".repeat(4000), "multitenant-wg"),
                // No start time: not a row shiftops can place.
                vec![Value::Long(10), Value::Null, Value::Null, Value::Null],
            ],
        );
        let failed = failed_queries(&rows, true);
        assert_eq!(failed.len(), 2);
        assert_eq!(failed[0].query_id, 9, "newest first");
        assert_eq!(failed[0].warehouse.as_deref(), Some("multitenant-wg"));
        assert_eq!(failed[0].sql_cut_at, Some(4000));
        assert_eq!(failed[1].sql_cut_at, None);
        assert_eq!(failed[1].user, "etl_user");
        assert_eq!(failed[1].query_type, "COPY");
        assert_eq!(failed[1].ended_at, None);
        assert_eq!(failed_queries(&rows, false)[0].warehouse, None);
    }

    #[test]
    fn skew_ratio_becomes_percent() {
        let rows = set(
            &[
                "schema_name",
                "table_name",
                "size_mb",
                "tbl_rows",
                "skew_rows",
                "unsorted",
                "stats_off",
            ],
            vec![vec![
                Value::Text("tenant_a".into()),
                Value::Text("orders".into()),
                Value::Long(10),
                Value::Double(100.0),
                Value::Double(1.25),
                Value::Null,
                Value::Double(3.0),
            ]],
        );
        assert_eq!(table_info(&rows)[0].skew_percent, 25.0);
    }
}
