//! Every live source end to end: the real SDK clients over the real wire against the local AWS
//! emulator (moto + the project's extensions), seeded with three tenant accounts.

mod support;

use shiftops::config::Config;
use shiftops::health::{CheckId, Severity, Status, Thresholds, evaluate};
use shiftops::model::{
    AlarmKind, AlarmState, CapacityKnown, EltStatus, ExportStatus, IntegrationStatus, SourceData,
    SourceId, StorageSize,
};
use shiftops::source::aws::{self, Overrides};
use shiftops::source::refresh::refresh_once;
use support::{
    ACCESS_KEY, Emulator, SECRET_KEY, integration_ids, stage_warehouse, standard_config,
};

fn overrides() -> Overrides {
    Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    }
}

fn config(text: &str) -> Config {
    Config::parse("config.toml", text).expect("the test config is valid")
}

/// The standard fleet with its warehouse staged.
fn staged() -> (Emulator, Config) {
    let (emulator, seeded) = Emulator::standard();
    let (a, c) = integration_ids(&seeded);
    stage_warehouse(&emulator, &a, &c);
    let config = config(&standard_config(&emulator.url));
    (emulator, config)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_source_reads_the_standard_fleet() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    let fleet = aws::fleet(&config, &overrides()).await.expect("fleet");
    let ids: Vec<SourceId> = fleet.sources.iter().map(|s| s.id()).collect();
    assert_eq!(ids, SourceId::ALL, "a full config feeds every source");
    let snapshot = refresh_once(&fleet).await;
    for status in &snapshot.sources {
        assert!(status.error.is_none(), "{}: {:?}", status.id, status.error);
        assert!(status.fetched_at.is_some(), "{} has data", status.id);
    }

    // RDS, read in each tenant's own account through AssumeRole.
    let rds = &snapshot.rds;
    let integration = |tenant: &str| {
        rds.integrations
            .iter()
            .find(|i| i.tenant == tenant)
            .unwrap()
    };
    assert_eq!(
        integration("tenant_a").status,
        IntegrationStatus::NeedsAttention
    );
    assert!(!integration("tenant_a").errors.is_empty());
    assert_eq!(integration("tenant_c").status, IntegrationStatus::Active);
    assert_eq!(rds.clusters.len(), 3, "{:?}", rds.clusters);
    let mut exports: Vec<_> = rds
        .exports
        .iter()
        .filter(|e| e.tenant == "tenant_b")
        .collect();
    exports.sort_by_key(|e| e.started_at);
    assert!(exports.len() >= 2, "{exports:?}");
    let latest = exports.last().unwrap();
    assert_eq!(latest.status, ExportStatus::Failed);
    assert!(latest.failure_cause.is_some());
    assert!(
        rds.snapshots
            .iter()
            .filter(|s| s.tenant == "tenant_b")
            .count()
            >= 2
    );

    // The warehouse: one statement per view, rows paged two at a time.
    let warehouse = &snapshot.warehouse;
    let replica = |tenant: &str| {
        warehouse
            .replication
            .iter()
            .find(|r| r.tenant.as_deref() == Some(tenant))
            .unwrap()
    };
    assert_eq!(replica("tenant_a").lag_seconds, Some(1500.0));
    assert_eq!(replica("tenant_a").tables_not_synced.len(), 2);
    assert_eq!(replica("tenant_c").lag_seconds, Some(8.0));
    assert_eq!(warehouse.load_errors.len(), 3);
    assert!(warehouse.load_errors.iter().all(|e| e.tenant == "tenant_b"));
    assert_eq!(warehouse.loads.len(), 1);
    assert_eq!(warehouse.loads[0].rows, 137_169 + 2_911_759);
    let batch = warehouse
        .queues
        .iter()
        .find(|q| q.queue == "batch")
        .unwrap();
    assert_eq!((batch.queued, batch.running), (14, 5));
    assert_eq!(warehouse.queries.len(), 2);
    assert_eq!(warehouse.queries[0].pid, 1_073_760_001);
    assert_eq!(warehouse.queries[0].queue, "adhoc");
    let skewed = warehouse
        .tables
        .iter()
        .find(|t| t.schema == "tenant_c")
        .unwrap();
    assert!((skewed.skew_percent - 32.0).abs() < 1e-9);
    let statements = emulator.get("/_shiftops/redshift-data/statements");
    let statements = statements.as_array().unwrap();
    assert_eq!(
        statements.len(),
        9,
        "one statement per view, the failed queries on both warehouses: {statements:?}"
    );

    // SYS_QUERY_HISTORY's failed queries of both warehouses, each named by its warehouse,
    // newest first, the user from pg_user.
    let failed: Vec<(Option<&str>, i64, &str)> = warehouse
        .failed_queries
        .iter()
        .map(|q| (q.warehouse.as_deref(), q.query_id, q.user.as_str()))
        .collect();
    assert_eq!(
        failed,
        [
            (Some("multitenant-wg"), 7_301, "learner_17"),
            (Some("multitenant-wg"), 7_288, ""),
            (Some("dpc-learning"), 41_007, "elt_copy"),
        ]
    );
    let copy = &warehouse.failed_queries[2];
    assert_eq!(copy.query_type, "COPY");
    assert!(copy.error.starts_with("Load into table 'orders' failed"));
    assert!(copy.sql.starts_with("COPY tenant_b.orders"));
    assert!(copy.ended_at.is_some() && warehouse.failed_queries[1].ended_at.is_none());

    // CloudWatch metrics and alarms.
    let metrics = &snapshot.metrics;
    for queue in ["batch", "adhoc", "admin"] {
        assert!(metrics.queue_length[queue].latest().is_some(), "{queue}");
    }
    assert!(metrics.queue_length["batch"].latest().unwrap() > 10.0);
    assert!(metrics.storage_percent.latest().is_some());
    assert!(metrics.elt_delay_minutes.latest().is_some());
    assert!(metrics.query_failure_percent.latest().is_some());
    let alarm = |name: &str| snapshot.alarms.iter().find(|a| a.name == name).unwrap();
    assert_eq!(alarm("Alert-COPY-Error").state, AlarmState::Alarm);
    assert_eq!(
        alarm("Alert-COPY-Error").tenant.as_deref(),
        Some("tenant_b")
    );
    assert_eq!(alarm("Alert-WLM-Queue").state, AlarmState::Alarm);
    assert_eq!(alarm("Alert-Storage-High").state, AlarmState::Ok);
    assert_eq!(alarm("Pipeline-Degraded").kind, AlarmKind::Composite);

    // Step Functions: the failed run names the state and tenant that failed.
    let failed = snapshot
        .elt_runs
        .iter()
        .find(|r| r.status == EltStatus::Failed)
        .unwrap();
    assert_eq!(failed.failed_step.as_deref(), Some("COPY tenant_b"));
    assert_eq!(failed.failed_tenant.as_deref(), Some("tenant_b"));
    assert_eq!(failed.error.as_deref(), Some("Redshift.LoadError"));
    assert!(
        snapshot
            .elt_runs
            .iter()
            .any(|r| r.status == EltStatus::Succeeded)
    );

    // Logs Insights: the dashboard's error-log widget.
    assert!(!snapshot.error_logs.is_empty());
    assert!(
        snapshot
            .error_logs
            .iter()
            .all(|l| l.message.contains("ERROR"))
    );
    assert!(
        snapshot
            .error_logs
            .windows(2)
            .all(|w| w[0].time >= w[1].time)
    );

    // DescribeAlarmHistory, on demand.
    let history = fleet
        .alarm_history
        .as_ref()
        .unwrap()
        .history("Alert-COPY-Error")
        .await
        .expect("history");
    assert!(
        history.iter().any(|h| h.summary.contains("ALARM")),
        "{history:?}"
    );

    // And the rules see what was staged.
    let health = evaluate(&snapshot, &Thresholds::default(), chrono::Utc::now());
    let has = |check: CheckId, tenant: Option<&str>, severity: Severity| {
        health
            .findings
            .iter()
            .any(|f| f.check == check && f.tenant.as_deref() == tenant && f.severity == severity)
    };
    assert!(has(
        CheckId::IntegrationStatus,
        Some("tenant_a"),
        Severity::Critical
    ));
    assert!(has(
        CheckId::IntegrationTables,
        Some("tenant_a"),
        Severity::Critical
    ));
    assert!(has(
        CheckId::IntegrationLag,
        Some("tenant_a"),
        Severity::Warning
    ));
    assert!(has(
        CheckId::CopyErrors,
        Some("tenant_b"),
        Severity::Critical
    ));
    assert!(has(
        CheckId::ExportTask,
        Some("tenant_b"),
        Severity::Critical
    ));
    assert!(has(
        CheckId::EltFailed,
        Some("tenant_b"),
        Severity::Critical
    ));
    assert!(has(CheckId::TableSkew, Some("tenant_c"), Severity::Warning));
    assert!(has(CheckId::WlmQueue, None, Severity::Warning));
    assert_eq!(health.status, Status::Critical);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_tenant_never_blanks_the_others() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    let fleet = aws::fleet(&config, &overrides()).await.expect("fleet");
    let mut snapshot = refresh_once(&fleet).await;
    assert!(snapshot.tenant_errors.is_empty());

    emulator.deny("222222222222");
    let rds = fleet
        .sources
        .iter()
        .find(|s| s.id() == SourceId::Rds)
        .unwrap();
    let data = rds.fetch().await.expect("the other accounts still answer");
    snapshot.apply(SourceId::Rds, 2, Ok(data), chrono::Utc::now());

    let error = snapshot
        .tenant_errors
        .get("tenant_b")
        .expect("tenant_b is marked");
    assert!(
        error.contains("222222222222") && error.contains("AccessDenied"),
        "{error}"
    );
    assert_eq!(snapshot.tenant_errors.len(), 1);
    // tenant_b keeps its last good data; the others are fresh.
    assert!(snapshot.rds.exports.iter().any(|e| e.tenant == "tenant_b"));
    assert!(
        snapshot
            .rds
            .integrations
            .iter()
            .any(|i| i.tenant == "tenant_a")
    );
    let status = snapshot.source(SourceId::Rds).unwrap();
    assert!(status.error.as_deref().unwrap().contains("tenant_b"));

    let health = evaluate(&snapshot, &Thresholds::default(), chrono::Utc::now());
    assert_eq!(
        health.tenant("tenant_b"),
        Status::Critical,
        "its known problems stay known"
    );
    // tenant_c is judged on its own data (its skewed table) and on what holds it back (the
    // failed ELT run), not made unknown by tenant_b.
    assert_eq!(health.tenant("tenant_c"), Status::Critical);
    let about_c: Vec<_> = health
        .findings
        .iter()
        .filter(|f| f.concerns("tenant_c"))
        .map(|f| f.check)
        .collect();
    assert!(
        about_c.contains(&shiftops::health::CheckId::TableSkew)
            && about_c.contains(&shiftops::health::CheckId::EltFailed),
        "{about_c:?}"
    );

    emulator.allow("222222222222");
    let data = rds.fetch().await.unwrap();
    snapshot.apply(SourceId::Rds, 3, Ok(data), chrono::Utc::now());
    assert!(snapshot.tenant_errors.is_empty(), "recovers by itself");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serverless_workgroup_mode_runs_statements_on_the_workgroup() {
    let (emulator, _) = tokio::task::spawn_blocking(staged).await.unwrap();
    let text = standard_config(&emulator.url).replace(
        "cluster_identifier = \"dpc-learning\"\ndatabase = \"dev\"\ndb_user = \"shiftops\"",
        "workgroup = \"multitenant-wg\"\nnamespace = \"multitenant-analytics\"\ndatabase = \"dev\"",
    );
    let config = config(&text);
    let fleet = aws::fleet(&config, &overrides()).await.expect("fleet");
    let warehouse = fleet
        .sources
        .iter()
        .find(|s| s.id() == SourceId::Warehouse)
        .unwrap();
    let SourceData::Warehouse(data) = warehouse.fetch().await.expect("warehouse") else {
        panic!("warehouse data");
    };
    assert_eq!(data.load_errors.len(), 3);
    let statements = emulator.get("/_shiftops/redshift-data/statements");
    assert!(
        statements
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["workgroup"] == "multitenant-wg"),
        "{statements}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_fetched_in_batches_of_500_queries() {
    let (emulator, seeded) = tokio::task::spawn_blocking(Emulator::standard)
        .await
        .unwrap();
    let _ = seeded;
    // 600 tenants: 600 CopyErrorCount queries plus the fleet's, so two GetMetricData calls, and
    // one more for the storage trend, which has a time range of its own.
    let mut text = standard_config(&emulator.url);
    for i in 4..=600 {
        text.push_str(&format!(
            "\n[[tenants]]\nname = \"tenant_{i:04}\"\naccount_id = \"111111111111\"\nrole_arn = \"arn:aws:iam::111111111111:role/ShiftopsReadOnly\"\ncluster_identifier = \"tenant-{i}-mysql\"\nexport = {{ bucket = \"b{i}\" }}\n"
        ));
    }
    let config = config(&text);
    let fleet = aws::fleet(&config, &overrides()).await.expect("fleet");
    let metrics = fleet
        .sources
        .iter()
        .find(|s| s.id() == SourceId::Metrics)
        .unwrap();
    tokio::task::spawn_blocking({
        let url = emulator.url.clone();
        move || Emulator::attach(&url).reset_requests()
    })
    .await
    .unwrap();
    metrics.fetch().await.expect("metrics");
    let counts = tokio::task::spawn_blocking(move || emulator.requests())
        .await
        .unwrap();
    assert_eq!(
        counts["by_action"]["monitoring:GetMetricData"],
        2 + 1,
        "{counts}"
    );
    assert_eq!(counts["by_action"]["monitoring:ListMetrics"], 1, "{counts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_alarms_is_read_and_roles_are_assumed_once_per_account() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    // 150 more alarms: DescribeAlarms pages them 100 at a time.
    let central = support::central_sdk_config(&emulator.url).await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&central);
    for i in 0..150 {
        cloudwatch
            .put_metric_alarm()
            .alarm_name(format!("tenant-alarm-{i:03}"))
            .namespace("Custom/DPC")
            .metric_name("CopyErrorCount")
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(
                aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold,
            )
            .send()
            .await
            .expect("alarm created");
    }
    let fleet = aws::fleet(&config, &overrides()).await.expect("fleet");
    let url = emulator.url.clone();
    tokio::task::spawn_blocking(move || Emulator::attach(&url).reset_requests())
        .await
        .unwrap();
    let first = refresh_once(&fleet).await;
    assert_eq!(first.alarms.len(), 8 + 150, "every page");
    let second = refresh_once(&fleet).await;
    assert!(second.tenant_errors.is_empty());
    let counts = tokio::task::spawn_blocking(move || emulator.requests())
        .await
        .unwrap();
    let by_action = &counts["by_action"];
    assert_eq!(
        by_action["monitoring:DescribeAlarms"],
        2 * 2,
        "two pages per refresh: {counts}"
    );
    assert_eq!(
        by_action["sts:AssumeRole"], 3,
        "once per account, cached across refreshes: {counts}"
    );
}

/// What the standard fleet's running ELT and its warehouse's storage look like live: the state
/// a running execution is in and since when (GetExecutionHistory, newest first, one small page),
/// the storage trend of the last week at one datapoint an hour, and the size of every table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_elt_says_its_state_and_storage_its_trend_and_size() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    // A run nobody answers: it waits in its first COPY, as a hung run does.
    let sfn = aws_sdk_sfn::Client::new(&support::central_sdk_config(&emulator.url).await);
    let running_arn = sfn
        .start_execution()
        .state_machine_arn("arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt")
        .name("daily-elt-20261121-0700")
        .input("{}")
        .send()
        .await
        .expect("StartExecution")
        .execution_arn()
        .to_string();
    let fleet = aws::fleet(&config, &overrides()).await.expect("fleet");
    // The interpreter enters the first state on its own thread: wait for it, not for a clock.
    let mut snapshot = refresh_once(&fleet).await;
    for _ in 0..50 {
        let entered = snapshot
            .elt_runs
            .iter()
            .any(|r| r.execution_arn == running_arn && r.current_step.is_some());
        if entered {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        snapshot = refresh_once(&fleet).await;
    }
    let running = snapshot
        .elt_runs
        .iter()
        .find(|r| r.execution_arn == running_arn)
        .expect("the running execution is listed");
    assert_eq!(running.status, EltStatus::Running);
    let step = running
        .current_step
        .as_ref()
        .expect("a running execution says its state");
    assert_eq!(step.name, "COPY tenant_a");
    assert!(step.entered_at >= running.started_at, "{step:?}");
    // Finished runs are in no state.
    assert!(
        snapshot
            .elt_runs
            .iter()
            .filter(|r| r.status != EltStatus::Running)
            .all(|r| r.current_step.is_none())
    );
    // One history for the latest failure and one for the running run: no more.
    emulator.reset_requests();
    let again = refresh_once(&fleet).await;
    assert!(again.elt_runs.iter().any(|r| r.current_step.is_some()));
    let counts = emulator.requests();
    assert_eq!(
        counts["by_action"]["states:GetExecutionHistory"], 2,
        "{counts}"
    );
    // The trend was fetched once, by the first refresh: this one asked only for the live hour.
    assert_eq!(
        counts["by_action"]["monitoring:GetMetricData"], 1,
        "{counts}"
    );

    // The storage trend: a week of hourly datapoints, filling from 67.5 % to 72 %.
    let trend = &snapshot.metrics.storage_trend;
    assert!(trend.points.len() >= 160, "{}", trend.points.len());
    assert_eq!(trend.period(), Some(chrono::Duration::hours(1)));
    let change = trend.change().expect("a trend over days");
    assert!((3.0..5.0).contains(&change), "{change}");
    assert!(trend.slots().iter().all(Option::is_some), "no gaps");
    // The size of every table together, from the same SVV_TABLE_INFO statement.
    assert_eq!(snapshot.warehouse.tables_total_mb, Some(412_160));
    let size = StorageSize::of(
        snapshot.metrics.storage_percent.latest().unwrap(),
        snapshot.metrics.storage_capacity_gb,
        snapshot.warehouse.tables_total_mb,
    )
    .unwrap();
    assert_eq!(size.capacity, CapacityKnown::Estimated);
    assert!((size.used_gb - 402.5).abs() < 0.1, "{size:?}");
}

/// With `audit_logs = true` the console reads the connection log of each warehouse by the name
/// Redshift gives it, shows its failed logins and nothing else, and the doctor says which of the
/// groups does not exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_logs_show_the_connection_logs_failed_logins() {
    use shiftops::source::aws::doctor::{self, Outcome};
    let (emulator, _) = tokio::task::spawn_blocking(staged).await.unwrap();
    let text = standard_config(&emulator.url)
        .replace("log_group = \"/aws/redshift/cluster/dpc-learning\"\n", "")
        .replace(
            "roles = [\"integrations\"]",
            "roles = [\"integrations\"]\naudit_logs = true",
        )
        .replace(
            "roles = [\"elt\", \"wlm\", \"storage\"]",
            "roles = [\"elt\", \"wlm\", \"storage\"]\naudit_logs = true",
        );
    let config = config(&text);
    let cluster_group = "/aws/redshift/cluster/dpc-learning/connectionlog";
    let serverless_group = "/aws/redshift/multitenant-analytics/connectionlog";
    let logs =
        aws_sdk_cloudwatchlogs::Client::new(&support::central_sdk_config(&emulator.url).await);
    let now = chrono::Utc::now();
    let write = |group: &'static str, lines: Vec<(chrono::Duration, &'static str)>| {
        let logs = logs.clone();
        async move {
            logs.create_log_group()
                .log_group_name(group)
                .send()
                .await
                .unwrap();
            logs.create_log_stream()
                .log_group_name(group)
                .log_stream_name("audit")
                .send()
                .await
                .unwrap();
            let events = lines.into_iter().map(|(ago, message)| {
                aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                    .timestamp((now - ago).timestamp_millis())
                    .message(message)
                    .build()
                    .unwrap()
            });
            logs.put_log_events()
                .log_group_name(group)
                .log_stream_name("audit")
                .set_log_events(Some(events.collect()))
                .send()
                .await
                .unwrap();
        }
    };
    write(
        cluster_group,
        vec![
            (
                chrono::Duration::minutes(9),
                "authentication failure |Sat, 21 Nov 2026 05:51:00:000|10.0.3.17 |51342 |1073815602 |dev |learner_08 |password |0| | |0| | | |",
            ),
            (
                chrono::Duration::minutes(8),
                "initiating session |Sat, 21 Nov 2026 05:52:00:000|10.0.3.18 |51349 |1073815603 |dev |learner_08 |password |0| | |0| | | |",
            ),
        ],
    )
    .await;

    let checks = doctor::run(&config, &overrides(), shiftops::i18n::Lang::En).await;
    let group_check = |group: &str| {
        checks
            .iter()
            .find(|c| c.check == "DescribeLogGroups" && c.detail.contains(group))
            .unwrap_or_else(|| panic!("no check of {group}: {checks:?}"))
    };
    assert_eq!(group_check(cluster_group).outcome, Outcome::Ok);
    assert_eq!(group_check(serverless_group).outcome, Outcome::Failed);
    assert!(
        group_check(serverless_group)
            .detail
            .contains("does not exist"),
        "{checks:?}"
    );
    let history: Vec<_> = checks
        .iter()
        .filter(|c| c.check.starts_with("SYS_QUERY_HISTORY"))
        .collect();
    assert_eq!(history.len(), 2, "one per warehouse: {checks:?}");
    assert!(
        history.iter().all(|c| c.outcome == Outcome::Ok),
        "{history:?}"
    );

    write(
        serverless_group,
        vec![(
            chrono::Duration::minutes(2),
            "authentication failure |Sat, 21 Nov 2026 05:58:00:000|10.0.4.2 |40112 |1073815700 |dev |learner_21 |password |0| | |0| | | |",
        )],
    )
    .await;
    let fleet = aws::fleet(&config, &overrides()).await.expect("fleet");
    let source = fleet
        .sources
        .iter()
        .find(|s| s.id() == SourceId::Logs)
        .expect("a logs source for the audit logs");
    let SourceData::Logs(lines) = source.fetch().await.expect("logs") else {
        panic!("log lines");
    };
    let users: Vec<bool> = lines
        .iter()
        .map(|l| l.message.starts_with("authentication failure"))
        .collect();
    assert_eq!(users, [true, true], "only the failed logins: {lines:?}");
    assert!(lines[0].message.contains("learner_21"), "newest first");
    assert!(lines[1].message.contains("learner_08"));

    // Without audit logs nor the old log group, there is no logs source at all.
    let bare = config_without_logs(&emulator.url);
    let fleet = aws::fleet(&bare, &overrides()).await.expect("fleet");
    assert!(fleet.sources.iter().all(|s| s.id() != SourceId::Logs));
}

fn config_without_logs(url: &str) -> Config {
    config(
        &standard_config(url).replace("log_group = \"/aws/redshift/cluster/dpc-learning\"\n", ""),
    )
}
