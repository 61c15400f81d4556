//! The lock on the state dir: one console at a time may run actions from it. A second console on
//! the same dir cannot take it, so it runs read-only for actions and leaves the first one's
//! intents, which may be in flight, alone. The lock is an advisory `flock` on `<state dir>/lock`,
//! which the kernel releases when its holder exits, however it exits (even `kill -9`).

use std::fmt;
use std::fs::File;

use super::StateDir;

/// Why the state dir could not be locked. Callers branch on the variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Another console holds it; its pid, when it could be read from the lock file.
    Held { pid: Option<u32> },
    /// The lock file could not be created, opened or locked.
    Io(String),
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::Held { pid: Some(pid) } => {
                write!(f, "held by another shiftops (pid {pid})")
            }
            LockError::Held { pid: None } => f.write_str("held by another shiftops"),
            LockError::Io(error) => f.write_str(error),
        }
    }
}

impl std::error::Error for LockError {}

/// The exclusive lock on a state dir, held until dropped.
#[derive(Debug)]
pub struct StateLock {
    file: File,
    state: StateDir,
}

impl StateLock {
    /// The state dir this lock is on.
    pub fn state(&self) -> &StateDir {
        &self.state
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        // Empty the pid before the close releases the lock, so the next holder's file never shows
        // ours in the instant between its lock and its write.
        let _ = self.file.set_len(0);
    }
}

#[cfg(unix)]
pub(super) fn lock(state: &StateDir) -> Result<StateLock, LockError> {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;

    let dir = state.path();
    std::fs::create_dir_all(dir).map_err(|e| LockError::Io(format!("{}: {e}", dir.display())))?;
    let path = state.lock_path();
    let io = |e: std::io::Error| LockError::Io(format!("{}: {e}", path.display()));
    // Not truncated at open: the pid in it belongs to whoever holds the lock.
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NONBLOCK)
        .open(&path)
        .map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(LockError::Io(format!(
            "{}: not a regular file",
            path.display()
        )));
    }
    loop {
        // SAFETY: flock on a descriptor this function owns; no memory is passed.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            break;
        }
        let error = std::io::Error::last_os_error();
        match error.kind() {
            std::io::ErrorKind::Interrupted => continue,
            std::io::ErrorKind::WouldBlock => {
                let mut text = String::new();
                let pid = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse().ok());
                return Err(LockError::Held { pid });
            }
            _ => return Err(io(error)),
        }
    }
    // The pid is only for the message of a console that finds the lock held: failing to write it
    // does not make the lock less held.
    let _ = file
        .set_len(0)
        .and_then(|_| file.write_all(format!("{}\n", std::process::id()).as_bytes()));
    Ok(StateLock {
        file,
        state: state.clone(),
    })
}

#[cfg(not(unix))]
pub(super) fn lock(_state: &StateDir) -> Result<StateLock, LockError> {
    Err(LockError::Io(
        "locking the state dir needs a unix system: actions are off".into(),
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_dir_is_refused_with_the_holder_s_pid_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("shiftops"));
        let first = state.lock().unwrap();
        assert_eq!(first.state().path(), state.path());
        // flock belongs to the open file description, so a second open in this very process
        // conflicts just as another process would.
        assert_eq!(
            StateDir::at(dir.path().join("shiftops"))
                .lock()
                .unwrap_err(),
            LockError::Held {
                pid: Some(std::process::id())
            }
        );
        drop(first);
        let again = state.lock().expect("released on drop");
        drop(again);
    }

    #[test]
    fn a_lock_on_another_dir_is_independent() {
        let dir = tempfile::tempdir().unwrap();
        let _a = StateDir::at(dir.path().join("a")).lock().unwrap();
        let _b = StateDir::at(dir.path().join("b")).lock().unwrap();
    }

    #[test]
    fn a_lock_file_that_is_not_a_regular_file_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        std::fs::create_dir(state.lock_path()).unwrap();
        assert!(matches!(state.lock(), Err(LockError::Io(_))));
    }
}
