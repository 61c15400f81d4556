//! The audit log and the state dir's lock, as a console starts (`cli::action_extras`): two consoles
//! on one state dir, each its own process; a read-only console; a log with a torn last record and
//! lines that are not records; a log that is not a regular file.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use shiftops::action::audit::{self, AuditLog, Phase};
use shiftops::action::{
    ActionError, Actions, ApplyError, Executed, LockError, Operator, Outcome, Plan, Progress,
    Request, StateDir,
};
use shiftops::cli::action_extras;

const CEILING: Duration = Duration::from_secs(180);

/// An operator whose every action never ends (`blocks`) or succeeds at once.
struct TestOperator {
    caller: &'static str,
    blocks: bool,
}

#[async_trait]
impl Operator for TestOperator {
    async fn caller(&self) -> String {
        self.caller.into()
    }

    async fn plan(&self, request: &Request) -> Result<Plan, String> {
        Ok(Plan::new(request.clone(), "tenant_b"))
    }

    async fn apply(&self, _plan: &Plan, _progress: &Progress) -> Result<Outcome, ApplyError> {
        if self.blocks {
            std::future::pending::<()>().await;
        }
        Ok(Outcome {
            summary: "vacuumed".into(),
            after: serde_json::Value::Null,
        })
    }
}

fn operator(caller: &'static str) -> Arc<dyn Operator> {
    Arc::new(TestOperator {
        caller,
        blocks: false,
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn vacuum() -> Request {
    Request::Vacuum {
        tenant: "tenant_b".into(),
    }
}

/// Runs one action to its end; its result.
fn run_one(actions: &Actions) -> Result<Executed, ActionError> {
    let runtime = runtime();
    let plan = runtime.block_on(actions.plan(&vacuum())).unwrap();
    runtime.block_on(actions.execute(&plan, "", &Progress::channel().0))
}

fn acknowledge(actions: &Actions) -> Result<usize, String> {
    runtime().block_on(actions.acknowledge_unknown())
}

/// Kills the helper process when the test ends, however it ends.
struct Helper(Child);

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The helper process of `a_console_that_finds_the_state_dir_locked_…`: a console started as the
/// binary starts one, with a vacuum in flight that never ends, until the parent kills it.
#[test]
#[ignore = "a helper process: run by a_console_that_finds_the_state_dir_locked_is_read_only_and_leaves_the_other_s_intents_alone"]
fn helper_console_with_an_action_in_flight() {
    let Some(dir) = std::env::var_os("SHIFTOPS_TEST_HELPER_STATE") else {
        return;
    };
    let operator = Arc::new(TestOperator {
        caller: "demo:console-a",
        blocks: true,
    });
    let extras = action_extras(operator, false, Some(StateDir::at(dir)));
    let actions = extras.actions.unwrap();
    assert!(!actions.read_only(), "{:?}", extras.notices);
    let result = run_one(&actions);
    unreachable!("the action never ends: {result:?}");
}

#[test]
fn a_console_that_finds_the_state_dir_locked_is_read_only_and_leaves_the_other_s_intents_alone() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    let mut a = Helper(
        Command::new(std::env::current_exe().unwrap())
            .args([
                "helper_console_with_an_action_in_flight",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SHIFTOPS_TEST_HELPER_STATE", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Wait until A's intent is written: its action is in flight.
    let began = Instant::now();
    while audit::read(&state.audit_log()).unwrap().is_empty() {
        assert!(
            began.elapsed() < CEILING,
            "the helper never began its action"
        );
        assert!(a.0.try_wait().unwrap().is_none(), "the helper ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        state.lock().unwrap_err(),
        LockError::Held {
            pid: Some(a.0.id())
        }
    );

    // B, on the same state dir, able to act and read-only alike: no action, nothing unknown.
    let held = format!(
        "actions are read-only here: another shiftops (pid {}) runs actions from {}",
        a.0.id(),
        dir.path().display()
    );
    for read_only in [false, true] {
        let b = action_extras(operator("demo:console-b"), read_only, Some(state.clone()));
        assert_eq!(b.notices, vec![held.clone()], "read_only {read_only}");
        let actions = b.actions.unwrap();
        assert!(actions.read_only());
        assert_eq!(run_one(&actions).unwrap_err(), ActionError::ReadOnly);
        assert!(acknowledge(&actions).is_err(), "B cannot close A's intent");
    }
    let records = audit::read(&state.audit_log()).unwrap();
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0].phase, Phase::Intent);
    assert_eq!(records[0].caller, "demo:console-a");

    // A dies mid-action: its intent has no outcome, and the next console to start says so.
    a.0.kill().unwrap();
    a.0.wait().unwrap();
    let c = action_extras(operator("demo:console-c"), false, Some(state.clone()));
    assert_eq!(c.notices.len(), 1, "{:?}", c.notices);
    assert!(
        c.notices[0].starts_with("outcome unknown — verify: vacuum on tenant_b at ")
            && c.notices[0].ends_with(" by demo:console-a"),
        "{}",
        c.notices[0]
    );
    let actions = c.actions.unwrap();
    assert!(!actions.read_only());
    assert_eq!(acknowledge(&actions), Ok(1));
    assert!(
        audit::scan(&state.audit_log())
            .unwrap()
            .unfinished
            .is_empty()
    );
    drop(actions);
    let d = action_extras(operator("demo:console-d"), false, Some(state.clone()));
    assert_eq!(d.notices, Vec::<String>::new());
}

#[test]
fn a_read_only_console_reports_unknown_outcomes_but_neither_closes_them_nor_keeps_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    let log = AuditLog::open(state.lock().unwrap()).unwrap();
    log.intent("demo:earlier", &Plan::new(vacuum(), "tenant_b"))
        .unwrap();
    drop(log);

    let extras = action_extras(operator("demo:viewer"), true, Some(state.clone()));
    assert_eq!(extras.notices.len(), 1, "{:?}", extras.notices);
    assert!(extras.notices[0].starts_with("outcome unknown — verify: vacuum on tenant_b"));
    let viewer = extras.actions.unwrap();
    assert!(viewer.read_only());
    assert!(acknowledge(&viewer).is_err());

    // While the viewer runs, a console that acts can start: the viewer holds no lock.
    let actor = action_extras(operator("demo:actor"), false, Some(state.clone()));
    assert_eq!(actor.notices, extras.notices);
    let actor = actor.actions.unwrap();
    assert_eq!(acknowledge(&actor), Ok(1));
    assert_eq!(audit::scan(&state.audit_log()).unwrap().unfinished, []);
}

#[test]
fn a_torn_record_and_unreadable_lines_are_reported_and_the_next_record_stays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    let garbage = "this is not a record\n";
    let torn = "{\"time\":\"2026-11-21T06:27:30.241Z\",\"id\":\"cut";
    std::fs::write(state.audit_log(), format!("{garbage}{torn}")).unwrap();

    let extras = action_extras(operator("demo:test"), false, Some(state.clone()));
    let path = state.audit_log().display().to_string();
    assert_eq!(
        extras.notices,
        [
            format!(
                "the audit log {path} ends in a record cut short at byte {} (a crash or a full \
disk): it is kept, and the next record starts on a new line",
                garbage.len()
            ),
            format!(
                "the audit log {path} has 1 line(s) that are not records: kept as they are, not read"
            ),
        ]
    );
    let actions = extras.actions.unwrap();
    run_one(&actions).unwrap();
    let text = std::fs::read_to_string(state.audit_log()).unwrap();
    assert!(text.starts_with(&format!("{garbage}{torn}\n{{")), "{text}");
    let scan = audit::scan(&state.audit_log()).unwrap();
    assert_eq!(
        (
            scan.records,
            scan.unreadable_lines,
            scan.torn_tail,
            scan.unfinished.len()
        ),
        (2, 2, None, 0)
    );
}

#[cfg(unix)]
#[test]
fn a_log_that_is_not_a_regular_file_turns_actions_off_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = StateDir::at(dir.path());
    std::os::unix::fs::symlink("/dev/zero", state.audit_log()).unwrap();
    let extras = action_extras(operator("demo:test"), false, Some(state.clone()));
    assert_eq!(
        extras.notices,
        [format!(
            "actions are off: the audit log cannot be read: {}: is a symlink to a character \
device, not a regular file",
            state.audit_log().display()
        )]
    );
    let actions = extras.actions.unwrap();
    assert!(actions.read_only());
    assert_eq!(run_one(&actions).unwrap_err(), ActionError::ReadOnly);
}
