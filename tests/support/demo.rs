//! The simulated fleet as the console tests use it: a world on a clock that moves only when told,
//! its first refresh, and the screen the console draws.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shiftops::model::{Snapshot, Time};
use shiftops::source::refresh::refresh_once;
use shiftops::source::sim::{self, Scenario, SharedWorld, SimOptions};
use shiftops::source::{Fleet, ManualClock};
use shiftops::tui::app::App;
use shiftops::tui::views;
use tokio::runtime::Runtime;

/// The simulated fleet's creation time in the console tests.
pub fn start() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap()
}

pub struct SimDemo {
    pub clock: Arc<ManualClock>,
    pub fleet: Fleet,
    pub world: SharedWorld,
    pub runtime: Runtime,
    /// Every source read once at [`start`].
    pub snapshot: Snapshot,
}

/// `scenario` on `tenants` tenants of seed 7, created at [`start`].
pub fn sim_demo(scenario: Scenario, tenants: usize) -> SimDemo {
    let clock = Arc::new(ManualClock::new(start()));
    let (fleet, world) = sim::fleet_with_world(
        &SimOptions {
            tenants,
            scenario,
            seed: 7,
            ..SimOptions::default()
        },
        clock.clone(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let snapshot = runtime.block_on(refresh_once(&fleet));
    SimDemo {
        clock,
        fleet,
        world,
        runtime,
        snapshot,
    }
}

/// The console's screen at `width`×`height`, as text.
pub fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            views::draw(frame, app);
        })
        .unwrap();
    terminal.backend().to_string()
}

/// Labels of the English console (whole words or phrases as the views write them), which a
/// Japanese screen must not show. Chosen not to occur in what stays English in Japanese: AWS's
/// messages, names and states (an ELT run `running`), SQL and runbook commands, ids, keys and
/// the keymap's action names (`quit`, `refresh` … in the help).
pub const ENGLISH_UI_LABELS: &[&str] = &[
    "Overview",
    "Alarms",
    "Storage",
    "Logs",
    "Findings",
    "Tenants",
    "Tenant",
    "STATUS",
    "TENANT",
    "PATH",
    "INTEGRATION",
    "LAG",
    "queued",
    "wait",
    "alarm >",
    "(threshold",
    "MB  skew",
    "%  unsorted",
    "column",
    "tenants",
    "rows",
    "ago",
    "done",
    "Selected",
    "Help",
    "Keys",
    "Commands",
    "Statuses",
    "phase",
    "target",
    "will run",
    "change of",
    "read-only:",
    "cancels",
    "closes",
    "no data",
    "nothing to show",
    "fetching",
    "history",
    "started",
    "Runbook",
    "check",
    "note",
    "copies",
    "preview",
    "Enter or Esc",
    "choose",
    "which tenant",
    "Queries",
    "Fleet",
    "clusters",
    "failure rate",
    "Largest tables",
    "Load errors",
    "Error log",
    "ELT runs",
    "export to",
    "last COPY",
    "account",
    "warn",
    "crit",
    "in ALARM",
    " of ",
    "healthy",
    "drill in",
    "go back",
    "no findings",
    "every check",
];

/// The [`ENGLISH_UI_LABELS`] in `line`, each where it stands as a word (not inside another).
pub fn english_labels_in(line: &str) -> Vec<&'static str> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    ENGLISH_UI_LABELS
        .iter()
        .copied()
        .filter(|label| {
            line.match_indices(label).any(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + label.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            })
        })
        .collect()
}

/// The console's screen at `width`×`height`, as text, telling the app what fitted (the page
/// size, the help's extent) as the event loop does.
pub fn render_and_fit(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut drawn = None;
    terminal
        .draw(|frame| drawn = Some(views::draw(frame, app)))
        .unwrap();
    app.drawn(drawn.unwrap());
    terminal.backend().to_string()
}

/// The console's screen at `width`×`height`, cell by cell with its colours.
pub fn render_buffer(app: &App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            views::draw(frame, app);
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

/// Key events sent to a console's event loop, as the terminal would deliver them.
pub type KeyStream = std::pin::Pin<
    Box<dyn futures_util::Stream<Item = std::io::Result<ratatui::crossterm::event::Event>> + Send>,
>;

/// A channel whose receiving end is the terminal's event stream of a console under test.
pub fn key_channel() -> (
    tokio::sync::mpsc::UnboundedSender<std::io::Result<ratatui::crossterm::event::Event>>,
    KeyStream,
) {
    let (keys, key_events) = tokio::sync::mpsc::unbounded_channel();
    let stream = futures_util::stream::unfold(key_events, |mut events| async move {
        events.recv().await.map(|event| (event, events))
    });
    (keys, Box::pin(stream))
}
