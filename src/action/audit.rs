//! The audit log: one JSON line per record in the state dir, written and fsync'd before a change
//! (intent) and after it (outcome), so a crash in between leaves an intent without outcome that the
//! next start reports as "outcome unknown — verify". It never holds credentials or secret values.
//!
//! Only the console that holds the state dir's lock writes it ([`AuditLog::open`] takes the lock),
//! so its records never interleave with another's and an intent without outcome is never one that
//! another console still has in flight. Each record is one newline-terminated line appended in one
//! write and synced; a last line left without its newline (a crash or a full disk mid-write) is
//! kept, reported, and ended before the next record so the two are never merged. The file must be
//! a regular file, and reading it is one bounded pass ([`scan`]).

use std::collections::HashMap;
use std::fmt;
use std::fs::{File, FileType, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Outcome, Plan, StateLock};

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

/// Why the audit log could not be opened, read or written. Callers branch on the variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditError {
    /// The path is something else than a regular file: `what` says what (`a FIFO`, `a directory`,
    /// `a symlink to a character device`, …). Nothing was opened or written.
    NotRegularFile {
        path: PathBuf,
        what: String,
    },
    Open {
        path: PathBuf,
        error: String,
    },
    Read {
        path: PathBuf,
        error: String,
    },
    /// A record could not be serialized; nothing was written.
    Encode(String),
    /// A record could not be written whole and synced: it may be missing, partial, or not durable.
    Write {
        path: PathBuf,
        error: String,
    },
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::NotRegularFile { path, what } => {
                write!(f, "{}: is {what}, not a regular file", path.display())
            }
            AuditError::Open { path, error } => write!(f, "{}: {error}", path.display()),
            AuditError::Read { path, error } => {
                write!(f, "{}: cannot be read: {error}", path.display())
            }
            AuditError::Encode(error) => write!(f, "the record cannot be encoded: {error}"),
            AuditError::Write { path, error } => {
                write!(
                    f,
                    "{}: the record could not be written: {error}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for AuditError {}

/// What one pass over the log found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// Lines that are records, intents and outcomes.
    pub records: usize,
    /// Intents with no outcome, in the order they were written: actions whose result nobody saw (a
    /// crash, a kill). Verify them.
    pub unfinished: Vec<AuditRecord>,
    /// The byte offset where a last record without its newline begins: a write cut short by a crash
    /// or a full disk. It is kept, and ended with a newline before the next record is appended.
    pub torn_tail: Option<u64>,
    /// Newline-terminated lines that are not records (garbage, a cut record ended later); they are
    /// kept in the file and counted here, never silently skipped.
    pub unreadable_lines: usize,
}

/// The log, open for appending. It owns the state dir's lock: no other console can write the same
/// log while it is open.
pub struct AuditLog {
    out: Mutex<Appender>,
    path: PathBuf,
    _lock: StateLock,
}

/// The file and whether its end is known to be the end of a line.
struct Appender {
    file: File,
    /// False at open and after a failed write (which may have left part of a line): the last byte
    /// is checked before the next record.
    ends_a_line: bool,
}

impl Appender {
    /// Appends `record`, which ends in a newline and starts with one that is written only when the
    /// file does not end a line: one write of one buffer, then a sync.
    fn append(&mut self, record: &[u8]) -> Result<(), String> {
        let mut line = &record[1..];
        if !self.ends_a_line
            && !ends_with_newline(&mut self.file)
                .map_err(|e| format!("reading its last byte: {e}"))?
        {
            line = record;
        }
        self.ends_a_line = false;
        // With O_APPEND the line lands at the end as one write; the lock makes this console the
        // only writer, so a short write (a full disk) continued by write_all cannot interleave.
        self.file.write_all(line).map_err(|e| e.to_string())?;
        self.file
            .sync_data()
            .map_err(|e| format!("written but not synced: {e}"))?;
        self.ends_a_line = true;
        Ok(())
    }
}

fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    // Where the file offset stands does not matter to writes in append mode.
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl AuditLog {
    /// Opens `audit.jsonl` in the locked state dir for appending (created owner-only if missing).
    /// It must be a regular file, or a symlink to one.
    pub fn open(lock: StateLock) -> Result<AuditLog, AuditError> {
        let path = lock.state().audit_log();
        let file = open_regular(&path, Access::Append)?.ok_or_else(|| AuditError::Open {
            path: path.clone(),
            error: "not created".into(),
        })?;
        Ok(AuditLog {
            out: Mutex::new(Appender {
                file,
                ends_a_line: false,
            }),
            path,
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every intent without outcome with an outcome that says someone verified it by
    /// hand, so it stops being reported at start. Returns how many there were.
    pub fn acknowledge_unfinished(&self, caller: &str) -> Result<usize, AuditError> {
        // Held across the scan and the appends: no record of this console slips in between.
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let open = scan(&self.path)?.unfinished;
        for intent in &open {
            self.append_to(
                &mut out,
                &AuditRecord {
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
                },
            )?;
        }
        Ok(open.len())
    }

    fn append(&self, record: &AuditRecord) -> Result<(), AuditError> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        self.append_to(&mut out, record)
    }

    fn append_to(&self, out: &mut Appender, record: &AuditRecord) -> Result<(), AuditError> {
        // The leading newline is written only to end a torn last line (see `Appender::append`).
        let mut line = vec![b'\n'];
        serde_json::to_writer(&mut line, record).map_err(|e| AuditError::Encode(e.to_string()))?;
        line.push(b'\n');
        out.append(&line).map_err(|error| AuditError::Write {
            path: self.path.clone(),
            error,
        })
    }

    /// Records what is about to be done; nothing is done unless this succeeds.
    pub fn intent(&self, caller: &str, plan: &Plan) -> Result<String, AuditError> {
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

    /// Records how it went. An error means the outcome is not in the log (or not durably): the
    /// intent stays without outcome, and the next start reports it as unknown.
    pub fn outcome(
        &self,
        id: &str,
        caller: &str,
        plan: &Plan,
        result: &Result<Outcome, String>,
    ) -> Result<(), AuditError> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    /// Read and append, created (0600) when missing.
    Append,
}

/// Opens `path` if it is a regular file or a symlink to one; `None` when it is missing and
/// `access` does not create it. Whatever else it is, it is refused before it is opened, and again
/// after (it may have been swapped in between): a FIFO would block the open or feed the reader
/// forever, a device such as `/dev/zero` never ends.
fn open_regular(path: &Path, access: Access) -> Result<Option<File>, AuditError> {
    let open_error = |e: io::Error| AuditError::Open {
        path: path.to_path_buf(),
        error: e.to_string(),
    };
    let not_regular = |what: String| AuditError::NotRegularFile {
        path: path.to_path_buf(),
        what,
    };
    match std::fs::symlink_metadata(path) {
        Ok(link) if link.file_type().is_symlink() => match std::fs::metadata(path) {
            Ok(target) if target.is_file() => {}
            Ok(target) => {
                return Err(not_regular(format!(
                    "a symlink to {}",
                    describe(target.file_type())
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Following it would create a file wherever it points.
                return Err(not_regular("a symlink to nothing".into()));
            }
            Err(e) => return Err(open_error(e)),
        },
        Ok(meta) if !meta.is_file() => return Err(not_regular(describe(meta.file_type()).into())),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(open_error(e)),
    }
    let file = match open_nonblocking(path, access) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound && access == Access::Read => return Ok(None),
        Err(e) => return Err(open_error(e)),
    };
    let meta = file.metadata().map_err(open_error)?;
    if !meta.is_file() {
        return Err(not_regular(describe(meta.file_type()).into()));
    }
    Ok(Some(file))
}

/// The open itself. Non-blocking, so that a FIFO swapped in after the check cannot hang it; on a
/// regular file the flag changes nothing.
fn open_nonblocking(path: &Path, access: Access) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    if access == Access::Append {
        options.append(true).create(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

fn describe(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symlink"
    } else {
        "not a regular file"
    }
}

/// Longer lines are not records (the largest, a WLM configuration or a table list, is a few
/// hundred KB at most): they are counted as unreadable without being held in memory.
const MAX_LINE: usize = 16 << 20;

/// One line of the file, as the reader found it.
struct Line {
    /// Its byte offset.
    start: u64,
    /// Whether it ends in a newline; only the last one may not.
    terminated: bool,
    record: Option<AuditRecord>,
}

/// Reads the log line by line, at most as many bytes as it had when opened: records appended
/// meanwhile are not read, and a file that grows without end cannot keep the reader going.
struct Reader {
    input: BufReader<io::Take<File>>,
    path: PathBuf,
    offset: u64,
    buffer: Vec<u8>,
}

impl Reader {
    fn open(path: &Path) -> Result<Option<Reader>, AuditError> {
        let Some(file) = open_regular(path, Access::Read)? else {
            return Ok(None);
        };
        let length = file
            .metadata()
            .map_err(|e| AuditError::Read {
                path: path.to_path_buf(),
                error: e.to_string(),
            })?
            .len();
        Ok(Some(Reader {
            input: BufReader::with_capacity(64 << 10, file.take(length)),
            path: path.to_path_buf(),
            offset: 0,
            buffer: Vec::new(),
        }))
    }

    fn next_line(&mut self) -> Result<Option<Line>, AuditError> {
        self.read_line().map_err(|e| AuditError::Read {
            path: self.path.clone(),
            error: e.to_string(),
        })
    }

    fn read_line(&mut self) -> io::Result<Option<Line>> {
        self.buffer.clear();
        let read = (&mut self.input)
            .take(MAX_LINE as u64)
            .read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        let start = self.offset;
        self.offset += read as u64;
        let mut terminated = self.buffer.last() == Some(&b'\n');
        let mut too_long = false;
        if !terminated && read == MAX_LINE {
            too_long = true;
            loop {
                let available = self.input.fill_buf()?;
                if available.is_empty() {
                    break;
                }
                let (used, found) = match available.iter().position(|&b| b == b'\n') {
                    Some(at) => (at + 1, true),
                    None => (available.len(), false),
                };
                self.input.consume(used);
                self.offset += used as u64;
                if found {
                    terminated = true;
                    break;
                }
            }
        }
        let record = if too_long {
            None
        } else {
            serde_json::from_slice(self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer)).ok()
        };
        Ok(Some(Line {
            start,
            terminated,
            record,
        }))
    }
}

/// One pass over the log: how many records, which intents have no outcome, whether the last line
/// is torn, how many lines are not records. Linear in the file's size, with intents held only until
/// their outcome is read. A missing log is an empty one.
pub fn scan(path: &Path) -> Result<Scan, AuditError> {
    let mut scan = Scan::default();
    let Some(mut reader) = Reader::open(path)? else {
        return Ok(scan);
    };
    let mut open: HashMap<String, (u64, AuditRecord)> = HashMap::new();
    while let Some(line) = reader.next_line()? {
        if !line.terminated {
            scan.torn_tail = Some(line.start);
        }
        match line.record {
            // A torn last line that parses lacks only its newline: it is a record.
            Some(record) => {
                scan.records += 1;
                match record.phase {
                    Phase::Intent => {
                        open.insert(record.id.clone(), (line.start, record));
                    }
                    Phase::Outcome => {
                        open.remove(&record.id);
                    }
                }
            }
            None if line.terminated => scan.unreadable_lines += 1,
            None => {}
        }
    }
    let mut unfinished: Vec<(u64, AuditRecord)> = open.into_values().collect();
    unfinished.sort_by_key(|(start, _)| *start);
    scan.unfinished = unfinished.into_iter().map(|(_, record)| record).collect();
    Ok(scan)
}

/// Every record of a log file, in order, in the same bounded pass as [`scan`]; lines that are not
/// records are left out (`scan` counts them). A missing log has none.
pub fn read(path: &Path) -> Result<Vec<AuditRecord>, AuditError> {
    let mut records = Vec::new();
    if let Some(mut reader) = Reader::open(path)? {
        while let Some(line) = reader.next_line()? {
            records.extend(line.record);
        }
    }
    Ok(records)
}

#[cfg(test)]
impl AuditLog {
    /// From now on every write fails with ENOSPC, as on a full disk: the same appender over
    /// `/dev/full`. For the tests of what a write that fails after the intent means.
    pub(crate) fn fill_the_disk(&self) {
        self.out.lock().unwrap_or_else(|e| e.into_inner()).file = OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Request, StateDir};

    fn plan(tenant: &str) -> Plan {
        Plan::new(
            Request::Vacuum {
                tenant: tenant.into(),
            },
            tenant,
        )
    }

    fn record(id: &str, phase: Phase) -> AuditRecord {
        AuditRecord {
            time: "2026-11-21T06:27:30.241Z".into(),
            id: id.into(),
            phase,
            caller: "demo:test".into(),
            action: "vacuum".into(),
            target: "tenant_b".into(),
            parameters: serde_json::json!({"action": "vacuum", "tenant": "tenant_b"}),
            calls: vec!["VACUUM \"tenant_b\".\"orders\"".into()],
            before: Value::Null,
            after: Value::Null,
            outcome: (phase == Phase::Outcome).then(|| AuditResult {
                ok: true,
                message: "done".into(),
            }),
        }
    }

    fn line(record: &AuditRecord) -> String {
        serde_json::to_string(record).unwrap() + "\n"
    }

    fn ids(records: &[AuditRecord]) -> Vec<&str> {
        records.iter().map(|r| r.id.as_str()).collect()
    }

    fn open(state: &StateDir) -> AuditLog {
        AuditLog::open(state.lock().unwrap()).unwrap()
    }

    #[test]
    fn intents_and_outcomes_round_trip_and_only_the_open_ones_are_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("shiftops"));
        let log = open(&state);
        let first = log.intent("demo:test", &plan("tenant_a")).unwrap();
        let second = log.intent("demo:test", &plan("tenant_b")).unwrap();
        log.outcome(&first, "demo:test", &plan("tenant_a"), &Err("no".into()))
            .unwrap();
        let scan = scan(&state.audit_log()).unwrap();
        assert_eq!(scan.records, 3);
        assert_eq!(ids(&scan.unfinished), [second.as_str()]);
        assert_eq!((scan.torn_tail, scan.unreadable_lines), (None, 0));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(state.audit_log()).unwrap().permissions();
            assert_eq!(mode.mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_missing_log_scans_as_empty_and_is_not_created_by_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        assert_eq!(scan(&path).unwrap(), Scan::default());
        assert_eq!(read(&path).unwrap(), []);
        assert!(!path.exists());
    }

    #[test]
    fn a_torn_tail_is_reported_kept_and_never_merged_with_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let before = line(&record("before", Phase::Intent));
        let torn = &line(&record("torn", Phase::Outcome))[..40];
        std::fs::write(state.audit_log(), format!("{before}{torn}")).unwrap();

        let found = scan(&state.audit_log()).unwrap();
        assert_eq!(found.torn_tail, Some(before.len() as u64));
        assert_eq!(found.records, 1);
        assert_eq!(found.unreadable_lines, 0, "not a line yet");
        assert_eq!(ids(&found.unfinished), ["before"]);

        let log = open(&state);
        let after = log.intent("demo:test", &plan("tenant_c")).unwrap();
        let text = std::fs::read_to_string(state.audit_log()).unwrap();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[1], format!("{torn}\n"), "kept, and ended");
        let appended: AuditRecord = serde_json::from_str(lines[2]).unwrap();
        assert_eq!(appended.id, after);

        let found = scan(&state.audit_log()).unwrap();
        assert_eq!(found.torn_tail, None);
        assert_eq!(found.records, 2);
        assert_eq!(found.unreadable_lines, 1, "the torn record, now a line");
        assert_eq!(ids(&found.unfinished), ["before", after.as_str()]);

        // Only a torn end is ended: the next record follows without an empty line.
        log.intent("demo:test", &plan("tenant_c")).unwrap();
        let found = scan(&state.audit_log()).unwrap();
        assert_eq!((found.records, found.unreadable_lines), (3, 1));
    }

    #[test]
    fn a_torn_tail_that_parses_lacks_only_its_newline_and_counts_as_a_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let whole = line(&record("whole", Phase::Intent));
        std::fs::write(&path, whole.trim_end()).unwrap();
        let found = scan(&path).unwrap();
        assert_eq!(found.torn_tail, Some(0));
        assert_eq!((found.records, found.unreadable_lines), (1, 0));
        assert_eq!(ids(&found.unfinished), ["whole"]);
    }

    #[test]
    fn lines_that_are_not_records_are_counted_not_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let text = [
            line(&record("a", Phase::Intent)),
            "not json\n".into(),
            "{\"id\":\"a\"}\n".into(),
            "\n".into(),
            line(&record("a", Phase::Outcome)),
        ]
        .concat();
        std::fs::write(&path, text).unwrap();
        let found = scan(&path).unwrap();
        assert_eq!((found.records, found.unreadable_lines), (2, 3));
        assert_eq!(found.unfinished, []);
        assert_eq!(read(&path).unwrap().len(), 2);
    }

    #[test]
    fn a_line_longer_than_any_record_is_unreadable_and_not_held_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut text = vec![b'x'; MAX_LINE + 10];
        text.push(b'\n');
        text.extend(line(&record("after", Phase::Intent)).bytes());
        std::fs::write(&path, text).unwrap();
        let found = scan(&path).unwrap();
        assert_eq!((found.records, found.unreadable_lines), (1, 1));
        assert_eq!(ids(&found.unfinished), ["after"]);
    }

    #[test]
    fn the_reader_stops_at_the_length_the_file_had_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, line(&record("first", Phase::Intent))).unwrap();
        let mut reader = Reader::open(&path).unwrap().unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(line(&record("later", Phase::Intent)).as_bytes())
            .unwrap();
        let first = reader.next_line().unwrap().unwrap();
        assert_eq!(first.record.unwrap().id, "first");
        assert!(reader.next_line().unwrap().is_none());
    }

    #[test]
    fn a_hundred_thousand_records_scan_to_exactly_the_unfinished_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut out = io::BufWriter::new(File::create(&path).unwrap());
        let mut expected = Vec::new();
        for i in 0..50_000 {
            let id = format!("id-{i}");
            out.write_all(line(&record(&id, Phase::Intent)).as_bytes())
                .unwrap();
            if i % 9_973 == 17 {
                expected.push(id);
            } else {
                out.write_all(line(&record(&id, Phase::Outcome)).as_bytes())
                    .unwrap();
            }
        }
        // Outcomes may come after other intents (actions run at once).
        out.write_all(line(&record("late", Phase::Intent)).as_bytes())
            .unwrap();
        out.write_all(line(&record("last", Phase::Intent)).as_bytes())
            .unwrap();
        out.write_all(line(&record("late", Phase::Outcome)).as_bytes())
            .unwrap();
        let without_outcome = expected.len();
        assert_eq!(without_outcome, 6);
        expected.push("last".into());
        drop(out);
        let found = scan(&path).unwrap();
        assert_eq!(found.records, 100_000 - without_outcome + 3);
        assert_eq!(ids(&found.unfinished), expected);
        assert_eq!((found.torn_tail, found.unreadable_lines), (None, 0));
    }

    #[test]
    fn acknowledging_closes_exactly_the_unfinished_intents() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let log = open(&state);
        let a = log.intent("demo:test", &plan("tenant_a")).unwrap();
        let b = log.intent("demo:test", &plan("tenant_b")).unwrap();
        let c = log.intent("demo:test", &plan("tenant_c")).unwrap();
        log.outcome(&b, "demo:test", &plan("tenant_b"), &Err("failed".into()))
            .unwrap();
        assert_eq!(log.acknowledge_unfinished("demo:alice"), Ok(2));
        let records = read(&state.audit_log()).unwrap();
        let closing: Vec<(&str, &str)> = records[4..]
            .iter()
            .map(|r| (r.id.as_str(), r.outcome.as_ref().unwrap().message.as_str()))
            .collect();
        let message = "outcome unknown; verified by hand and acknowledged by demo:alice";
        assert_eq!(closing, [(a.as_str(), message), (c.as_str(), message)]);
        assert!(records[4..].iter().all(|r| r.phase == Phase::Outcome));
        assert_eq!(scan(&state.audit_log()).unwrap().unfinished, []);
        assert_eq!(log.acknowledge_unfinished("demo:alice"), Ok(0));
        assert_eq!(read(&state.audit_log()).unwrap().len(), 6);
    }

    #[test]
    fn an_outcome_that_cannot_be_written_is_a_write_error_and_leaves_the_intent_unfinished() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let log = open(&state);
        let id = log.intent("demo:test", &plan("tenant_b")).unwrap();
        // The disk fills up between the intent and the outcome: the same appender, over a file
        // whose every write fails with ENOSPC.
        log.fill_the_disk();
        let result = log.outcome(&id, "demo:test", &plan("tenant_b"), &Err("x".into()));
        let Err(AuditError::Write { path, error }) = &result else {
            panic!("{result:?}")
        };
        assert_eq!(path, &state.audit_log());
        assert!(error.contains("No space left on device"), "{error}");
        assert!(
            result
                .unwrap_err()
                .to_string()
                .contains("the record could not be written: No space left on device")
        );
        assert_eq!(
            ids(&scan(&state.audit_log()).unwrap().unfinished),
            [id.as_str()]
        );
    }

    #[test]
    fn the_log_cannot_be_opened_twice_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let log = open(&state);
        assert!(matches!(
            state.lock(),
            Err(crate::action::LockError::Held { .. })
        ));
        drop(log);
        open(&state);
    }

    /// Opening `path` for reading and for appending is refused as `what`, and nothing is created.
    #[cfg(unix)]
    fn refused(state: &StateDir, what: &str) {
        let path = state.audit_log();
        let expected = AuditError::NotRegularFile {
            path: path.clone(),
            what: what.into(),
        };
        assert_eq!(scan(&path).unwrap_err(), expected);
        assert_eq!(read(&path).unwrap_err(), expected);
        let Err(error) = AuditLog::open(state.lock().unwrap()) else {
            panic!("{what} opened")
        };
        assert_eq!(error, expected);
        assert!(
            error
                .to_string()
                .ends_with(&format!("audit.jsonl: is {what}, not a regular file")),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        let path = state.audit_log();
        let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        refused(&state, "a FIFO");
        // Past the check (a FIFO swapped in after it): the open itself does not wait for a
        // writer or a reader, and what was opened is refused.
        for access in [Access::Read, Access::Append] {
            let opened = open_nonblocking(&path, access).unwrap();
            assert_eq!(describe(opened.metadata().unwrap().file_type()), "a FIFO");
        }
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert_eq!(
            scan(&link).unwrap_err(),
            AuditError::NotRegularFile {
                path: link,
                what: "a symlink to a FIFO".into()
            }
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_device_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        std::os::unix::fs::symlink("/dev/full", state.audit_log()).unwrap();
        refused(&state, "a symlink to a character device");
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_and_a_dangling_symlink_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path());
        std::fs::create_dir(state.audit_log()).unwrap();
        refused(&state, "a directory");
        std::fs::remove_dir(state.audit_log()).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), state.audit_log()).unwrap();
        refused(&state, "a symlink to nothing");
        assert!(!dir.path().join("elsewhere").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_regular_file_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::at(dir.path().join("state"));
        let real = dir.path().join("real.jsonl");
        std::fs::write(&real, line(&record("kept", Phase::Intent))).unwrap();
        std::fs::create_dir(state.path()).unwrap();
        std::os::unix::fs::symlink(&real, state.audit_log()).unwrap();
        let log = open(&state);
        log.intent("demo:test", &plan("tenant_a")).unwrap();
        assert_eq!(read(&real).unwrap().len(), 2);
    }
}
