//! A live refresh at fleet scale, through the fault proxy with a fixed delay on every request (AWS's
//! latency): fleets of N tenants each in its own account, all on Zero-ETL or half on the export
//! path, seeded in the AWS emulator. For each fleet it refreshes once (cold: every role is
//! assumed), then measures a second, steady-state refresh (credentials cached): wall time and the
//! requests the proxy saw, by action and by account. It prints the tables of docs/performance.md
//! ("A refresh at 1,000 accounts") and, per budget, "met" or "not met". It asserts no count: it
//! measures whatever the library does.
//!
//! ```sh
//! cargo bench --bench refresh                                        # N = 10, 100, 1,000, both fleets, 50 ms
//! cargo bench --bench refresh -- --delay-ms 100 --tenants 1000 --fleet half
//! cargo bench --bench refresh -- --cli-way --tenants 10,100          # and scripts/cli-way beside it
//! cargo bench --bench refresh -- --serve DIR --tenants 1000 --fleet half
//! ```
//!
//! `--serve DIR` measures nothing: it seeds one fleet (the first of `--tenants` and `--fleet`) in
//! an emulator, writes the console's config for it to `DIR/config.toml`, prints `READY <path>` and
//! keeps the emulator up until its stdin closes. `scripts/perf --live` measures the console on it.
//!
//! Run without `--bench` (as `cargo test --all-targets` does) it only checks that the harness
//! works: the 10-tenant half/half fleet without delay, whatever the arguments.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shiftops::source::Fleet;
use shiftops::source::aws::{self, Overrides};
use shiftops::source::meter::Meter;
use shiftops::source::refresh::refresh_once;
use support::bulk::{bulk_config, bulk_config_text};
use support::faults::FaultProxy;
use support::{ACCESS_KEY, Emulator, SECRET_KEY};

/// The issue's budgets: a steady refresh of 1,000 tenants in 1,000 accounts, half on each path,
/// within 3 s at 50 ms per request.
const BUDGET_TENANTS: usize = 1_000;
const BUDGET_DELAY_MS: f64 = 50.0;
const BUDGET_WALL: Duration = Duration::from_secs(3);

/// A steady round of refreshes, once the console has run a while, fetches the sources refreshed at
/// least this often; slower facts (read every quarter of an hour or less often) are not due in it.
const STEADY_PERIOD: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum FleetKind {
    ZeroEtl,
    Half,
}

impl FleetKind {
    fn label(self) -> &'static str {
        match self {
            FleetKind::ZeroEtl => "all Zero-ETL",
            FleetKind::Half => "half export",
        }
    }

    /// The bulk seed's `export_every`: none, or every other tenant on the export path.
    fn export_every(self) -> u64 {
        match self {
            FleetKind::ZeroEtl => 0,
            FleetKind::Half => 2,
        }
    }
}

struct Options {
    /// Names given without a `--`, as criterion's filters: this bench runs only if one is part of
    /// "refresh", so `cargo bench -- overview` runs the fleet bench's figure alone.
    filters: Vec<String>,
    delay_ms: f64,
    tenants: Vec<usize>,
    fleets: Vec<FleetKind>,
    cli_way: bool,
    /// Serve a seeded fleet for `scripts/perf --live` instead of measuring.
    serve: Option<std::path::PathBuf>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            filters: Vec::new(),
            delay_ms: BUDGET_DELAY_MS,
            tenants: vec![10, 100, 1_000],
            fleets: vec![FleetKind::ZeroEtl, FleetKind::Half],
            cli_way: false,
            serve: None,
        };
        let mut args = args.iter().filter(|a| *a != "--bench");
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--delay-ms" => {
                    options.delay_ms = value()?.parse().map_err(|e| format!("--delay-ms: {e}"))?
                }
                "--tenants" => {
                    options.tenants = value()?
                        .split(',')
                        .map(|n| n.trim().parse().map_err(|e| format!("--tenants: {e}")))
                        .collect::<Result<_, _>>()?
                }
                "--fleet" => {
                    options.fleets = match value()?.as_str() {
                        "zero-etl" => vec![FleetKind::ZeroEtl],
                        "half" => vec![FleetKind::Half],
                        "both" => vec![FleetKind::ZeroEtl, FleetKind::Half],
                        other => return Err(format!("--fleet {other}: zero-etl, half or both")),
                    }
                }
                "--cli-way" => options.cli_way = true,
                "--serve" => options.serve = Some(value()?.into()),
                filter if !filter.starts_with('-') => options.filters.push(filter.to_string()),
                other => return Err(format!("unknown argument {other}")),
            }
        }
        Ok(options)
    }

    /// What `cargo test --all-targets` runs: the smallest case, no delay, to keep the harness alive.
    fn smoke() -> Options {
        Options {
            filters: Vec::new(),
            delay_ms: 0.0,
            tenants: vec![10],
            fleets: vec![FleetKind::Half],
            cli_way: false,
            serve: None,
        }
    }
}

/// One refresh as the proxy saw it.
struct Refresh {
    wall: Duration,
    requests: u64,
    by_action: BTreeMap<String, u64>,
    by_account: BTreeMap<String, u64>,
    /// What the console's own meter counted (it must match the proxy).
    metered: u64,
}

impl Refresh {
    fn to_accounts(&self, accounts: &BTreeSet<String>) -> u64 {
        accounts.iter().filter_map(|a| self.by_account.get(a)).sum()
    }
}

/// The AWS-CLI way on the same fleet (scripts/cli-way).
struct CliRun {
    wall: Duration,
    requests: u64,
}

struct Case {
    fleet: FleetKind,
    tenants: usize,
    export_accounts: BTreeSet<String>,
    zero_etl_accounts: BTreeSet<String>,
    first: Refresh,
    steady: Refresh,
    /// The most calls the console's limiter let run at once, over both refreshes.
    peak_in_flight: usize,
    cli: Option<CliRun>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = if args.iter().any(|a| a == "--bench") {
        Options::parse(&args).unwrap_or_else(|e| {
            eprintln!(
                "{e}\nusage: cargo bench --bench refresh -- [--delay-ms 50] [--tenants 10,100,1000] \
                 [--fleet zero-etl|half|both] [--cli-way] [--serve DIR]"
            );
            std::process::exit(2)
        })
    } else {
        Options::smoke()
    };
    if !options.filters.is_empty()
        && !options
            .filters
            .iter()
            .any(|f| "refresh".contains(f.as_str()))
    {
        eprintln!("refresh: not run (filtered out)");
        return;
    }
    if let Some(dir) = &options.serve {
        serve(dir, options.fleets[0], options.tenants[0]);
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut cases = Vec::new();
    for &fleet in &options.fleets {
        for &tenants in &options.tenants {
            eprintln!(
                "{} × {tenants} tenants, {} ms per request …",
                fleet.label(),
                options.delay_ms
            );
            let case = measure(&runtime, fleet, tenants, &options);
            eprintln!(
                "  first {} requests {:.2} s, steady {} requests {:.2} s, at most {} calls in flight{}",
                case.first.requests,
                case.first.wall.as_secs_f64(),
                case.steady.requests,
                case.steady.wall.as_secs_f64(),
                case.peak_in_flight,
                case.cli
                    .as_ref()
                    .map(|c| format!(
                        "; AWS-CLI way {} requests {:.1} s",
                        c.requests,
                        c.wall.as_secs_f64()
                    ))
                    .unwrap_or_default()
            );
            cases.push(case);
        }
    }
    print_report(&options, &cases);
}

/// Seeds the fleet, writes its config, and keeps the emulator up until stdin closes.
fn serve(dir: &Path, fleet: FleetKind, tenants: usize) {
    let (emulator, _) = Emulator::standard();
    let seeded = emulator.post(
        "/_shiftops/seed/bulk",
        json!({"accounts": tenants, "tenants_per_account": 1, "export_every": fleet.export_every()}),
    );
    std::fs::create_dir_all(dir).expect("the config's directory");
    let path = dir.join("config.toml");
    std::fs::write(&path, bulk_config_text(&emulator.url, &seeded["tenants"]))
        .expect("config written");
    println!("READY {}", path.display());
    // Until whoever started it is done (its end of the pipe closes).
    std::io::copy(&mut std::io::stdin(), &mut std::io::sink()).ok();
}

fn measure(
    runtime: &tokio::runtime::Runtime,
    fleet: FleetKind,
    tenants: usize,
    options: &Options,
) -> Case {
    let (emulator, _) = Emulator::standard();
    let seeded = emulator.post(
        "/_shiftops/seed/bulk",
        json!({"accounts": tenants, "tenants_per_account": 1, "export_every": fleet.export_every()}),
    );
    let seeded_tenants = seeded["tenants"].clone();
    let (mut export_accounts, mut zero_etl_accounts) = (BTreeSet::new(), BTreeSet::new());
    for tenant in seeded_tenants
        .as_array()
        .expect("the seed lists its tenants")
    {
        let account = tenant["account_id"].as_str().unwrap().to_string();
        match tenant["path"].as_str() {
            Some("export") => export_accounts.insert(account),
            _ => zero_etl_accounts.insert(account),
        };
    }
    let proxy = FaultProxy::start(&emulator.url);
    if options.delay_ms > 0.0 {
        // No `times`, no filter: every request waits, each on its own (the proxy serves side by side).
        proxy.fault(json!({"fault": "slow", "delay_seconds": options.delay_ms / 1000.0}));
    }
    let config = bulk_config(&proxy.url, &seeded_tenants);
    let overrides = Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    };
    let (live, meter) = aws::fleet_with_meter(&config, &overrides).expect("the live fleet");
    let first = refresh(runtime, &live, &meter, &proxy);
    let steady = refresh(runtime, &steady_round(&live), &meter, &proxy);
    let cli = options
        .cli_way
        .then(|| cli_way(&proxy, &seeded_tenants, tenants));
    Case {
        fleet,
        tenants,
        export_accounts,
        zero_etl_accounts,
        first,
        steady,
        peak_in_flight: meter.peak_in_flight(),
        cli,
    }
}

/// The fleet's sources that a steady round fetches (see [`STEADY_PERIOD`]).
fn steady_round(live: &Fleet) -> Fleet {
    live.refreshed_within(STEADY_PERIOD)
}

fn refresh(
    runtime: &tokio::runtime::Runtime,
    live: &Fleet,
    meter: &Meter,
    proxy: &FaultProxy,
) -> Refresh {
    proxy.reset_requests();
    meter.reset_requests();
    let started = Instant::now();
    let snapshot = runtime.block_on(refresh_once(live));
    let wall = started.elapsed();
    // A refresh that failed somewhere measured something else than a refresh: no figure then.
    for status in &snapshot.sources {
        assert!(status.error.is_none(), "{}: {:?}", status.id, status.error);
    }
    assert!(
        snapshot.tenant_errors.is_empty(),
        "{:?}",
        snapshot.tenant_errors
    );
    let counts = proxy.requests();
    let numbers = |key: &str| -> BTreeMap<String, u64> {
        counts[key]
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default()
    };
    Refresh {
        wall,
        requests: counts["total"].as_u64().unwrap_or(0),
        by_action: numbers("by_action"),
        by_account: numbers("by_account"),
        metered: meter.total_requests(),
    }
}

/// Runs scripts/cli-way through the same proxy (so with the same delay per request).
fn cli_way(proxy: &FaultProxy, tenants: &Value, count: usize) -> CliRun {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let list = dir.path().join("tenants.json");
    std::fs::write(&list, json!({ "tenants": tenants }).to_string()).expect("tenants written");
    proxy.reset_requests();
    let started = Instant::now();
    let output = Command::new(root.join("scripts/cli-way"))
        .args(["--endpoint-url", &proxy.url, "--tenants"])
        .arg(&list)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        // Keep the developer's own AWS files out of what is measured.
        .env("AWS_CONFIG_FILE", dir.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-aws-credentials"),
        )
        .output()
        .expect("scripts/cli-way runs");
    let wall = started.elapsed();
    assert!(
        output.status.success(),
        "scripts/cli-way failed for {count} tenants: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprint!("  {}", String::from_utf8_lossy(&output.stdout));
    CliRun {
        wall,
        requests: proxy.requests()["total"].as_u64().unwrap_or(0),
    }
}

/// 1000 → "1,000", as docs/performance.md writes counts.
fn thousands(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn seconds(wall: Duration) -> String {
    format!("{:.2} s", wall.as_secs_f64())
}

fn print_report(options: &Options, cases: &[Case]) {
    println!(
        "\nRefresh through the fault proxy, {} ms per request; each tenant in its own account.\n",
        options.delay_ms
    );
    println!(
        "| fleet | N | first refresh (cold) | steady refresh | steady, to tenant accounts (export / Zero-ETL) | AWS-CLI way |"
    );
    println!("|---|---:|---|---|---|---|");
    for case in cases {
        let cli = case
            .cli
            .as_ref()
            .map(|c| format!("{} req, {}", thousands(c.requests), seconds(c.wall)))
            .unwrap_or_else(|| "—".into());
        println!(
            "| {} | {} | {} req, {} | {} req, {} | {} / {} | {cli} |",
            case.fleet.label(),
            thousands(case.tenants),
            thousands(case.first.requests),
            seconds(case.first.wall),
            thousands(case.steady.requests),
            seconds(case.steady.wall),
            thousands(case.steady.to_accounts(&case.export_accounts)),
            thousands(case.steady.to_accounts(&case.zero_etl_accounts)),
        );
    }
    for case in cases {
        for (name, refresh) in [("first", &case.first), ("steady", &case.steady)] {
            if refresh.metered != refresh.requests {
                println!(
                    "\nnote: {} × {}, {name} refresh: the console counted {} requests, the proxy {}",
                    case.fleet.label(),
                    case.tenants,
                    refresh.metered,
                    refresh.requests
                );
            }
        }
    }

    // Growth with N: the steady refresh's requests by action, one column per fleet and N.
    let actions: BTreeSet<&String> = cases
        .iter()
        .flat_map(|c| c.steady.by_action.keys())
        .collect();
    println!("\nSteady refresh, requests by action:\n");
    let header: Vec<String> = cases
        .iter()
        .map(|c| format!("{} {}", c.fleet.label(), thousands(c.tenants)))
        .collect();
    println!("| action | {} |", header.join(" | "));
    println!("|---|{}", "---:|".repeat(cases.len()));
    for action in actions {
        let counts: Vec<String> = cases
            .iter()
            .map(|c| {
                c.steady
                    .by_action
                    .get(action)
                    .copied()
                    .map(thousands)
                    .unwrap_or_else(|| "0".into())
            })
            .collect();
        println!("| `{action}` | {} |", counts.join(" | "));
    }
    let totals: Vec<String> = cases.iter().map(|c| thousands(c.steady.requests)).collect();
    println!("| total | {} |", totals.join(" | "));

    println!("\n| budget | measured | |\n|---|---|---|");
    for (budget, measured, verdict) in budgets(options, cases) {
        println!("| {budget} | {measured} | {verdict} |");
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "not met" }
}

/// Each budget of the issue against what was measured: (budget, figures, met / not met).
fn budgets(options: &Options, cases: &[Case]) -> Vec<(String, String, &'static str)> {
    let mut rows = Vec::new();

    let wall_budget = format!(
        "steady refresh ≤ {} s, {n} tenants in {n} accounts, half export, {BUDGET_DELAY_MS} ms per request",
        BUDGET_WALL.as_secs(),
        n = thousands(BUDGET_TENANTS)
    );
    let budget_case = cases
        .iter()
        .find(|c| c.fleet == FleetKind::Half && c.tenants == BUDGET_TENANTS);
    match budget_case {
        Some(case) if options.delay_ms == BUDGET_DELAY_MS => rows.push((
            wall_budget,
            seconds(case.steady.wall),
            verdict(case.steady.wall <= BUDGET_WALL),
        )),
        _ => rows.push((
            wall_budget,
            "not measured (`--fleet half --tenants 1000 --delay-ms 50`)".into(),
            "—",
        )),
    }

    let zero_etl: Vec<&Case> = cases
        .iter()
        .filter(|c| c.fleet == FleetKind::ZeroEtl)
        .collect();
    let same_budget = "all Zero-ETL: steady requests the same whatever N".to_string();
    if zero_etl.len() >= 2 {
        let figures: Vec<String> = zero_etl
            .iter()
            .map(|c| {
                format!(
                    "N={}: {}",
                    thousands(c.tenants),
                    thousands(c.steady.requests)
                )
            })
            .collect();
        let same = zero_etl
            .iter()
            .all(|c| c.steady.requests == zero_etl[0].steady.requests);
        // What grows, from the smallest fleet to the largest: the figures say where to look.
        let smallest = zero_etl
            .iter()
            .min_by_key(|c| c.tenants)
            .expect("two or more");
        let largest = zero_etl
            .iter()
            .max_by_key(|c| c.tenants)
            .expect("two or more");
        let growing: Vec<String> = largest
            .steady
            .by_action
            .iter()
            .filter_map(|(action, &count)| {
                let before = smallest.steady.by_action.get(action).copied().unwrap_or(0);
                (count != before)
                    .then(|| format!("`{action}` {} → {}", thousands(before), thousands(count)))
            })
            .collect();
        let mut measured = figures.join(", ");
        if !growing.is_empty() {
            measured.push_str(&format!("; grows: {}", growing.join(", ")));
        }
        rows.push((same_budget, measured, verdict(same)));
    } else {
        rows.push((
            same_budget,
            "not measured (two or more N with `--fleet zero-etl`)".into(),
            "—",
        ));
    }

    let half: Vec<&Case> = cases
        .iter()
        .filter(|c| c.fleet == FleetKind::Half)
        .collect();
    let export_budget = "export path: steady requests to an export account ≤ 1 each".to_string();
    if half.is_empty() {
        rows.push((export_budget, "not measured (`--fleet half`)".into(), "—"));
    } else {
        let figures: Vec<String> = half
            .iter()
            .map(|c| {
                format!(
                    "N={}: {} to {} accounts",
                    thousands(c.tenants),
                    thousands(c.steady.to_accounts(&c.export_accounts)),
                    thousands(c.export_accounts.len())
                )
            })
            .collect();
        let within = half
            .iter()
            .all(|c| c.steady.to_accounts(&c.export_accounts) <= c.export_accounts.len() as u64);
        rows.push((export_budget, figures.join(", "), verdict(within)));
    }
    rows
}
