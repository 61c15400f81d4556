//! The user's configuration file (`shiftops/config.toml` in the XDG config dir, or `--config FILE`).
//! Every key is documented in `docs/configuration.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::datafile::{self, DataFileError};
use crate::health::{ThresholdError, Thresholds};
use crate::model::{Ingest, SourceId, Tenant};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub ui: UiConfig,
    pub thresholds: Thresholds,
    pub aws: AwsConfig,
    /// One warehouse that does everything (the simple case).
    pub redshift: Option<RedshiftConfig>,
    /// Several warehouses, each with the `roles` it plays (the seeds' topology: a Serverless
    /// Zero-ETL target and a provisioned cluster for the ELT, WLM and storage). Instead of
    /// `[redshift]`.
    pub warehouses: Vec<RedshiftConfig>,
    pub elt: Option<EltConfig>,
    pub safety: SafetyConfig,
    pub refresh: RefreshConfig,
    pub metrics: MetricsConfig,
    pub tenants: Vec<TenantConfig>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// A shipped theme (`dark`, `light`, `high-contrast`, `colorblind`) or one in `<config dir>/shiftops/themes/`.
    pub theme: String,
    /// A shipped keymap (`default`, `vim`) or one in `<config dir>/shiftops/keymaps/`.
    pub keymap: String,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            theme: "dark".into(),
            keymap: "default".into(),
        }
    }
}

/// How to reach AWS. Credentials come from the default chain (env, profiles, SSO).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AwsConfig {
    pub region: Option<String>,
    /// The central account's profile; `--profile` overrides it.
    pub profile: Option<String>,
    /// Sends every client, STS included, to this endpoint (a local emulator). `AWS_ENDPOINT_URL` does too.
    pub endpoint_url: Option<String>,
    /// The ceiling over all AWS calls in flight at once, every source and account together; each
    /// account's calls to each API also keep to AWS's quota for it (`source::aws::Limiter`).
    pub max_concurrency: usize,
    /// Each call (all its retries) gives up after this long.
    pub call_timeout_seconds: u64,
    /// Attempts per call, with exponential backoff on throttling and transient errors.
    pub max_attempts: u32,
}

impl Default for AwsConfig {
    fn default() -> Self {
        Self {
            region: None,
            profile: None,
            endpoint_url: None,
            max_concurrency: 256,
            call_timeout_seconds: 20,
            max_attempts: 3,
        }
    }
}

/// What a warehouse does for the console: which of its system views and metrics are read there,
/// and where the recovery actions on it act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WarehouseRole {
    /// A Zero-ETL target: SVV_INTEGRATION and SVV_INTEGRATION_TABLE_STATE, the per-table resync,
    /// the doctor's `enable_case_sensitive_identifier`.
    Integrations,
    /// Where the daily ELT runs its COPYs: SYS_LOAD_HISTORY and SYS_LOAD_ERROR_DETAIL.
    Elt,
    /// The WLM queues: queue state, running queries, pause/resume adhoc, WLM metrics.
    Wlm,
    /// SVV_TABLE_INFO and the storage metrics.
    Storage,
}

impl WarehouseRole {
    pub const ALL: [WarehouseRole; 4] = [
        WarehouseRole::Integrations,
        WarehouseRole::Elt,
        WarehouseRole::Wlm,
        WarehouseRole::Storage,
    ];

    pub fn key(self) -> &'static str {
        match self {
            WarehouseRole::Integrations => "integrations",
            WarehouseRole::Elt => "elt",
            WarehouseRole::Wlm => "wlm",
            WarehouseRole::Storage => "storage",
        }
    }
}

/// Redshift's three audit logs (https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html):
/// the connection log "logs authentication attempts, connections, and disconnections" — its
/// `authentication failure` events are errors
/// (https://docs.aws.amazon.com/redshift/latest/dg/r_STL_CONNECTION_LOG.html); the user log
/// records changes to users and the user activity log "logs each query before it's run", so
/// neither says what failed: failed queries come from SYS_QUERY_HISTORY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditLog {
    Connection,
    User,
    UserActivity,
}

impl AuditLog {
    /// The log type as Redshift names it in `LogExports` and in the log group's name.
    pub fn key(self) -> &'static str {
        match self {
            AuditLog::Connection => "connectionlog",
            AuditLog::User => "userlog",
            AuditLog::UserActivity => "useractivitylog",
        }
    }
}

/// A warehouse: a provisioned cluster (with `db_user` or `secret_arn`) or a Serverless workgroup.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedshiftConfig {
    /// How screens and messages name it [default: the cluster identifier or the workgroup].
    pub name: Option<String>,
    /// What it does (`integrations`, `elt`, `wlm`, `storage`) [default: all of them].
    #[serde(default)]
    pub roles: Vec<WarehouseRole>,
    pub cluster_identifier: Option<String>,
    pub workgroup: Option<String>,
    /// The Serverless namespace, for storage metrics and the doctor.
    pub namespace: Option<String>,
    #[serde(default = "default_database")]
    pub database: String,
    pub db_user: Option<String>,
    pub secret_arn: Option<String>,
    /// Deprecated: a log group whose lines containing `ERROR` are shown as they are (the seed
    /// dashboard's widget). Redshift writes no such group; failed queries come from
    /// SYS_QUERY_HISTORY and authentication failures from the audit logs [default: none].
    pub log_group: Option<String>,
    /// Read the connection log of this warehouse's audit logging in CloudWatch, by the name
    /// Redshift gives it (needs `namespace` on Serverless) [default: false].
    #[serde(default)]
    pub audit_logs: bool,
    /// The audit log groups to read, named explicitly (instead of `audit_logs = true`).
    #[serde(default)]
    pub audit_log_groups: Vec<String>,
    /// Serverless only: the storage the percentage is taken of, since Serverless reports bytes.
    pub storage_capacity_gb: Option<f64>,
}

fn default_database() -> String {
    "dev".into()
}

impl RedshiftConfig {
    /// The name it goes by: `name`, else the cluster identifier or the workgroup.
    pub fn label(&self) -> &str {
        self.name
            .as_deref()
            .or(self.cluster_identifier.as_deref())
            .or(self.workgroup.as_deref())
            .unwrap_or_default()
    }

    pub fn is_serverless(&self) -> bool {
        self.workgroup.is_some()
    }

    pub fn has_role(&self, role: WarehouseRole) -> bool {
        self.roles.is_empty() || self.roles.contains(&role)
    }

    /// The audit log groups to read: the explicit ones, or with `audit_logs = true` the
    /// connection log, the one audit log that holds errors (see [`AuditLog`]).
    pub fn audit_log_groups(&self) -> Vec<String> {
        if !self.audit_log_groups.is_empty() {
            return self.audit_log_groups.clone();
        }
        if !self.audit_logs {
            return Vec::new();
        }
        self.audit_log_group(AuditLog::Connection)
            .into_iter()
            .collect()
    }

    /// The log group Redshift exports one audit log to: `/aws/redshift/cluster/<cluster>/<log>`
    /// for a provisioned cluster
    /// (https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing-cloudwatch-provisioned.html)
    /// and `/aws/redshift/<namespace>/<log>` on Serverless
    /// (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-audit-logging.html).
    pub fn audit_log_group(&self, log: AuditLog) -> Option<String> {
        match (&self.cluster_identifier, &self.namespace) {
            (Some(cluster), _) => Some(format!("/aws/redshift/cluster/{cluster}/{}", log.key())),
            (None, Some(namespace)) => Some(format!("/aws/redshift/{namespace}/{}", log.key())),
            (None, None) => None,
        }
    }
}

/// What the recovery actions may do.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SafetyConfig {
    /// Refuse every action that changes anything (`--read-only` does the same).
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EltConfig {
    pub state_machine_arn: String,
}

/// Seconds between refreshes of each source, and how long one refresh may take.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RefreshConfig {
    pub rds_seconds: u64,
    pub warehouse_seconds: u64,
    pub metrics_seconds: u64,
    pub alarms_seconds: u64,
    pub elt_seconds: u64,
    pub logs_seconds: u64,
    /// The warehouse's WLM configuration: it changes only when someone changes it.
    pub parameters_seconds: u64,
    /// The tenants' Aurora clusters: slow facts, one call per tenant account, so read seldom.
    pub aurora_seconds: u64,
    pub timeout_seconds: u64,
}

impl Default for RefreshConfig {
    fn default() -> Self {
        Self {
            rds_seconds: 120,
            warehouse_seconds: 60,
            metrics_seconds: 60,
            alarms_seconds: 30,
            elt_seconds: 30,
            logs_seconds: 120,
            parameters_seconds: 60,
            aurora_seconds: 900,
            timeout_seconds: 60,
        }
    }
}

impl RefreshConfig {
    pub fn interval(&self, source: SourceId) -> Duration {
        let seconds = match source {
            SourceId::Rds => self.rds_seconds,
            SourceId::Warehouse => self.warehouse_seconds,
            SourceId::Metrics => self.metrics_seconds,
            SourceId::Alarms => self.alarms_seconds,
            SourceId::Elt => self.elt_seconds,
            SourceId::Logs => self.logs_seconds,
            SourceId::Parameters => self.parameters_seconds,
            SourceId::Aurora => self.aurora_seconds,
        };
        Duration::from_secs(seconds.max(1))
    }

    /// The same refreshes for a clock that runs `speed` times faster (the demo's `--speed`):
    /// each interval as long in that clock's time, and never under a second.
    pub fn faster(&self, speed: u32) -> RefreshConfig {
        let speed = u64::from(speed.max(1));
        let scale = |seconds: u64| (seconds / speed).max(1);
        RefreshConfig {
            rds_seconds: scale(self.rds_seconds),
            warehouse_seconds: scale(self.warehouse_seconds),
            metrics_seconds: scale(self.metrics_seconds),
            alarms_seconds: scale(self.alarms_seconds),
            elt_seconds: scale(self.elt_seconds),
            logs_seconds: scale(self.logs_seconds),
            parameters_seconds: scale(self.parameters_seconds),
            aurora_seconds: scale(self.aurora_seconds),
            timeout_seconds: self.timeout_seconds,
        }
    }
}

/// A CloudWatch metric: namespace, name, fixed dimensions and statistic.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    pub namespace: String,
    pub name: String,
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
    #[serde(default = "default_stat")]
    pub stat: String,
}

fn default_stat() -> String {
    "Average".into()
}

fn metric(namespace: &str, name: &str, dimensions: &[(&str, &str)], stat: &str) -> MetricSpec {
    MetricSpec {
        namespace: namespace.into(),
        name: name.into(),
        dimensions: dimensions
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        stat: stat.into(),
    }
}

/// Where the seed dashboard's metrics live. The WLM and storage metrics of `AWS/Redshift` get the
/// cluster's `ClusterIdentifier` dimension added; per-tenant and per-integration metrics get the
/// dimension named by `tenant_dimension` / `integration_dimension`.
///
/// A metric is the exact set of its dimensions: "CloudWatch treats each unique combination of
/// dimensions as a separate metric", and a query must give "the exact dimensions" the metric was
/// published with (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Dimension).
/// So the custom metrics default to the dimensions the seed's ELT publishes them with,
/// `Environment = "prod"`, and a tenant's `CopyErrorCount` is the spec's dimensions plus the
/// tenant's.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    pub elt_delay: MetricSpec,
    pub copy_errors: MetricSpec,
    pub tenant_dimension: String,
    pub rejected_queries: MetricSpec,
    pub attempted_queries: MetricSpec,
    pub integration_lag: MetricSpec,
    pub integration_dimension: String,
    /// The `QueueName` dimension values of the WLM queues.
    pub queues: Vec<String>,
    /// What GetMetricData costs per 1,000 metrics requested, in USD, for the console's polling
    /// cost on the status line (`cw ≈ $0.42/day`).
    pub price_per_1000_metrics: f64,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            elt_delay: metric(
                "Custom/DPC",
                "ELTExecutionDelay",
                &[("Environment", "prod")],
                "Maximum",
            ),
            copy_errors: metric(
                "Custom/DPC",
                "CopyErrorCount",
                &[("Environment", "prod")],
                "Sum",
            ),
            tenant_dimension: "Tenant".into(),
            rejected_queries: metric(
                "Custom/DPC",
                "WLMRejectedQueries",
                &[("Environment", "prod")],
                "Sum",
            ),
            attempted_queries: metric(
                "Custom/DPC",
                "WLMAttemptedQueries",
                &[("Environment", "prod")],
                "Sum",
            ),
            integration_lag: metric("AWS/Redshift", "IntegrationLag", &[], "Maximum"),
            integration_dimension: "IntegrationId".into(),
            queues: crate::model::WLM_QUEUES.map(String::from).to_vec(),
            price_per_1000_metrics: crate::tui::cost::LIST_PRICE_PER_1000_METRICS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportConfig {
    pub bucket: String,
    #[serde(default)]
    pub prefix: String,
    /// The role RDS exports with (`RDSExportServiceRole`), for the start-export action.
    pub iam_role_arn: Option<String>,
    /// The KMS key the export is encrypted with, for the start-export action.
    pub kms_key_id: Option<String>,
}

/// One tenant: its account, how to read it, and how its data reaches the warehouse.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    pub name: Spanned<String>,
    /// The warehouse schema [default: the name].
    pub schema: Option<Spanned<String>>,
    pub account_id: String,
    /// Assumed with the central credentials; or `profile`; neither = the central credentials.
    pub role_arn: Option<String>,
    pub profile: Option<String>,
    /// A role allowed to act (snapshot, export) in the tenant's account [default: `role_arn`].
    pub operator_role_arn: Option<String>,
    pub cluster_identifier: String,
    pub integration: Option<String>,
    pub export: Option<ExportConfig>,
    /// The tenant's region, when it is not `[aws] region`.
    pub region: Option<String>,
    /// The value of the tenant's dimension (`[metrics] tenant_dimension`) on its CloudWatch
    /// metrics and alarms [default: the name]. CloudWatch takes ASCII only, so a tenant whose
    /// name is not (a Japanese name) sets it.
    pub metric_dimension_value: Option<Spanned<String>>,
    /// Whether the alarms in the tenant's account are read with its `role_arn` or `profile`
    /// [default: false]: one DescribeAlarms in that account each refresh, so only for accounts
    /// that hold alarms of their own (the central account's are always read).
    #[serde(default)]
    pub alarms: bool,
}

impl TenantConfig {
    pub fn schema(&self) -> &str {
        self.schema
            .as_ref()
            .map_or(self.name.get_ref(), |s| s.get_ref())
    }

    pub fn metric_dimension_value(&self) -> &str {
        self.metric_dimension_value
            .as_ref()
            .map_or(self.name.get_ref(), |v| v.get_ref())
    }

    pub fn to_tenant(&self) -> Tenant {
        Tenant {
            name: self.name.get_ref().clone(),
            schema: self.schema().to_string(),
            metric_dimension_value: self.metric_dimension_value().to_string(),
            account_id: self.account_id.clone(),
            cluster_identifier: self.cluster_identifier.clone(),
            ingest: match (&self.integration, &self.export) {
                (Some(integration), _) => Ingest::ZeroEtl {
                    integration: integration.clone(),
                },
                (None, Some(export)) => Ingest::Export {
                    bucket: export.bucket.clone(),
                    prefix: export.prefix.clone(),
                },
                (None, None) => unreachable!("validated: every tenant has a path"),
            },
        }
    }
}

/// `<config dir>/shiftops`, where the config file, the keymap override and user themes live.
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("shiftops"))
}

/// Whether `name` may go into SQL as an identifier: letters, digits, `_` and `$`, not starting
/// with a digit or `$`, at most 127 bytes (Redshift's limit).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && name.len() <= 127
}

/// Whether CloudWatch takes `value` as a dimension value: "Dimension values must contain only
/// ASCII characters and must include at least one non-whitespace character. ASCII control
/// characters are not supported", 1 to 1,024 characters
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html).
pub fn is_dimension_value(value: &str) -> bool {
    (1..=1024).contains(&value.len())
        && value.chars().all(|c| c.is_ascii() && !c.is_ascii_control())
        && value.chars().any(|c| !c.is_ascii_whitespace())
}

/// A `[thresholds]` value the rules cannot use, at the value in the file it blames (the
/// warning of a pair out of order, or the critical level when only that one is in the file).
fn threshold_error(path: &str, text: &str, error: &ThresholdError) -> DataFileError {
    type Table = BTreeMap<String, Spanned<toml::Value>>;
    #[derive(Deserialize)]
    struct Located {
        thresholds: Option<Spanned<Table>>,
    }
    let table = toml::from_str::<Located>(text)
        .ok()
        .and_then(|located| located.thresholds);
    let span = table.as_ref().and_then(|table| {
        error
            .keys()
            .into_iter()
            .find_map(|key| table.get_ref().get(key).map(Spanned::span))
            .or_else(|| Some(table.span()))
    });
    match span {
        Some(span) => datafile::error_at(path, text, span, error.to_string()),
        None => DataFileError::whole_file(path, error.to_string()),
    }
}

/// Where the `index`th warehouse stands in the file (`[redshift]` or a `[[warehouses]]` table),
/// for an error about it.
fn warehouse_span(text: &str, index: usize) -> Option<std::ops::Range<usize>> {
    type Table = BTreeMap<String, Spanned<toml::Value>>;
    #[derive(Deserialize)]
    struct Located {
        redshift: Option<Spanned<Table>>,
        #[serde(default)]
        warehouses: Vec<Spanned<Table>>,
    }
    let located = toml::from_str::<Located>(text).ok()?;
    located
        .redshift
        .into_iter()
        .chain(located.warehouses)
        .nth(index)
        .map(|table| {
            table
                .get_ref()
                .get("name")
                .or_else(|| table.get_ref().get("roles"))
                .map_or(table.span(), Spanned::span)
        })
}

impl Config {
    /// Loads `explicit` (which must exist), else the default file if it exists, else the defaults.
    /// Either must be a regular file (or a link to one): a directory, a FIFO or a dangling link
    /// there is an error, not the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, DataFileError> {
        let (path, text) = match explicit {
            Some(path) => (path.to_path_buf(), datafile::read_text(path)?),
            None => {
                let Some(path) = config_dir().map(|d| d.join("config.toml")) else {
                    return Ok(Config::default());
                };
                match datafile::read_optional(&path)? {
                    Some(text) => (path, text),
                    None => return Ok(Config::default()),
                }
            }
        };
        Self::parse(&path.display().to_string(), &text)
    }

    pub fn parse(path: &str, text: &str) -> Result<Config, DataFileError> {
        let config: Config = datafile::parse(path, text)?;
        config.validate(path, text)?;
        Ok(config)
    }

    /// Whether this config describes a live fleet to watch.
    pub fn is_live(&self) -> bool {
        !self.tenants.is_empty()
    }

    pub fn tenants(&self) -> Vec<Tenant> {
        self.tenants.iter().map(TenantConfig::to_tenant).collect()
    }

    /// Every configured warehouse: `[redshift]` or the `[[warehouses]]`.
    pub fn all_warehouses(&self) -> Vec<&RedshiftConfig> {
        self.redshift.iter().chain(&self.warehouses).collect()
    }

    /// The warehouse that plays `role` (validated: at most one does, but for `integrations`).
    pub fn warehouse(&self, role: WarehouseRole) -> Option<&RedshiftConfig> {
        self.all_warehouses().into_iter().find(|w| w.has_role(role))
    }

    /// Every warehouse that plays `role`: the Zero-ETL targets may be several.
    pub fn warehouses_with(&self, role: WarehouseRole) -> Vec<&RedshiftConfig> {
        self.all_warehouses()
            .into_iter()
            .filter(|w| w.has_role(role))
            .collect()
    }

    /// Checks what serde cannot: choices between keys, identifiers that reach SQL, duplicates.
    fn validate(&self, path: &str, text: &str) -> Result<(), DataFileError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            Err(datafile::error_at(path, text, span, message))
        };
        let whole = |message: String| Err(DataFileError::whole_file(path, message));
        if let Err(error) = self.thresholds.validate() {
            return Err(threshold_error(path, text, &error));
        }
        let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
        let mut dimension_values: BTreeMap<&str, &str> = BTreeMap::new();
        for tenant in &self.tenants {
            let name = tenant.name.get_ref();
            // A name is shown, not run: any printable text (Japanese included), but nothing that
            // drives a terminal or reorders what is shown. The schema is what reaches SQL, and
            // it must be an identifier.
            if name.trim().is_empty()
                || name.chars().any(crate::text::is_unsafe)
                || name.chars().count() > 64
            {
                return at(
                    tenant.name.span(),
                    format!("tenant name {name:?} must be 1 to 64 printable characters"),
                );
            }
            if tenant.schema.is_none() && !is_identifier(name) {
                return at(
                    tenant.name.span(),
                    format!(
                        "tenant {name:?} needs `schema = \"…\"`: its name is not an SQL identifier (letters, digits and _)"
                    ),
                );
            }
            if seen.insert(name, ()).is_some() {
                return at(
                    tenant.name.span(),
                    format!("tenant {name:?} is listed twice"),
                );
            }
            if let Some(schema) = &tenant.schema
                && !is_identifier(schema.get_ref())
            {
                return at(
                    schema.span(),
                    format!(
                        "schema {:?} must be an identifier: letters, digits and _",
                        schema.get_ref()
                    ),
                );
            }
            match (&tenant.integration, &tenant.export) {
                (Some(_), Some(_)) => {
                    return at(
                        tenant.name.span(),
                        format!(
                            "tenant {name:?} has both `integration` and `export`: choose its one path"
                        ),
                    );
                }
                (None, None) => {
                    return at(
                        tenant.name.span(),
                        format!(
                            "tenant {name:?} needs `integration = \"…\"` (Zero-ETL) or `export = {{ bucket = \"…\" }}`"
                        ),
                    );
                }
                _ => {}
            }
            match &tenant.metric_dimension_value {
                Some(value) if !is_dimension_value(value.get_ref()) => {
                    return at(
                        value.span(),
                        format!(
                            "metric_dimension_value {:?} must be 1 to 1024 ASCII characters, not only spaces, no control characters (a CloudWatch dimension value)",
                            value.get_ref()
                        ),
                    );
                }
                None if !is_dimension_value(name) => {
                    return at(
                        tenant.name.span(),
                        format!(
                            "tenant {name:?} needs `metric_dimension_value = \"…\"`: its name is not a CloudWatch dimension value (ASCII only)"
                        ),
                    );
                }
                _ => {}
            }
            // Two tenants with one value would read each other's metrics and alarms.
            if let Some(other) = dimension_values.insert(tenant.metric_dimension_value(), name) {
                let span = tenant
                    .metric_dimension_value
                    .as_ref()
                    .map_or(tenant.name.span(), Spanned::span);
                return at(
                    span,
                    format!(
                        "tenant {name:?} has the metric_dimension_value {:?} of tenant {other:?}: each tenant needs its own",
                        tenant.metric_dimension_value()
                    ),
                );
            }
            if tenant.role_arn.is_some() && tenant.profile.is_some() {
                return at(
                    tenant.name.span(),
                    format!("tenant {name:?} has both `role_arn` and `profile`: choose one"),
                );
            }
        }
        if self.redshift.is_some() && !self.warehouses.is_empty() {
            return whole(
                "both [redshift] and [[warehouses]]: use [redshift] for one warehouse or [[warehouses]] for several"
                    .into(),
            );
        }
        let table = if self.redshift.is_some() {
            "[redshift]"
        } else {
            "[[warehouses]]"
        };
        let mut labels: BTreeMap<&str, ()> = BTreeMap::new();
        let at_warehouse = |index: usize, message: String| match warehouse_span(text, index) {
            Some(span) => Err(datafile::error_at(path, text, span, message)),
            None => Err(DataFileError::whole_file(path, message)),
        };
        for (index, warehouse) in self.all_warehouses().into_iter().enumerate() {
            match (&warehouse.cluster_identifier, &warehouse.workgroup) {
                (Some(_), Some(_)) => {
                    return at_warehouse(
                        index,
                        format!("{table} has both cluster_identifier and workgroup: choose one"),
                    );
                }
                (None, None) => {
                    return at_warehouse(
                        index,
                        format!(
                            "{table} needs cluster_identifier (provisioned) or workgroup (Serverless)"
                        ),
                    );
                }
                (Some(_), None)
                    if warehouse.db_user.is_none() && warehouse.secret_arn.is_none() =>
                {
                    return at_warehouse(
                        index,
                        format!("{table} with cluster_identifier needs db_user or secret_arn"),
                    );
                }
                _ => {}
            }
            let label = warehouse.label();
            if label.chars().any(crate::text::is_unsafe) || label.chars().count() > 64 {
                return at_warehouse(
                    index,
                    format!("warehouse name {label:?} must be 1 to 64 printable characters"),
                );
            }
            if labels.insert(label, ()).is_some() {
                return at_warehouse(
                    index,
                    format!("warehouse {label:?} is listed twice: give each its own `name`"),
                );
            }
            if warehouse.audit_logs && !warehouse.audit_log_groups.is_empty() {
                return whole(format!(
                    "warehouse {label:?} has both audit_logs and audit_log_groups: choose one"
                ));
            }
            if warehouse.audit_logs && warehouse.audit_log_group(AuditLog::Connection).is_none() {
                return whole(format!(
                    "warehouse {label:?} has audit_logs = true but no namespace: the Serverless audit log groups are named after it"
                ));
            }
        }
        if !self.warehouses.is_empty() {
            let offset = usize::from(self.redshift.is_some());
            for (index, warehouse) in self.warehouses.iter().enumerate() {
                if warehouse.roles.is_empty() {
                    return at_warehouse(
                        index + offset,
                        format!(
                            "warehouse {:?} needs `roles` (integrations, elt, wlm, storage): with several warehouses, say what each does",
                            warehouse.label()
                        ),
                    );
                }
            }
            // One warehouse per role, but for the Zero-ETL targets: each integration names its own.
            for role in [
                WarehouseRole::Elt,
                WarehouseRole::Wlm,
                WarehouseRole::Storage,
            ] {
                let holders: Vec<&str> = self
                    .warehouses_with(role)
                    .iter()
                    .map(|w| w.label())
                    .collect();
                if holders.len() > 1 {
                    return whole(format!(
                        "role {:?} is given to {}: one warehouse plays it",
                        role.key(),
                        holders.join(" and ")
                    ));
                }
            }
            let zero_etl = self.tenants.iter().any(|t| t.integration.is_some());
            if zero_etl && self.warehouses_with(WarehouseRole::Integrations).is_empty() {
                return whole(
                    "tenants use Zero-ETL but no warehouse has the role \"integrations\"".into(),
                );
            }
        }
        if self.is_live() && self.all_warehouses().is_empty() {
            return whole(
                "[[tenants]] are listed but [redshift] (or [[warehouses]]) is missing".into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_override_single_keys() {
        let config = Config::parse(
            "config.toml",
            "[thresholds]\nelt_delay_minutes = 120\n[ui]\ntheme = \"light\"\n",
        )
        .unwrap();
        assert_eq!(config.thresholds.elt_delay_minutes, 120.0);
        assert_eq!(config.thresholds.storage_warning_percent, 80.0);
        assert_eq!(config.ui.theme, "light");
        assert_eq!(config.ui.keymap, "default");
        assert!(!config.is_live());
    }

    #[test]
    fn unknown_keys_name_file_line_and_column() {
        let error = Config::parse("config.toml", "[thresholds]\nelt_delay = 120\n").unwrap_err();
        assert_eq!(error.path, "config.toml");
        assert_eq!((error.line, error.column), (2, 1));
        assert!(
            error.message.contains("unknown field `elt_delay`"),
            "{error}"
        );
    }

    const LIVE: &str = r#"
[aws]
region = "us-east-1"
[redshift]
cluster_identifier = "dpc-learning"
database = "dev"
db_user = "shiftops"
[elt]
state_machine_arn = "arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt"
[[tenants]]
name = "tenant_a"
schema = "tenant_a"
account_id = "111111111111"
role_arn = "arn:aws:iam::111111111111:role/ShiftopsReadOnly"
cluster_identifier = "tenant-a-mysql"
integration = "tenant-a-to-central-integration"
[[tenants]]
name = "tenant_b"
account_id = "222222222222"
profile = "tenant-b"
cluster_identifier = "tenant-b-mysql"
export = { bucket = "tenant-b-snapshots", prefix = "tenant_b/" }
[thresholds]
elt_delay_minutes = 90
"#;

    #[test]
    fn the_issue_example_loads() {
        let config = Config::parse("config.toml", LIVE).unwrap();
        assert!(config.is_live());
        let tenants = config.tenants();
        assert_eq!(tenants[0].ingest.label(), "zero-etl");
        assert_eq!(tenants[1].schema, "tenant_b");
        assert_eq!(tenants[1].ingest.label(), "export");
        let redshift = config.redshift.unwrap();
        assert_eq!(redshift.log_group, None, "no log group is guessed");
        assert!(
            redshift.audit_log_groups().is_empty(),
            "read only when asked"
        );
    }

    #[test]
    fn audit_logs_name_the_connection_log_of_a_cluster_or_a_namespace() {
        let text = LIVE.replace(
            "db_user = \"shiftops\"",
            "db_user = \"shiftops\"\naudit_logs = true",
        );
        let config = Config::parse("config.toml", &text).unwrap();
        assert_eq!(
            config.redshift.unwrap().audit_log_groups(),
            ["/aws/redshift/cluster/dpc-learning/connectionlog"]
        );
        let serverless =
            "[redshift]\nworkgroup = \"wg\"\nnamespace = \"analytics\"\naudit_logs = true\n";
        let config = Config::parse("config.toml", serverless).unwrap();
        assert_eq!(
            config.redshift.unwrap().audit_log_groups(),
            ["/aws/redshift/analytics/connectionlog"]
        );
        let explicit =
            "[redshift]\nworkgroup = \"wg\"\naudit_log_groups = [\"/x/connectionlog\"]\n";
        let config = Config::parse("config.toml", explicit).unwrap();
        assert_eq!(
            config.redshift.unwrap().audit_log_groups(),
            ["/x/connectionlog"]
        );
        let error = Config::parse(
            "config.toml",
            "[redshift]\nworkgroup = \"wg\"\naudit_logs = true\n",
        )
        .unwrap_err();
        assert!(error.message.contains("no namespace"), "{error}");
        let error = Config::parse(
            "config.toml",
            "[redshift]\nworkgroup = \"wg\"\nnamespace = \"n\"\naudit_logs = true\naudit_log_groups = [\"/x\"]\n",
        )
        .unwrap_err();
        assert!(error.message.contains("choose one"), "{error}");
    }

    #[test]
    fn a_schema_that_is_not_an_identifier_is_refused_where_it_stands() {
        let text = LIVE.replace(
            "schema = \"tenant_a\"",
            "schema = \"tenant_a; DROP TABLE x\"",
        );
        let error = Config::parse("config.toml", &text).unwrap_err();
        assert_eq!((error.line, error.column), (12, 10), "{error}");
        assert!(error.message.contains("must be an identifier"), "{error}");
    }

    #[test]
    fn a_tenants_own_alarms_are_read_only_when_it_says_alarms_true() {
        let config = Config::parse("config.toml", LIVE).unwrap();
        assert!(config.tenants.iter().all(|t| !t.alarms));
        let text = LIVE.replace(
            "integration = \"tenant-a-to-central-integration\"",
            "integration = \"tenant-a-to-central-integration\"\nalarms = true",
        );
        let config = Config::parse("config.toml", &text).unwrap();
        assert!(config.tenants[0].alarms);
        assert!(!config.tenants[1].alarms);
    }

    #[test]
    fn a_tenant_needs_exactly_one_path() {
        let text = LIVE.replace("integration = \"tenant-a-to-central-integration\"", "");
        let error = Config::parse("config.toml", &text).unwrap_err();
        assert_eq!((error.line, error.column), (11, 8), "{error}");
        assert!(error.message.contains("needs `integration"), "{error}");
    }

    #[test]
    fn a_tenant_name_that_would_drive_the_terminal_is_refused_and_shown_escaped() {
        for hostile in ["tenant\\u001b]52;c;SGVsbG8=\\u0007", "\\u202egnp.exe"] {
            let text = LIVE.replace("name = \"tenant_a\"", &format!("name = \"{hostile}\""));
            let error = Config::parse("config.toml", &text).unwrap_err();
            assert_eq!((error.line, error.column), (11, 8), "{error}");
            let shown = error.to_string();
            assert!(shown.contains("1 to 64 printable characters"), "{shown}");
            assert!(
                !shown.chars().any(crate::text::is_unsafe),
                "{shown:?} is shown escaped"
            );
        }
    }

    #[test]
    fn impossible_thresholds_are_refused_at_their_value() {
        let cases = [
            (
                "storage_warning_percent = nan",
                "storage_warning_percent = NaN must be a percentage from 0 to 100",
            ),
            (
                "storage_warning_percent = inf",
                "storage_warning_percent = inf must be a percentage from 0 to 100",
            ),
            (
                "wlm_queue_length = -1",
                "wlm_queue_length = -1 must be a number of 0 or more",
            ),
            (
                "query_failure_percent = 150",
                "query_failure_percent = 150 must be a percentage from 0 to 100",
            ),
            (
                "elt_delay_minutes = 0",
                "elt_delay_minutes = 0 must be a number above 0",
            ),
            (
                "storage_warning_percent = 95",
                "storage_warning_percent = 95 must be below storage_critical_percent = 90, or the warning is never seen",
            ),
            (
                "integration_lag_warning_seconds = 60\nintegration_lag_critical_seconds = 60",
                "integration_lag_warning_seconds = 60 must be below integration_lag_critical_seconds = 60, or the warning is never seen",
            ),
        ];
        for (line, message) in cases {
            let text =
                format!("[ui]\ntheme = \"light\"\n\n[thresholds]\ncopy_errors = 2\n{line}\n");
            let error = Config::parse("config.toml", &text).unwrap_err();
            let column = line.find('=').unwrap() + 3;
            assert_eq!(
                error.to_string(),
                format!("config.toml:6:{column}: {message}"),
                "{line}"
            );
        }
        // Only the critical level is in the file: it is the one to blame.
        let error = Config::parse(
            "config.toml",
            "[thresholds]\nstorage_critical_percent = 75\n",
        )
        .unwrap_err();
        assert_eq!((error.line, error.column), (2, 28), "{error}");
        assert!(
            error
                .message
                .contains("must be below storage_critical_percent = 75"),
            "{error}"
        );
    }

    #[test]
    fn the_shipped_thresholds_and_the_documented_example_load() {
        Config::parse("config.toml", "").unwrap();
        let documented = "[thresholds]\nstorage_warning_percent = 80\nstorage_critical_percent = 90\nintegration_lag_warning_seconds = 900\nintegration_lag_critical_seconds = 3600\n";
        Config::parse("config.toml", documented).unwrap();
    }

    /// The seeds' topology: the Zero-ETL target is Serverless, the ELT, WLM and storage a cluster.
    const SEEDS: &str = r#"
[[warehouses]]
name = "analytics"
workgroup = "multitenant-wg"
namespace = "multitenant-analytics"
roles = ["integrations"]
[[warehouses]]
cluster_identifier = "dpc-learning"
db_user = "shiftops"
roles = ["elt", "wlm", "storage"]
[[tenants]]
name = "tenant_a"
account_id = "111111111111"
cluster_identifier = "tenant-a-mysql"
integration = "tenant-a-to-central-integration"
"#;

    #[test]
    fn each_role_goes_to_the_warehouse_that_plays_it() {
        let config = Config::parse("config.toml", SEEDS).unwrap();
        let label = |role| config.warehouse(role).map(RedshiftConfig::label);
        assert_eq!(label(WarehouseRole::Integrations), Some("analytics"));
        assert_eq!(label(WarehouseRole::Elt), Some("dpc-learning"));
        assert_eq!(label(WarehouseRole::Wlm), Some("dpc-learning"));
        assert_eq!(label(WarehouseRole::Storage), Some("dpc-learning"));
        assert!(
            config
                .warehouse(WarehouseRole::Integrations)
                .unwrap()
                .is_serverless()
        );
        // One [redshift] plays every role.
        let single = Config::parse("config.toml", LIVE).unwrap();
        for role in WarehouseRole::ALL {
            assert_eq!(
                single.warehouse(role).map(RedshiftConfig::label),
                Some("dpc-learning")
            );
        }
    }

    #[test]
    fn warehouses_that_cannot_be_told_apart_or_whose_roles_clash_are_refused() {
        let cases = [
            (
                SEEDS.replace("roles = [\"elt\", \"wlm\", \"storage\"]", "roles = []"),
                "warehouse \"dpc-learning\" needs `roles`",
            ),
            (
                SEEDS.replace(
                    "roles = [\"integrations\"]",
                    "roles = [\"integrations\", \"wlm\"]",
                ),
                "role \"wlm\" is given to analytics and dpc-learning",
            ),
            (
                SEEDS
                    .replace("roles = [\"integrations\"]", "roles = [\"elt\"]")
                    .replace(
                        "roles = [\"elt\", \"wlm\", \"storage\"]",
                        "roles = [\"wlm\", \"storage\"]",
                    ),
                "tenants use Zero-ETL but no warehouse has the role \"integrations\"",
            ),
            (
                SEEDS.replace("name = \"analytics\"", "name = \"dpc-learning\""),
                "warehouse \"dpc-learning\" is listed twice",
            ),
            (
                format!("{SEEDS}\n[redshift]\nworkgroup = \"w\"\n"),
                "both [redshift] and [[warehouses]]",
            ),
            (
                SEEDS.replace("roles = [\"integrations\"]", "roles = [\"loads\"]"),
                "unknown variant `loads`",
            ),
        ];
        for (text, message) in cases {
            let error = Config::parse("config.toml", &text).unwrap_err();
            assert!(error.message.contains(message), "{error}");
        }
        // The error stands where the warehouse is: its `roles`, when it has no `name`.
        let text = SEEDS.replace("roles = [\"elt\", \"wlm\", \"storage\"]", "roles = []");
        let error = Config::parse("config.toml", &text).unwrap_err();
        assert_eq!((error.line, error.column), (10, 9), "{error}");
    }

    #[test]
    fn a_tenant_dimension_value_defaults_to_the_name_and_must_be_ascii() {
        let config = Config::parse("config.toml", LIVE).unwrap();
        assert_eq!(config.tenants()[0].metric_dimension_value, "tenant_a");

        // A Japanese name is shown, but CloudWatch takes ASCII dimension values only.
        let japanese = LIVE.replace("name = \"tenant_a\"", "name = \"テナントA\"");
        let error = Config::parse("config.toml", &japanese).unwrap_err();
        assert_eq!((error.line, error.column), (11, 8), "{error}");
        assert!(
            error.message.contains("needs `metric_dimension_value"),
            "{error}"
        );
        let named = japanese.replace(
            "schema = \"tenant_a\"",
            "schema = \"tenant_a\"\nmetric_dimension_value = \"tenant-a\"",
        );
        let config = Config::parse("config.toml", &named).unwrap();
        let tenant = &config.tenants()[0];
        assert_eq!(
            (tenant.name.as_str(), tenant.metric_dimension_value.as_str()),
            ("テナントA", "tenant-a")
        );

        for bad in ["テナント", "   ", "", "a\\u0007b"] {
            let text = named.replace(
                "metric_dimension_value = \"tenant-a\"",
                &format!("metric_dimension_value = \"{bad}\""),
            );
            let error = Config::parse("config.toml", &text).unwrap_err();
            assert_eq!((error.line, error.column), (13, 26), "{bad:?}: {error}");
            assert!(
                error.message.contains("CloudWatch dimension value"),
                "{error}"
            );
        }
        let clash = named.replace("\"tenant-a\"", "\"tenant_b\"");
        let error = Config::parse("config.toml", &clash).unwrap_err();
        assert!(
            error
                .message
                .contains("of tenant \"テナントA\": each tenant needs its own"),
            "{error}"
        );
        let long = "x".repeat(1025);
        assert!(!is_dimension_value(&long));
        assert!(is_dimension_value(&long[..1024]));
    }

    #[test]
    fn custom_metrics_default_to_the_dimensions_they_are_published_with() {
        let metrics = MetricsConfig::default();
        for spec in [
            &metrics.elt_delay,
            &metrics.copy_errors,
            &metrics.rejected_queries,
            &metrics.attempted_queries,
        ] {
            assert_eq!(
                spec.dimensions,
                BTreeMap::from([("Environment".to_string(), "prod".to_string())]),
                "{}",
                spec.name
            );
        }
    }

    #[test]
    fn identifiers() {
        for ok in ["tenant_a", "_x", "a$1", "T1"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "$a", "a-b", "a b", "a;", "\"a\"", "テナント"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }
}
