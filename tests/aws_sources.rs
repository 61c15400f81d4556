//! Every live source end to end: the real SDK clients over the real wire against the local AWS
//! emulator (moto + the project's extensions), seeded with three tenant accounts.

mod support;

use serde_json::json;
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
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let ids: Vec<SourceId> = fleet.sources.iter().map(|s| s.id()).collect();
    assert_eq!(ids, SourceId::ALL, "a full config feeds every source");
    let snapshot = refresh_once(&fleet).await;
    for status in &snapshot.sources {
        assert!(status.error.is_none(), "{}: {:?}", status.id, status.error);
        assert!(status.fetched_at.is_some(), "{} has data", status.id);
    }

    // The integrations, read in the warehouse's account; the export tasks and the clusters in
    // each tenant's own account through AssumeRole.
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
    assert_eq!(snapshot.clusters.len(), 3, "{:?}", snapshot.clusters);
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
    // The snapshot by its name, as the snapshot list names it, not by the task's SourceArn.
    assert!(
        latest.snapshot.starts_with("tenant-b-mysql-snapshot-"),
        "{latest:?}"
    );
    assert!(
        rds.snapshots.iter().any(|s| s.id == latest.snapshot),
        "{:?}",
        rds.snapshots
    );
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
        .history(alarm("Alert-COPY-Error"))
        .await
        .expect("history");
    assert!(
        history.iter().any(|h| h.summary.contains("ALARM")),
        "{history:?}"
    );
    // A composite alarm's history too: DescribeAlarmHistory reads metric alarms only unless
    // asked for both types.
    let composite = fleet
        .alarm_history
        .as_ref()
        .unwrap()
        .history(alarm("Pipeline-Degraded"))
        .await
        .expect("history");
    assert!(!composite.is_empty(), "{composite:?}");

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
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
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
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
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
async fn load_errors_of_empty_and_dropped_tables_are_kept() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    // What the catalog join answers: an existing (empty) table of tenant_b's schema, a table
    // dropped since whose file is tenant_b's export, and another pipeline's dropped table.
    emulator.result_set(
        r"(?i)from\s+sys_load_error_detail",
        &[
            ("schema_name", "varchar"),
            ("table_name", "varchar"),
            ("table_id", "int4"),
            ("file_name", "varchar"),
            ("line_number", "int8"),
            ("column_name", "varchar"),
            ("error_message", "varchar"),
            ("start_time", "timestamp"),
        ],
        serde_json::json!([
            [
                "tenant_b",
                "orders",
                108_100,
                "s3://tenant-b-snapshots/tenant_b/orders/part-0003.parquet",
                1176,
                "quantity",
                "Invalid digit, Value 'N', Pos 0, Type: Integer",
                support::sql_time(chrono::Duration::minutes(50))
            ],
            [
                null,
                null,
                108_123,
                "s3://tenant-b-snapshots/tenant_b/users/part-0001.parquet",
                3,
                "email",
                "String length exceeds DDL length",
                support::sql_time(chrono::Duration::minutes(40))
            ],
            [
                null,
                null,
                108_124,
                "s3://someone-else/x/part-0001.parquet",
                1,
                "id",
                "Invalid digit",
                support::sql_time(chrono::Duration::minutes(30))
            ],
        ]),
    );
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let warehouse = fleet
        .sources
        .iter()
        .find(|s| s.id() == SourceId::Warehouse)
        .unwrap();
    let SourceData::Warehouse(data) = warehouse.fetch().await.expect("warehouse") else {
        panic!("warehouse data");
    };
    let errors: Vec<(&str, &str)> = data
        .load_errors
        .iter()
        .map(|e| (e.tenant.as_str(), e.table.as_str()))
        .collect();
    assert_eq!(errors, [("tenant_b", "orders"), ("tenant_b", "#108123")]);
    let statements = emulator.get("/_shiftops/redshift-data/statements");
    let sql = statements
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["sql"].as_str())
        .find(|sql| sql.contains("sys_load_error_detail"))
        .unwrap()
        .to_string();
    assert!(sql.contains("LEFT JOIN pg_class"), "{sql}");
    assert!(!sql.contains("svv_table_info"), "{sql}");
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
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
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
async fn a_tenants_metrics_and_alarms_use_its_dimension_value_in_the_exact_dimension_set() {
    let (emulator, _) = tokio::task::spawn_blocking(staged).await.unwrap();
    // A Japanese name cannot be a CloudWatch dimension value: the tenant names its own.
    let text = standard_config(&emulator.url).replace(
        "name = \"tenant_b\"",
        "name = \"テナントB\"\nmetric_dimension_value = \"tenant-b-jp\"",
    );
    let config = config(&text);
    let central = support::central_sdk_config(&emulator.url).await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&central);
    let dimension = support::dimension;
    let at = aws_smithy_types::DateTime::from_secs(
        (chrono::Utc::now() - chrono::Duration::minutes(2)).timestamp(),
    );
    // The tenant's metric as the ELT publishes it, and another metric of the same name: without
    // Environment it is a different metric, which must not be read.
    for (dimensions, value) in [
        (
            vec![
                dimension("Environment", "prod"),
                dimension("Tenant", "tenant-b-jp"),
            ],
            4.0,
        ),
        (vec![dimension("Tenant", "tenant-b-jp")], 100.0),
    ] {
        cloudwatch
            .put_metric_data()
            .namespace("Custom/DPC")
            .metric_data(
                aws_sdk_cloudwatch::types::MetricDatum::builder()
                    .metric_name("CopyErrorCount")
                    .set_dimensions(Some(dimensions))
                    .timestamp(at)
                    .value(value)
                    .build(),
            )
            .send()
            .await
            .expect("metric data");
    }
    support::sum_alarm(
        &cloudwatch,
        "COPY-errors-of-tenant-b-jp",
        "Custom/DPC",
        "CopyErrorCount",
    )
    .dimensions(dimension("Environment", "prod"))
    .dimensions(dimension("Tenant", "tenant-b-jp"))
    .send()
    .await
    .expect("alarm created");

    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let snapshot = refresh_once(&fleet).await;
    let copy_errors = &snapshot.metrics.copy_errors["テナントB"];
    assert_eq!(copy_errors.values().sum::<f64>(), 4.0, "{copy_errors:?}");
    let alarm = snapshot
        .alarms
        .iter()
        .find(|a| a.name == "COPY-errors-of-tenant-b-jp")
        .unwrap();
    assert_eq!(alarm.tenant.as_deref(), Some("テナントB"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_alarms_is_read_and_roles_are_assumed_once_per_account() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    // 150 more alarms: DescribeAlarms pages them 100 at a time.
    let central = support::central_sdk_config(&emulator.url).await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&central);
    for i in 0..150 {
        support::sum_alarm(
            &cloudwatch,
            &format!("tenant-alarm-{i:03}"),
            "Custom/DPC",
            "CopyErrorCount",
        )
        .send()
        .await
        .expect("alarm created");
    }
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let url = emulator.url.clone();
    tokio::task::spawn_blocking(move || Emulator::attach(&url).reset_requests())
        .await
        .unwrap();
    let first = refresh_once(&fleet).await;
    // The standard fleet's 8 central alarms, tenant_b's own `aurora-export-failure` in its
    // account (seed 000), and the 150 made here.
    assert_eq!(first.alarms.len(), 8 + 1 + 150, "every page");
    let second = refresh_once(&fleet).await;
    assert!(second.tenant_errors.is_empty());
    let counts = tokio::task::spawn_blocking(move || emulator.requests())
        .await
        .unwrap();
    let by_action = &counts["by_action"];
    assert_eq!(
        by_action["monitoring:DescribeAlarms"],
        2 * (2 + 3),
        "two pages of the central account's and one call per tenant account, per refresh: \
         {counts}"
    );
    assert_eq!(
        by_action["sts:AssumeRole"], 3,
        "once per account, cached across refreshes: {counts}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_in_a_tenants_account_is_read_there_and_is_that_tenants() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    const NAME: &str = "aurora-export-failure-test";
    // tenant_b's, and a namesake in tenant_a's account: two alarms, not one.
    support::put_export_alarm(&emulator.url, "222222222222", NAME).await;
    support::put_export_alarm(&emulator.url, "111111111111", NAME).await;
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let mut snapshot = refresh_once(&fleet).await;
    let status = snapshot.source(SourceId::Alarms).unwrap();
    assert!(status.error.is_none(), "{:?}", status.error);
    let of = |snapshot: &shiftops::model::Snapshot, tenant: &str| {
        snapshot
            .alarms
            .iter()
            .find(|a| a.name == NAME && a.tenant.as_deref() == Some(tenant))
            .cloned()
            .unwrap_or_else(|| panic!("{tenant}'s {NAME}: {:?}", snapshot.alarms))
    };
    let alarm = of(&snapshot, "tenant_b");
    assert_eq!(alarm.state, AlarmState::Alarm);
    assert_eq!(alarm.account(), Some("222222222222"));
    assert_eq!(alarm.region(), Some("us-east-1"));
    assert_eq!(alarm.metric.as_deref(), Some("AWS/Lambda/Errors"));
    assert_eq!(of(&snapshot, "tenant_a").account(), Some("111111111111"));
    assert_eq!(snapshot.alarms.iter().filter(|a| a.name == NAME).count(), 2);
    // The central account's alarms are still its own.
    let copy = snapshot
        .alarms
        .iter()
        .find(|a| a.name == "Alert-COPY-Error")
        .unwrap();
    assert_eq!(copy.account(), Some("999999999999"));

    // The rules raise it against its tenant.
    let health = evaluate(&snapshot, &Thresholds::default(), chrono::Utc::now());
    let about = |tenant: &str| {
        health.findings.iter().any(|f| {
            f.check == CheckId::Alarm
                && f.tenant.as_deref() == Some(tenant)
                && f.alarm() == Some(NAME)
        })
    };
    assert!(
        about("tenant_b") && about("tenant_a"),
        "{:?}",
        health.findings
    );

    // Its history is read in its own account: the central account has none of it.
    let history = fleet
        .alarm_history
        .as_ref()
        .unwrap()
        .history(&alarm)
        .await
        .expect("history");
    assert!(
        history.iter().any(|h| h.summary.contains("to ALARM")),
        "{history:?}"
    );

    // A tenant account that cannot be read is that account's error; the rest is read, and its
    // alarms are kept as last read.
    emulator.deny("222222222222");
    let source = fleet
        .sources
        .iter()
        .find(|s| s.id() == SourceId::Alarms)
        .unwrap();
    let data = source
        .fetch()
        .await
        .expect("the other accounts still answer");
    let SourceData::Alarms(read) = &data else {
        panic!("{data:?}")
    };
    assert_eq!(read.failures.len(), 1, "{:?}", read.failures);
    assert!(
        !read
            .alarms
            .iter()
            .any(|a| a.account() == Some("222222222222"))
    );
    snapshot.apply(SourceId::Alarms, 2, Ok(data), chrono::Utc::now());
    let error = snapshot
        .source(SourceId::Alarms)
        .unwrap()
        .error
        .clone()
        .expect("the failing account is said");
    assert!(
        error.contains("tenant_b")
            && error.contains("222222222222")
            && error.contains("AccessDenied"),
        "{error}"
    );
    assert_eq!(of(&snapshot, "tenant_b").state, AlarmState::Alarm, "kept");
    assert_eq!(of(&snapshot, "tenant_a").state, AlarmState::Alarm);
    assert!(snapshot.alarms.iter().any(|a| a.name == "Alert-COPY-Error"));
    emulator.allow("222222222222");

    // `alarms = false` leaves a tenant's account unread.
    let text = support::standard_config(&emulator.url).replace(
        "cluster_identifier = \"tenant-b-mysql\"\nalarms = true\n",
        "cluster_identifier = \"tenant-b-mysql\"\nalarms = false\n",
    );
    let fleet = aws::fleet(&crate::config(&text), &overrides()).expect("fleet");
    let snapshot = refresh_once(&fleet).await;
    assert!(
        !snapshot
            .alarms
            .iter()
            .any(|a| a.account() == Some("222222222222")),
        "{:?}",
        snapshot.alarms
    );
    assert!(
        snapshot
            .alarms
            .iter()
            .any(|a| a.account() == Some("111111111111"))
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
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
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
    assert!(trend.len() >= 160, "{}", trend.len());
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

/// A Serverless WLM warehouse, live: its queues and a pause in place come from the workgroup's
/// config parameters, its queries in CloudWatch from AWS/Redshift-Serverless, summed over every
/// query type; the WLM view shows both in both languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serverless_wlm_workgroup_shows_its_pause_and_its_query_counts() {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    use shiftops::i18n::Lang;
    use shiftops::tui::Settings;
    use shiftops::tui::action::{Action, View};
    use shiftops::tui::app::App;

    let (emulator, _) = tokio::task::spawn_blocking(Emulator::standard)
        .await
        .unwrap();
    let central = support::central_sdk_config(&emulator.url).await;
    // Another console paused adhoc on 2026-11-21 at 08:12.
    let queues = r#"[{"name": "batch", "query_group": ["batch"]}, {"name": "adhoc", "query_group": ["adhoc"], "rules": [{"rule_name": "shiftops_pause_2611210812_auto_n", "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 0}], "action": "abort"}]}]"#;
    support::set_workgroup_queues(&emulator.url, "multitenant-wg", queues).await;
    let minute_ago = aws_smithy_types::DateTime::from_secs(chrono::Utc::now().timestamp() - 120);
    let datum = |metric: &str, query_type: &str, value: f64| {
        MetricDatum::builder()
            .metric_name(metric)
            .dimensions(
                Dimension::builder()
                    .name("QueryType")
                    .value(query_type)
                    .build(),
            )
            .dimensions(
                Dimension::builder()
                    .name("Workgroup")
                    .value("multitenant-wg")
                    .build(),
            )
            .timestamp(minute_ago)
            .value(value)
            .build()
    };
    aws_sdk_cloudwatch::Client::new(&central)
        .put_metric_data()
        .namespace("AWS/Redshift-Serverless")
        .metric_data(datum("QueriesQueued", "SELECT", 3.0))
        .metric_data(datum("QueriesQueued", "INSERT", 2.0))
        .metric_data(datum("QueriesRunning", "SELECT", 1.0))
        .send()
        .await
        .unwrap();

    let config = config(&support::serverless_wlm_config(&emulator.url));
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let snapshot = refresh_once(&fleet).await;
    let settings = &snapshot.wlm_settings;
    assert_eq!(settings.configured_in, "multitenant-wg");
    let pause = settings.adhoc_pause.expect("the pause is read back");
    assert_eq!(
        pause.since.format("%Y-%m-%d %H:%M").to_string(),
        "2026-11-21 08:12"
    );
    let workgroup = snapshot
        .metrics
        .workgroup_queries
        .clone()
        .expect("a Serverless WLM warehouse has its workgroup's query counts");
    assert_eq!(workgroup.queued.latest(), Some(5.0));
    assert_eq!(workgroup.running.latest(), Some(1.0));
    assert!(
        snapshot.metrics.queue_length.is_empty(),
        "no per-queue metric"
    );

    let now = pause.since + chrono::Duration::minutes(18);
    for (lang, badge, line) in [
        (
            Lang::En,
            "adhoc PAUSED since 08:12 UTC",
            "workgroup queued / running",
        ),
        (
            Lang::Ja,
            "adhoc 一時停止中 08:12 UTC〜",
            "ワークグループ 待機 / 実行中",
        ),
    ] {
        let mut app = App::new(
            "live".into(),
            Settings::shipped(lang),
            snapshot.clone(),
            now,
        );
        app.dispatch(Action::Show(View::Wlm));
        let screen = support::demo::render(&app, 120, 40);
        assert!(screen.lines().next().unwrap().contains(badge), "{screen}");
        let figures = screen
            .lines()
            .find(|l| l.contains(line))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(figures.contains("5 / 1"), "{figures}");
    }
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
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
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
    let fleet = aws::fleet(&bare, &overrides()).expect("fleet");
    assert!(fleet.sources.iter().all(|s| s.id() != SourceId::Logs));
}

fn config_without_logs(url: &str) -> Config {
    config(
        &standard_config(url).replace("log_group = \"/aws/redshift/cluster/dpc-learning\"\n", ""),
    )
}

/// Refreshes every source but the slow clusters once, and returns the snapshot and the emulator's
/// requests of that refresh.
async fn counted_refresh(
    fleet: &shiftops::source::Fleet,
    url: &str,
) -> (shiftops::model::Snapshot, serde_json::Value) {
    let steady = fleet.refreshed_within(std::time::Duration::from_secs(120));
    let url = url.to_string();
    tokio::task::spawn_blocking({
        let url = url.clone();
        move || Emulator::attach(&url).reset_requests()
    })
    .await
    .unwrap();
    let snapshot = refresh_once(&steady).await;
    let counts = tokio::task::spawn_blocking(move || Emulator::attach(&url).requests())
        .await
        .unwrap();
    (snapshot, counts)
}

fn described(counts: &serde_json::Value) -> u64 {
    counts["by_action"]["redshift:DescribeInboundIntegrations"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_integration_that_fails_shows_its_errors_at_the_next_refresh_though_described_slowly() {
    let (emulator, _) = tokio::task::spawn_blocking(Emulator::standard)
        .await
        .unwrap();
    let url = emulator.url.clone();
    let config = config(&standard_config(&url));
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let tenant_c = |snapshot: &shiftops::model::Snapshot| {
        snapshot
            .rds
            .integrations
            .iter()
            .find(|i| i.tenant == "tenant_c")
            .cloned()
            .expect("tenant_c's integration")
    };

    // The first refresh describes every integration; the warehouse's SVV_INTEGRATION (what the
    // emulator derives from the integrations, as AWS's view lists them) agrees with it.
    let (first, counts) = counted_refresh(&fleet, &url).await;
    assert_eq!(described(&counts), 1, "{counts}");
    assert_eq!(tenant_c(&first).status, IntegrationStatus::Active);
    assert_eq!(tenant_c(&first).described_at, None, "read by this fetch");

    // While SVV_INTEGRATION agrees, DescribeInboundIntegrations is not read again: the statuses
    // and errors shown are the earlier ones, and say when they were read. SVV_INTEGRATION gives
    // every integration's lag: CloudWatch is asked for none (no ListMetrics).
    let (steady, counts) = counted_refresh(&fleet, &url).await;
    assert_eq!(described(&counts), 0, "{counts}");
    assert_eq!(counts["by_action"]["monitoring:ListMetrics"], json!(null));
    assert_eq!(
        counts["by_action"]["redshift-data:ExecuteStatement"],
        json!(9),
        "SVV_INTEGRATION is read once for the warehouse and RDS sources: {counts}"
    );
    let kept = tenant_c(&steady);
    assert_eq!(kept.status, IntegrationStatus::Active);
    assert!(kept.described_at.is_some(), "{kept:?}");
    let tenant_a = steady
        .rds
        .integrations
        .iter()
        .find(|i| i.tenant == "tenant_a")
        .unwrap();
    assert_eq!(tenant_a.status, IntegrationStatus::NeedsAttention);
    assert!(!tenant_a.errors.is_empty(), "its errors are kept too");

    // tenant_c's integration fails. SVV_INTEGRATION says ErrorState in the next refresh, which
    // disagrees with "active": DescribeInboundIntegrations is read at once, and the failure shows
    // with its errors in that same refresh.
    tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            Emulator::attach(&url).post(
                "/_shiftops/rds/integration-state",
                json!({
                    "account_id": "333333333333",
                    "name": "tenant-c-to-central-integration",
                    "status": "failed",
                    "errors": [{"ErrorCode": "SourceBinlogDisabled",
                                "ErrorMessage": "binlog_format must be ROW on the source cluster."}],
                }),
            )
        }
    })
    .await
    .unwrap();
    let (next, counts) = counted_refresh(&fleet, &url).await;
    assert_eq!(described(&counts), 1, "{counts}");
    let failed = tenant_c(&next);
    assert_eq!(failed.status, IntegrationStatus::Failed);
    assert_eq!(failed.described_at, None, "read by this fetch");
    assert_eq!(
        failed.errors,
        ["SourceBinlogDisabled: binlog_format must be ROW on the source cluster."]
    );
    let health = evaluate(&next, &Thresholds::default(), next_now(&next));
    let finding = health
        .findings
        .iter()
        .find(|f| f.check == CheckId::IntegrationStatus && f.tenant.as_deref() == Some("tenant_c"))
        .expect("the failure is a finding");
    assert_eq!(finding.severity, Severity::Critical);
    drop(emulator);
}

/// The time the health of a snapshot is judged at: its newest fetch.
fn next_now(snapshot: &shiftops::model::Snapshot) -> chrono::DateTime<chrono::Utc> {
    snapshot
        .sources
        .iter()
        .filter_map(|s| s.fetched_at)
        .max()
        .expect("fetched")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_svv_integration_the_integrations_are_described_on_every_refresh() {
    let (emulator, _) = tokio::task::spawn_blocking(Emulator::standard)
        .await
        .unwrap();
    let url = emulator.url.clone();
    // The warehouse cannot read SVV_INTEGRATION (the statement fails).
    emulator.post(
        "/_shiftops/redshift-data/results",
        json!({"pattern": r"(?i)from\s+svv_integration\b(?!_)", "error": "ERROR: permission denied for relation svv_integration"}),
    );
    let config = config(&standard_config(&url));
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    for round in 0..2 {
        let (snapshot, counts) = counted_refresh(&fleet, &url).await;
        assert_eq!(described(&counts), 1, "round {round}: {counts}");
        // CloudWatch's IntegrationLag is the lag then: every integration ListMetrics finds.
        assert_eq!(
            counts["by_action"]["monitoring:ListMetrics"],
            json!(1),
            "round {round}: {counts}"
        );
        assert!(
            snapshot
                .rds
                .integrations
                .iter()
                .all(|i| i.described_at.is_none()),
            "round {round}"
        );
        assert_eq!(snapshot.metrics.integration_lag_seconds.len(), 2);
    }
    drop(emulator);
}

/// DescribeExportTasks returns every task the account still lists: tenant_b's three newest
/// exports are kept, and its older last success, while the failure they pushed out is dropped,
/// with its snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_s_long_export_history_is_kept_to_the_recent_tasks_and_the_last_success() {
    let (emulator, config) = tokio::task::spawn_blocking(staged).await.unwrap();
    const ACCOUNT: &str = "222222222222";
    // The seed's two: the older COMPLETE, then the FAILED that three newer exports push out.
    // None of these succeeds, so the last success is kept though older than all three.
    let (complete, failed) = ("20261120", "20261121");
    let newer = [
        ("20261122", "FAILED"),
        ("20261123", "FAILED"),
        ("20261124", "IN_PROGRESS"),
    ];
    let rds = aws_sdk_rds::Client::new(&support::tenant_sdk_config(&emulator.url, ACCOUNT).await);
    for (day, status) in newer {
        let snapshot = rds
            .create_db_cluster_snapshot()
            .db_cluster_snapshot_identifier(format!("tenant-b-mysql-snapshot-{day}-021500"))
            .db_cluster_identifier("tenant-b-mysql")
            .send()
            .await
            .expect("snapshot created");
        rds.start_export_task()
            .export_task_identifier(format!("tenant-b-mysql-export-{day}-021500"))
            .source_arn(
                snapshot
                    .db_cluster_snapshot()
                    .and_then(|s| s.db_cluster_snapshot_arn())
                    .unwrap(),
            )
            // tenant_b's bucket and prefix, which attribute the task to it.
            .s3_bucket_name("tenant-b-snapshots")
            .s3_prefix("tenant_b/")
            .iam_role_arn(format!("arn:aws:iam::{ACCOUNT}:role/RDSExportServiceRole"))
            .kms_key_id(format!(
                "arn:aws:kms:us-east-1:{ACCOUNT}:key/6f1c9d3e-2b7a-4c1e-9a55-0d3b8e7f4a21"
            ))
            .send()
            .await
            .expect("export started");
        // moto completes every export at once; these have not succeeded.
        emulator.post(
            "/_shiftops/rds/export-task-state",
            json!({
                "account_id": ACCOUNT,
                "export_task_identifier": format!("tenant-b-mysql-export-{day}-021500"),
                "status": status,
                "failure_cause": (status == "FAILED").then_some("S3 access denied"),
                "percent_progress": 40,
            }),
        );
    }

    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let snapshot = refresh_once(&fleet).await;
    let status = snapshot.source(SourceId::Rds).unwrap();
    assert!(status.error.is_none(), "{:?}", status.error);
    let mut exports: Vec<_> = snapshot
        .rds
        .exports
        .iter()
        .filter(|e| e.tenant == "tenant_b")
        .collect();
    exports.sort_by_key(|e| std::cmp::Reverse(e.started_at));
    let ids: Vec<&str> = exports.iter().map(|e| e.id.as_str()).collect();
    let kept: Vec<&str> = newer
        .iter()
        .rev()
        .map(|(day, _)| *day)
        .chain([complete])
        .collect();
    let expected: Vec<String> = kept
        .iter()
        .map(|day| format!("tenant-b-mysql-export-{day}-021500"))
        .collect();
    assert_eq!(ids, expected, "{exports:?}");
    assert_eq!(exports[3].status, ExportStatus::Complete);
    assert!(!ids.iter().any(|id| id.contains(failed)));

    // Only the kept tasks' snapshots: the dropped failure's is no longer listed.
    let mut snapshots: Vec<&str> = snapshot
        .rds
        .snapshots
        .iter()
        .filter(|s| s.tenant == "tenant_b")
        .map(|s| s.id.as_str())
        .collect();
    snapshots.sort_unstable();
    let mut expected: Vec<String> = kept
        .iter()
        .map(|day| format!("tenant-b-mysql-snapshot-{day}-021500"))
        .collect();
    expected.sort_unstable();
    assert_eq!(snapshots, expected);
}
