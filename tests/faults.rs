//! Faults between the console and AWS: the real SDK clients talk to the emulator through the
//! fault-injecting proxy (tests/emulator/fault_proxy.py), which throttles, fails with 5xx, answers
//! too late, drops connections, refuses one account or says the credentials expired. The console
//! retries what is retryable, shows the failing source with its error and data age, keeps every
//! other source live, and recovers by itself once the fault is off. `check` exits 3 only for the
//! sources that really failed.
//!
//! The console here is the real `App` fed by the real `Refresher` over the live fleet; effects of
//! keys are not needed. Every verdict is a state or a count, never a duration.

mod support;

use support::demo::render;

use std::collections::HashMap;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::{Value, json};
use shiftops::config::Config;
use shiftops::health::Status;
use shiftops::i18n::Lang;
use shiftops::model::{SourceId, SourceStatus};
use shiftops::source::Meter;
use shiftops::source::aws::{self, Overrides};
use shiftops::source::refresh::{Refresher, SourceEvent};
use shiftops::tui::Settings;
use shiftops::tui::app::App;
use support::faults::FaultProxy;
use support::{ACCESS_KEY, Emulator, SECRET_KEY, integration_ids, stage_warehouse};
use tokio::sync::mpsc;

/// Nothing in these tests waits this long unless something hangs.
const CEILING: Duration = Duration::from_secs(180);

/// The standard fleet's config through the proxy: three attempts per call (the default), a short
/// per-call timeout, and intervals so long that only the test triggers refreshes.
fn fault_config(url: &str, call_timeout_seconds: u64, max_concurrency: usize) -> String {
    let text = support::standard_config(url).replace(
        "max_attempts = 1\ncall_timeout_seconds = 30",
        &format!(
            "max_attempts = 3\ncall_timeout_seconds = {call_timeout_seconds}\n\
max_concurrency = {max_concurrency}"
        ),
    );
    assert!(text.contains("max_attempts = 3"));
    format!(
        "{text}\n[refresh]\nrds_seconds = 3600\nwarehouse_seconds = 3600\nmetrics_seconds = 3600\n\
alarms_seconds = 3600\nelt_seconds = 3600\nlogs_seconds = 3600\nparameters_seconds = 3600\ntimeout_seconds = 120\n"
    )
}

fn settings() -> Settings {
    Settings {
        actions: false,
        ..Settings::shipped(Lang::En)
    }
}

/// The console on the live fleet, through the proxy.
struct Console {
    app: App,
    refresher: Refresher,
    events: mpsc::UnboundedReceiver<SourceEvent>,
    proxy: FaultProxy,
    /// The live fleet's requests, calls in flight and throttled limiter lanes.
    meter: Meter,
    _emulator: Emulator,
    runtime: tokio::runtime::Runtime,
}

impl Console {
    fn start(call_timeout_seconds: u64) -> Console {
        Console::start_with_ceiling(call_timeout_seconds, 256)
    }

    /// With at most `max_concurrency` AWS calls in flight over every limiter lane.
    fn start_with_ceiling(call_timeout_seconds: u64, max_concurrency: usize) -> Console {
        let (emulator, seeded) = Emulator::standard();
        let (a, c) = integration_ids(&seeded);
        stage_warehouse(&emulator, &a, &c);
        let proxy = FaultProxy::start(&emulator.url);
        let config = Config::parse(
            "config.toml",
            &fault_config(&proxy.url, call_timeout_seconds, max_concurrency),
        )
        .unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let overrides = Overrides {
            static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
            ..Overrides::default()
        };
        let (fleet, meter) = aws::fleet_with_meter(&config, &overrides).expect("fleet");
        let (sender, events) = mpsc::unbounded_channel();
        let refresher = {
            let _entered = runtime.enter();
            Refresher::spawn(&fleet, sender)
        };
        let app = App::new(
            "faults".into(),
            settings(),
            fleet.empty_snapshot(),
            chrono::Utc::now(),
        );
        let mut console = Console {
            app,
            refresher,
            events,
            proxy,
            meter,
            _emulator: emulator,
            runtime,
        };
        // Every source fetches once at start.
        console.wait_until(|status| status.iter().all(|s| s.generation >= 1));
        for status in &console.app.snapshot.sources {
            assert!(
                status.error.is_none(),
                "{}: {:?} before any fault",
                status.id,
                status.error
            );
        }
        console
    }

    /// Feeds source events into the app until `done` holds for the sources' statuses.
    fn wait_until(&mut self, done: impl Fn(&[SourceStatus]) -> bool) {
        let deadline = tokio::time::Instant::now() + CEILING;
        let Console {
            app,
            events,
            runtime,
            ..
        } = self;
        runtime.block_on(async {
            while !done(&app.snapshot.sources) {
                let event = tokio::time::timeout_at(deadline, events.recv())
                    .await
                    .expect("the sources report within the ceiling")
                    .expect("the refresher is running");
                app.on_source_event(event);
            }
        });
        self.app.tick(chrono::Utc::now());
    }

    fn generations(&self) -> HashMap<SourceId, u64> {
        self.app
            .snapshot
            .sources
            .iter()
            .map(|s| (s.id, s.generation))
            .collect()
    }

    /// One refresh of every source (as ctrl-r does), applied.
    fn refresh_all(&mut self) {
        let before = self.generations();
        self.refresher.refresh_all();
        self.wait_until(|status| status.iter().all(|s| s.generation > before[&s.id]));
    }

    fn status(&self, id: SourceId) -> SourceStatus {
        self.app.snapshot.source(id).unwrap().clone()
    }

    fn screen(&self, width: u16, height: u16) -> String {
        render(&self.app, width, height)
    }

    /// After a round with a fault on `failing`: it shows its error and keeps its data and the time
    /// of that data; every other source answered afresh.
    fn assert_only_failing(
        &self,
        failing: SourceId,
        before: &HashMap<SourceId, SourceStatus>,
        error_contains: &str,
    ) {
        for status in &self.app.snapshot.sources {
            let earlier = &before[&status.id];
            assert!(status.generation > earlier.generation, "{}", status.id);
            if status.id == failing {
                let error = status.error.as_deref().unwrap_or_default();
                assert!(
                    error.contains(error_contains),
                    "{}: {error:?} should contain {error_contains:?}",
                    status.id
                );
                assert_eq!(
                    status.fetched_at, earlier.fetched_at,
                    "{}: the last good data and its age are kept",
                    status.id
                );
                assert!(self.app.age_of(status.id).is_some());
            } else {
                assert_eq!(status.error, None, "{} stays live", status.id);
                assert!(status.fetched_at >= earlier.fetched_at, "{}", status.id);
            }
        }
    }

    fn statuses(&self) -> HashMap<SourceId, SourceStatus> {
        self.app
            .snapshot
            .sources
            .iter()
            .map(|s| (s.id, s.clone()))
            .collect()
    }

    fn assert_all_fine(&self) {
        for status in &self.app.snapshot.sources {
            assert_eq!(status.error, None, "{} recovered", status.id);
        }
        assert!(self.app.snapshot.tenant_errors.is_empty());
    }
}

#[test]
fn throttling_is_retried_and_persistent_throttling_fails_only_its_source() {
    let mut c = Console::start(20);

    // Throttled twice, then answered: within the retry budget, nobody sees it.
    c.proxy.reset_requests();
    c.proxy.fault(
        json!({"fault": "throttle", "service": "states", "action": "ListExecutions", "times": 2}),
    );
    c.refresh_all();
    c.assert_all_fine();
    let (attempts, throttled) = c.proxy.handle().count("states:ListExecutions");
    assert_eq!(throttled, 2, "{}", c.proxy.requests());
    assert_eq!(attempts, 3, "two retries: {}", c.proxy.requests());
    c.proxy.clear();

    // Throttled for good (CloudWatch's CBOR protocol): metrics fails after its retries and keeps
    // its last series; alarms, on the same service, stays live.
    let metrics_before = c.app.snapshot.metrics.clone();
    let before = c.statuses();
    c.proxy.reset_requests();
    c.proxy
        .fault(json!({"fault": "throttle", "service": "monitoring", "action": "GetMetricData"}));
    c.refresh_all();
    c.assert_only_failing(SourceId::Metrics, &before, "Throttling");
    assert_eq!(
        c.app.snapshot.metrics, metrics_before,
        "last good data kept"
    );
    let (attempts, throttled) = c.proxy.handle().count("monitoring:GetMetricData");
    assert_eq!(attempts, throttled);
    assert_eq!(attempts % 3, 0, "three attempts per call: {attempts}");

    // The screen says which source failed and why, and its data age; other sources show ✓.
    let screen = c.screen(200, 30);
    assert!(screen.contains("metrics !"), "{screen}");
    assert!(screen.contains("Throttling: Rate exceeded"), "{screen}");
    assert!(screen.contains("alarms ✓"), "{screen}");
    let small = c.screen(80, 24);
    assert!(small.contains("metrics !"), "{small}");
    assert!(
        small.contains("Throttling"),
        "the error is readable at 80×24:\n{small}"
    );

    // The fault clears: the next refresh recovers, with nothing to do by hand.
    c.proxy.clear();
    c.refresh_all();
    c.assert_all_fine();
}

#[test]
fn server_errors_are_retried_and_a_persistent_503_keeps_the_last_rows() {
    let mut c = Console::start(20);

    c.proxy.reset_requests();
    c.proxy.fault(json!({"fault": "error500", "service": "rds", "action": "DescribeDBClusters", "account_id": "111111111111", "times": 1}));
    c.refresh_all();
    c.assert_all_fine();
    let (attempts, failed) = c.proxy.handle().count("rds:DescribeDBClusters");
    assert_eq!(failed, 1);
    assert_eq!(
        attempts,
        3 + 1,
        "one per account and one retry: {}",
        c.proxy.requests()
    );
    c.proxy.clear();

    let warehouse_before = c.app.snapshot.warehouse.clone();
    assert!(!warehouse_before.load_errors.is_empty());
    let before = c.statuses();
    c.proxy
        .fault(json!({"fault": "error503", "service": "redshift-data"}));
    c.refresh_all();
    c.assert_only_failing(SourceId::Warehouse, &before, "ServiceUnavailable");
    assert_eq!(c.app.snapshot.warehouse, warehouse_before);
    // Its findings stay known: tenant_b's COPY errors are still critical.
    assert_eq!(c.app.health.tenant("tenant_b"), Status::Critical);

    c.proxy.clear();
    c.refresh_all();
    c.assert_all_fine();
}

#[test]
fn while_one_source_hangs_every_other_source_stays_live() {
    // Logs gets no answer for an hour and may wait five minutes: for this whole test it hangs.
    let mut c = Console::start(300);
    let before = c.statuses();
    c.proxy
        .fault(json!({"fault": "slow", "service": "logs", "delay_seconds": 3600}));
    c.refresher.refresh(SourceId::Logs);
    c.wait_until(|status| status.iter().any(|s| s.id == SourceId::Logs && s.in_flight));

    // While logs hangs, every other source refreshes, twice.
    for _ in 0..2 {
        let during = c.generations();
        for id in [
            SourceId::Rds,
            SourceId::Warehouse,
            SourceId::Metrics,
            SourceId::Alarms,
            SourceId::Elt,
            SourceId::Parameters,
            SourceId::Aurora,
        ] {
            c.refresher.refresh(id);
        }
        c.wait_until(|status| {
            status
                .iter()
                .filter(|s| s.id != SourceId::Logs)
                .all(|s| s.generation > during[&s.id])
        });
    }
    let logs = c.status(SourceId::Logs);
    assert!(logs.in_flight, "logs is still waiting for its answer");
    assert_eq!(logs.generation, before[&SourceId::Logs].generation);
    assert_eq!(logs.fetched_at, before[&SourceId::Logs].fetched_at);
    for status in &c.app.snapshot.sources {
        if status.id != SourceId::Logs {
            assert_eq!(status.error, None, "{}", status.id);
        }
    }
    let screen = c.screen(200, 30);
    assert!(
        screen.contains("logs ✓⟳"),
        "logs shows its last data, refreshing:\n{screen}"
    );
}

#[test]
fn a_slow_answer_times_out_and_the_source_keeps_its_data() {
    // A 5-second call timeout; Logs answers after a minute.
    let mut c = Console::start(5);
    let before = c.statuses();
    let lines = c.app.snapshot.error_logs.clone();
    assert!(!lines.is_empty());
    c.proxy
        .fault(json!({"fault": "slow", "service": "logs", "delay_seconds": 60}));
    c.refresh_all();
    let logs = c.status(SourceId::Logs);
    assert_eq!(logs.error.as_deref(), Some("timed out"), "{logs:?}");
    assert_eq!(logs.fetched_at, before[&SourceId::Logs].fetched_at);
    assert_eq!(c.app.snapshot.error_logs, lines);

    c.proxy.clear();
    c.refresh_all();
    assert_eq!(c.status(SourceId::Logs).error, None);
}

#[test]
fn dropped_connections_are_retried_and_a_dead_service_fails_only_its_source() {
    let mut c = Console::start(20);

    c.proxy.reset_requests();
    c.proxy.fault(
        json!({"fault": "drop", "service": "states", "action": "ListExecutions", "times": 1}),
    );
    c.refresh_all();
    c.assert_all_fine();
    assert_eq!(
        c.proxy.handle().count("states:ListExecutions"),
        (2, 1),
        "dropped once, retried once: {}",
        c.proxy.requests()
    );
    c.proxy.clear();

    let runs = c.app.snapshot.elt_runs.clone();
    let before = c.statuses();
    c.proxy.reset_requests();
    c.proxy.fault(json!({"fault": "drop", "service": "states"}));
    c.refresh_all();
    c.assert_only_failing(SourceId::Elt, &before, "failed");
    assert_eq!(c.app.snapshot.elt_runs, runs);
    assert_eq!(c.proxy.handle().count("states:ListExecutions"), (3, 3));

    c.proxy.clear();
    c.refresh_all();
    c.assert_all_fine();
}

#[test]
fn access_denied_for_one_account_marks_only_its_tenants() {
    let mut c = Console::start(20);
    let learned = c.proxy.credentials();
    assert!(
        learned
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["account_id"] == "222222222222"),
        "the proxy knows tenant_b's assumed-role key: {learned}"
    );

    c.proxy.reset_requests();
    c.proxy
        .fault(json!({"fault": "access_denied", "account_id": "222222222222"}));
    c.refresh_all();
    let rds = c.status(SourceId::Rds);
    let error = rds.error.as_deref().unwrap();
    assert!(
        error.contains("tenant_b") && error.contains("AccessDenied"),
        "{error}"
    );
    let errors: Vec<&String> = c.app.snapshot.tenant_errors.keys().collect();
    assert_eq!(errors, ["tenant_b"]);
    // tenant_b keeps what was known of it; the other tenants and sources are fresh.
    assert!(
        c.app
            .snapshot
            .rds
            .exports
            .iter()
            .any(|e| e.tenant == "tenant_b")
    );
    assert!(
        c.app
            .snapshot
            .rds
            .integrations
            .iter()
            .any(|i| i.tenant == "tenant_c")
    );
    // The alarms and the cluster in tenant_b's account are refused too: that account's part,
    // named the same way.
    for id in [SourceId::Alarms, SourceId::Aurora] {
        let error = c.status(id).error.unwrap();
        assert!(
            error.contains("tenant_b") && error.contains("AccessDenied"),
            "{id}: {error}"
        );
    }
    for status in &c.app.snapshot.sources {
        if ![SourceId::Rds, SourceId::Alarms, SourceId::Aurora].contains(&status.id) {
            assert_eq!(status.error, None, "{}", status.id);
        }
    }
    assert_ne!(c.app.health.tenant("tenant_c"), Status::Unknown);
    // AccessDenied is not retried: one refused call for that account per source that reads it
    // (its export tasks, its alarms, its cluster).
    assert_eq!(
        c.proxy.requests()["by_account"]["222222222222"],
        3,
        "{}",
        c.proxy.requests()
    );
    let screen = c.screen(200, 30);
    assert!(screen.contains("rds !"), "{screen}");

    c.proxy.clear();
    c.refresh_all();
    c.assert_all_fine();
}

#[test]
fn throttling_one_account_s_rds_slows_that_account_only() {
    let mut c = Console::start(20);
    c.proxy.reset_requests();
    c.proxy
        .fault(json!({"fault": "throttle", "service": "rds", "account_id": "222222222222"}));
    c.refresh_all();

    // tenant_b's account is throttled through its retries: its tenant is marked, and its RDS
    // lane is slowed — both its calls, the export tasks (`rds`) and the clusters (`aurora`). No
    // other account's lane saw a throttle, and their tenants are fresh.
    let errors: Vec<&String> = c.app.snapshot.tenant_errors.keys().collect();
    assert_eq!(errors, ["tenant_b"]);
    let throttled = c.meter.throttled_lanes();
    assert_eq!(throttled.len(), 1, "{throttled:?}");
    let (lane, answers) = throttled.iter().next().unwrap();
    assert!(
        lane.starts_with("222222222222") && lane.ends_with(" Rds"),
        "{lane}"
    );
    assert_eq!(
        *answers, 6,
        "each of the three attempts of its two calls told the limiter"
    );
    for action in ["rds:DescribeExportTasks", "rds:DescribeDBClusters"] {
        assert_eq!(
            c.proxy.handle().count(action).1,
            3,
            "{action}: {}",
            c.proxy.requests()
        );
    }
    assert!(
        c.app
            .snapshot
            .rds
            .integrations
            .iter()
            .any(|i| i.tenant == "tenant_c")
    );
    for status in &c.app.snapshot.sources {
        if ![SourceId::Rds, SourceId::Aurora].contains(&status.id) {
            assert_eq!(status.error, None, "{}", status.id);
        }
    }

    // The throttle ends: the slowed lane still has a token for the next refresh, which recovers.
    c.proxy.clear();
    c.refresh_all();
    c.assert_all_fine();
    assert_eq!(c.meter.throttled_lanes().values().sum::<u64>(), 6);
}

#[test]
fn a_call_that_hangs_past_its_timeout_gives_its_slot_back() {
    // One slot for every AWS call: a hung call that kept it would stop every source.
    let mut c = Console::start_with_ceiling(3, 1);
    let before = c.statuses();
    c.proxy.fault(json!({"fault": "slow", "service": "rds", "account_id": "222222222222", "delay_seconds": 60}));
    c.refresh_all();

    // Both calls in tenant_b's account hang: its export tasks (`rds`) and its clusters (`aurora`).
    for id in [SourceId::Rds, SourceId::Aurora] {
        let error = c.status(id).error.unwrap_or_default();
        assert!(
            error.contains("tenant_b") && error.contains("timed out"),
            "{id}: {error}"
        );
    }
    let errors: Vec<&String> = c.app.snapshot.tenant_errors.keys().collect();
    assert_eq!(errors, ["tenant_b"]);
    for status in &c.app.snapshot.sources {
        assert!(
            status.generation > before[&status.id].generation,
            "{}",
            status.id
        );
        if ![SourceId::Rds, SourceId::Aurora].contains(&status.id) {
            assert_eq!(status.error, None, "{} ran after the hung call", status.id);
        }
    }
    assert_eq!(c.meter.peak_in_flight(), 1, "the ceiling held");
    assert_eq!(c.meter.in_flight(), 0, "every slot is free again");

    c.proxy.clear();
    c.refresh_all();
    c.assert_all_fine();
}

#[test]
fn expired_credentials_are_named_and_not_retried() {
    let mut c = Console::start(20);
    c.proxy.reset_requests();
    // tenant_b's account: the export path's, which RDS reads (a Zero-ETL tenant's integration is
    // read in the central account).
    c.proxy
        .fault(json!({"fault": "expired_token", "account_id": "222222222222"}));
    let before = c.statuses();
    c.proxy
        .fault(json!({"fault": "expired_token", "service": "logs"}));
    c.refresh_all();
    let tenant_b = &c.app.snapshot.tenant_errors["tenant_b"];
    assert!(tenant_b.contains("ExpiredToken"), "{tenant_b}");
    assert_eq!(c.app.snapshot.tenant_errors.len(), 1);
    let logs = c.status(SourceId::Logs);
    assert!(
        logs.error.as_deref().unwrap().starts_with(
            "ExpiredTokenException: The security token included in the request is expired"
        ),
        "{logs:?}"
    );
    assert_eq!(logs.fetched_at, before[&SourceId::Logs].fetched_at);
    let counts = c.proxy.requests();
    // Not retried: one call each for its export tasks, its alarms and its cluster.
    assert_eq!(counts["by_account"]["222222222222"], 3, "{counts}");
    assert_eq!(counts["by_action"]["logs:StartQuery"], 1, "{counts}");

    c.proxy.clear();
    c.refresh_all();
    c.assert_all_fine();
}

fn shiftops(args: &[&str], home: &std::path::Path) -> Output {
    // Empty AWS files: the developer's own profiles stay out of the test.
    std::fs::write(home.join("no-aws-config"), "").unwrap();
    std::fs::write(home.join("no-aws-credentials"), "").unwrap();
    Command::new(env!("CARGO_BIN_EXE_shiftops"))
        .args(args)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        )
        .output()
        .expect("shiftops runs")
}

fn check(config: &std::path::Path, home: &std::path::Path) -> (Option<i32>, Value) {
    let out = shiftops(
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--format",
            "json",
        ],
        home,
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

fn failed_sources(json: &Value) -> Vec<String> {
    json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["ok"] != true)
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_exits_3_only_for_the_sources_that_failed_and_2_when_a_critical_is_known() {
    let (emulator, _) = Emulator::standard();
    // SVV_INTEGRATION_TABLE_STATE lists every integration into the warehouse, tenant_a's failed
    // tables too; with tenant_a's tables synced, tenant_c alone is the fleet this run reads.
    emulator.result_set(
        "svv_integration_table_state",
        &[
            ("integration_id", "varchar"),
            ("schema_name", "varchar"),
            ("table_name", "varchar"),
            ("table_state", "varchar"),
            ("reason", "varchar"),
        ],
        json!([]),
    );
    let proxy = FaultProxy::start(&emulator.url);
    let dir = tempfile::tempdir().unwrap();
    // Only tenant_c, whose integration is healthy; paging alarms are warnings for this run, so
    // nothing the fleet reports is critical.
    let healthy = {
        let text = fault_config(&proxy.url, 20, 256);
        let start = text.find("[[tenants]]").unwrap();
        let tenant_c = text.find("[[tenants]]\nname = \"tenant_c\"").unwrap();
        let refresh = text.find("[refresh]").unwrap();
        format!(
            "{}{}\n[thresholds]\ncritical_alarms = []\n{}",
            &text[..start],
            &text[tenant_c..refresh],
            &text[refresh..]
        )
    };
    let healthy_path = dir.path().join("healthy.toml");
    std::fs::write(&healthy_path, &healthy).unwrap();
    let paging_path = dir.path().join("paging.toml");
    std::fs::write(&paging_path, healthy.replace("critical_alarms = []\n", "")).unwrap();

    // Transient throttling: retried, every source answers, nothing unknown. (The failed ELT run
    // of the seed is critical.)
    proxy.fault(json!({"fault": "throttle", "times": 2}));
    let (code, json) = check(&healthy_path, dir.path());
    assert!(failed_sources(&json).is_empty(), "{json}");
    assert_eq!(json["status"], "critical", "{json}");
    assert_eq!(code, Some(2));
    assert_eq!(
        proxy.requests()["faulted"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>(),
        2
    );
    proxy.clear();

    // Step Functions down: only elt fails; status unknown, exit 3.
    proxy.fault(json!({"fault": "error503", "service": "states"}));
    let (code, json) = check(&healthy_path, dir.path());
    assert_eq!(failed_sources(&json), ["elt"], "{json}");
    let elt = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "elt")
        .unwrap();
    assert!(
        elt["error"]
            .as_str()
            .unwrap()
            .contains("ServiceUnavailable"),
        "{elt}"
    );
    assert_eq!(json["status"], "unknown", "{json}");
    assert_eq!(code, Some(3));

    // The same failure with a paging alarm in ALARM: critical outranks unknown, exit 2.
    let (code, json) = check(&paging_path, dir.path());
    assert_eq!(failed_sources(&json), ["elt"], "{json}");
    assert_eq!(json["status"], "critical", "{json}");
    assert_eq!(code, Some(2));

    // And tenant_c's account refused as well: exactly the sources that read it fail (its
    // alarms in part, the central account's being read; its cluster). Its integration is read
    // in the central account: RDS stays fresh.
    proxy.fault(json!({"fault": "access_denied", "service": "sts", "action": "AssumeRole"}));
    let (code, json) = check(&healthy_path, dir.path());
    assert_eq!(failed_sources(&json), ["alarms", "elt", "aurora"], "{json}");
    assert_eq!(json["status"], "unknown", "{json}");
    assert_eq!(code, Some(3), "{json}");
}
