//! The console at fleet scale: 1,000 simulated tenants (seed 7, the incident of `wlm-saturation`
//! so findings exist), at a fixed time. Budgets and figures: docs/performance.md.
//!
//! ```sh
//! cargo bench --bench fleet                 # every figure (medians in the report)
//! cargo bench --bench fleet -- overview     # one of them
//! ```

use std::hint::black_box;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shiftops::config::Config;
use shiftops::health::{Thresholds, evaluate};
use shiftops::i18n::Lang;
use shiftops::model::{Snapshot, SourceId, Time};
use shiftops::source::refresh::{FetchResult, refresh_once};
use shiftops::source::sim::{self, Scenario, SimOptions};
use shiftops::source::{Fleet, ManualClock};
use shiftops::tui::Settings;
use shiftops::tui::app::App;
use shiftops::tui::rows::Rows;
use shiftops::tui::views;

const TENANTS: usize = 1_000;

fn start() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn fleet(clock: Arc<ManualClock>) -> Fleet {
    sim::fleet(
        &SimOptions {
            tenants: TENANTS,
            scenario: Scenario::WlmSaturation,
            seed: 7,
            ..SimOptions::default()
        },
        clock,
    )
}

/// A full snapshot of 1,000 tenants: every source fetched once.
fn snapshot() -> Snapshot {
    let clock = Arc::new(ManualClock::new(start()));
    runtime().block_on(refresh_once(&fleet(clock)))
}

fn settings() -> Settings {
    Settings::load(&Config::default(), Some("dark"), Some("default"), Lang::En).unwrap()
}

fn benches(c: &mut Criterion) {
    let snapshot = snapshot();
    assert_eq!(snapshot.tenants.len(), TENANTS);
    let thresholds = Thresholds::default();
    let now = start();

    c.bench_function("health evaluation, 1,000 tenants", |b| {
        b.iter(|| evaluate(black_box(&snapshot), &thresholds, now))
    });

    let health = evaluate(&snapshot, &thresholds, now);
    let settings = settings();
    c.bench_function("rows build, 1,000 tenants", |b| {
        b.iter(|| Rows::build(black_box(&snapshot), &health, now, &settings))
    });

    // One frame as the event loop draws it: the whole screen, diffed against the previous one.
    // Alternating two selections makes each frame differ from the last, as after a keypress.
    let mut app = App::new("bench".into(), settings, snapshot.clone(), now);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut down = true;
    c.bench_function("overview frame, 1,000 tenants, 200x60", |b| {
        b.iter(|| {
            let key = if down {
                ratatui::crossterm::event::KeyCode::Down
            } else {
                ratatui::crossterm::event::KeyCode::Up
            };
            down = !down;
            app.on_key(key.into());
            let mut page = 0;
            terminal
                .draw(|frame| page = views::draw(frame, &app).page_size)
                .unwrap();
            black_box(page)
        })
    });

    // What the console does when a source's data arrives: apply it, re-derive health and rows.
    // Each result is newer than the last, whichever closure call criterion is in, and differs
    // from it (the storage figure of one minute more), as a minute's new datapoints do.
    let data = snapshot.metrics.clone();
    let mut moved = data.clone();
    moved.storage_percent = shiftops::model::Series::from_points(
        data.storage_percent
            .points()
            .chain([(now + chrono::Duration::minutes(1), 1.0)]),
    );
    let metrics_event = |generation: u64, metrics: &shiftops::model::FleetMetrics| {
        shiftops::source::refresh::SourceEvent::Finished(Box::new(FetchResult {
            id: SourceId::Metrics,
            generation,
            fetched_at: now,
            result: Ok(shiftops::model::SourceData::Metrics(metrics.clone())),
        }))
    };
    let mut generation = 1_000;
    c.bench_function("apply a metrics result, 1,000 tenants", |b| {
        b.iter_batched(
            || {
                generation += 1;
                let metrics = if generation % 2 == 0 { &data } else { &moved };
                metrics_event(generation, metrics)
            },
            |event| app.on_source_event(event),
            BatchSize::SmallInput,
        )
    });
    // A fetch that brings what the console holds already (most do, between a minute's
    // datapoints): compared, nothing re-derived.
    app.on_source_event(metrics_event(generation + 1, &data));
    generation += 1;
    c.bench_function("apply an unchanged metrics result, 1,000 tenants", |b| {
        b.iter_batched(
            || {
                generation += 1;
                metrics_event(generation, &data)
            },
            |event| app.on_source_event(event),
            BatchSize::SmallInput,
        )
    });

    // What the idle demo at 10,000 tenants re-derives on every warehouse fetch: every
    // integration's lag moved (SVV_INTEGRATION reports it anew), nothing else.
    let big = {
        let clock = Arc::new(ManualClock::new(start()));
        let options = SimOptions {
            tenants: 10 * TENANTS,
            scenario: Scenario::WlmSaturation,
            seed: 7,
            ..SimOptions::default()
        };
        runtime().block_on(refresh_once(&sim::fleet(&options, clock)))
    };
    let lags = big.warehouse.clone();
    let mut moved = lags.clone();
    for replica in &mut moved.replication {
        replica.lag_seconds = replica.lag_seconds.map(|lag| lag + 1.0);
    }
    let mut app = App::new("bench".into(), crate::settings(), big, now);
    let mut generation = 1_000;
    c.bench_function(
        "apply a warehouse result of moved lags, 10,000 tenants",
        |b| {
            b.iter_batched(
                || {
                    generation += 1;
                    let warehouse = if generation % 2 == 0 { &lags } else { &moved };
                    shiftops::source::refresh::SourceEvent::Finished(Box::new(FetchResult {
                        id: SourceId::Warehouse,
                        generation,
                        fetched_at: now,
                        result: Ok(shiftops::model::SourceData::Warehouse(warehouse.clone())),
                    }))
                },
                |event| app.on_source_event(event),
                BatchSize::SmallInput,
            )
        },
    );

    // The simulated fleet: every source read once at a fixed time, and the world advanced by one
    // 10 s tick (what `demo` does between refreshes).
    let clock = Arc::new(ManualClock::new(start()));
    let sim = fleet(clock.clone());
    let rt = runtime();
    c.bench_function("sim fetch of every source, 1,000 tenants", |b| {
        b.iter(|| {
            for source in &sim.sources {
                black_box(rt.block_on(source.fetch()).unwrap());
            }
        })
    });
    let metrics_source = sim
        .sources
        .iter()
        .find(|s| s.id() == SourceId::Metrics)
        .unwrap()
        .clone();
    c.bench_function("sim tick (10 s) and metrics fetch, 1,000 tenants", |b| {
        b.iter(|| {
            clock.advance(chrono::Duration::seconds(10));
            black_box(rt.block_on(metrics_source.fetch()).unwrap())
        })
    });
}

criterion_group!(fleet_benches, benches);
criterion_main!(fleet_benches);
