//! `shiftops doctor`: can we call what we need, tenant by tenant and service by service, and does
//! the set-up meet the Zero-ETL prerequisites of the design (binlog settings, case sensitivity)?

use std::fmt::Write;

use aws_sdk_rds::Client as RdsClient;
use aws_sdk_sts::Client as StsClient;
use futures_util::future::join_all;
use serde::Serialize;

use super::credentials::{Account, SignAs, accounts};
use super::error::{describe, is_access_denied};
use super::redshift::Parameters;
use super::{Aws, Overrides, Warehouse};
use crate::config::{Config, RedshiftConfig, WarehouseRole};
use crate::i18n::{Lang, pad};
use crate::model::Ingest;
use crate::source::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
    /// Not needed now, but worth knowing (an export-path tenant not ready for Zero-ETL).
    Advisory,
}

impl Outcome {
    pub fn symbol(self) -> &'static str {
        match self {
            Outcome::Ok => "✓",
            Outcome::Failed => "✗",
            Outcome::Advisory => "!",
        }
    }
}

/// One line of the doctor's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoctorCheck {
    /// `central` or a tenant name.
    pub scope: String,
    pub service: String,
    pub check: String,
    pub outcome: Outcome,
    pub detail: String,
    /// The IAM action to grant, when the call was denied.
    pub missing_action: Option<String>,
}

fn check(
    scope: &str,
    service: &str,
    what: &str,
) -> impl Fn(Outcome, String, Option<&str>) -> DoctorCheck {
    let (scope, service, what) = (scope.to_string(), service.to_string(), what.to_string());
    move |outcome, detail, missing| DoctorCheck {
        scope: scope.clone(),
        service: service.clone(),
        check: what.clone(),
        outcome,
        detail,
        missing_action: missing.map(str::to_string),
    }
}

/// Zero-ETL needs these on the Aurora MySQL (aurora-mysql8.0) DB cluster parameter group, as
/// "Step 1: Create a custom DB cluster parameter group" lists them
/// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html).
/// Values compare without regard to case (`full` and `FULL` are the same setting).
pub const BINLOG_PREREQUISITES: [(&str, &str); 6] = [
    ("aurora_enhanced_binlog", "1"),
    ("binlog_backup", "0"),
    ("binlog_format", "ROW"),
    ("binlog_replication_globaldb", "0"),
    ("binlog_row_image", "full"),
    ("binlog_row_metadata", "full"),
];

/// Runs every check; the central ones and each account's run side by side.
/// `lang` is the language of the details, as `check`'s messages follow `--lang`; the scopes,
/// services, checks and IAM actions are names and stay as AWS spells them.
pub async fn run(config: &Config, overrides: &Overrides, lang: Lang) -> Vec<DoctorCheck> {
    let aws = Aws::connect(config, overrides).await;
    let accounts = accounts(&aws, &config.tenants);
    let targets = zero_etl_targets(&aws, config).await;
    // One client per service for every account: each call signs as its account.
    let clients = AccountClients {
        sts: StsClient::new(&aws.central),
        rds: aws.rds(),
        cloudwatch: aws.cloudwatch(),
    };
    let (mut checks, inbound, per_account) = tokio::join!(
        central_checks(&aws, config, lang),
        inbound_checks(&aws, &targets, lang),
        join_all(
            accounts
                .iter()
                .map(|a| account_checks(&clients, a, &targets, lang))
        ),
    );
    checks.extend(inbound);
    checks.extend(per_account.into_iter().flatten());
    checks
}

/// What the console reads of the Zero-ETL fleet, once, in the central account: every integration
/// into each target (DescribeInboundIntegrations).
async fn inbound_checks(aws: &Aws, targets: &Targets, lang: Lang) -> Vec<DoctorCheck> {
    let parameters = Parameters::new(aws);
    let mut checks = Vec::new();
    for (label, arn) in targets {
        let Ok(arn) = arn else { continue };
        let c = check(label, "redshift", "DescribeInboundIntegrations");
        checks.push(match parameters.inbound_integrations(arn).await {
            Ok(found) => c(
                Outcome::Ok,
                match lang {
                    Lang::En => format!("{} integration(s) into it", found.len()),
                    Lang::Ja => format!("複製元の integration {} 件", found.len()),
                },
                None,
            ),
            Err(e) => c(
                Outcome::Failed,
                e.message,
                e.denied.then_some("redshift:DescribeInboundIntegrations"),
            ),
        });
    }
    checks
}

/// The configured Zero-ETL targets and their namespace ARNs, as AWS gives them (or why not).
type Targets = Vec<(String, Result<String, String>)>;

async fn zero_etl_targets(aws: &Aws, config: &Config) -> Targets {
    if !config.tenants.iter().any(|t| t.integration.is_some()) {
        return Vec::new();
    }
    let parameters = Parameters::new(aws);
    let mut targets = Vec::new();
    for warehouse in config.warehouses_with(WarehouseRole::Integrations) {
        let arn = parameters
            .namespace_arn(warehouse)
            .await
            .map_err(|e| e.message);
        targets.push((warehouse.label().to_string(), arn));
    }
    targets
}

/// Whether an integration replicates into one of the configured Zero-ETL targets: its
/// `TargetArn` is the namespace ARN of the warehouse whose SVV_INTEGRATION shiftops reads.
fn target_check(name: &str, target_arn: &str, targets: &Targets, lang: Lang) -> DoctorCheck {
    let c = check(name, "redshift", "integration target");
    if let Some((label, _)) = targets
        .iter()
        .find(|(_, arn)| arn.as_deref() == Ok(target_arn))
    {
        return c(Outcome::Ok, format!("→ {label}"), None);
    }
    let known: Vec<String> = targets
        .iter()
        .map(|(label, arn)| match arn {
            Ok(arn) => format!("{label} = {arn}"),
            Err(e) => format!("{label}: {e}"),
        })
        .collect();
    let known = if known.is_empty() {
        lang.pick(
            "no warehouse has the role \"integrations\"",
            "role \"integrations\" の warehouse がない",
        )
        .to_string()
    } else {
        known.join(", ")
    };
    c(
        Outcome::Failed,
        match lang {
            Lang::En => format!(
                "replicates into {target_arn}, which is none of the configured Zero-ETL targets ({known})"
            ),
            Lang::Ja => format!(
                "複製先 {target_arn} は設定した Zero-ETL ターゲットのどれでもない ({known})"
            ),
        },
        None,
    )
}

async fn central_checks(aws: &Aws, config: &Config, lang: Lang) -> Vec<DoctorCheck> {
    let mut checks = Vec::new();
    let sts = StsClient::new(&aws.central);
    let c = check("central", "sts", "GetCallerIdentity");
    checks.push(match sts.get_caller_identity().send().await {
        Ok(identity) => c(
            Outcome::Ok,
            format!(
                "{} {}",
                lang.pick("account", "アカウント"),
                identity.account().unwrap_or("?")
            ),
            None,
        ),
        Err(e) => c(
            Outcome::Failed,
            describe(&e),
            is_access_denied(&e).then_some("sts:GetCallerIdentity"),
        ),
    });

    let warehouses = config.all_warehouses();
    if warehouses.is_empty() {
        return checks;
    }
    let zero_etl = config.tenants.iter().any(|t| t.integration.is_some());
    for redshift in &warehouses {
        // One warehouse is "central"; several are each named, so a failure says which.
        let scope = if warehouses.len() > 1 {
            redshift.label().to_string()
        } else {
            "central".to_string()
        };
        checks.extend(warehouse_checks(aws, redshift, &scope, zero_etl, lang).await);
    }

    let source_check = |service: &'static str, what: &'static str, actions: &'static str| {
        move |result: Result<crate::model::SourceData, crate::source::SourceError>| {
            let c = check("central", service, what);
            match result {
                Ok(_) => c(
                    Outcome::Ok,
                    lang.pick("readable", "読み取れる").into(),
                    None,
                ),
                Err(e) => {
                    let denied = e.0.contains("AccessDenied") || e.0.contains("not authorized");
                    c(Outcome::Failed, e.0, denied.then_some(actions))
                }
            }
        }
    };
    let tenants = config.tenants();
    let interval = std::time::Duration::from_secs(60);
    let metrics = super::cloudwatch::MetricsSource::new(
        aws,
        config.warehouse(WarehouseRole::Wlm),
        config.warehouse(WarehouseRole::Storage),
        config.metrics.clone(),
        tenants.clone(),
        // Unread: the source asks ListMetrics as it does until the warehouse has answered.
        std::sync::Arc::new(super::redshift_data::ReplicationReading::never_read()),
        interval,
    );
    checks.push(source_check(
        "cloudwatch",
        "GetMetricData · ListMetrics",
        "cloudwatch:GetMetricData, cloudwatch:ListMetrics",
    )(metrics.fetch().await));
    // The central account's alarms; each tenant account's are checked with its own calls.
    let alarms = super::cloudwatch::AlarmsSource::new(
        aws,
        &[],
        tenants.clone(),
        config.metrics.tenant_dimension.clone(),
        interval,
    );
    let alarm_result = alarms.fetch().await;
    let first_alarm = match &alarm_result {
        Ok(crate::model::SourceData::Alarms(list)) => list.alarms.first().cloned(),
        _ => None,
    };
    checks.push(source_check(
        "cloudwatch",
        "DescribeAlarms",
        "cloudwatch:DescribeAlarms",
    )(alarm_result));
    if let Some(alarm) = first_alarm {
        use crate::source::AlarmHistory;
        let history = super::CloudWatchAlarmHistory::new(aws, &[])
            .history(&alarm)
            .await;
        let alarm = &alarm.name;
        let c = check("central", "cloudwatch", "DescribeAlarmHistory");
        checks.push(match history {
            Ok(items) => c(
                Outcome::Ok,
                match lang {
                    Lang::En => format!("{} item(s) for {alarm}", items.len()),
                    Lang::Ja => format!("{alarm} の履歴 {} 件", items.len()),
                },
                None,
            ),
            Err(e) => {
                let denied = e.0.contains("AccessDenied") || e.0.contains("not authorized");
                c(
                    Outcome::Failed,
                    e.0,
                    denied.then_some("cloudwatch:DescribeAlarmHistory"),
                )
            }
        });
    }
    for warehouse in config.all_warehouses() {
        if let Some(group) = &warehouse.log_group {
            checks.push(check(warehouse.label(), "logs", "log_group (deprecated)")(
                Outcome::Advisory,
                match lang {
                    Lang::En => format!(
                        "{group}: its ERROR lines are shown, but Redshift writes failed queries to SYS_QUERY_HISTORY (read without it) and failed logins to the connection log: use audit_logs = true"
                    ),
                    Lang::Ja => format!(
                        "{group}: ERROR 行を表示しますが、Redshift は失敗したクエリを SYS_QUERY_HISTORY(設定なしで読みます)に、ログイン失敗を接続ログに書きます: audit_logs = true を使ってください"
                    ),
                },
                None,
            ));
        }
    }
    let log_queries = super::logs::queries(config);
    for group in log_queries.iter().flat_map(|q| &q.groups) {
        let c = check("central", "logs", "DescribeLogGroups");
        checks.push(match super::logs::log_group_exists(aws, group).await {
            Ok(true) => c(Outcome::Ok, group.clone(), None),
            Ok(false) => c(
                Outcome::Failed,
                match lang {
                    Lang::En => format!(
                        "{group} does not exist: turn on audit logging to CloudWatch (connectionlog) or fix the name"
                    ),
                    Lang::Ja => format!(
                        "{group} が存在しません: 監査ログの CloudWatch へのエクスポート(connectionlog)を有効にするか、名前を直してください"
                    ),
                },
                None,
            ),
            Err((e, denied)) => c(Outcome::Failed, e, denied.then_some("logs:DescribeLogGroups")),
        });
    }
    if !log_queries.is_empty() {
        let logs = super::logs::LogsSource::new(aws, log_queries, interval);
        checks.push(source_check(
            "logs",
            "StartQuery · GetQueryResults",
            "logs:StartQuery, logs:GetQueryResults",
        )(logs.fetch().await));
    }
    if let Some(elt) = &config.elt {
        let sfn = super::sfn::EltSource::new(aws, elt.state_machine_arn.clone(), tenants, interval);
        checks.push(source_check(
            "states",
            "ListExecutions · DescribeExecution · GetExecutionHistory",
            "states:ListExecutions, states:DescribeExecution, states:GetExecutionHistory",
        )(sfn.fetch().await));
    }
    checks
}

/// What one warehouse needs: the Data API runs SQL there, and a Zero-ETL target has
/// `enable_case_sensitive_identifier` on ("This parameter must be turned on to create zero-ETL
/// integrations in the data warehouse", on the cluster's parameter group or the workgroup:
/// https://docs.aws.amazon.com/redshift/latest/mgmt/zero-etl-setting-up.case-sensitivity.html).
/// A warehouse that is no integration's target is not asked for it.
async fn warehouse_checks(
    aws: &Aws,
    redshift: &RedshiftConfig,
    scope: &str,
    zero_etl: bool,
    lang: Lang,
) -> Vec<DoctorCheck> {
    let mut checks = Vec::new();
    let warehouse = Warehouse::new(aws, redshift);
    let c = check(
        scope,
        "redshift-data",
        "ExecuteStatement · DescribeStatement · GetStatementResult",
    );
    checks.push(match warehouse.query("SELECT 1 AS ok").await {
        Ok(_) => c(
            Outcome::Ok,
            lang.pick("SELECT 1 ran", "SELECT 1 を実行できた").into(),
            None,
        ),
        Err(e) => {
            let denied = e.contains("AccessDenied") || e.contains("not authorized");
            c(
                Outcome::Failed,
                e,
                denied.then_some("redshift-data:ExecuteStatement, redshift-data:DescribeStatement, redshift-data:GetStatementResult"),
            )
        }
    });
    let c = check(scope, "redshift-data", "SYS_QUERY_HISTORY (failed queries)");
    checks.push(match warehouse.query(super::sql::FAILED_QUERIES).await {
        Ok(rows) => c(
            Outcome::Ok,
            match lang {
                Lang::En => format!(
                    "{} failed in {} h; a regular user sees only its own: ALTER USER … SYSLOG ACCESS UNRESTRICTED shows everyone's",
                    rows.rows.len(),
                    super::sql::FAILED_QUERY_HOURS
                ),
                Lang::Ja => format!(
                    "{} 時間で失敗 {} 件。一般ユーザーには自分の行しか見えません: ALTER USER … SYSLOG ACCESS UNRESTRICTED で全員分が見えます",
                    super::sql::FAILED_QUERY_HOURS,
                    rows.rows.len()
                ),
            },
            None,
        ),
        Err(e) => c(Outcome::Failed, e, None),
    });
    if !(zero_etl && redshift.has_role(WarehouseRole::Integrations)) {
        return checks;
    }
    let parameters = Parameters::new(aws);
    let settings = match (&redshift.cluster_identifier, &redshift.workgroup) {
        (Some(cluster), _) => match parameters.cluster_parameter_group(cluster).await {
            Ok(group) => parameters
                .cluster_parameters(&group)
                .await
                .map_err(|e| (e, "redshift:DescribeClusterParameters")),
            Err(e) => Err((e, "redshift:DescribeClusters")),
        },
        (None, Some(workgroup)) => parameters
            .workgroup_parameters(workgroup)
            .await
            .map_err(|e| (e, "redshift-serverless:GetWorkgroup")),
        (None, None) => Ok(Vec::new()),
    };
    let c = check(scope, "redshift", "enable_case_sensitive_identifier=true");
    checks.push(match settings {
        Ok(settings) => {
            let value = settings
                .iter()
                .find(|(k, _)| k == "enable_case_sensitive_identifier")
                .map(|(_, v)| v.as_str());
            match value {
                Some(v) if v.eq_ignore_ascii_case("true") => c(Outcome::Ok, "true".into(), None),
                Some(v) => c(
                    Outcome::Failed,
                    match lang {
                        Lang::En => format!("is {v}: Zero-ETL needs true"),
                        Lang::Ja => format!("{v} です: Zero-ETL には true が必要"),
                    },
                    None,
                ),
                None => c(
                    Outcome::Failed,
                    lang.pick(
                        "not set: Zero-ETL needs true",
                        "未設定: Zero-ETL には true が必要",
                    )
                    .into(),
                    None,
                ),
            }
        }
        Err((e, action)) => c(Outcome::Failed, e.message, e.denied.then_some(action)),
    });
    checks
}

struct AccountClients {
    sts: StsClient,
    rds: RdsClient,
    cloudwatch: aws_sdk_cloudwatch::Client,
}

async fn account_checks(
    clients: &AccountClients,
    account: &Account,
    targets: &Targets,
    lang: Lang,
) -> Vec<DoctorCheck> {
    let mut checks = Vec::new();
    let scope = account
        .tenants
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(role) = account.via.strip_prefix("role ") {
        let c = check(&scope, "sts", "AssumeRole");
        match clients
            .sts
            .assume_role()
            .role_arn(role)
            .role_session_name("shiftops-doctor")
            .send()
            .await
        {
            Ok(_) => checks.push(c(Outcome::Ok, role.to_string(), None)),
            Err(e) => {
                checks.push(c(
                    Outcome::Failed,
                    format!("{role}: {}", describe(&e)),
                    is_access_denied(&e).then_some(
                        "sts:AssumeRole (central) and a trust policy on the tenant role",
                    ),
                ));
                return checks; // nothing else can be read with these credentials
            }
        }
    }
    let rds = &clients.rds;
    for tenant in &account.tenants {
        let name = tenant.name.as_str();
        let c = check(name, "rds", "DescribeDBClusters");
        let cluster = rds
            .describe_db_clusters()
            .db_cluster_identifier(&tenant.cluster_identifier)
            .customize()
            .config_override(account.sign_as.rds())
            .send()
            .await;
        let parameter_group = match cluster {
            Ok(output) => match output.db_clusters().first() {
                Some(cluster) => {
                    checks.push(c(
                        Outcome::Ok,
                        format!(
                            "{} {}",
                            tenant.cluster_identifier,
                            cluster.status().unwrap_or("?")
                        ),
                        None,
                    ));
                    cluster.db_cluster_parameter_group().map(str::to_string)
                }
                None => {
                    checks.push(c(
                        Outcome::Failed,
                        match lang {
                            Lang::En => format!("{} not found", tenant.cluster_identifier),
                            Lang::Ja => format!("{} が見つからない", tenant.cluster_identifier),
                        },
                        None,
                    ));
                    None
                }
            },
            Err(e) => {
                checks.push(c(
                    Outcome::Failed,
                    describe(&e),
                    is_access_denied(&e).then_some("rds:DescribeDBClusters"),
                ));
                None
            }
        };
        match &tenant.ingest {
            Ingest::ZeroEtl { integration } => {
                let c = check(name, "rds", "DescribeIntegrations");
                let mut target = None;
                checks.push(
                    match rds
                        .describe_integrations()
                        .integration_identifier(integration)
                        .customize()
                        .config_override(account.sign_as.rds())
                        .send()
                        .await
                    {
                        Ok(output) => match output.integrations().first() {
                            Some(i) => {
                                target = Some(target_check(
                                    name,
                                    i.target_arn().unwrap_or_default(),
                                    targets,
                                    lang,
                                ));
                                c(
                                    Outcome::Ok,
                                    format!(
                                        "{integration} {}",
                                        i.status().map(|s| s.as_str()).unwrap_or("?")
                                    ),
                                    None,
                                )
                            }
                            None => c(
                                Outcome::Failed,
                                match lang {
                                    Lang::En => format!("{integration} not found"),
                                    Lang::Ja => format!("{integration} が見つからない"),
                                },
                                None,
                            ),
                        },
                        Err(e) => c(
                            Outcome::Failed,
                            describe(&e),
                            is_access_denied(&e).then_some("rds:DescribeIntegrations"),
                        ),
                    },
                );
                checks.extend(target);
            }
            Ingest::Export { .. } => {
                let c = check(name, "rds", "DescribeExportTasks");
                checks.push(
                    match rds
                        .describe_export_tasks()
                        .customize()
                        .config_override(account.sign_as.rds())
                        .send()
                        .await
                    {
                        Ok(output) => c(
                            Outcome::Ok,
                            match lang {
                                Lang::En => format!("{} task(s)", output.export_tasks().len()),
                                Lang::Ja => format!("タスク {} 件", output.export_tasks().len()),
                            },
                            None,
                        ),
                        Err(e) => c(
                            Outcome::Failed,
                            describe(&e),
                            is_access_denied(&e).then_some("rds:DescribeExportTasks"),
                        ),
                    },
                );
                let c = check(name, "rds", "DescribeDBClusterSnapshots");
                checks.push(
                    match rds
                        .describe_db_cluster_snapshots()
                        .db_cluster_identifier(&tenant.cluster_identifier)
                        .customize()
                        .config_override(account.sign_as.rds())
                        .send()
                        .await
                    {
                        Ok(output) => c(
                            Outcome::Ok,
                            match lang {
                                Lang::En => {
                                    format!("{} snapshot(s)", output.db_cluster_snapshots().len())
                                }
                                Lang::Ja => format!(
                                    "スナップショット {} 件",
                                    output.db_cluster_snapshots().len()
                                ),
                            },
                            None,
                        ),
                        Err(e) => c(
                            Outcome::Failed,
                            describe(&e),
                            is_access_denied(&e).then_some("rds:DescribeDBClusterSnapshots"),
                        ),
                    },
                );
            }
        }
        if let Some(group) = parameter_group {
            checks.extend(
                binlog_checks(rds, &account.sign_as, name, &group, &tenant.ingest, lang).await,
            );
        }
    }
    if account.own_credentials && !account.alarm_tenants.is_empty() {
        checks.push(alarms_check(&clients.cloudwatch, &scope, account, lang).await);
    }
    checks
}

/// The account's own alarms, read as the alarms source reads them (only with `alarms = true`).
async fn alarms_check(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    scope: &str,
    account: &Account,
    lang: Lang,
) -> DoctorCheck {
    use aws_sdk_cloudwatch::types::AlarmType;
    let c = check(scope, "cloudwatch", "DescribeAlarms");
    let listed = cloudwatch
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .max_records(100)
        .customize()
        .config_override(account.sign_as.cloudwatch())
        .send()
        .await;
    match listed {
        Ok(output) => {
            let count = output.metric_alarms().len() + output.composite_alarms().len();
            let more = if output.next_token().is_some_and(|t| !t.is_empty()) {
                "+"
            } else {
                ""
            };
            c(
                Outcome::Ok,
                match lang {
                    Lang::En => format!("{count}{more} alarm(s)"),
                    Lang::Ja => format!("アラーム {count}{more} 件"),
                },
                None,
            )
        }
        Err(e) => c(
            Outcome::Failed,
            describe(&e),
            is_access_denied(&e).then_some("cloudwatch:DescribeAlarms"),
        ),
    }
}

/// The binlog prerequisites, read from the cluster parameter group (every page).
async fn binlog_checks(
    rds: &RdsClient,
    sign_as: &SignAs,
    tenant: &str,
    group: &str,
    ingest: &Ingest,
    lang: Lang,
) -> Vec<DoctorCheck> {
    let mut values: Vec<(String, String)> = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        match rds
            .describe_db_cluster_parameters()
            .db_cluster_parameter_group_name(group)
            .set_marker(marker.take())
            .customize()
            .config_override(sign_as.rds())
            .send()
            .await
        {
            Ok(output) => {
                values.extend(output.parameters().iter().filter_map(|p| {
                    Some((
                        p.parameter_name()?.to_string(),
                        p.parameter_value().unwrap_or_default().to_string(),
                    ))
                }));
                match output.marker() {
                    Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                    _ => break,
                }
            }
            Err(e) => {
                return vec![check(tenant, "rds", "DescribeDBClusterParameters")(
                    Outcome::Failed,
                    describe(&e),
                    is_access_denied(&e).then_some("rds:DescribeDBClusterParameters"),
                )];
            }
        }
    }
    // An export-path tenant does not need binlogs today; it does to move to Zero-ETL.
    let shortfall = match ingest {
        Ingest::ZeroEtl { .. } => Outcome::Failed,
        Ingest::Export { .. } => Outcome::Advisory,
    };
    BINLOG_PREREQUISITES
        .iter()
        .map(|(key, wanted)| {
            let setting = format!("{key}={wanted}");
            let c = check(tenant, "aurora", &setting);
            match values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
            {
                Some(v) if v.eq_ignore_ascii_case(wanted) => {
                    c(Outcome::Ok, format!("{group}: {v}"), None)
                }
                Some(v) if !v.is_empty() => c(
                    shortfall,
                    match lang {
                        Lang::En => format!("{group}: is {v}"),
                        Lang::Ja => format!("{group}: {v} になっている"),
                    },
                    None,
                ),
                _ => c(
                    shortfall,
                    format!("{group}: {}", lang.pick("not set", "未設定")),
                    None,
                ),
            }
        })
        .collect()
}

/// The table the command prints.
pub fn render(checks: &[DoctorCheck], lang: Lang) -> String {
    let mut out = String::new();
    // Columns are padded by display width, so Japanese tenant names line up.
    let width = |f: fn(&DoctorCheck) -> &str, header: &str| {
        checks
            .iter()
            .map(|c| crate::i18n::width(f(c)))
            .chain([crate::i18n::width(header)])
            .max()
            .unwrap_or(0)
    };
    let headers = [
        lang.pick("SCOPE", "範囲"),
        lang.pick("SERVICE", "サービス"),
        lang.pick("CHECK", "チェック"),
        lang.pick("DETAIL", "詳細"),
    ];
    let widths = [
        width(|c| &c.scope, headers[0]),
        width(|c| &c.service, headers[1]),
        width(|c| &c.check, headers[2]),
    ];
    let _ = writeln!(
        out,
        "  {}  {}  {}  {}",
        pad(headers[0], widths[0]),
        pad(headers[1], widths[1]),
        pad(headers[2], widths[2]),
        headers[3]
    );
    for c in checks {
        let mut detail = c.detail.clone();
        if let Some(action) = &c.missing_action {
            detail = format!(
                "{} {action}: {detail}",
                lang.pick("missing", "不足している権限:")
            );
        }
        let _ = writeln!(
            out,
            "{} {}  {}  {}  {detail}",
            c.outcome.symbol(),
            pad(&c.scope, widths[0]),
            pad(&c.service, widths[1]),
            pad(&c.check, widths[2]),
        );
    }
    let failed = checks
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .count();
    let advisory = checks
        .iter()
        .filter(|c| c.outcome == Outcome::Advisory)
        .count();
    let ok = checks.len() - failed - advisory;
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "\n{} check(s): {ok} ok, {failed} failed, {advisory} advisory",
            checks.len()
        ),
        Lang::Ja => writeln!(
            out,
            "\nチェック {} 件: 成功 {ok}、失敗 {failed}、注意 {advisory}",
            checks.len()
        ),
    };
    out
}
