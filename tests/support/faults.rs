//! The fault-injecting proxy (tests/emulator/fault_proxy.py) between the SDK clients and the
//! emulator: started on a free port of 127.0.0.1 for each test and stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

pub struct FaultProxy {
    child: Child,
    /// Held open: the proxy exits when its stdin closes, so it never outlives the test.
    _stdin: ChildStdin,
    pub url: String,
}

impl FaultProxy {
    /// Starts a proxy that forwards to the emulator at `upstream`.
    pub fn start(upstream: &str) -> FaultProxy {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/emulator/fault_proxy.py");
        let mut child = Command::new(super::python())
            .arg(&script)
            .args(["--upstream", upstream, "--port", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the fault proxy starts");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let line = lines
                .next()
                .expect("the proxy prints READY before it exits")
                .expect("the proxy's output is text");
            if let Some(port) = line.strip_prefix("READY port=") {
                break port.trim().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        FaultProxy {
            child,
            _stdin: stdin,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A handle for control calls that does not own the proxy (for blocking tasks).
    pub fn handle(&self) -> ProxyHandle {
        ProxyHandle {
            url: self.url.clone(),
        }
    }

    /// Switches a fault on: `{"fault": "throttle", "service": "rds", "account_id": …, "times": 2}`.
    pub fn fault(&self, rule: Value) -> u64 {
        self.handle().fault(rule)
    }

    /// Switches every fault off.
    pub fn clear(&self) {
        self.handle().clear()
    }

    /// `{"total", "by_action", "faulted", "by_account"}`.
    pub fn requests(&self) -> Value {
        self.handle().requests()
    }

    pub fn reset_requests(&self) {
        self.handle().reset_requests()
    }

    /// The credentials STS handed out through the proxy.
    pub fn credentials(&self) -> Value {
        self.handle().credentials()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone)]
pub struct ProxyHandle {
    pub url: String,
}

impl ProxyHandle {
    pub fn fault(&self, rule: Value) -> u64 {
        call(&self.url, "POST", "/_faults/rules", Some(rule))["id"]
            .as_u64()
            .expect("a rule id")
    }

    pub fn clear(&self) {
        call(&self.url, "POST", "/_faults/clear", Some(json!({})));
    }

    pub fn requests(&self) -> Value {
        call(&self.url, "GET", "/_faults/requests", None)
    }

    pub fn reset_requests(&self) {
        call(
            &self.url,
            "POST",
            "/_faults/requests/reset",
            Some(json!({})),
        );
    }

    pub fn credentials(&self) -> Value {
        call(&self.url, "GET", "/_faults/credentials", None)
    }

    /// How many requests reached the proxy for `service:Action`, and how many it faulted.
    pub fn count(&self, action: &str) -> (u64, u64) {
        let counts = self.requests();
        (
            counts["by_action"][action].as_u64().unwrap_or(0),
            counts["faulted"][action].as_u64().unwrap_or(0),
        )
    }
}

fn call(url: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let target = format!("{url}{path}");
    let result = match body {
        Some(body) => agent
            .post(&target)
            .header("Content-Type", "application/json")
            .send(body.to_string()),
        None => agent.get(&target).call(),
    };
    let mut response = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let text = response.body_mut().read_to_string().unwrap_or_default();
    assert!(
        response.status().is_success(),
        "{method} {path}: {} {text}",
        response.status()
    );
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
