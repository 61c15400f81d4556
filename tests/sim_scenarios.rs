//! The simulated fleet end to end: every scenario through `refresh_once` and the health rules, the
//! way `shiftops demo` and `shiftops check` see it.

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, TimeZone};
use shiftops::config::RefreshConfig;
use shiftops::health::{CheckId, Health, Severity, Status, Thresholds, evaluate};
use shiftops::model::{AlarmState, EltStatus, Ingest, Snapshot, SourceId, Time};
use shiftops::source::refresh::refresh_once;
use shiftops::source::sim::{self, Scenario, SimOptions};
use shiftops::source::{Fleet, ManualClock};

fn start() -> Time {
    chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap()
}

fn options(scenario: Scenario, seed: u64, tenants: usize) -> SimOptions {
    SimOptions {
        tenants,
        scenario,
        seed,
        ..SimOptions::default()
    }
}

fn demo(options: &SimOptions, at: Time) -> (Fleet, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at));
    (sim::fleet(options, clock.clone()), clock)
}

async fn look(fleet: &Fleet, now: Time) -> (Snapshot, Health) {
    let snapshot = refresh_once(fleet).await;
    let health = evaluate(&snapshot, &Thresholds::default(), now);
    (snapshot, health)
}

/// What a scenario must show on its first frame: findings `(check, tenant, severity)` and alarms
/// `(name, tenant)` in ALARM.
struct Expected {
    findings: &'static [(CheckId, Option<&'static str>, Severity)],
    alarms: &'static [(&'static str, Option<&'static str>)],
}

fn expected(scenario: Scenario) -> Expected {
    use CheckId::*;
    use Severity::*;
    let (findings, alarms): (&[_], &[_]) = match scenario {
        Scenario::Healthy => (&[], &[]),
        Scenario::CopyError => (
            &[
                (CopyErrors, Some("tenant_b"), Critical),
                (EltFailed, Some("tenant_b"), Critical),
            ],
            &[
                ("Alert-COPY-Error", Some("tenant_b")),
                ("redshift-copy-failure", Some("tenant_b")),
            ],
        ),
        Scenario::IntegrationNeedsAttention => (
            &[
                (IntegrationStatus, Some("tenant_a"), Critical),
                (IntegrationTables, Some("tenant_a"), Critical),
                (IntegrationLag, Some("tenant_a"), Warning),
            ],
            &[("Alert-Integration-Lag", Some("tenant_a"))],
        ),
        Scenario::StorageHigh => (
            &[(Storage, None, Critical)],
            &[("Alert-Storage-High", None)],
        ),
        Scenario::WlmSaturation => (&[(WlmQueue, None, Warning)], &[("Alert-WLM-Queue", None)]),
        Scenario::EltDelay => (&[(EltDelay, None, Critical)], &[("Alert-ELT-Delay", None)]),
        Scenario::DbtFailure => (
            &[(EltFailed, None, Critical), (EltDelay, None, Critical)],
            &[("Alert-ELT-Delay", None)],
        ),
        Scenario::ExportFailure => (
            &[(ExportTask, Some("tenant_b"), Critical)],
            &[("aurora-export-failure", Some("tenant_b"))],
        ),
        Scenario::QueryFailure => (
            &[(QueryFailureRate, None, Warning)],
            &[("Alert-Query-Failure", None)],
        ),
    };
    Expected { findings, alarms }
}

/// Asserts that the scenario's findings and alarms are all there, and that every other finding is
/// one the incident explains (an alarm finding for one of its alarms).
fn assert_staged(scenario: Scenario, snapshot: &Snapshot, health: &Health) {
    let expected = expected(scenario);
    let name = scenario.name();
    for (check, tenant, severity) in expected.findings {
        assert!(
            health.findings.iter().any(|f| f.check == *check
                && f.tenant.as_deref() == *tenant
                && f.severity == *severity),
            "{name}: expected {check} {tenant:?} {severity:?}, got {:#?}",
            health.findings
        );
    }
    for (alarm_name, tenant) in expected.alarms {
        let alarm = snapshot
            .alarms
            .iter()
            .find(|a| a.name == *alarm_name)
            .unwrap_or_else(|| panic!("{name}: no alarm {alarm_name}"));
        assert_eq!(alarm.state, AlarmState::Alarm, "{name}: {alarm_name}");
        assert_eq!(alarm.tenant.as_deref(), *tenant, "{name}: {alarm_name}");
        assert!(
            alarm.reason.starts_with("Threshold Crossed: "),
            "{}",
            alarm.reason
        );
        assert!(
            health
                .findings
                .iter()
                .any(|f| f.check == CheckId::Alarm && f.message.contains(alarm_name)),
            "{name}: no alarm finding for {alarm_name}"
        );
    }
    let firing: Vec<&str> = snapshot
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .map(|a| a.name.as_str())
        .collect();
    let expected_alarms: Vec<&str> = expected.alarms.iter().map(|(n, _)| *n).collect();
    assert_eq!(firing, expected_alarms, "{name}: alarms in ALARM");
    for finding in &health.findings {
        let staged = expected.findings.iter().any(|(check, tenant, _)| {
            finding.check == *check && finding.tenant.as_deref() == *tenant
        }) || finding.check == CheckId::Alarm;
        assert!(staged, "{name}: unexpected finding {finding:?}");
    }
}

#[tokio::test]
async fn every_scenario_shows_its_findings_and_alarms_on_the_first_fetch() {
    for scenario in Scenario::ALL {
        let (fleet, _clock) = demo(&options(scenario, 42, 3), start());
        let (snapshot, health) = look(&fleet, start()).await;
        assert_eq!(snapshot.tenants.len(), 3);
        assert!(snapshot.sources.iter().all(|s| s.fetched_at.is_some()));
        assert_staged(scenario, &snapshot, &health);
        let expected_status = if scenario == Scenario::Healthy {
            Status::Ok
        } else {
            health
                .findings
                .iter()
                .map(|f| Status::from(f.severity))
                .max()
                .unwrap()
        };
        assert_eq!(health.status, expected_status, "{}", scenario.name());
    }
}

/// Creation times that stress the staging: midnight, just as tenant_b's 02:15 export starts, a
/// second before a minute turns.
#[tokio::test]
async fn every_scenario_is_staged_whenever_and_with_whatever_seed_it_starts() {
    let times = [
        (0, 0, 5),
        (2, 15, 30),
        (2, 16, 7),
        (3, 30, 0),
        (13, 59, 59),
        (23, 58, 1),
    ];
    for (seed, (hour, minute, second)) in (100..).zip(times) {
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, hour, minute, second)
            .unwrap();
        for scenario in Scenario::ALL {
            let (fleet, _clock) = demo(&options(scenario, seed, 7), at);
            let (snapshot, health) = look(&fleet, at).await;
            assert_staged(scenario, &snapshot, &health);
            for alarm in &snapshot.alarms {
                assert!(
                    alarm.since <= at,
                    "{}: {} since {}",
                    scenario.name(),
                    alarm.name,
                    alarm.since
                );
            }
        }
    }
}

#[tokio::test]
async fn the_healthy_fleet_has_no_findings_and_every_alarm_ok() {
    let (fleet, clock) = demo(&options(Scenario::Healthy, 42, 3), start());
    let (snapshot, health) = look(&fleet, start()).await;
    assert!(health.findings.is_empty(), "{:#?}", health.findings);
    assert_eq!(health.status, Status::Ok);
    assert_eq!(snapshot.alarms.len(), 8);
    assert!(snapshot.alarms.iter().all(|a| a.state == AlarmState::Ok));
    assert!(snapshot.alarms.iter().all(|a| a.since < start()));
    let lags: Vec<f64> = snapshot
        .warehouse
        .replication
        .iter()
        .filter_map(|r| r.lag_seconds)
        .collect();
    assert_eq!(lags.len(), 2);
    assert!(lags.iter().all(|lag| *lag < 60.0), "{lags:?}");
    let storage = snapshot.metrics.storage_percent.latest().unwrap();
    assert!((60.0..=70.0).contains(&storage), "{storage}");
    let failing = snapshot.metrics.query_failure_percent.latest().unwrap();
    assert!((0.5..=2.0).contains(&failing), "{failing}");
    // And it stays healthy through a day of watching, whatever the time of day.
    for _ in 0..48 {
        clock.advance(Duration::minutes(30));
        let (_, health) = look(&fleet, clock_now(&clock)).await;
        assert!(health.findings.is_empty(), "{:#?}", health.findings);
    }
}

fn clock_now(clock: &ManualClock) -> Time {
    use shiftops::source::Clock;
    clock.now()
}

#[tokio::test]
async fn healthy_stays_healthy_for_other_seeds_and_start_times() {
    for (seed, hour, minute) in [(1, 0, 30), (2, 2, 16), (3, 2, 50), (4, 13, 45), (5, 23, 59)] {
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, hour, minute, 7)
            .unwrap();
        let (fleet, _clock) = demo(&options(Scenario::Healthy, seed, 12), at);
        let (snapshot, health) = look(&fleet, at).await;
        assert!(
            health.findings.is_empty(),
            "seed {seed}: {:#?}",
            health.findings
        );
        assert_eq!(
            snapshot.elt_runs[0].status,
            EltStatus::Running,
            "seed {seed}"
        );
    }
}

#[tokio::test]
async fn incidents_last_while_the_clock_moves() {
    // All but query-failure, whose failing script is stopped by its owner 20 minutes in.
    for scenario in Scenario::ALL
        .into_iter()
        .filter(|s| *s != Scenario::QueryFailure)
    {
        let (fleet, clock) = demo(&options(scenario, 7, 3), start());
        clock.advance(Duration::minutes(45));
        let (snapshot, health) = look(&fleet, clock_now(&clock)).await;
        let expected = expected(scenario);
        for (check, tenant, _) in expected.findings {
            assert!(
                health
                    .findings
                    .iter()
                    .any(|f| f.check == *check && f.tenant.as_deref() == *tenant),
                "{}: {check} gone after 45 minutes",
                scenario.name()
            );
        }
        for (alarm_name, _) in expected.alarms {
            let alarm = snapshot
                .alarms
                .iter()
                .find(|a| a.name == *alarm_name)
                .unwrap();
            assert_eq!(
                alarm.state,
                AlarmState::Alarm,
                "{}: {alarm_name}",
                scenario.name()
            );
        }
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_snapshot_and_other_seeds_differ() {
    for scenario in [
        Scenario::Healthy,
        Scenario::CopyError,
        Scenario::WlmSaturation,
    ] {
        let mut snapshots = Vec::new();
        for seed in [11, 11, 12] {
            let (fleet, clock) = demo(&options(scenario, seed, 20), start());
            let (first, _) = look(&fleet, start()).await;
            clock.advance(Duration::minutes(7));
            let (later, _) = look(&fleet, clock_now(&clock)).await;
            snapshots.push((first, later));
        }
        assert_eq!(snapshots[0], snapshots[1], "{}", scenario.name());
        assert_ne!(
            snapshots[0].0.metrics,
            snapshots[2].0.metrics,
            "{}",
            scenario.name()
        );
    }
}

#[tokio::test]
async fn time_moves_metrics_and_finishes_the_run_in_progress() {
    let (fleet, clock) = demo(&options(Scenario::Healthy, 42, 3), start());
    let (before, _) = look(&fleet, start()).await;
    let running = &before.elt_runs[0];
    assert_eq!(running.status, EltStatus::Running);
    assert!(
        running.name.starts_with("daily-elt-20261121"),
        "{}",
        running.name
    );
    assert!(before.elt_runs.len() >= 7 * 24 - 1, "a week of hourly runs");
    clock.advance(Duration::minutes(10));
    let (after, health) = look(&fleet, clock_now(&clock)).await;
    assert_ne!(before.metrics, after.metrics);
    let newest = after.metrics.storage_percent.last().unwrap().0;
    assert_eq!(newest, start() + Duration::minutes(10));
    assert_eq!(after.metrics.storage_percent.len(), 60);
    let finished = after
        .elt_runs
        .iter()
        .find(|r| r.execution_arn == running.execution_arn)
        .unwrap();
    assert_eq!(finished.status, EltStatus::Succeeded);
    assert!(finished.stopped_at.unwrap() <= start() + Duration::minutes(10));
    assert!(after.metrics.elt_delay_minutes.latest().unwrap() < 10.0);
    assert!(health.findings.is_empty(), "{:#?}", health.findings);
}

#[tokio::test]
async fn a_thousand_tenants_build_and_fetch_quickly() {
    let began = Instant::now();
    let (fleet, clock) = demo(&options(Scenario::CopyError, 42, 1000), start());
    let built = began.elapsed();
    assert_eq!(fleet.tenants.len(), 1000);
    assert_eq!(fleet.tenants[3].name, "tenant_0004");
    assert_eq!(fleet.tenants[999].name, "tenant_1000");
    let exports = fleet
        .tenants
        .iter()
        .filter(|t| matches!(t.ingest, Ingest::Export { .. }))
        .count();
    assert!((320..=345).contains(&exports), "{exports}");
    let (snapshot, health) = look(&fleet, start()).await;
    assert_eq!(snapshot.tenants.len(), 1000);
    assert_eq!(snapshot.warehouse.tables.len(), 3001);
    // SVV_INTEGRATION gives each integration's lag: CloudWatch is asked for none.
    assert!(snapshot.metrics.integration_lag_seconds.is_empty());
    assert_eq!(snapshot.warehouse.replication.len(), 1000 - exports);
    assert_staged(Scenario::CopyError, &snapshot, &health);
    // A steady refresh: every source once per tick of the clock.
    clock.advance(Duration::seconds(10));
    let fetched = Instant::now();
    let _ = look(&fleet, clock_now(&clock)).await;
    let refresh = fetched.elapsed();
    // Generous bounds so that an unoptimised build on a busy machine passes; release is far faster.
    assert!(built.as_millis() < 5_000, "building took {built:?}");
    assert!(refresh.as_millis() < 1_000, "a refresh took {refresh:?}");
}

#[tokio::test]
async fn large_fleets_stage_incidents_on_the_named_tenants() {
    for scenario in [
        Scenario::IntegrationNeedsAttention,
        Scenario::ExportFailure,
        Scenario::Healthy,
    ] {
        let (fleet, _clock) = demo(&options(scenario, 3, 250), start());
        let (snapshot, health) = look(&fleet, start()).await;
        assert_staged(scenario, &snapshot, &health);
    }
}

#[tokio::test]
async fn a_single_tenant_fleet_still_stages_tenant_b_incidents() {
    let (fleet, _clock) = demo(&options(Scenario::ExportFailure, 1, 1), start());
    assert_eq!(fleet.tenants.len(), 2, "raised to the scenario's minimum");
    let (snapshot, health) = look(&fleet, start()).await;
    assert_staged(Scenario::ExportFailure, &snapshot, &health);
}

#[test]
fn an_unknown_scenario_lists_every_name() {
    let error = Scenario::parse("meltdown").unwrap_err();
    assert!(error.starts_with("unknown scenario \"meltdown\"; choose one of: "));
    for scenario in Scenario::ALL {
        assert!(error.contains(scenario.name()), "{error}");
    }
    assert_eq!("dbt-failure".parse::<Scenario>(), Ok(Scenario::DbtFailure));
}

/// The demo refreshes as a live console with the same `[refresh]` would: its figures are as old
/// as a real fleet's, and it polls CloudWatch as often (the cost on its status line).
#[test]
fn sources_refresh_on_a_live_console_s_intervals() {
    let (fleet, _clock) = demo(&SimOptions::default(), start());
    let intervals: Vec<(String, u64)> = fleet
        .sources
        .iter()
        .map(|s| (s.id().to_string(), s.interval().as_secs()))
        .collect();
    assert_eq!(
        intervals,
        [
            ("rds".to_string(), 120),
            ("warehouse".to_string(), 60),
            ("metrics".to_string(), 60),
            ("alarms".to_string(), 30),
            ("elt".to_string(), 30),
            ("logs".to_string(), 120),
            ("params".to_string(), 60),
            ("aurora".to_string(), 900),
        ]
    );
    assert_eq!(fleet.fetch_timeout.as_secs(), 10);

    // A config's own intervals, and a clock ten times faster.
    let refresh = RefreshConfig {
        metrics_seconds: 5,
        ..RefreshConfig::default()
    };
    let options = SimOptions {
        refresh: refresh.faster(10),
        ..SimOptions::default()
    };
    let (fleet, _clock) = demo(&options, start());
    let interval = |id: SourceId| {
        let source = fleet.sources.iter().find(|s| s.id() == id).unwrap();
        source.interval().as_secs()
    };
    assert_eq!(interval(SourceId::Metrics), 1, "never under a second");
    assert_eq!(interval(SourceId::Warehouse), 6);
    assert_eq!(interval(SourceId::Aurora), 90);
}
