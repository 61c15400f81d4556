//! A real terminal for tests: commands run under a pseudo-terminal (tests/support/pty_drive.py),
//! as over SSH, and a helper that re-runs the test binary itself as a console that panics.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ThreadId;

use serde_json::Value;
use shiftops::model::Time;
use shiftops::source::Clock;

/// What a command did under the pseudo-terminal.
#[derive(Debug)]
pub struct PtyRun {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// Every byte it wrote to the terminal.
    pub output: Vec<u8>,
    /// The terminal's modes after it ended: canonical input and echo are what a shell expects.
    pub icanon: bool,
    pub echo: bool,
    pub timed_out: bool,
    /// With [`PtyOptions::suspend`]: whether it stopped, and then the terminal's modes while it
    /// was stopped and how many bytes it had written by then.
    pub stopped: bool,
    pub stopped_icanon: bool,
    pub stopped_echo: bool,
    pub stopped_at: usize,
}

const ENTER_ALTERNATE: &[u8] = b"\x1b[?1049h";
const LEAVE_ALTERNATE: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

fn last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

impl PtyRun {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }

    /// Whether the console handed the terminal back: it entered the alternate screen, and after
    /// that left it and showed the cursor, and the terminal is in cooked mode with echo again.
    pub fn restored(&self) -> bool {
        let Some(entered) = last(&self.output, ENTER_ALTERNATE) else {
            return false;
        };
        let left = last(&self.output, LEAVE_ALTERNATE).is_some_and(|at| at > entered);
        let shown = last(&self.output, SHOW_CURSOR).is_some_and(|at| at > entered);
        left && shown && self.icanon && self.echo
    }

    /// What was written after the console left the alternate screen (what stays on screen).
    pub fn after_leaving(&self) -> String {
        let at = last(&self.output, LEAVE_ALTERNATE).map_or(0, |at| at + LEAVE_ALTERNATE.len());
        String::from_utf8_lossy(&self.output[at..]).into_owned()
    }
}

#[derive(Default)]
pub struct PtyOptions<'a> {
    pub wait_for: Option<&'a str>,
    pub send: Option<&'a str>,
    /// `TERM`, `HUP`, `INT` …
    pub signal: Option<&'a str>,
    /// Before `send`: stop the command — `"signal"` (SIGTSTP) or `"key"` (ctrl-z typed) — then
    /// continue it (SIGCONT) and wait for `wait_for` again.
    pub suspend: Option<&'a str>,
    /// Standard input from /dev/null instead of the terminal.
    pub stdin_null: bool,
}

/// Runs `program args` under an 80×24 pseudo-terminal with exactly `env` added to a clean
/// environment (PATH, HOME, TERM=xterm-256color, LANG=C.UTF-8).
pub fn run_in_pty(
    program: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    options: PtyOptions<'_>,
) -> PtyRun {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pty_drive.py");
    let mut command = Command::new(super::python());
    command
        .arg(script)
        .args(["--cols", "80", "--rows", "24", "--ceiling", "120"]);
    if let Some(text) = options.wait_for {
        command.args(["--wait-for", text]);
    }
    if let Some(text) = options.send {
        command.args(["--send", text]);
    }
    if let Some(signal) = options.signal {
        command.args(["--signal", signal]);
    }
    if let Some(how) = options.suspend {
        command.args(["--suspend", how]);
    }
    if options.stdin_null {
        command.arg("--stdin-null");
    }
    command.arg("--").arg(program).args(args);
    command.env_clear();
    for key in ["PATH", "HOME", "SHIFTOPS_EMULATOR_PYTHON"] {
        if let Some(value) = std::env::var_os(key) {
            command.env(key, value);
        }
    }
    command.env("TERM", "xterm-256color").env("LANG", "C.UTF-8");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("the pty driver runs");
    assert!(
        out.status.success(),
        "pty driver: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("the pty driver answers JSON");
    PtyRun {
        code: json["code"].as_i64().map(|c| c as i32),
        signal: json["signal"].as_i64().map(|c| c as i32),
        output: json["output"]
            .as_str()
            .unwrap()
            .chars()
            .map(|c| c as u32 as u8)
            .collect(),
        icanon: json["icanon"] == true,
        echo: json["echo"] == true,
        timed_out: json["timed_out"] == true,
        stopped: json["stopped"] == true,
        stopped_icanon: json["stopped_icanon"] == true,
        stopped_echo: json["stopped_echo"] == true,
        stopped_at: json["stopped_at"].as_u64().unwrap_or(0) as usize,
    }
}

/// Runs the ignored test `name` of this very test binary under a pseudo-terminal, with `env`:
/// a way to run a console built by the test (a helper process) as a real program.
pub fn run_helper_in_pty(name: &str, env: &[(&str, &str)]) -> PtyRun {
    let me = std::env::current_exe().expect("the test binary");
    run_in_pty(
        &me,
        &[
            name,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ],
        env,
        PtyOptions::default(),
    )
}

/// A clock that panics on the console's thread once it has been read there `after` times: a bug
/// in the middle of the event loop, after the first screens were drawn.
pub struct PanickingClock {
    inner: Arc<dyn Clock>,
    thread: ThreadId,
    after: usize,
    calls: AtomicUsize,
}

impl PanickingClock {
    pub fn new(inner: Arc<dyn Clock>, after: usize) -> Self {
        Self {
            inner,
            thread: std::thread::current().id(),
            after,
            calls: AtomicUsize::new(0),
        }
    }
}

impl Clock for PanickingClock {
    fn now(&self) -> Time {
        if std::thread::current().id() == self.thread
            && self.calls.fetch_add(1, Ordering::SeqCst) >= self.after
        {
            panic!("a bug in the console: the clock broke");
        }
        self.inner.now()
    }
}
