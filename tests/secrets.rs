//! Secrets never leave the process: credentials (access key, secret key, session token), the
//! credentials STS hands out for the tenants' roles, and the value behind the warehouse's
//! `secret_arn` appear in no log, audit record, report, incident record, error or panic.
//!
//! The console runs on distinctive fake credentials against the emulator, through the fault proxy
//! so that errors of every kind are formatted, and every text it produces is searched for them.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use shiftops::action::audit::AuditLog;
use shiftops::action::aws::AwsOperator;
use shiftops::action::{ActionUpdate, Actions, Progress, Request, ResyncScope, StateDir};
use shiftops::config::Config;
use shiftops::i18n::Lang;
use shiftops::source::aws::{self, Overrides};
use shiftops::source::refresh::refresh_once;
use shiftops::source::{Fleet, SystemClock};
use shiftops::tui::app::App;
use shiftops::tui::recovery::ActionEvent;
use shiftops::tui::{Extras, Settings};
use support::faults::FaultProxy;
use support::terminal::{PanickingClock, run_helper_in_pty};
use support::{Emulator, integration_ids, stage_warehouse};

/// Central credentials as an engineer who assumed a role has them: moto treats the unknown key as
/// the central account's.
const ACCESS_KEY: &str = "ASIAFAKELEAKCHECK777";
const SECRET_KEY: &str = "fake+Secret/Key+LeakCheck+9c2f7e1b44aa";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEFAKE//session+token+LeakCheck+0d83c5e6f2";
/// The warehouse password stored in Secrets Manager, behind `secret_arn`.
const SECRET_VALUE: &str = "warehouse-Pa55word-LeakCheck-5e1d";

/// Stores the warehouse's credentials in the emulator's Secrets Manager; returns the secret's ARN.
fn store_secret(emulator: &Emulator) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(&format!("{}/", emulator.url))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "secretsmanager.CreateSecret")
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIASHIFTOPSTEST0001/20261121/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0",
        )
        .send(
            json!({
                "Name": "shiftops/warehouse",
                "SecretString": json!({"username": "shiftops", "password": SECRET_VALUE}).to_string(),
            })
            .to_string(),
        )
        .unwrap();
    let text = response.body_mut().read_to_string().unwrap();
    assert!(response.status().is_success(), "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    answer["ARN"].as_str().unwrap().to_string()
}

struct Setup {
    emulator: Emulator,
    proxy: FaultProxy,
    dir: tempfile::TempDir,
    config_path: std::path::PathBuf,
    config: Config,
}

fn setup() -> Setup {
    let (emulator, seeded) = Emulator::standard();
    let (a, c) = integration_ids(&seeded);
    stage_warehouse(&emulator, &a, &c);
    let arn = store_secret(&emulator);
    let proxy = FaultProxy::start(&emulator.url);
    let text = support::standard_config(&proxy.url)
        .replace(
            "db_user = \"shiftops\"",
            &format!("secret_arn = \"{arn}\""),
        )
        .replace(
            "export = { bucket = \"tenant-b-snapshots\", prefix = \"tenant_b/\" }",
            "export = { bucket = \"tenant-b-snapshots\", prefix = \"tenant_b/\", iam_role_arn = \"arn:aws:iam::222222222222:role/RDSExportServiceRole\", kms_key_id = \"arn:aws:kms:us-east-1:222222222222:key/1234\" }",
        );
    assert!(text.contains("secret_arn"));
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, &text).unwrap();
    let config = Config::parse("config.toml", &text).unwrap();
    // Faults of every kind, so that errors of every kind are written somewhere.
    proxy.fault(json!({"fault": "access_denied", "account_id": "222222222222", "service": "rds"}));
    proxy.fault(json!({"fault": "expired_token", "service": "logs"}));
    proxy.fault(json!({"fault": "throttle", "service": "monitoring", "action": "GetMetricData"}));
    proxy.fault(json!({"fault": "drop", "service": "states", "action": "GetExecutionHistory"}));
    Setup {
        emulator,
        proxy,
        dir,
        config_path,
        config,
    }
}

/// Every secret the run could have handled: ours, and what STS handed out for the tenants' roles.
fn secrets(proxy: &FaultProxy) -> Vec<String> {
    let mut secrets = vec![
        ACCESS_KEY.to_string(),
        SECRET_KEY.to_string(),
        SESSION_TOKEN.to_string(),
        SECRET_VALUE.to_string(),
    ];
    let learned = proxy.credentials();
    let learned = learned.as_array().unwrap();
    assert!(!learned.is_empty(), "roles were assumed through the proxy");
    for credentials in learned {
        for key in ["access_key_id", "secret_access_key", "session_token"] {
            if let Some(value) = credentials[key].as_str() {
                secrets.push(value.to_string());
            }
        }
    }
    secrets
}

fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    assert!(
        !text.is_empty(),
        "{what} is empty: the search proves nothing"
    );
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what} contains a secret ({}…):\n{text}",
            &secret[..6]
        );
    }
}

fn shiftops(args: &[&str], home: &Path) -> Output {
    // Empty AWS files: the developer's own profiles stay out of the test.
    std::fs::write(home.join("no-aws-config"), "").unwrap();
    std::fs::write(home.join("no-aws-credentials"), "").unwrap();
    Command::new(env!("CARGO_BIN_EXE_shiftops"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        )
        .env("RUST_BACKTRACE", "full")
        .env("RUST_LOG", "trace")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .output()
        .expect("shiftops runs")
}

#[test]
fn no_secret_in_check_doctor_or_the_console_s_errors() {
    let s = setup();
    let config = s.config_path.to_str().unwrap();
    let mut outputs = Vec::new();
    for format in ["text", "json", "markdown", "nagios", "slack"] {
        let out = shiftops(
            &["check", "--config", config, "--format", format],
            s.dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        outputs.push((format!("check --format {format}"), out));
    }
    for format in ["text", "json"] {
        let out = shiftops(
            &["doctor", "--config", config, "--format", format],
            s.dir.path(),
        );
        outputs.push((format!("doctor --format {format}"), out));
    }
    // The console without a terminal: it loads everything, then fails.
    let out = shiftops(&["--config", config], s.dir.path());
    assert_ne!(out.status.code(), Some(0));
    outputs.push(("the console without a terminal".into(), out));
    // A config that does not parse, with the secret's ARN on the line at fault.
    let broken = s.dir.path().join("broken.toml");
    let text = std::fs::read_to_string(&s.config_path).unwrap();
    std::fs::write(&broken, text.replace("secret_arn = ", "secret_arn = 42 #")).unwrap();
    let out = shiftops(
        &["check", "--config", broken.to_str().unwrap()],
        s.dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a config error is UNKNOWN to check"
    );
    outputs.push(("a config error".into(), out));

    let secrets = secrets(&s.proxy);
    let json: Value = serde_json::from_slice(&outputs[1].1.stdout).unwrap();
    let failed: Vec<&str> = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["ok"] != true)
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        failed.contains(&"logs") && failed.contains(&"metrics") && failed.contains(&"rds"),
        "errors were formatted: {json}"
    );
    for (what, out) in &outputs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_secret(what, &text, &secrets);
    }
    drop(s.emulator);
}

fn settings() -> Settings {
    Settings::shipped(Lang::En)
}

#[test]
fn no_secret_in_errors_the_audit_log_or_the_incident_record() {
    let s = setup();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let overrides = Overrides {
        static_credentials: Some((ACCESS_KEY.into(), SECRET_KEY.into())),
        ..Overrides::default()
    };
    let mut texts: Vec<(String, String)> = Vec::new();
    texts.push((
        "the overrides, debug-printed".into(),
        format!("{overrides:?}"),
    ));
    texts.push((
        "the config, debug-printed".into(),
        format!("{:?}", s.config),
    ));

    // Live refreshes with faults: every error string.
    let fleet = aws::fleet(&s.config, &overrides).unwrap();
    let snapshot = runtime.block_on(refresh_once(&fleet));
    let errors: Vec<String> = snapshot
        .sources
        .iter()
        .filter_map(|s| s.error.clone())
        .chain(snapshot.tenant_errors.values().cloned())
        .collect();
    assert!(errors.len() >= 3, "{errors:?}");
    texts.push(("source errors".into(), errors.join("\n")));

    // Actions, some failing, through the audit log.
    let state = StateDir::at(s.dir.path().join("state"));
    let actions = Actions::new(
        Arc::new(
            runtime
                .block_on(AwsOperator::connect(&s.config, &overrides))
                .unwrap(),
        ),
        false,
        Some(AuditLog::open(state.lock().unwrap()).unwrap()),
    );
    s.proxy
        .fault(json!({"fault": "error503", "service": "states", "action": "RedriveExecution"}));
    s.proxy.fault(
        json!({"fault": "access_denied", "service": "rds", "action": "CreateDBClusterSnapshot"}),
    );
    let mut app = App::new("secrets".into(), settings(), snapshot, chrono::Utc::now());
    let requests = [
        (
            Request::RerunElt {
                execution_arn:
                    "arn:aws:states:us-east-1:999999999999:execution:daily-elt:daily-elt-20261121-0600"
                        .into(),
            },
            "daily-elt",
        ),
        (
            Request::PauseAdhoc {
                cancel_running: false,
            },
            "adhoc",
        ),
        (Request::ResumeAdhoc, "adhoc"),
        (
            Request::StartExport {
                tenant: "tenant_b".into(),
            },
            "tenant_b",
        ),
        (
            Request::ResyncTables {
                tenant: "tenant_a".into(),
                scope: ResyncScope::InError,
            },
            "tenant_a",
        ),
        (Request::CancelQuery { pid: 42 }, "42"),
    ];
    let mut failures = 0;
    for (request, typed) in requests {
        let plan = match runtime.block_on(actions.plan(&request)) {
            Ok(plan) => plan,
            Err(error) => {
                // A precondition that cannot be read (a denied account) fails the preview.
                failures += 1;
                texts.push((format!("the plan of {request:?}"), error.to_string()));
                continue;
            }
        };
        app.ask_recovery(|recovery, context| recovery.open_action(context, request.clone(), None));
        app.on_action_event(ActionEvent::Planned(Ok(Box::new(plan.clone()))));
        // Enter on the preview: the dialog waits for the runner.
        app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        let (progress, mut updates) = Progress::channel();
        let result = runtime.block_on(actions.execute(&plan, typed, &progress));
        drop(progress);
        while let Ok(update) = updates.try_recv() {
            if let ActionUpdate::Line(line) = &update {
                texts.push(("action progress".into(), line.clone()));
            }
            app.on_action_event(ActionEvent::from(update));
        }
        if let Err(error) = &result {
            failures += 1;
            texts.push((format!("the error of {request:?}"), error.to_string()));
        }
        app.on_action_event(ActionEvent::Finished(result));
    }
    assert!(failures >= 2, "faults made actions fail");
    app.run_command("note verified with the on-call lead");
    texts.push((
        "the audit log".into(),
        std::fs::read_to_string(state.audit_log()).unwrap(),
    ));
    texts.push(("the incident record".into(), app.incident_record()));

    let secrets = secrets(&s.proxy);
    for (what, text) in &texts {
        assert_no_secret(what, text, &secrets);
    }
}

#[test]
fn no_secret_in_a_panic_of_the_live_console() {
    let s = setup();
    let home = s.dir.path();
    let config = s.config_path.to_str().unwrap().to_string();
    let config_home = home.join("config");
    let state_home = home.join("state");
    let run = run_helper_in_pty(
        "helper_live_console_that_panics",
        &[
            ("SHIFTOPS_TEST_HELPER_CONFIG", &config),
            ("XDG_CONFIG_HOME", config_home.to_str().unwrap()),
            ("XDG_STATE_HOME", state_home.to_str().unwrap()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("AWS_SESSION_TOKEN", SESSION_TOKEN),
            ("AWS_CONFIG_FILE", home.join("none").to_str().unwrap()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                home.join("none").to_str().unwrap(),
            ),
            ("RUST_BACKTRACE", "full"),
        ],
    );
    assert!(!run.timed_out);
    let text = run.text();
    assert!(
        text.contains("The application panicked"),
        "the helper panicked in the console:\n{text}"
    );
    assert!(run.restored(), "{text:?}");
    assert_no_secret("the panic report", &text, &secrets(&s.proxy));
}

#[test]
#[ignore = "a helper process: run by no_secret_in_a_panic_of_the_live_console"]
fn helper_live_console_that_panics() {
    let Some(path) = std::env::var_os("SHIFTOPS_TEST_HELPER_CONFIG") else {
        return;
    };
    shiftops::cli::install_hooks().unwrap();
    let config = Config::load(Some(Path::new(&path))).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Credentials from the environment, as the console gets them: the session token included.
    let fleet = aws::fleet(&config, &Overrides::default()).unwrap();
    // Read the fleet once so that the tenants' roles are assumed and their credentials held.
    let snapshot = runtime.block_on(refresh_once(&fleet));
    assert!(snapshot.sources.iter().any(|s| s.fetched_at.is_some()));
    let fleet = Fleet {
        clock: Arc::new(PanickingClock::new(Arc::new(SystemClock), 2)),
        ..fleet
    };
    let code = runtime.block_on(shiftops::tui::run(
        fleet,
        settings(),
        "secrets".into(),
        Extras::default(),
    ));
    unreachable!("the clock panics first: {code:?}");
}
