//! Recovery operations against the simulated fleet: each scenario's incident cleared the way the
//! runbook clears it, seen through `refresh_once` and the health rules as the console sees it.

use std::sync::{Arc, PoisonError};

use chrono::{Duration, TimeZone};
use serde_json::{Value, json};
use shiftops::health::{CheckId, Health, Thresholds, evaluate};
use shiftops::model::{
    AlarmState, EltRun, EltStatus, ExportStatus, IntegrationStatus, Snapshot, Time,
};
use shiftops::source::refresh::refresh_once;
use shiftops::source::sim::{Scenario, SharedWorld, SimOptions, SimWorld, fleet_with_world};
use shiftops::source::{Clock, Fleet, ManualClock};

fn start() -> Time {
    chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap()
}

/// A simulated fleet on a manual clock, with its world at hand as an operator holds it.
struct Demo {
    fleet: Fleet,
    world: SharedWorld,
    clock: Arc<ManualClock>,
}

impl Demo {
    fn new(scenario: Scenario, seed: u64) -> Self {
        let clock = Arc::new(ManualClock::new(start()));
        let options = SimOptions {
            tenants: 3,
            scenario,
            seed,
            ..SimOptions::default()
        };
        let (fleet, world) = fleet_with_world(&options, clock.clone());
        Self {
            fleet,
            world,
            clock,
        }
    }

    fn now(&self) -> Time {
        self.clock.now()
    }

    fn wait(&self, minutes: i64) {
        self.clock.advance(Duration::minutes(minutes));
    }

    /// Runs `operation` on the world at the clock's time, as the simulated operator does.
    fn act<R>(&self, operation: impl FnOnce(&mut SimWorld, Time) -> R) -> R {
        let now = self.now();
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance_to(now);
        operation(&mut world, now)
    }

    async fn look(&self) -> (Snapshot, Health) {
        let snapshot = refresh_once(&self.fleet).await;
        let health = evaluate(&snapshot, &Thresholds::default(), self.now());
        (snapshot, health)
    }
}

fn has(health: &Health, check: CheckId) -> bool {
    health.findings.iter().any(|f| f.check == check)
}

fn alarm(snapshot: &Snapshot, name: &str) -> AlarmState {
    snapshot
        .alarms
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no alarm {name}"))
        .state
}

fn run<'a>(snapshot: &'a Snapshot, execution_arn: &str) -> &'a EltRun {
    snapshot
        .elt_runs
        .iter()
        .find(|r| r.execution_arn == execution_arn)
        .unwrap_or_else(|| panic!("no execution {execution_arn}"))
}

/// The runbook's pause: adhoc down to one slot, with a rule that aborts what still arrives.
fn paused(configuration: &str) -> String {
    let mut queues: Vec<Value> = serde_json::from_str(configuration).unwrap();
    let adhoc = queues
        .iter_mut()
        .find(|q| q["name"] == "adhoc")
        .expect("an adhoc queue");
    adhoc["query_concurrency"] = json!(1);
    adhoc["rules"] = json!([{
        "rule_name": "pause_adhoc",
        "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1}],
        "action": "abort"
    }]);
    serde_json::to_string(&queues).unwrap()
}

fn queue(snapshot: &Snapshot, name: &str) -> (u32, u32) {
    let activity = snapshot
        .warehouse
        .queues
        .iter()
        .find(|q| q.queue == name)
        .unwrap();
    (activity.queued, activity.running)
}

#[test]
fn the_initial_wlm_configuration_is_seed_001s_design() {
    let demo = Demo::new(Scenario::Healthy, 1);
    let configuration = demo.act(|world, _| world.wlm_configuration());
    let queues: Vec<Value> = serde_json::from_str(&configuration).unwrap();
    let by_name = |name: &str| queues.iter().find(|q| q["name"] == name).unwrap().clone();
    let (batch, adhoc, admin) = (by_name("batch"), by_name("adhoc"), by_name("admin"));
    assert_eq!(batch["memory_percent_to_use"], 50);
    assert_eq!(adhoc["memory_percent_to_use"], 30);
    assert_eq!(admin["memory_percent_to_use"], 20);
    assert_eq!(adhoc["query_concurrency"], 5);
    assert_eq!(adhoc["max_execution_time"], 30 * 60 * 1000);
    assert_eq!(adhoc["concurrency_scaling"], "off");
    assert_eq!(batch["concurrency_scaling"], "auto");
    for queue in [&batch, &adhoc, &admin] {
        for key in [
            "user_group",
            "query_group",
            "query_concurrency",
            "max_execution_time",
        ] {
            assert!(queue.get(key).is_some(), "{key} missing in {queue}");
        }
        assert_eq!(queue["rules"], json!([]));
    }
    assert!(queues.contains(&json!({"short_query_queue": true})));
}

#[tokio::test]
async fn pausing_adhoc_drains_the_saturated_batch_queue_and_it_stays_drained_after_resuming() {
    for seed in [1, 2, 3, 42] {
        let demo = Demo::new(Scenario::WlmSaturation, seed);
        let (_, health) = demo.look().await;
        assert!(has(&health, CheckId::WlmQueue), "seed {seed}");
        let original = demo.act(|world, _| world.wlm_configuration());
        demo.act(|world, now| world.set_wlm_configuration(&paused(&original), now))
            .unwrap();
        assert!(demo.act(|world, _| world.adhoc_paused()));

        demo.wait(10);
        let (snapshot, health) = demo.look().await;
        assert!(!has(&health, CheckId::WlmQueue), "seed {seed}: {health:#?}");
        assert_eq!(
            alarm(&snapshot, "Alert-WLM-Queue"),
            AlarmState::Ok,
            "seed {seed}"
        );
        let (batch_queued, _) = queue(&snapshot, "batch");
        assert!(
            batch_queued < 10,
            "seed {seed}: {batch_queued} queued in batch"
        );
        let (adhoc_queued, adhoc_running) = queue(&snapshot, "adhoc");
        assert_eq!(adhoc_queued, 0, "seed {seed}");
        assert!(adhoc_running <= 1, "seed {seed}");
        let metrics = &snapshot.metrics;
        assert!(metrics.queue_length["batch"].latest().unwrap() < 10.0);
        assert!(metrics.queue_running["adhoc"].latest().unwrap() <= 1.0);
        let listed_adhoc = demo
            .act(|world, _| world.running_queries())
            .into_iter()
            .filter(|q| q.queue == "adhoc")
            .count();
        assert_eq!(listed_adhoc as u32, adhoc_queued + adhoc_running);

        demo.act(|world, now| world.set_wlm_configuration(&original, now))
            .unwrap();
        assert_eq!(demo.act(|world, _| world.wlm_configuration()), original);
        assert!(!demo.act(|world, _| world.adhoc_paused()));
        // The backlog was a burst that batch worked off while adhoc was paused: it stays gone.
        demo.wait(30);
        let (snapshot, health) = demo.look().await;
        assert!(
            !has(&health, CheckId::WlmQueue),
            "seed {seed}: the backlog is worked off: {health:#?}"
        );
        assert_eq!(alarm(&snapshot, "Alert-WLM-Queue"), AlarmState::Ok);
    }
}

#[test]
fn a_wlm_configuration_must_be_a_json_array() {
    let demo = Demo::new(Scenario::Healthy, 1);
    let original = demo.act(|world, _| world.wlm_configuration());
    for bad in ["", "{\"name\": \"adhoc\"}", "[{\"name\": \"adhoc\"}", "[1]"] {
        let result = demo.act(|world, now| world.set_wlm_configuration(bad, now));
        assert!(result.is_err(), "{bad:?} was accepted");
    }
    assert_eq!(demo.act(|world, _| world.wlm_configuration()), original);
}

#[tokio::test]
async fn redriving_the_failed_copy_reloads_the_table_and_clears_its_errors() {
    let demo = Demo::new(Scenario::CopyError, 42);
    let (before, health) = demo.look().await;
    assert!(has(&health, CheckId::EltFailed));
    let failed = before.elt_runs[0].clone();
    assert_eq!(failed.status, EltStatus::Failed);
    let last_copy = |snapshot: &Snapshot| {
        snapshot
            .warehouse
            .loads
            .iter()
            .find(|l| l.tenant == "tenant_b")
            .map(|l| l.last_copy_at)
    };
    let copied_before = last_copy(&before);

    let redriven_at = demo.now();
    demo.act(|world, now| world.redrive(&failed.execution_arn, now))
        .unwrap();
    let (snapshot, health) = demo.look().await;
    let redriven = run(&snapshot, &failed.execution_arn);
    assert_eq!(redriven.status, EltStatus::Running);
    assert_eq!(redriven.redrive_count, failed.redrive_count + 1);
    assert_eq!(redriven.stopped_at, None);
    assert!(!has(&health, CheckId::EltFailed));

    demo.wait(15);
    let (snapshot, health) = demo.look().await;
    let redriven = run(&snapshot, &failed.execution_arn);
    assert_eq!(redriven.status, EltStatus::Succeeded);
    assert!(redriven.stopped_at.unwrap() > redriven_at);
    assert_eq!(redriven.failed_step, None);
    assert!(!has(&health, CheckId::EltFailed), "{health:#?}");
    assert!(last_copy(&snapshot) > copied_before, "tenant_b was loaded");
    assert_eq!(alarm(&snapshot, "redshift-copy-failure"), AlarmState::Ok);
    // The rejected rows stay in the system views for their 24 hours, but the clean reload of
    // their table fixed them: the check and CopyErrorCount count only rows no reload fixed.
    assert_eq!(snapshot.warehouse.load_errors.len(), 4);
    assert!(!has(&health, CheckId::CopyErrors), "{health:#?}");
    assert_eq!(alarm(&snapshot, "Alert-COPY-Error"), AlarmState::Ok);
    assert!(
        snapshot
            .warehouse
            .failed_queries
            .iter()
            .any(|q| q.query_type == "COPY"
                && q.sql.starts_with("COPY tenant_b.orders")
                && q.error.starts_with("Load into table 'orders' failed")),
        "the query history keeps the COPY that failed"
    );

    let again = demo.act(|world, now| world.redrive(&failed.execution_arn, now));
    assert_eq!(
        again,
        Err(format!(
            "execution {} SUCCEEDED: nothing to redrive",
            failed.name
        ))
    );

    // The schedule is released: the next hourly run starts.
    demo.wait(60);
    let (snapshot, _) = demo.look().await;
    assert_ne!(snapshot.elt_runs[0].execution_arn, failed.execution_arn);
    assert!(snapshot.elt_runs[0].started_at > redriven_at);
}

#[tokio::test]
async fn redriving_the_failed_dbt_run_before_the_fix_fails_again_and_after_it_brings_the_delay_down()
 {
    let demo = Demo::new(Scenario::DbtFailure, 7);
    let (before, health) = demo.look().await;
    assert!(has(&health, CheckId::EltFailed) && has(&health, CheckId::EltDelay));
    let failed = before.elt_runs[0].clone();
    assert_eq!(failed.failed_step.as_deref(), Some("dbt run"));
    // The model is not fixed yet: the redrive fails at dbt run again.
    demo.act(|world, now| world.redrive(&failed.execution_arn, now))
        .unwrap();
    demo.wait(10);
    let (snapshot, health) = demo.look().await;
    let again = run(&snapshot, &failed.execution_arn);
    assert_eq!(again.status, EltStatus::Failed);
    assert_eq!(again.failed_step.as_deref(), Some("dbt run"));
    assert_eq!(again.redrive_count, 1);
    assert!(has(&health, CheckId::EltFailed));
    // Once the fix is deployed (a quarter of an hour in), a redrive succeeds.
    demo.wait(6);
    demo.act(|world, now| world.redrive(&failed.execution_arn, now))
        .unwrap();
    demo.wait(15);
    let (snapshot, health) = demo.look().await;
    assert_eq!(
        run(&snapshot, &failed.execution_arn).status,
        EltStatus::Succeeded
    );
    assert!(!has(&health, CheckId::EltFailed), "{health:#?}");
    assert!(!has(&health, CheckId::EltDelay), "{health:#?}");
    assert!(snapshot.metrics.elt_delay_minutes.latest().unwrap() < 15.0);
    assert_eq!(alarm(&snapshot, "Alert-ELT-Delay"), AlarmState::Ok);
    assert!(health.findings.iter().all(|f| f.check == CheckId::Alarm));
}

#[tokio::test]
async fn a_stuck_run_cannot_be_redriven_but_a_new_one_clears_the_delay() {
    let demo = Demo::new(Scenario::EltDelay, 3);
    let (before, health) = demo.look().await;
    assert!(has(&health, CheckId::EltDelay));
    let stuck = before.elt_runs[0].clone();
    assert_eq!(stuck.status, EltStatus::Running);
    let refused = demo
        .act(|world, now| world.redrive(&stuck.execution_arn, now))
        .unwrap_err();
    assert!(refused.contains("RUNNING"), "{refused}");
    let unknown = demo.act(|world, now| {
        world.redrive(
            "arn:aws:states:us-east-1:999999999999:execution:daily-elt:nope",
            now,
        )
    });
    assert!(unknown.unwrap_err().starts_with("ExecutionDoesNotExist"));

    let name = format!("{}-rerun-1", stuck.name);
    let arn = demo
        .act(|world, now| world.start_execution(&name, now))
        .unwrap();
    assert!(arn.ends_with(&format!(":{name}")), "{arn}");
    let twice = demo.act(|world, now| world.start_execution(&name, now));
    assert!(
        twice.unwrap_err().starts_with("ExecutionAlreadyExists: "),
        "a second press starts nothing"
    );
    let invalid = demo.act(|world, now| world.start_execution("no spaces allowed", now));
    assert!(invalid.unwrap_err().starts_with("InvalidName"));

    demo.wait(15);
    let (snapshot, health) = demo.look().await;
    let started = run(&snapshot, &arn);
    assert_eq!(started.status, EltStatus::Succeeded);
    assert_eq!(started.name, name);
    assert!(!has(&health, CheckId::EltDelay), "{health:#?}");
    assert_eq!(alarm(&snapshot, "Alert-ELT-Delay"), AlarmState::Ok);
    let runs_named = snapshot.elt_runs.iter().filter(|r| r.name == name).count();
    assert_eq!(runs_named, 1);
}

#[tokio::test]
async fn a_failed_run_cannot_be_redriven_after_fourteen_days() {
    let demo = Demo::new(Scenario::CopyError, 5);
    let (before, _) = demo.look().await;
    let failed = before.elt_runs[0].clone();
    demo.wait(15 * 24 * 60);
    let refused = demo
        .act(|world, now| world.redrive(&failed.execution_arn, now))
        .unwrap_err();
    assert!(refused.contains("older than 14 days"), "{refused}");
}

#[tokio::test]
async fn resyncing_the_tables_in_error_makes_the_integration_active_again() {
    let demo = Demo::new(Scenario::IntegrationNeedsAttention, 42);
    let (_, health) = demo.look().await;
    assert!(has(&health, CheckId::IntegrationStatus));

    let tables = demo
        .act(|world, now| world.resync_tables("tenant_a", false, now))
        .unwrap();
    assert_eq!(tables, ["tenant_a.orders", "tenant_a.products"]);
    let (snapshot, _) = demo.look().await;
    let replication = &snapshot.warehouse.replication[0];
    assert_eq!(replication.tenant.as_deref(), Some("tenant_a"));
    assert!(
        replication
            .tables_not_synced
            .iter()
            .all(|t| t.state == "ResyncInitiated"),
        "{replication:?}"
    );
    assert_eq!(
        snapshot.rds.integrations[0].status,
        IntegrationStatus::Syncing
    );

    demo.wait(10);
    let (snapshot, health) = demo.look().await;
    assert!(
        snapshot.warehouse.replication[0]
            .tables_not_synced
            .is_empty()
    );
    assert_eq!(
        snapshot.rds.integrations[0].status,
        IntegrationStatus::Active
    );
    assert!(snapshot.rds.integrations[0].errors.is_empty());
    assert!(snapshot.warehouse.replication[0].lag_seconds.unwrap() < 60.0);
    for check in [
        CheckId::IntegrationStatus,
        CheckId::IntegrationTables,
        CheckId::IntegrationLag,
    ] {
        assert!(!has(&health, check), "{check}: {health:#?}");
    }
    assert_eq!(alarm(&snapshot, "Alert-Integration-Lag"), AlarmState::Ok);

    let nothing_left = demo
        .act(|world, now| world.resync_tables("tenant_a", false, now))
        .unwrap();
    assert!(nothing_left.is_empty());
    let everything = demo
        .act(|world, now| world.resync_tables("tenant_c", true, now))
        .unwrap();
    assert_eq!(
        everything,
        ["tenant_c.users", "tenant_c.orders", "tenant_c.products"]
    );
    assert!(
        demo.act(|world, now| world.resync_tables("tenant_b", true, now))
            .is_err(),
        "tenant_b loads by export"
    );
    assert!(
        demo.act(|world, now| world.resync_tables("tenant_z", false, now))
            .is_err()
    );
}

#[tokio::test]
async fn a_new_export_completes_and_clears_the_failed_one() {
    let demo = Demo::new(Scenario::ExportFailure, 42);
    let (_, health) = demo.look().await;
    assert!(has(&health, CheckId::ExportTask));

    let (snapshot_id, task_id) = demo
        .act(|world, now| world.start_export("tenant_b", now))
        .unwrap();
    assert!(
        snapshot_id.starts_with("tenant-b-mysql-snapshot-"),
        "{snapshot_id}"
    );
    assert!(task_id.starts_with("tenant-b-mysql-export-"), "{task_id}");
    let task = |snapshot: &Snapshot| {
        snapshot
            .rds
            .exports
            .iter()
            .find(|t| t.id == task_id)
            .cloned()
            .expect("the new export task")
    };

    let (snapshot, health) = demo.look().await;
    assert_eq!(task(&snapshot).status, ExportStatus::Starting);
    assert_eq!(
        snapshot.rds.exports[0].id, task_id,
        "the newest of tenant_b's"
    );
    assert!(snapshot.rds.snapshots.iter().any(|s| s.id == snapshot_id));
    assert!(!has(&health, CheckId::ExportTask), "{health:#?}");

    demo.wait(3);
    let (snapshot, _) = demo.look().await;
    let in_progress = task(&snapshot);
    assert_eq!(in_progress.status, ExportStatus::InProgress);
    assert!((1..100).contains(&in_progress.percent_progress));
    demo.wait(1);
    let (snapshot, _) = demo.look().await;
    assert!(task(&snapshot).percent_progress > in_progress.percent_progress);

    demo.wait(6);
    let (snapshot, health) = demo.look().await;
    let done = task(&snapshot);
    assert_eq!(done.status, ExportStatus::Complete);
    assert_eq!(done.percent_progress, 100);
    assert!(!has(&health, CheckId::ExportTask), "{health:#?}");
    assert_eq!(alarm(&snapshot, "aurora-export-failure"), AlarmState::Ok);

    assert!(
        demo.act(|world, now| world.start_export("tenant_a", now))
            .is_err(),
        "tenant_a is on Zero-ETL"
    );
    assert!(
        demo.act(|world, now| world.start_export("tenant_b", now))
            .is_ok(),
        "another export a second later is another snapshot"
    );
}

#[tokio::test]
async fn vacuum_and_analyze_reset_the_tables_and_free_some_disk() {
    let demo = Demo::new(Scenario::StorageHigh, 9);
    let untouched = Demo::new(Scenario::StorageHigh, 9);
    let (before, _) = demo.look().await;
    let tenant_b = |snapshot: &Snapshot| {
        snapshot
            .warehouse
            .tables
            .iter()
            .filter(|t| t.schema == "tenant_b")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(tenant_b(&before).iter().any(|t| t.unsorted_percent > 20.0));

    let vacuumed = demo
        .act(|world, now| world.vacuum("tenant_b", now))
        .unwrap();
    assert_eq!(
        vacuumed,
        ["tenant_b.users", "tenant_b.orders", "tenant_b.products"]
    );
    let analyzed = demo
        .act(|world, now| world.analyze("tenant_b", now))
        .unwrap();
    assert_eq!(analyzed, vacuumed);
    let (after, _) = demo.look().await;
    for (old, new) in tenant_b(&before).iter().zip(tenant_b(&after)) {
        assert_eq!(new.unsorted_percent, 0.0, "{}", new.table);
        assert_eq!(new.stats_off_percent, 0.0, "{}", new.table);
        assert!(new.size_mb <= old.size_mb, "{}", new.table);
    }
    let orders = |tables: Vec<shiftops::model::TableInfo>| {
        tables.into_iter().find(|t| t.table == "orders").unwrap()
    };
    assert!(orders(tenant_b(&after)).size_mb < orders(tenant_b(&before)).size_mb);

    demo.wait(2);
    untouched.wait(2);
    let (vacuumed_fleet, _) = demo.look().await;
    let (same_fleet_untouched, _) = untouched.look().await;
    let used = |snapshot: &Snapshot| snapshot.metrics.storage_percent.latest().unwrap();
    assert!(
        used(&vacuumed_fleet) < used(&same_fleet_untouched),
        "{} vs {}",
        used(&vacuumed_fleet),
        used(&same_fleet_untouched)
    );

    assert_eq!(
        demo.act(|world, now| world.vacuum("tenant_z", now)),
        Err("no tenant named tenant_z".to_string())
    );
    assert!(
        demo.act(|world, now| world.analyze("tenant_z", now))
            .is_err()
    );
}

#[tokio::test]
async fn a_cancelled_query_is_gone_and_its_queue_shrinks() {
    let demo = Demo::new(Scenario::WlmSaturation, 42);
    let (before, _) = demo.look().await;
    let queries = demo.act(|world, _| world.running_queries());
    let (queued, running) = queue(&before, "batch");
    let batch: Vec<_> = queries.iter().filter(|q| q.queue == "batch").collect();
    assert_eq!(batch.len() as u32, queued + running);
    assert!(
        batch
            .iter()
            .all(|q| q.state == "Running" || q.state == "Queued")
    );
    assert!(batch.iter().all(|q| q.started_at <= demo.now()));
    let victim = batch.iter().find(|q| q.state == "Queued").unwrap();
    assert!(!victim.sql.is_empty() && !victim.user.is_empty());

    demo.act(|world, _| world.cancel_query(victim.pid)).unwrap();
    let after = demo.act(|world, _| world.running_queries());
    assert!(after.iter().all(|q| q.pid != victim.pid));
    assert_eq!(after.len(), queries.len() - 1);
    let (snapshot, _) = demo.look().await;
    assert_eq!(queue(&snapshot, "batch"), (queued - 1, running));

    assert_eq!(
        demo.act(|world, _| world.cancel_query(victim.pid)),
        Err(format!("no query with pid {}", victim.pid))
    );
    assert_eq!(
        demo.act(|world, _| world.cancel_query(1)),
        Err("no query with pid 1".to_string())
    );
}

#[tokio::test]
async fn the_same_operations_at_the_same_times_give_the_same_world() {
    async fn operate(seed: u64) -> (Vec<Snapshot>, SharedWorld) {
        let demo = Demo::new(Scenario::WlmSaturation, seed);
        let mut snapshots = vec![demo.look().await.0];
        let original = demo.act(|world, _| world.wlm_configuration());
        demo.act(|world, now| world.set_wlm_configuration(&paused(&original), now))
            .unwrap();
        demo.clock.advance(Duration::seconds(95));
        let pid = demo.act(|world, _| world.running_queries()[0].pid);
        demo.act(|world, _| world.cancel_query(pid)).unwrap();
        demo.act(|world, now| world.vacuum("tenant_a", now))
            .unwrap();
        demo.act(|world, now| world.resync_tables("tenant_c", true, now))
            .unwrap();
        demo.act(|world, now| world.start_export("tenant_b", now))
            .unwrap();
        demo.act(|world, now| world.start_execution("manual-1", now))
            .unwrap();
        snapshots.push(demo.look().await.0);
        demo.wait(7);
        demo.act(|world, now| world.analyze("tenant_b", now))
            .unwrap();
        demo.act(|world, now| world.set_wlm_configuration(&original, now))
            .unwrap();
        snapshots.push(demo.look().await.0);
        demo.wait(20);
        snapshots.push(demo.look().await.0);
        (snapshots, demo.world.clone())
    }
    let (first, first_world) = operate(11).await;
    let (second, second_world) = operate(11).await;
    assert_eq!(first, second);
    let first_world = first_world.lock().unwrap().clone();
    let second_world = second_world.lock().unwrap().clone();
    assert!(first_world == second_world, "the worlds differ");
    assert_eq!(
        first_world.running_queries(),
        second_world.running_queries()
    );
    let (other, _) = operate(12).await;
    assert_ne!(first[3].metrics, other[3].metrics);
}

#[tokio::test]
async fn a_hung_run_is_stopped_where_it_hangs_and_redriven_from_there() {
    let demo = Demo::new(Scenario::EltDelay, 3);
    let (before, _) = demo.look().await;
    let stuck = before.elt_runs[0].clone();
    assert_eq!(
        stuck.current_step_name(),
        Some("dbt run"),
        "it hangs in dbt run"
    );
    demo.act(|world, now| world.stop_execution(&stuck.execution_arn, now))
        .unwrap();
    let (snapshot, health) = demo.look().await;
    let stopped = run(&snapshot, &stuck.execution_arn);
    assert_eq!(stopped.status, EltStatus::Aborted);
    assert_eq!(stopped.failed_step.as_deref(), Some("dbt run"));
    assert_eq!(stopped.error.as_deref(), Some("shiftops.Stopped"));
    assert!(
        has(&health, CheckId::EltFailed),
        "an aborted run is not a success"
    );
    // Stopping it again is refused: it no longer runs.
    let again = demo.act(|world, now| world.stop_execution(&stuck.execution_arn, now));
    assert!(
        again
            .unwrap_err()
            .contains("only a RUNNING execution can be stopped"),
        "a second stop does nothing"
    );
    demo.act(|world, now| world.redrive(&stuck.execution_arn, now))
        .unwrap();
    demo.wait(15);
    let (snapshot, health) = demo.look().await;
    assert_eq!(
        run(&snapshot, &stuck.execution_arn).status,
        EltStatus::Succeeded
    );
    assert!(!has(&health, CheckId::EltFailed), "{health:#?}");
    assert!(!has(&health, CheckId::EltDelay), "{health:#?}");
}
