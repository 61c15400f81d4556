//! The terminal is handed back whatever ends the console — a quit, SIGTERM, SIGHUP, a panic, no
//! terminal at all — and the console is readable on an 80×24 SSH-like terminal and without colour.
//!
//! The real binary runs under a pseudo-terminal (tests/support/pty_drive.py). Screens are rendered
//! into ratatui's `TestBackend` at 80×24 and compared with insta snapshots.

mod support;

use support::demo::{SimDemo, sim_demo, start};

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use shiftops::action::Operator;
use shiftops::action::sim::SimOperator;
use shiftops::i18n::Lang;
use shiftops::model::SourceId;
use shiftops::source::refresh::refresh_once;
use shiftops::source::sim::{self, Scenario, SimOptions};
use shiftops::source::{Fleet, SystemClock};
use shiftops::tui::action::{Action, View};
use shiftops::tui::app::{App, Effect};
use shiftops::tui::recovery::ActionEvent;
use shiftops::tui::{Extras, Settings, theme, views};
use support::terminal::{PanickingClock, PtyOptions, PtyRun, run_helper_in_pty, run_in_pty};

fn shiftops_bin() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_shiftops"))
}

/// `shiftops demo` under an 80×24 pseudo-terminal, with its own config and state directories.
fn demo(extra_env: &[(&str, &str)], options: PtyOptions<'_>) -> PtyRun {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    let state = home.path().join("state");
    let mut env = vec![
        ("XDG_CONFIG_HOME", config.to_str().unwrap()),
        ("XDG_STATE_HOME", state.to_str().unwrap()),
    ];
    env.extend_from_slice(extra_env);
    run_in_pty(shiftops_bin(), &["demo"], &env, options)
}

fn assert_restored(run: &PtyRun) {
    assert!(!run.timed_out, "{}", run.text());
    assert!(
        run.restored(),
        "the terminal was not handed back (icanon {}, echo {}):\n{:?}",
        run.icanon,
        run.echo,
        run.text()
    );
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    let run = demo(
        &[],
        PtyOptions {
            wait_for: Some("Overview"),
            signal: Some("TERM"),
            ..PtyOptions::default()
        },
    );
    assert_restored(&run);
    assert_eq!(run.code, Some(128 + 15), "{:?}", run.text());
    // The very last thing written leaves the alternate screen and shows the cursor.
    let text = run.text();
    let tail = &text[text.len().saturating_sub(24)..];
    assert!(
        tail.contains("\x1b[?1049l") && tail.ends_with("\x1b[?25h"),
        "{tail:?}"
    );
}

#[test]
fn sighup_of_a_lost_session_restores_the_terminal_too() {
    let run = demo(
        &[],
        PtyOptions {
            wait_for: Some("Overview"),
            signal: Some("HUP"),
            ..PtyOptions::default()
        },
    );
    assert_restored(&run);
    assert_eq!(run.code, Some(128 + 1));
}

/// Ctrl-Z, as SIGTSTP (`kill -TSTP`, or a terminal not in raw mode) or as the key (in raw mode
/// the terminal sends the key): the console hands the terminal back and stops; SIGCONT (`fg`)
/// takes it again and redraws the whole screen; it then quits as usual.
fn suspends_and_resumes(how: &str) {
    let run = demo(
        &[],
        PtyOptions {
            wait_for: Some("Overview"),
            suspend: Some(how),
            send: Some("q"),
            ..PtyOptions::default()
        },
    );
    assert!(!run.timed_out, "{how}: {:?}", run.text());
    assert!(
        run.stopped,
        "{how}: the process did not stop: {:?}",
        run.text()
    );
    assert!(
        run.stopped_icanon && run.stopped_echo,
        "{how}: stopped with the terminal raw"
    );
    let (before, after) = run.output.split_at(run.stopped_at);
    let before = String::from_utf8_lossy(before);
    let after = String::from_utf8_lossy(after);
    // The last thing written before stopping hands the terminal back.
    assert!(
        before.ends_with("\x1b[?1049l\x1b[?25h"),
        "{how}: {:?}",
        &before[before.len().saturating_sub(40)..]
    );
    // After SIGCONT: the alternate screen again, cleared, and the whole screen drawn anew.
    let entered = after
        .find("\x1b[?1049h")
        .expect("the alternate screen again");
    let cleared = after
        .find("\x1b[2J")
        .unwrap_or_else(|| panic!("{how}: the screen is not cleared: {after:?}"));
    assert!(entered < cleared, "{how}: {after:?}");
    assert!(after[cleared..].contains("Overview"), "{how}: {after:?}");
    assert!(after[cleared..].contains("tenant_a"), "{how}: {after:?}");
    // And the console still takes keys: `q` quits, the terminal handed back.
    assert_restored(&run);
    assert_eq!(run.code, Some(0), "{how}: {:?}", run.text());
}

#[test]
fn sigtstp_hands_the_terminal_back_and_sigcont_takes_it_again() {
    suspends_and_resumes("signal");
}

#[test]
fn ctrl_z_in_raw_mode_suspends_like_sigtstp() {
    suspends_and_resumes("key");
}

#[test]
fn quitting_restores_the_terminal_and_no_color_means_no_colour() {
    let run = demo(
        &[("NO_COLOR", "1")],
        PtyOptions {
            wait_for: Some("Overview"),
            send: Some("q"),
            ..PtyOptions::default()
        },
    );
    assert_restored(&run);
    assert_eq!(run.code, Some(0));
    let colours = colour_sequences(&run.output);
    assert!(colours.is_empty(), "NO_COLOR, yet: {colours:?}");
    // And the same console with colours does use them (the check above can fail).
    let coloured = demo(
        &[],
        PtyOptions {
            wait_for: Some("Overview"),
            send: Some("q"),
            ..PtyOptions::default()
        },
    );
    assert!(!colour_sequences(&coloured.output).is_empty());
}

/// Every SGR sequence (`ESC [ … m`) that sets a foreground or background colour.
fn colour_sequences(output: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(output);
    let mut found = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("\x1b[") {
        let after = &rest[start + 2..];
        let end = after
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (params, terminator) = (&after[..end], after[end..].chars().next());
        if terminator == Some('m') {
            let codes: Vec<&str> = params.split(';').collect();
            let mut i = 0;
            while i < codes.len() {
                let code: u32 = codes[i].parse().unwrap_or(0);
                match code {
                    30..=37 | 40..=47 | 90..=97 | 100..=107 => found.push(params.to_string()),
                    38 | 48 | 58 => {
                        found.push(params.to_string());
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        rest = &after[end.min(after.len())..];
    }
    found
}

#[test]
fn a_panic_in_the_console_restores_the_terminal_before_the_report() {
    let run = run_helper_in_pty(
        "helper_console_that_panics",
        &[("SHIFTOPS_TEST_HELPER", "1")],
    );
    assert_restored(&run);
    assert_ne!(run.code, Some(0));
    let report = run.after_leaving();
    assert!(
        report.contains("The application panicked") && report.contains("the clock broke"),
        "the report is readable on the main screen, after the console left:\n{report}"
    );
}

#[test]
#[ignore = "a helper process: run by a_panic_in_the_console_restores_the_terminal_before_the_report"]
fn helper_console_that_panics() {
    if std::env::var_os("SHIFTOPS_TEST_HELPER").is_none() {
        return;
    }
    // As main() does: the reports first, then the console.
    shiftops::cli::install_hooks().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fleet = sim::fleet(&SimOptions::default(), Arc::new(SystemClock));
    let fleet = Fleet {
        clock: Arc::new(PanickingClock::new(fleet.clock.clone(), 2)),
        ..fleet
    };
    let code = runtime.block_on(shiftops::tui::run(
        fleet,
        settings(),
        "panics".into(),
        Extras::default(),
    ));
    unreachable!("the clock panics first: {code:?}");
}

/// A source with a bug: every fetch panics.
struct PanickingSource;

#[async_trait::async_trait]
impl shiftops::source::Source for PanickingSource {
    fn id(&self) -> SourceId {
        SourceId::Logs
    }

    fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(1)
    }

    async fn fetch(&self) -> Result<shiftops::model::SourceData, shiftops::source::SourceError> {
        panic!("a bug in the logs source");
    }
}

#[test]
fn a_panic_in_a_source_is_its_error_and_the_console_goes_on() {
    // In-process: the panic becomes the source's error, and the source keeps refreshing.
    let fleet = Fleet {
        sources: vec![Arc::new(PanickingSource)],
        ..sim::fleet(&SimOptions::default(), Arc::new(SystemClock))
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let snapshot = runtime.block_on(refresh_once(&fleet));
    assert_eq!(
        snapshot.source(SourceId::Logs).unwrap().error.as_deref(),
        Some("internal error: a bug in the logs source")
    );

    // Under a terminal: the console shows the error, stays in its screen, and quits normally.
    let run = run_in_pty(
        &std::env::current_exe().unwrap(),
        &[
            "helper_console_with_a_panicking_source",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ],
        &[("SHIFTOPS_TEST_HELPER", "1")],
        PtyOptions {
            wait_for: Some("a bug in the logs source"),
            send: Some("q"),
            ..PtyOptions::default()
        },
    );
    assert_restored(&run);
    assert_eq!(run.code, Some(0), "{:?}", run.text());
    let text = run.text();
    assert_eq!(
        text.matches("\x1b[?1049l").count(),
        1,
        "the terminal was handed back once, at the end: {text:?}"
    );
    assert!(
        !text.contains("panicked"),
        "no report over the screen: {text:?}"
    );
}

#[test]
#[ignore = "a helper process: run by a_panic_in_a_source_is_its_error_and_the_console_goes_on"]
fn helper_console_with_a_panicking_source() {
    if std::env::var_os("SHIFTOPS_TEST_HELPER").is_none() {
        return;
    }
    shiftops::cli::install_hooks().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut fleet = sim::fleet(&SimOptions::default(), Arc::new(SystemClock));
    fleet.sources.retain(|s| s.id() != SourceId::Logs);
    fleet.sources.push(Arc::new(PanickingSource));
    let code = runtime
        .block_on(shiftops::tui::run(
            fleet,
            settings(),
            "panicking source".into(),
            Extras::default(),
        ))
        .unwrap();
    assert_eq!(code, 0);
}

/// `shiftops ARGS` with stdin and stdout as given and stderr piped, with its own directories.
fn without_terminal(
    args: &[&str],
    stdin: std::process::Stdio,
    stdout: std::process::Stdio,
) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    std::process::Command::new(shiftops_bin())
        .args(args)
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .stdin(stdin)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn without_a_terminal_the_console_says_so_and_does_not_panic() {
    use std::process::Stdio;
    // stdout into a pipe (`shiftops demo | less`, a cron job): not one byte goes there.
    let out = without_terminal(&["demo"], Stdio::null(), Stdio::piped());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "shiftops demo needs a terminal: stdout is not a terminal; use `shiftops check --demo` for a report\n"
    );
    assert!(
        out.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = without_terminal(&["demo", "--lang", "ja"], Stdio::null(), Stdio::piped());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("shiftops demo には端末が必要です: stdout が端末ではありません"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    // stdin not a terminal, stdout a terminal of sorts: the pseudo-terminal of the pty driver
    // sees the output, so nothing at all reaches it either.
    let run = run_in_pty(
        shiftops_bin(),
        &["demo"],
        &[],
        PtyOptions {
            stdin_null: true,
            ..PtyOptions::default()
        },
    );
    assert_eq!(run.code, Some(1), "{:?}", run.text());
    assert_eq!(
        run.text().replace("\r\n", "\n"),
        "shiftops demo needs a terminal: stdin is not a terminal; use `shiftops check --demo` for a report\n"
    );

    // The console's own check, for any caller of `tui::run`: an error, nothing written.
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "helper_console_without_a_terminal",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SHIFTOPS_TEST_HELPER", "1")
        .env("XDG_STATE_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        !stdout.contains('\x1b'),
        "no escapes into a pipe: {stdout:?}"
    );
}

#[test]
#[ignore = "a helper process: run by without_a_terminal_the_console_says_so_and_does_not_panic"]
fn helper_console_without_a_terminal() {
    if std::env::var_os("SHIFTOPS_TEST_HELPER").is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fleet = sim::fleet(&SimOptions::default(), Arc::new(SystemClock));
    let error = runtime
        .block_on(shiftops::tui::run(
            fleet,
            settings(),
            "no terminal".into(),
            Extras::default(),
        ))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the console needs a terminal: stdout is not a terminal; `shiftops check` writes a report instead"
    );
}

fn settings() -> Settings {
    Settings::shipped(Lang::En)
}

/// The console on the simulated fleet, and a planner for its action dialog.
struct Console {
    app: App,
    operator: SimOperator,
    runtime: tokio::runtime::Runtime,
}

fn app(scenario: Scenario, settings: Settings) -> Console {
    let SimDemo {
        clock,
        world,
        runtime,
        snapshot,
        ..
    } = sim_demo(scenario, 3);
    Console {
        app: App::new("demo".into(), settings, snapshot, start()),
        operator: SimOperator::new(world, clock),
        runtime,
    }
}

fn terminal(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| {
            views::draw(frame, app);
        })
        .unwrap();
    terminal
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Every screen the console has: each view, the tenant view, a runbook, help, the action menu and
/// the action dialog.
fn every_screen(console: &mut Console, mut visit: impl FnMut(&str, &App)) {
    let app = &mut console.app;
    for view in View::TABS {
        app.dispatch(Action::Show(view));
        visit(view.command(), app);
    }
    app.dispatch(Action::ShowTenant("tenant_b".into()));
    visit("tenant", app);
    app.run_command("runbook copy-error");
    visit("runbook", app);
    app.dispatch(Action::Show(View::Overview));
    app.on_key(key(KeyCode::Char('?')));
    visit("help", app);
    app.on_key(key(KeyCode::Esc));
    app.on_key(key(KeyCode::Char('a')));
    visit("menu", app);
    app.on_key(key(KeyCode::Esc));
    let Effect::PlanAction(request) = app.run_command("pause-adhoc") else {
        panic!("pause-adhoc opens the dialog")
    };
    let plan = console
        .runtime
        .block_on(console.operator.plan(&request))
        .unwrap();
    app.on_action_event(ActionEvent::Planned(Ok(Box::new(plan))));
    visit("dialog", app);
    app.on_key(key(KeyCode::Esc));
}

#[test]
fn every_screen_is_readable_at_80x24() {
    let mut console = app(Scenario::CopyError, settings());
    every_screen(&mut console, |name, app| {
        let screen = terminal(app).backend().to_string();
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines.len(), 24, "{name}");
        // The fleet's status is always on the first line; the sources on the second to last.
        assert!(lines[0].contains("CRIT"), "{name}: {}", lines[0]);
        assert!(
            lines[22].contains("rds") && lines[22].contains("logs"),
            "{name}: {}",
            lines[22]
        );
        insta::assert_snapshot!(format!("at_80x24_{name}"), screen);
    });
}

#[test]
fn without_colour_no_cell_has_a_colour_on_any_screen_in_any_theme() {
    for name in theme::SHIPPED {
        let mut settings = settings();
        settings.theme = theme::load(name).unwrap().no_color();
        let mut console = app(Scenario::CopyError, settings);
        every_screen(&mut console, |screen, app| {
            let terminal = terminal(app);
            for cell in terminal.backend().buffer().content() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "{name}/{screen}: {:?} has a colour",
                    cell
                );
            }
        });
    }
}
