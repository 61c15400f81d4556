//! The audit log: one JSON line per record in the state dir, written and fsync'd before a change
//! (intent) and after it (outcome), so a crash in between leaves an intent without outcome that the
//! next start reports as "outcome unknown — verify". It never holds credentials or secret values.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Outcome, Plan, StateDir};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Intent,
    Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditResult {
    pub ok: bool,
    pub message: String,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub time: String,
    /// Shared by an intent and its outcome.
    pub id: String,
    pub phase: Phase,
    /// Who acted: the caller's AWS identity ARN, or `demo:<user>`.
    pub caller: String,
    pub action: String,
    pub target: String,
    /// The request, as asked.
    pub parameters: Value,
    /// The calls or SQL that run.
    pub calls: Vec<String>,
    pub before: Value,
    #[serde(default)]
    pub after: Value,
    #[serde(default)]
    pub outcome: Option<AuditResult>,
}

pub struct AuditLog {
    file: Mutex<File>,
    path: std::path::PathBuf,
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl AuditLog {
    pub fn open(state: &StateDir) -> Result<AuditLog, String> {
        Ok(AuditLog {
            file: Mutex::new(state.open_audit()?),
            path: state.audit_log(),
        })
    }

    /// Closes every intent without outcome with an outcome that says someone verified it by
    /// hand, so it stops being reported at start. Returns how many there were.
    pub fn acknowledge_unfinished(&self, caller: &str) -> Result<usize, String> {
        let open = unfinished(&self.path);
        for intent in &open {
            self.append(&AuditRecord {
                time: now(),
                phase: Phase::Outcome,
                caller: caller.to_string(),
                after: Value::Null,
                outcome: Some(AuditResult {
                    ok: false,
                    message: format!(
                        "outcome unknown; verified by hand and acknowledged by {caller}"
                    ),
                }),
                ..intent.clone()
            })?;
        }
        Ok(open.len())
    }

    fn append(&self, record: &AuditRecord) -> Result<(), String> {
        let mut line = serde_json::to_string(record).map_err(|e| e.to_string())?;
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(line.as_bytes())
            .and_then(|_| file.sync_data())
            .map_err(|e| format!("audit log: {e}"))
    }

    /// Records what is about to be done; nothing is done unless this succeeds.
    pub fn intent(&self, caller: &str, plan: &Plan) -> Result<String, String> {
        let id = format!(
            "{}-{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        );
        self.append(&AuditRecord {
            time: now(),
            id: id.clone(),
            phase: Phase::Intent,
            caller: caller.to_string(),
            action: plan.request.kind().name().to_string(),
            target: plan.target.clone(),
            parameters: serde_json::to_value(&plan.request).unwrap_or(Value::Null),
            calls: plan.calls.clone(),
            before: plan.before.clone(),
            after: Value::Null,
            outcome: None,
        })?;
        Ok(id)
    }

    /// Records how it went.
    pub fn outcome(
        &self,
        id: &str,
        caller: &str,
        plan: &Plan,
        result: &Result<Outcome, String>,
    ) -> Result<(), String> {
        let (after, outcome) = match result {
            Ok(outcome) => (
                outcome.after.clone(),
                AuditResult {
                    ok: true,
                    message: outcome.summary.clone(),
                },
            ),
            Err(error) => (
                Value::Null,
                AuditResult {
                    ok: false,
                    message: error.clone(),
                },
            ),
        };
        self.append(&AuditRecord {
            time: now(),
            id: id.to_string(),
            phase: Phase::Outcome,
            caller: caller.to_string(),
            action: plan.request.kind().name().to_string(),
            target: plan.target.clone(),
            parameters: serde_json::to_value(&plan.request).unwrap_or(Value::Null),
            calls: plan.calls.clone(),
            before: plan.before.clone(),
            after,
            outcome: Some(outcome),
        })
    }
}

/// Every record of a log file; lines that do not parse (a torn last line after a crash) are skipped.
pub fn read(path: &Path) -> Vec<AuditRecord> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Intents with no outcome: actions whose result nobody saw (a crash, a kill). Verify them.
pub fn unfinished(path: &Path) -> Vec<AuditRecord> {
    let records = read(path);
    records
        .iter()
        .filter(|r| r.phase == Phase::Intent)
        .filter(|intent| {
            !records
                .iter()
                .any(|r| r.phase == Phase::Outcome && r.id == intent.id)
        })
        .cloned()
        .collect()
}
