//! What the action layer keeps on disk, in the XDG state dir (`~/.local/state/shiftops`): the audit
//! log, the record of what *we* did, and the lock that lets one console at a time run actions from
//! it. Nothing here decides what is true: a pause, a running execution and everything else another
//! operator can change are read from AWS. (The demo keeps its simulated parameter group here,
//! standing in for AWS.)

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::lock::{LockError, StateLock};

#[derive(Debug, Clone)]
pub struct StateDir {
    dir: PathBuf,
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

    /// Writes `name` in the state dir whole or not at all (a temporary file, fsync, rename).
    pub fn write_atomically(&self, name: &str, text: &str) -> Result<(), String> {
        fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let path = self.dir.join(name);
        let temporary = self.dir.join(format!("{name}.tmp"));
        let mut file =
            File::create(&temporary).map_err(|e| format!("{}: {e}", temporary.display()))?;
        std::io::Write::write_all(&mut file, text.as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(|e| format!("{}: {e}", temporary.display()))?;
        fs::rename(&temporary, &path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Takes the exclusive lock on this dir that running actions needs; released on drop.
    pub fn lock(&self) -> Result<StateLock, LockError> {
        super::lock::lock(self)
    }
}
