//! What one full refresh of a big fleet costs, on the local AWS emulator: requests counted per
//! service and action (by the emulator and by the console's own interceptor, which must agree),
//! AssumeRole once per account, the limiter's bound on calls in flight, and the wall time of 1,000
//! tenants each in its own account. Budgets and figures: docs/performance.md.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shiftops::config::Config;
use shiftops::source::aws::{self, Overrides};
use shiftops::source::refresh::refresh_once;
use support::{ACCESS_KEY, Emulator, SECRET_KEY};

fn overrides() -> Overrides {
    Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    }
}

/// The bulk seed's tenants on the standard fleet's central account (`support::bulk`), with
/// `max_concurrency` calls in flight at most.
fn config(url: &str, tenants: &Value, max_concurrency: usize) -> Config {
    let mut config = support::bulk::bulk_config(url, tenants);
    config.aws.max_concurrency = max_concurrency;
    config
}

/// The standard fleet plus `accounts` × `per_account` bulk tenants, every `export_every`-th on
/// the export path (0: none); returns the bulk tenants.
fn seeded(accounts: usize, per_account: usize, export_every: usize) -> (Emulator, Value) {
    let (emulator, _) = Emulator::standard();
    let bulk = emulator.post(
        "/_shiftops/seed/bulk",
        json!({"accounts": accounts, "tenants_per_account": per_account, "export_every": export_every}),
    );
    assert!(
        bulk["seconds"].as_f64().unwrap() < 30.0,
        "bulk seeding is fast: {}",
        bulk["seconds"]
    );
    (emulator, bulk["tenants"].clone())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

fn count(counts: &Value, action: &str) -> u64 {
    counts["by_action"][action].as_u64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_of_1000_tenants_in_10_accounts_costs_calls_per_account_never_per_tenant() {
    let (emulator, tenants) = blocking(|| seeded(10, 100, 2)).await;
    assert_eq!(tenants.as_array().unwrap().len(), 1_000);
    let url = emulator.url.clone();
    // 242 alarms more than the standard 8: 250, three pages of DescribeAlarms.
    let central = support::central_sdk_config(&url).await;
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&central);
    for chunk in (0..242).collect::<Vec<_>>().chunks(16) {
        futures_util::future::join_all(chunk.iter().map(|i| {
            support::sum_alarm(
                &cloudwatch,
                &format!("tenant-alarm-{i:03}"),
                "Custom/DPC",
                "CopyErrorCount",
            )
            .send()
        }))
        .await
        .into_iter()
        .for_each(|created| {
            created.expect("alarm created");
        });
    }

    let config = config(&url, &tenants, 16);
    let (fleet, meter) = aws::fleet_with_meter(&config, &overrides()).expect("fleet");
    blocking({
        let url = url.clone();
        move || Emulator::attach(&url).reset_requests()
    })
    .await;
    meter.reset_requests();

    let snapshot = refresh_once(&fleet).await;
    for status in &snapshot.sources {
        assert!(status.error.is_none(), "{}: {:?}", status.id, status.error);
    }
    assert!(snapshot.tenant_errors.is_empty());
    assert_eq!(snapshot.clusters.len(), 1_000);
    assert_eq!(snapshot.rds.integrations.len(), 500);
    assert_eq!(snapshot.rds.exports.len(), 500);
    assert_eq!(snapshot.alarms.len(), 250);

    let counts = blocking({
        let url = url.clone();
        move || Emulator::attach(&url).requests()
    })
    .await;
    let by_action = &counts["by_action"];
    // The tenant accounts: AssumeRole once each (a call of the central account), then two calls
    // each — its clusters (a slow fact: the first refresh reads it) and the export tasks of its 50
    // export tenants — never one per tenant, and nothing at all for its 50 Zero-ETL tenants.
    assert_eq!(count(&counts, "sts:AssumeRole"), 10, "{by_action}");
    assert_eq!(count(&counts, "rds:DescribeDBClusters"), 10, "{by_action}");
    assert_eq!(count(&counts, "rds:DescribeExportTasks"), 10, "{by_action}");
    assert_eq!(count(&counts, "rds:DescribeIntegrations"), 0, "{by_action}");
    assert_eq!(count(&counts, "rds:DescribeDBClusterSnapshots"), 0);
    for account in accounts(&tenants) {
        assert_eq!(counts["by_account"][&account], 2, "{account}: {counts}");
    }
    // The Zero-ETL integrations, read once in the central account for the whole fleet: the
    // namespace's ARN (GetNamespace, once: it is kept), then every integration into it, 100 a
    // page: the 500 of the bulk fleet and the standard fleet's 2, 6 pages.
    assert_eq!(count(&counts, "redshift-serverless:GetNamespace"), 1);
    assert_eq!(count(&counts, "redshift:DescribeInboundIntegrations"), 6);
    // Redshift Data: one statement per view for all tenants — on the workgroup SVV_INTEGRATION
    // (shared by the RDS source, which reads it in the same refresh as its signal),
    // SVV_INTEGRATION_TABLE_STATE and its failed queries; on the cluster load errors, loads,
    // queues, running queries, tables and its failed queries — one poll each (the emulator
    // finishes statements at once), and one page each of the 7 views with rows (SVV_INTEGRATION's
    // 502 integrations are one page: a result is paged by its size). Never a call per tenant.
    assert_eq!(count(&counts, "redshift-data:ExecuteStatement"), 9);
    assert_eq!(count(&counts, "redshift-data:DescribeStatement"), 9);
    assert_eq!(count(&counts, "redshift-data:GetStatementResult"), 7);
    // GetMetricData: 3 queues × 3 + storage + concurrency scaling + ELT delay + the 501 export
    // tenants' COPY errors (only they COPY) + rejected + attempted + the 2 integrations with an
    // IntegrationLag metric = 517 queries, 500 a call: 2 calls; and the first refresh fetches the
    // storage trend (a week of hourly datapoints, a time range of its own): 1 call, then once an
    // hour. ListMetrics finds those integrations (1 call): the warehouse has not answered yet.
    assert_eq!(count(&counts, "monitoring:GetMetricData"), 2 + 1);
    assert_eq!(count(&counts, "monitoring:ListMetrics"), 1);
    // DescribeAlarms: the central account's 250 alarms, 100 a page. The tenant accounts hold
    // none and no tenant says `alarms = true`: none of them is asked.
    assert_eq!(count(&counts, "monitoring:DescribeAlarms"), 3);
    // Step Functions: the recent executions, and the latest failure's description and history.
    assert_eq!(count(&counts, "states:ListExecutions"), 1);
    assert_eq!(count(&counts, "states:DescribeExecution"), 1);
    assert_eq!(count(&counts, "states:GetExecutionHistory"), 1);
    // Logs Insights: the error-log query and its result (complete at once on the emulator).
    assert_eq!(count(&counts, "logs:StartQuery"), 1);
    assert_eq!(count(&counts, "logs:GetQueryResults"), 1);
    // The warehouse's live WLM configuration (a pause in place): its cluster, then its parameters.
    assert_eq!(count(&counts, "redshift:DescribeClusters"), 1);
    assert_eq!(count(&counts, "redshift:DescribeClusterParameters"), 1);
    assert_eq!(
        counts["total"].as_u64().unwrap(),
        10 + 20 + 1 + 6 + 25 + 7 + 3 + 2 + 2,
        "nothing else: {by_action}"
    );

    // The console counts the same requests itself (what `check` reports as api_calls).
    let own: Value = serde_json::to_value(meter.requests_by_action()).unwrap();
    assert_eq!(&own, by_action, "the interceptor and the emulator agree");
    let by_service = meter.requests_by_service();
    assert_eq!(by_service["sts"], 10);
    assert_eq!(by_service["rds"], 20);
    assert_eq!(by_service["redshift-data"], 25);
    assert_eq!(by_service["monitoring"], 6 + 1, "with the storage trend");
    assert_eq!(by_service["states"], 3);
    assert_eq!(by_service["logs"], 2);
    assert_eq!(by_service["redshift"], 8);
    assert_eq!(by_service["redshift-serverless"], 1);

    // A steady refresh (every source but the slow clusters, credentials cached): one call in each
    // tenant account, its export tasks; the namespace ARN, the cluster's parameter group and the
    // storage trend are known. SVV_INTEGRATION agrees with what DescribeInboundIntegrations said:
    // it is not read again (slow cadence); SVV_INTEGRATION gives every integration's lag: no
    // IntegrationLag query, no ListMetrics.
    blocking({
        let url = url.clone();
        move || Emulator::attach(&url).reset_requests()
    })
    .await;
    let steady = steady_round(&fleet).await;
    assert!(
        steady.tenant_errors.is_empty(),
        "{:?}",
        steady.tenant_errors
    );
    let counts = blocking(move || emulator.requests()).await;
    assert_eq!(count(&counts, "sts:AssumeRole"), 0, "{counts}");
    assert_eq!(counts["by_service"]["rds"], 10, "{counts}");
    for account in accounts(&tenants) {
        assert_eq!(counts["by_account"][&account], 1, "{account}: {counts}");
    }
    assert_eq!(count(&counts, "redshift-serverless:GetNamespace"), 0);
    assert_eq!(count(&counts, "redshift:DescribeClusters"), 0);
    assert_eq!(count(&counts, "redshift:DescribeClusterParameters"), 1);
    assert_eq!(count(&counts, "redshift:DescribeInboundIntegrations"), 0);
    assert_eq!(count(&counts, "monitoring:GetMetricData"), 2);
    assert_eq!(count(&counts, "monitoring:ListMetrics"), 0);
    assert_eq!(count(&counts, "redshift-data:ExecuteStatement"), 9);
}

/// The distinct accounts of the bulk tenants.
fn accounts(tenants: &Value) -> Vec<String> {
    let mut accounts: Vec<String> = tenants
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["account_id"].as_str().unwrap().to_string())
        .collect();
    accounts.dedup();
    accounts
}

/// The interval of the sources a steady refresh fetches: all but the slow facts.
const STEADY: Duration = Duration::from_secs(120);

/// One steady round of refreshes once the console has run a while: every source but the slow
/// ones (the clusters), into a snapshot of its own.
async fn steady_round(fleet: &shiftops::source::Fleet) -> shiftops::model::Snapshot {
    refresh_once(&fleet.refreshed_within(STEADY)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_of_1000_tenants_each_in_its_own_account_is_bounded_and_assumes_each_role_once() {
    let (emulator, tenants) = blocking(|| seeded(1_000, 1, 2)).await;
    let url = emulator.url.clone();
    // The ceiling over every limiter lane (each account has lanes of its own). The emulator serves
    // one request at a time and does not take 256 connections at once within the SDK's connect
    // timeout, as AWS's endpoints do: a quarter of the default for it.
    let permits = 64;
    let config = config(&url, &tenants, permits);
    let (fleet, meter) = aws::fleet_with_meter(&config, &overrides()).expect("fleet");
    blocking({
        let url = url.clone();
        move || Emulator::attach(&url).reset_requests()
    })
    .await;

    let started = Instant::now();
    let first = refresh_once(&fleet).await;
    let wall = started.elapsed();
    println!(
        "full refresh, 1,000 tenants in 1,000 accounts: {:.2} s wall, {} requests, at most {} in flight",
        wall.as_secs_f64(),
        meter.total_requests(),
        meter.peak_in_flight()
    );
    for status in &first.sources {
        assert!(status.error.is_none(), "{}: {:?}", status.id, status.error);
    }
    assert!(first.tenant_errors.is_empty());
    assert_eq!(first.clusters.len(), 1_000);
    assert_eq!(first.rds.integrations.len(), 500);
    assert_eq!(first.rds.exports.len(), 500);
    // A generous ceiling only, so a slow CI machine cannot fail it; the figure is in the note.
    assert!(wall < Duration::from_secs(120), "{wall:?}");

    // The steady refresh: the export accounts are asked for their export tasks, one call each;
    // the Zero-ETL accounts are not called at all; no role is assumed again.
    let steady = steady_round(&fleet).await;
    assert!(steady.tenant_errors.is_empty());
    assert_eq!(steady.rds.integrations.len(), 500);
    let counts = blocking(move || emulator.requests()).await;
    assert_eq!(
        count(&counts, "sts:AssumeRole"),
        1_000,
        "once per account across two refreshes: the credentials are cached"
    );
    assert_eq!(meter.requests_by_service()["sts"], 1_000);
    // The first refresh: clusters in every account, export tasks in the 500 export accounts.
    // The steady one: export tasks only.
    assert_eq!(count(&counts, "rds:DescribeDBClusters"), 1_000);
    assert_eq!(count(&counts, "rds:DescribeExportTasks"), 2 * 500);
    assert_eq!(counts["by_service"]["rds"], 1_000 + 2 * 500);
    for tenant in tenants.as_array().unwrap() {
        let account = tenant["account_id"].as_str().unwrap();
        let calls = if tenant["path"] == "export" { 3 } else { 1 };
        assert_eq!(counts["by_account"][account], calls, "{tenant}");
    }

    // Bounded by the ceiling only: the accounts' lanes are independent, so more calls ran at once
    // than the one global bound of 16 this limiter replaced.
    assert!(
        meter.peak_in_flight() <= permits,
        "{} in flight, {permits} permits",
        meter.peak_in_flight()
    );
    assert!(
        meter.peak_in_flight() > 16,
        "the accounts' calls ran side by side: at most {} at once",
        meter.peak_in_flight()
    );
    assert!(
        meter.throttled_lanes().is_empty(),
        "{:?}",
        meter.throttled_lanes()
    );
    assert_eq!(meter.in_flight(), 0, "every call gave its slot back");
}

/// What a steady refresh of an all-Zero-ETL fleet of `tenants` tenants, each in its own account,
/// costs: the emulator's request counts.
async fn steady_zero_etl_refresh(tenants: usize) -> Value {
    let (emulator, bulk) = blocking(move || seeded(tenants, 1, 0)).await;
    let url = emulator.url.clone();
    let config = config(&url, &bulk, 16);
    let fleet = aws::fleet(&config, &overrides()).expect("fleet");
    let first = refresh_once(&fleet).await;
    assert!(first.tenant_errors.is_empty(), "{:?}", first.tenant_errors);
    blocking({
        let url = url.clone();
        move || Emulator::attach(&url).reset_requests()
    })
    .await;
    let steady = steady_round(&fleet).await;
    for status in &steady.sources {
        assert!(status.error.is_none(), "{}: {:?}", status.id, status.error);
    }
    assert_eq!(steady.rds.integrations.len(), tenants);
    blocking(move || emulator.requests()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_steady_refresh_of_a_zero_etl_fleet_calls_no_tenant_account_and_costs_the_same_for_10_and_1000()
 {
    let ten = steady_zero_etl_refresh(10).await;
    let thousand = steady_zero_etl_refresh(1_000).await;
    println!("steady refresh, all Zero-ETL, 10 tenants: {ten}");
    println!("steady refresh, all Zero-ETL, 1,000 tenants: {thousand}");
    for counts in [&ten, &thousand] {
        let accounts = counts["by_account"].as_object().unwrap();
        assert_eq!(
            accounts.keys().collect::<Vec<_>>(),
            ["999999999999"],
            "only the central account is called: {counts}"
        );
    }
    // The same requests for 10 and 1,000 tenants, action by action. What AWS pages by count is
    // not read: DescribeInboundIntegrations (100 integrations a page) only when SVV_INTEGRATION
    // (one statement, paged by size) disagrees with it, or every quarter of an hour; no tenant
    // has a CopyErrorCount (only the export path COPYs); IntegrationLag only for an integration
    // SVV_INTEGRATION gives no lag, so no ListMetrics page either.
    assert_eq!(ten["by_action"], thousand["by_action"]);
    assert_eq!(ten["total"], thousand["total"]);
    for counts in [&ten, &thousand] {
        assert_eq!(count(counts, "redshift:DescribeInboundIntegrations"), 0);
        assert_eq!(count(counts, "monitoring:ListMetrics"), 0);
        assert_eq!(count(counts, "monitoring:GetMetricData"), 1);
        assert_eq!(count(counts, "redshift-data:ExecuteStatement"), 9);
    }
}
