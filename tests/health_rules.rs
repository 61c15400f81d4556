//! Every health rule on both sides of its threshold.

use chrono::{Duration, TimeZone, Utc};
use shiftops::health::{CheckId, Finding, Measure, Severity, Status, Thresholds, evaluate};
use shiftops::model::*;

fn now() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap()
}

fn zero_etl(name: &str) -> Tenant {
    Tenant {
        name: name.into(),
        schema: name.into(),
        metric_dimension_value: name.into(),
        account_id: "111111111111".into(),
        cluster_identifier: format!("{name}-mysql"),
        ingest: Ingest::ZeroEtl {
            integration: format!("{name}-integration"),
        },
    }
}

fn export_path(name: &str) -> Tenant {
    Tenant {
        ingest: Ingest::Export {
            bucket: format!("{name}-snapshots"),
            prefix: format!("{name}/"),
        },
        ..zero_etl(name)
    }
}

/// A snapshot where every source has delivered `data`.
fn snapshot(tenants: Vec<Tenant>, data: Vec<SourceData>) -> Snapshot {
    let mut snapshot = Snapshot::new(tenants);
    let mut missing: Vec<SourceId> = SourceId::ALL.to_vec();
    for item in data {
        let id = item.source();
        missing.retain(|m| *m != id);
        snapshot.apply(id, 1, Ok(item), now());
    }
    for id in missing {
        let empty = match id {
            SourceId::Rds => SourceData::Rds(RdsData::default()),
            SourceId::Warehouse => SourceData::Warehouse(WarehouseData::default()),
            SourceId::Metrics => SourceData::Metrics(FleetMetrics::default()),
            SourceId::Alarms => SourceData::Alarms(AlarmsData::default()),
            SourceId::Elt => SourceData::Elt(vec![]),
            SourceId::Logs => SourceData::Logs(vec![]),
            SourceId::Parameters => SourceData::Parameters(Default::default()),
            SourceId::Aurora => SourceData::Aurora(Default::default()),
        };
        snapshot.apply(id, 1, Ok(empty), now());
    }
    snapshot
}

fn series(value: f64) -> Series {
    Series::from_points([(now(), value)])
}

fn findings(snapshot: &Snapshot, check: CheckId) -> Vec<Finding> {
    evaluate(snapshot, &Thresholds::default(), now())
        .findings
        .into_iter()
        .filter(|f| f.check == check)
        .collect()
}

fn metrics(edit: impl FnOnce(&mut FleetMetrics)) -> Snapshot {
    let mut m = FleetMetrics::default();
    edit(&mut m);
    snapshot(vec![], vec![SourceData::Metrics(m)])
}

fn severity_of(snapshot: &Snapshot, check: CheckId) -> Option<Severity> {
    findings(snapshot, check).first().map(|f| f.severity)
}

#[test]
fn elt_delay_over_90_minutes_is_critical() {
    let at = |v| metrics(|m| m.elt_delay_minutes = series(v));
    assert_eq!(severity_of(&at(90.0), CheckId::EltDelay), None);
    assert_eq!(
        severity_of(&at(91.0), CheckId::EltDelay),
        Some(Severity::Critical)
    );
}

#[test]
fn elt_delay_falls_back_to_the_last_successful_run() {
    let run = |ended_minutes_ago: i64| EltRun {
        stopped_at: Some(now() - Duration::minutes(ended_minutes_ago)),
        ..EltRun::new(
            "arn".into(),
            "daily-elt".into(),
            EltStatus::Succeeded,
            now() - Duration::minutes(ended_minutes_ago + 30),
        )
    };
    let with = |m| snapshot(vec![], vec![SourceData::Elt(vec![run(m)])]);
    assert_eq!(severity_of(&with(90), CheckId::EltDelay), None);
    assert_eq!(
        severity_of(&with(95), CheckId::EltDelay),
        Some(Severity::Critical)
    );
}

#[test]
fn copy_errors_one_or_more_in_24h_is_critical() {
    let error = |hours_ago: i64| LoadError {
        tenant: "tenant_b".into(),
        table: "orders".into(),
        file: "s3://b/orders/part-0001.parquet".into(),
        line: 3,
        column: "amount".into(),
        reason: "Invalid digit".into(),
        time: now() - Duration::hours(hours_ago),
    };
    let with = |errors| {
        snapshot(
            vec![export_path("tenant_b")],
            vec![SourceData::Warehouse(WarehouseData {
                load_errors: errors,
                ..Default::default()
            })],
        )
    };
    assert_eq!(severity_of(&with(vec![]), CheckId::CopyErrors), None);
    assert_eq!(
        severity_of(&with(vec![error(25)]), CheckId::CopyErrors),
        None,
        "older than 24 h"
    );
    let found = findings(&with(vec![error(1)]), CheckId::CopyErrors);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].tenant.as_deref(), Some("tenant_b"));
}

#[test]
fn storage_warns_over_80_and_is_critical_over_90() {
    let at = |v| metrics(|m| m.storage_percent = series(v));
    assert_eq!(severity_of(&at(80.0), CheckId::Storage), None);
    assert_eq!(
        severity_of(&at(80.1), CheckId::Storage),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(&at(90.0), CheckId::Storage),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(&at(90.1), CheckId::Storage),
        Some(Severity::Critical)
    );
}

#[test]
fn batch_queue_over_10_warns_and_other_queues_do_not() {
    let at = |queue: &str, v| {
        metrics(|m| {
            m.queue_length.insert(queue.into(), series(v));
        })
    };
    assert_eq!(severity_of(&at("batch", 10.0), CheckId::WlmQueue), None);
    assert_eq!(
        severity_of(&at("batch", 11.0), CheckId::WlmQueue),
        Some(Severity::Warning)
    );
    assert_eq!(severity_of(&at("adhoc", 50.0), CheckId::WlmQueue), None);
}

#[test]
fn batch_queue_falls_back_to_the_warehouse_count() {
    let with = |queued| {
        snapshot(
            vec![],
            vec![SourceData::Warehouse(WarehouseData {
                queues: vec![QueueActivity {
                    queue: "batch".into(),
                    queued,
                    running: 5,
                    max_wait_seconds: 0.0,
                }],
                ..Default::default()
            })],
        )
    };
    assert_eq!(severity_of(&with(10), CheckId::WlmQueue), None);
    assert_eq!(
        severity_of(&with(11), CheckId::WlmQueue),
        Some(Severity::Warning)
    );
}

#[test]
fn query_failure_rate_over_5_percent_warns() {
    let at = |v| metrics(|m| m.query_failure_percent = series(v));
    assert_eq!(severity_of(&at(5.0), CheckId::QueryFailureRate), None);
    assert_eq!(
        severity_of(&at(5.1), CheckId::QueryFailureRate),
        Some(Severity::Warning)
    );
}

#[test]
fn table_skew_over_20_percent_warns_for_the_schema_tenant() {
    let with = |skew| {
        snapshot(
            vec![zero_etl("tenant_a")],
            vec![SourceData::Warehouse(WarehouseData {
                tables: vec![TableInfo {
                    schema: "tenant_a".into(),
                    table: "orders".into(),
                    size_mb: 100,
                    rows: 1000,
                    skew_percent: skew,
                    unsorted_percent: 0.0,
                    stats_off_percent: 0.0,
                }],
                ..Default::default()
            })],
        )
    };
    assert_eq!(severity_of(&with(20.0), CheckId::TableSkew), None);
    let found = findings(&with(20.5), CheckId::TableSkew);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].tenant.as_deref(), Some("tenant_a"));
}

fn integration(status: IntegrationStatus) -> Snapshot {
    snapshot(
        vec![zero_etl("tenant_a")],
        vec![SourceData::Rds(RdsData {
            integrations: vec![IntegrationState {
                tenant: "tenant_a".into(),
                name: "tenant_a-integration".into(),
                id: "0000-aaaa".into(),
                status,
                errors: vec![],
                created_at: None,
                described_at: None,
            }],
            ..Default::default()
        })],
    )
}

#[test]
fn integration_status_active_ok_transitional_warning_broken_critical() {
    use IntegrationStatus::*;
    assert_eq!(
        severity_of(&integration(Active), CheckId::IntegrationStatus),
        None
    );
    for status in [Creating, Modifying, Syncing] {
        assert_eq!(
            severity_of(&integration(status.clone()), CheckId::IntegrationStatus),
            Some(Severity::Warning),
            "{status}"
        );
    }
    for status in [NeedsAttention, Failed] {
        assert_eq!(
            severity_of(&integration(status.clone()), CheckId::IntegrationStatus),
            Some(Severity::Critical),
            "{status}"
        );
    }
}

#[test]
fn a_missing_integration_is_critical() {
    let s = snapshot(
        vec![zero_etl("tenant_a")],
        vec![SourceData::Rds(RdsData::default())],
    );
    assert_eq!(
        severity_of(&s, CheckId::IntegrationStatus),
        Some(Severity::Critical)
    );
}

fn replication(lag: Option<f64>, tables: Vec<TableSync>) -> Snapshot {
    snapshot(
        vec![zero_etl("tenant_a")],
        vec![SourceData::Warehouse(WarehouseData {
            replication: vec![IntegrationReplication {
                tenant: Some("tenant_a".into()),
                integration_id: "0000-aaaa".into(),
                state: "CdcRefreshState".into(),
                lag_seconds: lag,
                tables_not_synced: tables,
            }],
            ..Default::default()
        })],
    )
}

#[test]
fn integration_lag_warns_then_turns_critical() {
    let t = Thresholds::default();
    let at = |v| replication(Some(v), vec![]);
    assert_eq!(
        severity_of(
            &at(t.integration_lag_warning_seconds),
            CheckId::IntegrationLag
        ),
        None
    );
    assert_eq!(
        severity_of(
            &at(t.integration_lag_warning_seconds + 1.0),
            CheckId::IntegrationLag
        ),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(
            &at(t.integration_lag_critical_seconds),
            CheckId::IntegrationLag
        ),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(
            &at(t.integration_lag_critical_seconds + 1.0),
            CheckId::IntegrationLag
        ),
        Some(Severity::Critical)
    );
}

#[test]
fn tables_not_synced_warn_and_failed_tables_are_critical() {
    let table = |state: &str| TableSync {
        table: "tenant_a.orders".into(),
        state: state.into(),
        reason: "".into(),
    };
    assert_eq!(
        severity_of(&replication(None, vec![]), CheckId::IntegrationTables),
        None
    );
    assert_eq!(
        severity_of(
            &replication(None, vec![table("ResyncRequired")]),
            CheckId::IntegrationTables
        ),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(
            &replication(None, vec![table("Failed")]),
            CheckId::IntegrationTables
        ),
        Some(Severity::Critical)
    );
    // A table dropped from the replication, or a history-mode table whose source was dropped,
    // needs nothing done.
    for settled in ["Deleted", "DroppedSource"] {
        assert_eq!(
            severity_of(
                &replication(None, vec![table(settled)]),
                CheckId::IntegrationTables
            ),
            None,
            "{settled}"
        );
    }
}

fn export(status: ExportStatus, finished_hours_ago: i64) -> ExportTask {
    ExportTask {
        tenant: "tenant_b".into(),
        id: "tenant-b-export".into(),
        snapshot: "snap".into(),
        status,
        percent_progress: 100,
        started_at: Some(now() - Duration::hours(finished_hours_ago + 1)),
        finished_at: Some(now() - Duration::hours(finished_hours_ago)),
        failure_cause: Some("S3 access denied".into()),
    }
}

fn exports(tasks: Vec<ExportTask>) -> Snapshot {
    snapshot(
        vec![export_path("tenant_b")],
        vec![SourceData::Rds(RdsData {
            exports: tasks,
            ..Default::default()
        })],
    )
}

#[test]
fn export_task_failed_is_critical_and_stale_exports_warn() {
    assert_eq!(
        severity_of(
            &exports(vec![export(ExportStatus::Complete, 2)]),
            CheckId::ExportTask
        ),
        None
    );
    assert_eq!(
        severity_of(
            &exports(vec![export(ExportStatus::Failed, 2)]),
            CheckId::ExportTask
        ),
        Some(Severity::Critical)
    );
    assert_eq!(
        severity_of(
            &exports(vec![export(ExportStatus::Complete, 25)]),
            CheckId::ExportTask
        ),
        None
    );
    assert_eq!(
        severity_of(
            &exports(vec![export(ExportStatus::Complete, 27)]),
            CheckId::ExportTask
        ),
        Some(Severity::Warning)
    );
    assert_eq!(
        severity_of(&exports(vec![]), CheckId::ExportTask),
        Some(Severity::Warning)
    );
}

fn run(status: EltStatus, minutes_ago: i64) -> EltRun {
    EltRun {
        execution_arn: format!("arn:{minutes_ago}"),
        name: format!("daily-elt-{minutes_ago}"),
        status,
        started_at: now() - Duration::minutes(minutes_ago),
        stopped_at: Some(now() - Duration::minutes(minutes_ago - 5)),
        failed_step: Some("COPY tenant_b".into()),
        failed_tenant: Some("tenant_b".into()),
        error: Some("States.TaskFailed".into()),
        cause: None,
        redrive_count: 0,
        current_step: None,
        redriven_at: None,
    }
}

#[test]
fn a_failed_latest_elt_run_is_critical_and_a_later_success_clears_it() {
    let with = |runs| snapshot(vec![export_path("tenant_b")], vec![SourceData::Elt(runs)]);
    let failed = with(vec![run(EltStatus::Failed, 30)]);
    let found = findings(&failed, CheckId::EltFailed);
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].tenant.as_deref(), Some("tenant_b"));
    let recovered = with(vec![
        run(EltStatus::Failed, 60),
        run(EltStatus::Succeeded, 20),
    ]);
    assert!(findings(&recovered, CheckId::EltFailed).is_empty());
}

#[test]
fn alarms_in_alarm_are_findings_and_paging_alarms_are_critical() {
    let alarm = |name: &str, state| Alarm {
        name: name.into(),
        arn: None,
        kind: AlarmKind::Metric,
        state,
        reason: "Threshold Crossed".into(),
        since: now(),
        tenant: None,
        metric: None,
        threshold: None,
    };
    let s = snapshot(
        vec![],
        vec![SourceData::Alarms(AlarmsData::read(vec![
            alarm("Alert-COPY-Error", AlarmState::Alarm),
            alarm("Alert-WLM-Queue", AlarmState::Alarm),
            alarm("Alert-Storage-High", AlarmState::Ok),
            alarm("Alert-Query-Failure", AlarmState::InsufficientData),
        ]))],
    );
    let found = findings(&s, CheckId::Alarm);
    let summary: Vec<(&str, Severity)> = found
        .iter()
        .map(|f| (f.message.split_whitespace().nth(1).unwrap(), f.severity))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Alert-COPY-Error", Severity::Critical),
            ("Alert-WLM-Queue", Severity::Warning)
        ]
    );
}

#[test]
fn thresholds_are_configurable() {
    let s = metrics(|m| m.storage_percent = series(85.0));
    let strict = Thresholds {
        storage_critical_percent: 84.0,
        ..Thresholds::default()
    };
    let health = evaluate(&s, &strict, now());
    assert_eq!(health.findings[0].severity, Severity::Critical);
}

#[test]
fn a_failed_source_makes_the_status_unknown_unless_something_is_critical() {
    let mut s = Snapshot::new(vec![]);
    s.apply(SourceId::Alarms, 1, Err("AccessDenied".into()), now());
    assert_eq!(
        evaluate(&s, &Thresholds::default(), now()).status,
        Status::Unknown
    );
    s.apply(
        SourceId::Metrics,
        1,
        Ok(SourceData::Metrics(FleetMetrics {
            storage_percent: series(95.0),
            ..Default::default()
        })),
        now(),
    );
    assert_eq!(
        evaluate(&s, &Thresholds::default(), now()).status,
        Status::Critical
    );
}

#[test]
fn a_source_that_never_answered_runs_none_of_its_rules() {
    let s = Snapshot::new(vec![zero_etl("tenant_a")]);
    let health = evaluate(&s, &Thresholds::default(), now());
    assert!(health.findings.is_empty());
    assert_eq!(
        health.status,
        Status::Ok,
        "nothing failed yet: still loading"
    );
}

#[test]
fn tenant_status_is_its_worst_finding() {
    let s = integration(IntegrationStatus::NeedsAttention);
    let health = evaluate(&s, &Thresholds::default(), now());
    assert_eq!(health.tenant("tenant_a"), Status::Critical);
    assert_eq!(health.status, Status::Critical);
}

#[test]
fn copy_errors_count_only_until_a_clean_load_of_their_table() {
    let error = |table: &str, hours_ago: i64| LoadError {
        tenant: "tenant_b".into(),
        table: table.into(),
        file: format!("s3://b/{table}/part-0001.parquet"),
        line: 3,
        column: "amount".into(),
        reason: "Invalid digit".into(),
        time: now() - Duration::hours(hours_ago),
    };
    let with = |clean_hours_ago: Option<i64>| {
        let loads = clean_hours_ago
            .map(|hours| LoadSummary {
                tenant: "tenant_b".into(),
                last_copy_at: now() - Duration::hours(hours),
                rows: 10,
                clean_loads: [("orders".to_string(), now() - Duration::hours(hours))].into(),
            })
            .into_iter()
            .collect();
        snapshot(
            vec![export_path("tenant_b")],
            vec![SourceData::Warehouse(WarehouseData {
                load_errors: vec![error("orders", 3), error("users", 3)],
                loads,
                ..Default::default()
            })],
        )
    };
    let counted = |snapshot: &Snapshot| {
        findings(snapshot, CheckId::CopyErrors)
            .first()
            .and_then(|f| f.value.clone())
    };
    assert_eq!(counted(&with(None)), Some(Measure::Number(2.0)));
    // A clean load of orders before the errors fixed nothing.
    assert_eq!(counted(&with(Some(4))), Some(Measure::Number(2.0)));
    // After them, it fixed orders' rows; users' row is still unfixed.
    let found = findings(&with(Some(1)), CheckId::CopyErrors);
    assert_eq!(found[0].value, Some(Measure::Number(1.0)));
    assert_eq!(found[0].since, Some(now() - Duration::hours(3)));
}

#[test]
fn a_failed_or_late_elt_run_holds_back_every_tenant() {
    let tenants = vec![
        export_path("tenant_a"),
        export_path("tenant_b"),
        export_path("tenant_c"),
    ];
    let failed = snapshot(
        tenants.clone(),
        vec![SourceData::Elt(vec![run(EltStatus::Failed, 30)])],
    );
    let health = evaluate(&failed, &Thresholds::default(), now());
    let found = findings(&failed, CheckId::EltFailed);
    // The run failed at tenant_b's COPY: the dbt run that builds every tenant's marts never ran.
    assert_eq!(found[0].tenant.as_deref(), Some("tenant_b"));
    assert_eq!(found[0].affected, ["tenant_a", "tenant_c"]);
    assert_eq!(found[0].since, Some(now() - Duration::minutes(25)));
    for tenant in ["tenant_a", "tenant_b", "tenant_c"] {
        assert_eq!(health.tenant(tenant), Status::Critical, "{tenant}");
        assert!(health.worst_for(tenant).is_some(), "{tenant}");
    }
    assert_eq!(
        found[0].impact_text(shiftops::i18n::Lang::En).as_deref(),
        Some("holds back 2 other tenant(s)")
    );
    assert!(
        health
            .worst_for("tenant_a")
            .unwrap()
            .text_for("tenant_a", shiftops::i18n::Lang::En)
            .starts_with("held back: ELT run"),
        "{:?}",
        health.worst_for("tenant_a")
    );
    // Late, with no run failing: the fleet's finding holds back all three.
    let late = snapshot(
        tenants,
        vec![SourceData::Elt(vec![run(EltStatus::Succeeded, 200)])],
    );
    let found = findings(&late, CheckId::EltDelay);
    assert_eq!(found[0].tenant, None);
    assert_eq!(found[0].affected.len(), 3);
    assert_eq!(
        found[0].impact_text(shiftops::i18n::Lang::Ja).as_deref(),
        Some("3 テナントのデータに影響")
    );
    // Storage, say, holds nobody's data back.
    let full = metrics(|m| m.storage_percent = series(95.0));
    assert!(findings(&full, CheckId::Storage)[0].affected.is_empty());
}

#[test]
fn copy_errors_never_read_are_unknown_not_zero_and_old_ones_are_only_old() {
    let tenants = vec![export_path("tenant_b"), export_path("tenant_c")];
    let failing = || WarehouseData {
        failed_views: vec![(WarehouseView::LoadErrors, "permission denied".into())],
        ..Default::default()
    };
    let exported = RdsData {
        exports: ["tenant_b", "tenant_c"]
            .map(|tenant| ExportTask {
                tenant: tenant.into(),
                ..export(ExportStatus::Complete, 1)
            })
            .to_vec(),
        ..Default::default()
    };
    let mut s = snapshot(
        tenants,
        vec![SourceData::Rds(exported), SourceData::Warehouse(failing())],
    );
    let health = evaluate(&s, &Thresholds::default(), now());
    // No COPY error was read, so none is claimed and none is denied: every tenant is unknown.
    assert!(health.findings.is_empty(), "{:?}", health.findings);
    assert_eq!(health.status, Status::Unknown);
    assert_eq!(health.tenant("tenant_b"), Status::Unknown);
    assert_eq!(health.tenant("tenant_c"), Status::Unknown);
    let summaries = summarize_tenants(&s, now());
    let unread = summaries[0]
        .copy_errors_24h
        .unread()
        .expect("unknown, not 0");
    assert_eq!(
        unread.to_string(),
        "warehouse load errors: permission denied"
    );
    assert_eq!(
        summaries[0].unread().len(),
        1,
        "{:?}",
        summaries[0].unread()
    );

    // Read once, then failing: the last rows are old, not unknown.
    s.apply(
        SourceId::Warehouse,
        2,
        Ok(SourceData::Warehouse(WarehouseData::default())),
        now(),
    );
    s.apply(
        SourceId::Warehouse,
        3,
        Ok(SourceData::Warehouse(failing())),
        now(),
    );
    let health = evaluate(&s, &Thresholds::default(), now());
    assert_eq!(health.status, Status::Ok);
    assert_eq!(
        summarize_tenants(&s, now())[0].copy_errors_24h,
        Reading::Known(0)
    );
}

#[test]
fn an_account_never_read_leaves_its_tenants_figures_unknown() {
    let tenants = vec![export_path("tenant_b"), zero_etl("tenant_c")];
    let denied = |tenant: &str| RdsData {
        failures: vec![TenantFailure {
            tenant: tenant.into(),
            error: "AccessDenied".into(),
        }],
        ..Default::default()
    };
    let s = snapshot(
        tenants,
        vec![SourceData::Rds(RdsData {
            failures: [denied("tenant_b").failures, denied("tenant_c").failures].concat(),
            ..Default::default()
        })],
    );
    let health = evaluate(&s, &Thresholds::default(), now());
    // Neither a missing export nor a missing integration is concluded from data never read.
    assert!(findings(&s, CheckId::ExportTask).is_empty());
    assert!(findings(&s, CheckId::IntegrationStatus).is_empty());
    assert_eq!(health.tenant("tenant_b"), Status::Unknown);
    let summaries = summarize_tenants(&s, now());
    let keys = |i: usize| -> Vec<&str> { summaries[i].unread().iter().map(|(k, _)| *k).collect() };
    assert_eq!(keys(0), ["last_export"]);
    assert_eq!(
        keys(1),
        ["integration_status", "lag_seconds", "tables_not_synced"]
    );
    assert_eq!(
        summaries[1].copy_errors_24h,
        Reading::Known(0),
        "from the warehouse"
    );
}
