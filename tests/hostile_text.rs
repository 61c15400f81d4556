//! Text from AWS that tries to drive the reader's terminal — an OSC 52 clipboard write and a
//! screen clear, a bidi override, a C1 CSI — staged on the emulator as an alarm's StateReason, a
//! table name and a Data API error, then read through every output: `check` as text, Markdown and
//! JSON, the console's screens and the incident record. None of them lets a control through.

mod support;

use std::process::{Command, Output};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use shiftops::config::Config;
use shiftops::source::aws::{self, Overrides};
use shiftops::source::refresh::refresh_once;
use shiftops::tui::Settings;
use shiftops::tui::app::{App, Effect};
use support::{
    ACCESS_KEY, Emulator, SECRET_KEY, central_sdk_config, integration_ids, stage_warehouse,
};

const OSC52_AND_CLEAR: &str = "\x1b]52;c;SGVsbG8=\x07\x1b[2J";
const BIDI: &str = "\u{202e}gnp.exe";
const C1: &str = "a\u{9b}b";

/// What each hostile piece looks like once made visible.
const SHOWN: [&str; 3] = [
    r"\x1b]52;c;SGVsbG8=\x07\x1b[2J",
    r"\u{202e}gnp.exe",
    r"a\u{9b}b",
];

/// Panics at the first character of `output` that could drive a terminal: a C0 control other
/// than a line feed (a tab included), DEL, a C1 control, a bidi embedding, override or isolate.
fn assert_inert(what: &str, output: &str) {
    for (at, c) in output.char_indices() {
        let bad = (c < ' ' && c != '\n')
            || c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(
            !bad,
            "{what}: {c:?} at byte {at}: {:?}",
            &output[at.saturating_sub(60)..(at + 60).min(output.len())]
        );
    }
}

fn shiftops(args: &[&str], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shiftops"))
        .args(args)
        .env("XDG_CONFIG_HOME", home)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        )
        .output()
        .expect("shiftops runs")
}

/// The standard fleet with its warehouse staged, then the hostile text put where AWS answers
/// with foreign text: tenant_b's paging alarm's reason, a table of tenant_a's integration that
/// is not synced, and the error of the load-errors statement.
fn hostile_fleet() -> (Emulator, tempfile::TempDir, std::path::PathBuf) {
    let (emulator, seeded) = Emulator::standard();
    let (a, c) = integration_ids(&seeded);
    stage_warehouse(&emulator, &a, &c);
    emulator.result_set(
        r"(?i)from\s+svv_integration_table_state",
        &[
            ("integration_id", "varchar"),
            ("schema_name", "varchar"),
            ("table_name", "varchar"),
            ("table_state", "varchar"),
            ("reason", "varchar"),
        ],
        json!([[
            a,
            "tenant_a",
            format!("orders{OSC52_AND_CLEAR}{BIDI}{C1}"),
            "Failed",
            format!("Unsupported DDL {OSC52_AND_CLEAR}")
        ]]),
    );
    emulator.post(
        "/_shiftops/redshift-data/results",
        json!({
            "pattern": r"(?i)from\s+sys_load_error_detail",
            "error": format!("ERROR: permission denied {OSC52_AND_CLEAR}{BIDI}\t{C1}\r\nforged line"),
        }),
    );
    emulator.result_set_on(
        "dpc-learning",
        support::FAILED_QUERIES_PATTERN,
        &support::FAILED_QUERIES_COLUMNS,
        json!([[
            41_008,
            format!("elt{OSC52_AND_CLEAR}"),
            "COPY",
            support::sql_time(chrono::Duration::minutes(1)),
            null,
            format!("Load failed {OSC52_AND_CLEAR}{BIDI}\r\nforged line"),
            format!("COPY tenant_b.orders {C1}\nFROM 's3://x/'{OSC52_AND_CLEAR}")
        ]]),
    );
    let url = emulator.url.clone();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        aws_sdk_cloudwatch::Client::new(&central_sdk_config(&url).await)
            .set_alarm_state()
            .alarm_name("Alert-COPY-Error")
            .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
            .state_reason(format!("Threshold Crossed {OSC52_AND_CLEAR} {BIDI} {C1}"))
            .send()
            .await
            .expect("SetAlarmState");
    });
    let dir = tempfile::tempdir().unwrap();
    let config = emulator.standard_config(dir.path());
    (emulator, dir, config)
}

#[test]
fn check_shows_hostile_text_from_aws_as_escapes_in_every_format() {
    let (_emulator, dir, config) = hostile_fleet();
    let config = config.to_str().unwrap();
    for format in ["text", "markdown", "json"] {
        let out = shiftops(
            &["check", "--config", config, "--format", format],
            dir.path(),
        );
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        let stderr = String::from_utf8(out.stderr).expect("UTF-8");
        assert_eq!(out.status.code(), Some(2), "{format}: {stdout}{stderr}");
        assert_inert(&format!("check --format {format}"), &stdout);
        assert_inert(&format!("check --format {format} (stderr)"), &stderr);
        if format == "json" {
            // The values are intact for a program; only their raw form is escaped.
            let json: Value = serde_json::from_str(&stdout).unwrap();
            let text = json.to_string();
            assert!(text.contains("Threshold Crossed"), "{text}");
            let reasons: Vec<&str> = json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| f["message"].as_str())
                .collect();
            assert!(
                reasons
                    .iter()
                    .any(|m| m.contains(OSC52_AND_CLEAR) && m.contains(BIDI) && m.contains(C1)),
                "the alarm's reason, as AWS wrote it: {reasons:?}"
            );
            assert!(
                reasons
                    .iter()
                    .any(|m| m.contains(&format!("orders{OSC52_AND_CLEAR}"))),
                "the table's name, as AWS wrote it: {reasons:?}"
            );
        } else {
            for shown in SHOWN {
                assert!(stdout.contains(shown), "{format}: {shown} in {stdout}");
            }
            assert!(
                stdout.contains(r"permission denied \x1b]52;c;"),
                "the Data API's error: {stdout}"
            );
            // A line break inside AWS's text does not start a line of the report.
            assert!(
                !stdout.lines().any(|l| l.starts_with("forged line")),
                "{stdout}"
            );
        }
    }
}

fn overrides() -> Overrides {
    Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    }
}

#[test]
fn the_console_and_the_incident_record_show_hostile_text_from_aws_as_escapes() {
    let (emulator, _dir, _config) = hostile_fleet();
    let config =
        Config::parse("config.toml", &support::standard_config(&emulator.url)).expect("config");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let snapshot = runtime.block_on(async {
        let fleet = aws::fleet(&config, &overrides()).expect("fleet");
        refresh_once(&fleet).await
    });
    let now = snapshot.sources[0].fetched_at.expect("read");
    let mut app = App::new(
        "live".into(),
        Settings::shipped(shiftops::i18n::Lang::En),
        snapshot,
        now,
    );
    let key = |app: &mut App, code: KeyCode| app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    let mut screens = Vec::new();
    for view in ['1', '2', '5', '7'] {
        key(&mut app, KeyCode::Char(view));
        screens.push(support::demo::render(&app, 200, 60));
    }
    // The newest failed query, read whole: its user, error and SQL as AWS wrote them, escaped.
    key(&mut app, KeyCode::Enter);
    let failed = support::demo::render(&app, 200, 60);
    assert!(failed.contains("Failed query 41008"), "{failed}");
    assert!(failed.contains(r"Load failed \x1b]52;c;"), "{failed}");
    screens.push(failed);
    key(&mut app, KeyCode::Esc);
    for (i, screen) in screens.iter().enumerate() {
        assert_inert(&format!("screen {i}"), screen);
    }
    assert!(
        screens.iter().any(|s| s.contains(r"\x1b]52;c;")),
        "the alarm's reason is shown, escaped: {}",
        screens.join("\n")
    );

    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char(':'));
    for c in "export incident.md".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let Effect::ExportIncident { markdown, .. } = key(&mut app, KeyCode::Enter) else {
        panic!("no export");
    };
    assert_inert("the incident record", &markdown);
    for shown in SHOWN {
        assert!(markdown.contains(shown), "{shown} in {markdown}");
    }
}

/// A theme or keymap name is the user's text, and it comes back in the error: escaped there too,
/// in the file name it was looked for under as in the message.
#[test]
fn a_theme_or_keymap_name_with_controls_is_refused_with_the_name_escaped() {
    let home = tempfile::tempdir().unwrap();
    let hostile = format!("x{OSC52_AND_CLEAR}{BIDI}");
    for option in ["--theme", "--keymap"] {
        let out = shiftops(&["demo", option, &hostile], home.path());
        let stderr = String::from_utf8(out.stderr).expect("UTF-8");
        assert_ne!(out.status.code(), Some(0), "{option}: {stderr}");
        assert!(out.stdout.is_empty(), "{option}: nothing on stdout");
        assert_inert(option, &stderr);
        let kind = &option[2..];
        assert!(
            stderr.contains(&format!(
                "no {kind} named \"x\\x1b]52;c;SGVsbG8=\\x07\\x1b[2J\\u{{202e}}gnp.exe\""
            )),
            "{option}: {stderr}"
        );
    }
}
