//! The console answers a key at once while a refresh is still in flight: the real event loop
//! (`tui::run::Console`, the loop body `run` drives) with the real refresher, a `TestBackend` and
//! a channel of key events, and a source whose fetch waits until the test lets it return.

mod support;

use support::demo::key_channel;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use shiftops::config::Config;
use shiftops::i18n::Lang;
use shiftops::model::{SourceData, SourceId, WarehouseData};
use shiftops::source::sim::{self, SimOptions};
use shiftops::source::{Fleet, Source, SourceError, SystemClock};
use shiftops::tui::app::Mode;
use shiftops::tui::run::{Console, Extras};
use shiftops::tui::{Settings, keymap};
use tokio::sync::Notify;

/// A warehouse that answers only when told to.
struct SlowWarehouse {
    release: Arc<Notify>,
    returned: Arc<AtomicBool>,
}

#[async_trait]
impl Source for SlowWarehouse {
    fn id(&self) -> SourceId {
        SourceId::Warehouse
    }

    fn interval(&self) -> Duration {
        Duration::from_secs(3_600)
    }

    async fn fetch(&self) -> Result<SourceData, SourceError> {
        self.release.notified().await;
        self.returned.store(true, Ordering::SeqCst);
        Ok(SourceData::Warehouse(WarehouseData::default()))
    }
}

fn key(code: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::from(code)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_is_handled_and_drawn_before_the_fetch_in_flight_returns() {
    let release = Arc::new(Notify::new());
    let returned = Arc::new(AtomicBool::new(false));
    let tenants = sim::fleet(&SimOptions::default(), Arc::new(SystemClock)).tenants;
    let fleet = Fleet {
        tenants,
        sources: vec![Arc::new(SlowWarehouse {
            release: release.clone(),
            returned: returned.clone(),
        })],
        clock: Arc::new(SystemClock),
        fetch_timeout: Duration::from_secs(600),
        alarm_history: None,
    };
    let mut settings =
        Settings::load(&Config::default(), Some("dark"), Some("default"), Lang::En).unwrap();
    settings.keymap = keymap::load("default", None).unwrap(); // not the developer's own
    let (keys, terminal_events) = key_channel();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let mut console = Console::new(
        &mut terminal,
        terminal_events,
        fleet,
        settings,
        "slow".into(),
        Extras::default(),
    );
    assert!(console.draw_if_dirty().unwrap(), "the first frame");

    // Step the loop until the refresher says the warehouse fetch started.
    let step = async |console: &mut Console<'_, TestBackend, _>| {
        tokio::time::timeout(Duration::from_secs(10), console.step())
            .await
            .expect("the loop handles something within 10 s")
            .unwrap()
    };
    while !console.app().source_in_flight(SourceId::Warehouse) {
        assert_eq!(step(&mut console).await, None);
        console.draw_if_dirty().unwrap();
    }

    // Filter mode and two letters, while the fetch waits.
    for code in [KeyCode::Char('/'), KeyCode::Char('z'), KeyCode::Char('z')] {
        keys.send(key(code)).unwrap();
    }
    while console.app().command_line().input() != "zz" {
        assert_eq!(step(&mut console).await, None);
        console.draw_if_dirty().unwrap();
    }
    assert_eq!(console.app().mode, Mode::Filter);
    let screen = console.terminal().backend().to_string();
    assert!(
        screen.contains("/zz▏"),
        "the frame shows the key:\n{screen}"
    );
    assert!(
        !returned.load(Ordering::SeqCst),
        "all of it before the fetch returned"
    );
    assert!(console.app().source_in_flight(SourceId::Warehouse));

    // The fetch returns; its data is applied and the source is no longer in flight.
    release.notify_one();
    while console.app().source_in_flight(SourceId::Warehouse) {
        assert_eq!(step(&mut console).await, None);
        console.draw_if_dirty().unwrap();
    }
    assert!(returned.load(Ordering::SeqCst));
    let warehouse = console.app().snapshot.source(SourceId::Warehouse).unwrap();
    assert!(warehouse.fetched_at.is_some() && warehouse.error.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_line_ends_with_the_cost_of_polling_cloudwatch() {
    use shiftops::source::ManualClock;
    use shiftops::tui::app::App;
    use shiftops::tui::cost::{LIST_PRICE_PER_1000_METRICS, Polling};

    let at = chrono::DateTime::parse_from_rfc3339("2026-11-21T06:00:00Z")
        .unwrap()
        .to_utc();
    let fleet = sim::fleet(&SimOptions::default(), Arc::new(ManualClock::new(at)));
    let snapshot = shiftops::source::refresh::refresh_once(&fleet).await;
    // Seed 000's three tenants: 3 queues × 3 + storage, concurrency scaling, ELT delay +
    // the export tenant's COPY errors + rejected and attempted = 15 metrics (the integrations'
    // lag is SVV_INTEGRATION's).
    assert_eq!(snapshot.metrics.metrics_requested, 15);
    let mut app = App::new(
        "cost".into(),
        Settings::load(&Config::default(), Some("dark"), Some("default"), Lang::En).unwrap(),
        snapshot,
        at,
    );
    // Every minute at the list price: 15 × 1,440 × $0.01 / 1,000 = $0.22 a day.
    app.polling = Some(Polling {
        metrics_interval: Duration::from_secs(60),
        price_per_1000_metrics: LIST_PRICE_PER_1000_METRICS,
    });
    let mut terminal = Terminal::new(TestBackend::new(160, 24)).unwrap();
    terminal
        .draw(|frame| {
            shiftops::tui::views::draw(frame, &app);
        })
        .unwrap();
    let screen = terminal.backend().to_string();
    let status = screen
        .lines()
        .find(|line| line.contains("metrics"))
        .expect("a status line");
    assert!(
        status
            .trim_end()
            .trim_end_matches('"')
            .trim_end()
            .ends_with("cw ≈ $0.22/day"),
        "{status}"
    );
}
