//! The fault-injecting proxy (tests/emulator/fault_proxy.py) between the SDK clients and the
//! emulator: started on a free port of 127.0.0.1 for each test and stopped when dropped.

use serde_json::{Value, json};

use super::{Server, call};

pub struct FaultProxy {
    _server: Server,
    pub url: String,
}

impl FaultProxy {
    /// Starts a proxy that forwards to the emulator at `upstream`.
    pub fn start(upstream: &str) -> FaultProxy {
        let server = Server::start("fault_proxy.py", &["--upstream", upstream, "--port", "0"]);
        FaultProxy {
            url: server.url.clone(),
            _server: server,
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

#[derive(Clone)]
pub struct ProxyHandle {
    pub url: String,
}

impl ProxyHandle {
    pub fn fault(&self, rule: Value) -> u64 {
        call(&self.url, "/_faults/rules", Some(rule))["id"]
            .as_u64()
            .expect("a rule id")
    }

    pub fn clear(&self) {
        call(&self.url, "/_faults/clear", Some(json!({})));
    }

    pub fn requests(&self) -> Value {
        call(&self.url, "/_faults/requests", None)
    }

    pub fn reset_requests(&self) {
        call(&self.url, "/_faults/requests/reset", Some(json!({})));
    }

    pub fn credentials(&self) -> Value {
        call(&self.url, "/_faults/credentials", None)
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
