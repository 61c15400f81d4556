//! What the action layer keeps on disk, in the XDG state dir (`~/.local/state/shiftops`): the audit
//! log, the WLM configuration saved when adhoc was paused, so it can be restored even after a
//! restart or a crash, and the lock that lets one console at a time run actions from it.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lock::{LockError, StateLock};

#[derive(Debug, Clone)]
pub struct StateDir {
    dir: PathBuf,
}

/// The WLM configuration as it was before adhoc was paused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PausedWlm {
    /// The cluster (or `demo`) whose parameter group was changed.
    pub cluster: String,
    pub parameter_group: String,
    /// The exact `wlm_json_configuration` value to restore.
    pub previous: String,
    pub paused_at: String,
    pub caller: String,
}

impl StateDir {
    /// `$XDG_STATE_HOME/shiftops` (or the platform's local data dir).
    pub fn default_location() -> Option<StateDir> {
        dirs::state_dir()
            .or_else(dirs::data_local_dir)
            .map(|d| StateDir::at(d.join("shiftops")))
    }

    pub fn at(dir: impl Into<PathBuf>) -> StateDir {
        StateDir { dir: dir.into() }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn audit_log(&self) -> PathBuf {
        self.dir.join("audit.jsonl")
    }

    /// The file whose lock says which console runs actions from this dir, and holds its pid.
    pub fn lock_path(&self) -> PathBuf {
        self.dir.join("lock")
    }

    fn paused_wlm_path(&self, cluster: &str) -> PathBuf {
        let safe: String = cluster
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.join(format!("paused-wlm-{safe}.json"))
    }

    /// Saves the configuration to restore, durably, before the change is made.
    pub fn save_paused_wlm(&self, paused: &PausedWlm) -> Result<(), String> {
        fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let path = self.paused_wlm_path(&paused.cluster);
        let temporary = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(paused).map_err(|e| e.to_string())?;
        let mut file =
            File::create(&temporary).map_err(|e| format!("{}: {e}", temporary.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(|e| format!("{}: {e}", temporary.display()))?;
        fs::rename(&temporary, &path).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn paused_wlm(&self, cluster: &str) -> Option<PausedWlm> {
        let text = fs::read_to_string(self.paused_wlm_path(cluster)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn clear_paused_wlm(&self, cluster: &str) -> Result<(), String> {
        match fs::remove_file(self.paused_wlm_path(cluster)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Takes the exclusive lock on this dir that running actions needs; released on drop.
    pub fn lock(&self) -> Result<StateLock, LockError> {
        super::lock::lock(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_saved_configuration_survives_until_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("shiftops"));
        assert_eq!(state.paused_wlm("dpc-learning"), None);
        let paused = PausedWlm {
            cluster: "dpc-learning".into(),
            parameter_group: "dpc-learning-params".into(),
            previous: "[{\"name\":\"adhoc\"}]".into(),
            paused_at: "2026-11-21T06:00:00Z".into(),
            caller: "arn:aws:sts::999999999999:assumed-role/oncall/alice".into(),
        };
        state.save_paused_wlm(&paused).unwrap();
        assert_eq!(
            StateDir::at(dir.path().join("shiftops")).paused_wlm("dpc-learning"),
            Some(paused)
        );
        state.clear_paused_wlm("dpc-learning").unwrap();
        assert_eq!(state.paused_wlm("dpc-learning"), None);
        state.clear_paused_wlm("dpc-learning").unwrap();
    }
}
