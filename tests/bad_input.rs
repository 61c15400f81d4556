//! Bad input never breaks the console. Property tests feed arbitrary and mutated text to every
//! parser of a user file (config, keymap, theme, runbook): none panics, and every error names
//! `file:line:column` inside the text. Names that reach SQL are identifiers, refused otherwise,
//! and quoted anyway. Random keys, text and resize storms on every screen never panic or hang.

mod support;

use support::drive::perform_action;

use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use shiftops::action::audit::AuditLog;
use shiftops::action::sim::SimOperator;
use shiftops::action::{Actions, Request, StateDir};
use shiftops::config::{Config, is_identifier};
use shiftops::datafile::DataFileError;
use shiftops::i18n::Lang;
use shiftops::model::{Snapshot, Time};
use shiftops::source::ManualClock;
use shiftops::source::aws::sql::{quote_identifier, quote_literal, schema_list};
use shiftops::source::refresh::refresh_once;
use shiftops::source::sim::{self, Scenario, SimOptions};
use shiftops::tui::action::{Action, View};
use shiftops::tui::app::{App, Effect};
use shiftops::tui::{Settings, keymap, runbook, theme, views};

// -- positions -------------------------------------------------------------------------------

/// The error names `path`, and its line and column (1-based, in characters) lie inside `text`:
/// at most one past the end of the line it names.
fn assert_positioned(error: &DataFileError, path: &str, text: &str) {
    assert_eq!(error.path, path, "{error}");
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(
        (1..=lines.len()).contains(&error.line),
        "line {} of {}: {error}",
        error.line,
        lines.len()
    );
    let width = lines[error.line - 1].chars().count();
    assert!(
        (1..=width + 1).contains(&error.column),
        "column {} of a {width}-character line: {error}",
        error.column
    );
    let prefix = format!("{path}:{}:{}: ", error.line, error.column);
    assert!(error.to_string().starts_with(&prefix), "{error}");
    assert!(!error.message.is_empty());
}

// -- what to feed the parsers ----------------------------------------------------------------

const CONFIG: &str = r#"
[aws]
region = "us-east-1"
max_attempts = 3
[redshift]
cluster_identifier = "dpc-learning"
database = "dev"
secret_arn = "arn:aws:secretsmanager:us-east-1:999999999999:secret:shiftops-AbCdEf"
[elt]
state_machine_arn = "arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt"
[refresh]
timeout_seconds = 60
[[tenants]]
name = "tenant_a"
schema = "tenant_a"
account_id = "111111111111"
role_arn = "arn:aws:iam::111111111111:role/ShiftopsReadOnly"
cluster_identifier = "tenant-a-mysql"
integration = "tenant-a-to-central-integration"
[[tenants]]
name = "tenant_b"
account_id = "222222222222"
profile = "tenant-b"
cluster_identifier = "tenant-b-mysql"
export = { bucket = "tenant-b-snapshots", prefix = "tenant_b/" }
[thresholds]
elt_delay_minutes = 90
critical_alarms = ["Alert-ELT-Delay"]
[ui]
theme = "light"
"#;

const KEYMAP: &str = include_str!("../keymaps/vim.toml");
const THEME: &str = include_str!("../themes/high-contrast.toml");
const RUNBOOK: &str = include_str!("../runbooks/wlm-queue-overload.toml");

/// Pieces of TOML and of these files, to build text that gets past the first token.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "\n",
    "\r\n",
    "\t",
    " ",
    "#",
    "{",
    "}",
    ",",
    ".",
    "\\",
    "\\u00e9",
    "\\U0001F600",
    "1",
    "-1",
    "1e999",
    "0x10",
    "true",
    "nan",
    "inf",
    "1979-05-27T07:32:00Z",
    "[[tenants]]\n",
    "name = ",
    "schema = ",
    "[bindings]\n",
    "quit = ",
    "[\"ctrl-\"]",
    "[\"alt-shift-ctrl-x\"]",
    "\"f13\"",
    "extends = ",
    "\"dark\"",
    "fg = \"#12345g\"",
    "[text]\n",
    "[[steps]]\n",
    "phase = \"triage\"\n",
    "kind = \"action\"\n",
    "action = \"vacuum\"\n",
    "view = \"wlm\"\n",
    "id = \"fuzz\"\n",
    "テナント",
    "é",
    "\u{0}",
    "\u{7f}",
    "\u{202e}",
    "🙂",
];

fn fragments() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

/// A valid file with a few random edits: deletions, insertions, replacements.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0usize..12,
        "\\PC{0,6}|[\\[\\]=\"'\\n{},#\\\\]{1,3}",
    );
    prop::collection::vec(edit, 1..6).prop_map(move |edits| {
        let mut text: Vec<char> = base.chars().collect();
        for (at, remove, insert) in edits {
            let at = at.index(text.len() + 1);
            let end = (at + remove).min(text.len());
            text.splice(at..end, insert.chars());
        }
        text.into_iter().collect()
    })
}

/// Any text at all: arbitrary Unicode, arbitrary bytes read as text, fragments, or an edited file.
fn text_like(base: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        fragments(),
        mutated(base),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn config_parse_never_panics_and_positions_every_error(text in text_like(CONFIG)) {
        if let Err(error) = Config::parse("fuzz/config.toml", &text) {
            assert_positioned(&error, "fuzz/config.toml", &text);
        }
    }

    #[test]
    fn a_user_keymap_never_panics_and_positions_every_error(text in text_like(KEYMAP)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keymap.toml");
        std::fs::write(&path, &text).unwrap();
        if let Err(error) = keymap::load("default", Some(&path)) {
            assert_positioned(&error, &path.display().to_string(), &text);
        }
    }

    #[test]
    fn theme_parse_never_panics_and_positions_every_error(text in text_like(THEME)) {
        if let Err(error) = theme::parse("themes/fuzz.toml", &text) {
            assert_positioned(&error, "themes/fuzz.toml", &text);
        }
    }

    #[test]
    fn runbook_parse_never_panics_and_positions_every_error(text in text_like(RUNBOOK)) {
        let text = text.replace("wlm-queue-overload", "fuzz");
        if let Err(error) = runbook::parse("runbooks/fuzz.toml", &text) {
            assert_positioned(&error, "runbooks/fuzz.toml", &text);
        }
    }

    #[test]
    fn files_of_any_bytes_load_or_fail_at_a_position(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, &bytes).unwrap();
        if let Err(error) = Config::load(Some(&path)) {
            let text = String::from_utf8(bytes.clone()).unwrap_or_default();
            assert_positioned(&error, &path.display().to_string(), &text);
        }
    }
}

#[test]
fn the_base_files_are_valid_so_the_mutations_test_something() {
    Config::parse("config.toml", CONFIG).unwrap();
    theme::parse("themes/fuzz.toml", THEME).unwrap();
    runbook::parse(
        "runbooks/fuzz.toml",
        &RUNBOOK.replace("wlm-queue-overload", "fuzz"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, KEYMAP).unwrap();
    keymap::load("default", Some(&path)).unwrap();
}

// -- names that reach SQL --------------------------------------------------------------------

/// `text` as a TOML basic string, whatever it holds.
fn toml_string(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

const INJECTIONS: &[&str] = &[
    "tenant_a'; DROP TABLE x; --",
    "tenant_a\"; DROP TABLE x; --",
    "tenant_a' OR '1'='1",
    "tenant_a\\'; DROP TABLE x; --",
    "tenant_a\n; DROP TABLE x",
    "tenant_a;",
    "tenant a",
    "tenant-a",
    "テナント",
    "tenant_ａ",
    "tenant_a\u{0}",
    "\u{202e}a_tnanet",
    "",
    "1tenant",
    "$tenant",
];

/// A name that is not an identifier cannot reach SQL: as a schema it is refused, and as a tenant
/// name (shown, never run) it needs a schema of its own that is one.
fn assert_refused_in_config(name: &str) {
    let cases = [
        ("schema = \"tenant_a\"", "schema", "must be an identifier"),
        // tenant_b has no schema: its name would be the schema.
        ("name = \"tenant_b\"", "name", "identifier"),
    ];
    for (line, key, why) in cases {
        let text = CONFIG.replacen(line, &format!("{key} = {}", toml_string(name)), 1);
        let error = Config::parse("config.toml", &text)
            .expect_err(&format!("{key} {name:?} must be refused"));
        assert_positioned(&error, "config.toml", &text);
        assert!(
            error.message.contains(why) || error.message.contains("printable"),
            "{key} {name:?}: {error}"
        );
        let line_of_key = text
            .lines()
            .position(|l| l.starts_with(&format!("{key} = ")) && l != "name = \"tenant_a\"")
            .unwrap()
            + 1;
        assert_eq!(error.line, line_of_key, "{error}");
    }
}

/// A tenant name with a schema of its own may be any printable text: the SQL has only schemas.
fn assert_shown_not_run(name: &str) {
    let text = CONFIG.replacen(
        "name = \"tenant_a\"",
        &format!("name = {}", toml_string(name)),
        1,
    );
    match Config::parse("config.toml", &text) {
        Ok(config) => {
            let schemas: Vec<String> = config.tenants().into_iter().map(|t| t.schema).collect();
            assert_eq!(schemas, ["tenant_a", "tenant_b"]);
            let sql = shiftops::source::aws::sql::load_errors(
                &schema_list(schemas.iter().map(String::as_str)).unwrap(),
            );
            // The SQL is built from the schemas alone: the name never reaches it (a name may
            // still happen to be part of the fixed text, as "lin" is of line_number).
            let quoted = shiftops::source::aws::sql::quote_literal(name);
            assert!(name.len() < 3 || !sql.contains(&quoted), "{sql}");
        }
        Err(error) => {
            assert_positioned(&error, "config.toml", &text);
            assert_eq!(error.line, 14, "{error}");
        }
    }
}

#[test]
fn injection_attempts_in_tenant_and_schema_names_are_refused() {
    for name in INJECTIONS {
        assert!(!is_identifier(name), "{name:?}");
        assert_refused_in_config(name);
        assert_shown_not_run(name);
        assert!(schema_list([*name]).is_err(), "{name:?}");
        assert!(schema_list(["tenant_b", name]).is_err(), "{name:?}");
    }
    assert_eq!(
        schema_list(["tenant_a", "tenant_b"]).unwrap(),
        "'tenant_a', 'tenant_b'"
    );
}

/// What Redshift reads back from a quoted literal: quotes and backslashes undoubled.
fn unquote_literal(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '\\' => {
                // Inside the literal, each must come doubled; a single one would end or escape.
                if chars.next()? != c {
                    return None;
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Some(out)
}

fn unquote_identifier(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '"' && chars.next()? != '"' {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    #[test]
    fn quoting_round_trips_and_never_lets_text_out(text in any::<String>()) {
        prop_assert_eq!(unquote_literal(&quote_literal(&text)), Some(text.clone()));
        prop_assert_eq!(unquote_identifier(&quote_identifier(&text)), Some(text.clone()));
        if !is_identifier(&text) {
            prop_assert!(schema_list([text.as_str()]).is_err());
        }
    }

    #[test]
    fn names_that_are_not_identifiers_never_reach_sql(name in "\\PC{0,12}|[a-z_'\";\\\\ -]{1,12}") {
        if !is_identifier(&name) {
            assert_refused_in_config(&name);
        }
        assert_shown_not_run(&name);
    }
}

// -- the console -----------------------------------------------------------------------------

fn start() -> Time {
    Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap()
}

fn settings() -> Settings {
    Settings {
        keymap: keymap::load("vim", None).unwrap(),
        ..Settings::shipped(Lang::En)
    }
}

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let fleet = sim::fleet(
            &SimOptions {
                tenants: 5,
                scenario: Scenario::CopyError,
                seed: 3,
                ..SimOptions::default()
            },
            Arc::new(ManualClock::new(start())),
        );
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(refresh_once(&fleet))
    })
}

/// The console with a simulated operator; effects are carried out at once, as the event loop
/// would, except writing files.
struct Console {
    app: App,
    actions: Actions,
    runtime: tokio::runtime::Runtime,
    terminal: Terminal<TestBackend>,
    _state: tempfile::TempDir,
}

impl Console {
    fn new(view: usize) -> Console {
        let clock = Arc::new(ManualClock::new(start()));
        let (_, world) = sim::fleet_with_world(
            &SimOptions {
                tenants: 5,
                scenario: Scenario::CopyError,
                seed: 3,
                ..SimOptions::default()
            },
            clock.clone(),
        );
        let state = tempfile::tempdir().unwrap();
        let log = AuditLog::open(StateDir::at(state.path()).lock().unwrap()).unwrap();
        let mut app = App::new("fuzz".into(), settings(), snapshot().clone(), start());
        match view {
            0..7 => {
                app.dispatch(Action::Show(View::TABS[view]));
            }
            7 => {
                app.dispatch(Action::ShowTenant("tenant_b".into()));
            }
            _ => {
                app.run_command("runbook copy-error");
            }
        }
        Console {
            app,
            actions: Actions::new(Arc::new(SimOperator::new(world, clock)), false, Some(log)),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
            _state: state,
        }
    }

    fn perform(&mut self, effect: Effect) {
        if perform_action(&mut self.app, &self.actions, &self.runtime, &effect).is_some() {
            return;
        }
        match effect {
            Effect::FetchAlarmHistory(alarm) => self
                .app
                .on_alarm_history(alarm.key().to_string(), Ok(Vec::new())),
            Effect::ExportIncident { markdown, .. } => assert!(!markdown.is_empty()),
            _ => {}
        }
    }

    fn step(&mut self, step: &Step) {
        match step {
            Step::Key(key) => {
                let effect = self.app.on_key(*key);
                self.perform(effect);
            }
            Step::Type(text) => {
                for c in text.chars() {
                    let effect = self
                        .app
                        .on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
                    self.perform(effect);
                }
            }
            Step::Command(text) => {
                let effect = self.app.run_command(text);
                self.perform(effect);
            }
            Step::Filter(text) => {
                let effect = self.app.dispatch(Action::SetFilter(text.clone()));
                self.perform(effect);
            }
            Step::Resize(width, height) => self.terminal.backend_mut().resize(*width, *height),
        }
        let app = &mut self.app;
        let mut drawn = None;
        self.terminal
            .draw(|frame| drawn = Some(views::draw(frame, app)))
            .unwrap();
        app.drawn(drawn.unwrap());
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(KeyEvent),
    /// Characters typed one by one, in whatever mode the console is.
    Type(String),
    /// A `:` command line, as typed.
    Command(String),
    /// A `/` filter, as typed.
    Filter(String),
    Resize(u16, u16),
}

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        4 => any::<char>().prop_map(KeyCode::Char),
        4 => prop::sample::select(vec!['a', 'j', 'k', 'g', 'G', 'q', 'r', 't', '/', ':', '?', '1', '2', '3', '4', '5', '6', '7'])
            .prop_map(KeyCode::Char),
        6 => prop::sample::select(vec![
            KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab, KeyCode::Backspace,
            KeyCode::Up, KeyCode::Down, KeyCode::Left, KeyCode::Right, KeyCode::Home, KeyCode::End,
            KeyCode::PageUp, KeyCode::PageDown, KeyCode::Delete, KeyCode::Insert, KeyCode::Null,
            KeyCode::F(1), KeyCode::F(12), KeyCode::CapsLock,
        ]),
    ]
}

fn key_event() -> impl Strategy<Value = KeyEvent> {
    (key_code(), 0u8..=255, 0usize..10).prop_map(|(code, bits, kind)| KeyEvent {
        code,
        modifiers: KeyModifiers::from_bits_truncate(bits),
        kind: match kind {
            0 => KeyEventKind::Release,
            1 => KeyEventKind::Repeat,
            _ => KeyEventKind::Press,
        },
        state: KeyEventState::NONE,
    })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        prop::sample::select(vec![
            "tenant tenant_b",
            "vacuum tenant_b",
            "analyze tenant_a'; DROP TABLE x; --",
            "resync tenant_a all",
            "pause-adhoc cancel",
            "resume-adhoc",
            "rerun",
            "cancel -1",
            "cancel 99999999999999999999",
            "start-export tenant_b",
            "runbook copy-error",
            "note ✓",
            "export /dev/null",
            "tenant テナント",
            "wlm",
            "help",
            "q",
            "",
            " ",
            "\u{0}",
        ])
        .prop_map(str::to_string),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => key_event().prop_map(Step::Key),
        2 => any_text().prop_map(Step::Type),
        2 => any_text().prop_map(Step::Command),
        1 => any_text().prop_map(Step::Filter),
        2 => (0u16..=260, 0u16..=90).prop_map(|(w, h)| Step::Resize(w, h)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn random_keys_text_and_resizes_on_every_screen_never_panic_or_hang(
        view in 0usize..9,
        steps in prop::collection::vec(step(), 1..120),
    ) {
        // Each case runs on its own thread with a generous ceiling: a step that never returns
        // fails the test instead of hanging it.
        let (done, finished) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            let mut console = Console::new(view);
            for step in &steps {
                console.step(step);
            }
            let _ = done.send(());
        });
        match finished.recv_timeout(Duration::from_secs(120)) {
            Ok(()) => worker.join().unwrap(),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // The worker panicked: report its panic.
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("a step did not return"),
        }
    }
}

#[test]
fn injection_through_command_mode_names_no_tenant_and_runs_nothing() {
    let mut console = Console::new(0);
    let known: Vec<String> = snapshot().tenants.iter().map(|t| t.name.clone()).collect();
    for name in INJECTIONS {
        for command in ["vacuum", "analyze", "resync", "start-export", "tenant"] {
            let effect = console.app.run_command(&format!("{command} {name}"));
            // Words are split at whitespace: `tenant_a\n; DROP …` names tenant_a, and the rest is
            // ignored. Whatever is asked for names a tenant the console knows.
            if let Effect::PlanAction(request) = &effect {
                let tenant = request.tenant().unwrap();
                assert!(
                    known.iter().any(|k| k == tenant),
                    ":{command} {name:?} gave {effect:?}"
                );
                // (An empty name means the selected row's tenant.)
                if let Some(first) = name.split_whitespace().next() {
                    assert_eq!(first, tenant, "{name:?}");
                }
                console
                    .app
                    .on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            }
        }
    }
    // And the operator refuses a request that names no tenant it knows, whoever built it.
    let refused = console
        .runtime
        .block_on(console.actions.plan(&Request::Vacuum {
            tenant: INJECTIONS[0].into(),
        }));
    assert!(refused.is_err(), "{refused:?}");
}
