//! A pause left in place is never silent: every view's header says so, in both languages, after
//! a restart too (the demo keeps its parameter group in the console's state dir, as AWS would);
//! `check`'s findings carry it; `q` asks before quitting while it is in place.

mod support;

use support::demo::render;

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shiftops::action::sim::SimOperator;
use shiftops::action::{Actions, Progress, Request, StateDir, audit};
use shiftops::health::CheckId;
use shiftops::i18n::Lang;
use shiftops::model::{Snapshot, Time};
use shiftops::source::ManualClock;
use shiftops::source::refresh::refresh_once;
use shiftops::source::sim::{self, Scenario, SimOptions};
use shiftops::tui::Settings;
use shiftops::tui::action::{Action, View};
use shiftops::tui::app::{App, Effect, Mode};

fn start() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 21, 8, 12, 30).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A demo console's data and operator over `state`, as `shiftops demo` starts them.
fn demo(state: &StateDir) -> (Snapshot, Actions) {
    let clock = Arc::new(ManualClock::new(start()));
    let (fleet, world) = sim::fleet_with_world(
        &SimOptions {
            tenants: 3,
            scenario: Scenario::WlmSaturation,
            seed: 7,
            ..SimOptions::default()
        },
        clock.clone(),
    );
    let operator = SimOperator::with_state(world, clock, state.clone()).unwrap();
    let actions = Actions::new(
        Arc::new(operator),
        false,
        Some(audit::AuditLog::open(state.lock().unwrap()).unwrap()),
    );
    (runtime().block_on(refresh_once(&fleet)), actions)
}

fn act(actions: &Actions, request: Request) {
    let runtime = runtime();
    let plan = runtime.block_on(actions.plan(&request)).unwrap();
    assert_eq!(plan.unsupported, None, "{plan:?}");
    let (progress, _updates) = Progress::channel();
    runtime
        .block_on(actions.execute(&plan, "adhoc", &progress))
        .unwrap();
}

fn screen(app: &App, width: u16, height: u16) -> String {
    render(app, width, height)
}

fn header(screen: &str) -> String {
    screen.lines().next().unwrap_or_default().to_string()
}

#[test]
fn a_pause_shows_on_every_view_in_both_languages_after_a_restart_and_until_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    let (snapshot, actions) = demo(&state);
    assert_eq!(snapshot.wlm_settings.adhoc_pause, None);
    act(
        &actions,
        Request::PauseAdhoc {
            cancel_running: false,
        },
    );
    drop(actions);

    // A new console over the same state dir: a fresh simulated world, the pause still in place.
    let (snapshot, actions) = demo(&state);
    let pause = snapshot
        .wlm_settings
        .adhoc_pause
        .expect("read back as a pause");
    assert_eq!(pause.since.format("%H:%M").to_string(), "08:12");
    for (lang, badge) in [
        (Lang::En, "adhoc PAUSED since 08:12 UTC"),
        (Lang::Ja, "adhoc 一時停止中 08:12 UTC〜"),
    ] {
        let mut app = App::new(
            "demo".into(),
            Settings::shipped(lang),
            snapshot.clone(),
            start(),
        );
        for view in View::TABS {
            app.dispatch(Action::Show(view));
            for (width, height) in [(80, 24), (200, 60)] {
                let top = header(&screen(&app, width, height));
                assert!(
                    top.contains(badge),
                    "{lang:?} {view:?} {width}×{height}: {top}"
                );
            }
        }
        // The daily check and the findings say it too.
        let finding = app
            .health
            .findings
            .iter()
            .find(|f| f.check == CheckId::WlmPaused)
            .expect("a wlm_paused finding");
        assert!(
            finding
                .message
                .starts_with("adhoc WLM queue PAUSED since 2026-11-21 08:12 UTC"),
            "{}",
            finding.message
        );

        // Quitting asks first; any other key stays; y quits.
        app.dispatch(Action::Show(View::Overview));
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(app.on_key(q), Effect::None);
        assert_eq!(app.mode, Mode::ConfirmQuit);
        let bottom = screen(&app, 120, 40);
        assert!(
            bottom.contains(match lang {
                Lang::En => "Quit? y quits, any other key stays — adhoc stays PAUSED",
                Lang::Ja => "終了? y で終了、他のキーで残る",
            }),
            "{bottom}"
        );
        assert_eq!(
            app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Effect::None
        );
        assert_eq!(app.mode, Mode::Normal);
        app.on_key(q);
        assert_eq!(
            app.on_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)),
            Effect::Quit
        );
    }

    // Resumed: gone from every screen, and q quits at once.
    act(&actions, Request::ResumeAdhoc);
    drop(actions);
    let (snapshot, _actions) = demo(&state);
    assert_eq!(snapshot.wlm_settings.adhoc_pause, None);
    let mut app = App::new(
        "demo".into(),
        Settings::shipped(Lang::En),
        snapshot,
        start(),
    );
    assert!(!header(&screen(&app, 200, 60)).contains("PAUSED"));
    assert!(
        !app.health
            .findings
            .iter()
            .any(|f| f.check == CheckId::WlmPaused)
    );
    assert_eq!(
        app.on_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)),
        Effect::Quit
    );
}

#[test]
fn demo_consoles_with_their_own_state_dirs_have_their_own_demo() {
    let one = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let (_, actions) = demo(&StateDir::at(one.path()));
    act(
        &actions,
        Request::PauseAdhoc {
            cancel_running: false,
        },
    );
    drop(actions);
    let (snapshot, _) = demo(&StateDir::at(other.path()));
    assert_eq!(snapshot.wlm_settings.adhoc_pause, None);
    let (snapshot, _) = demo(&StateDir::at(one.path()));
    assert!(snapshot.wlm_settings.adhoc_pause.is_some());
}

#[test]
fn an_unusable_saved_demo_configuration_is_an_error_not_silence() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    std::fs::write(dir.path().join("demo-wlm-configuration.json"), "not json").unwrap();
    let clock = Arc::new(ManualClock::new(start()));
    let (_, world) = sim::fleet_with_world(&SimOptions::default(), clock.clone());
    let Err(error) = SimOperator::with_state(world, clock, state) else {
        panic!("an unusable configuration was taken")
    };
    assert!(error.contains("demo-wlm-configuration.json"), "{error}");
}
