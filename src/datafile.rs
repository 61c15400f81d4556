//! Loading of TOML data files (keymaps, themes, config, runbooks) with errors that name
//! `file:line:column`, so a user can jump straight to the mistake in their editor.

use std::error::Error;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::text::sanitize_line;

/// A problem in a data file, positioned at the offending token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFileError {
    /// The file as the user knows it (a real path, or `keymaps/default.toml` for shipped files).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters rather than bytes.
    pub column: usize,
    pub message: String,
}

impl DataFileError {
    /// An error about a file as a whole (missing, unreadable), reported at its first character
    /// so that the `file:line:column` shape stays uniform for tools and editors.
    pub fn whole_file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line: 1,
            column: 1,
            message: message.into(),
        }
    }
}

/// The path and the message may quote what the user or a file name holds (a theme's name, a
/// tenant's): both are shown on one line, any control character as a visible escape.
impl fmt::Display for DataFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            sanitize_line(&self.path),
            self.line,
            self.column,
            sanitize_line(&self.message)
        )
    }
}

impl Error for DataFileError {}

/// The 1-based `(line, column)` of a byte offset in `text`; the column counts characters.
///
/// Offsets past the end or inside a multi-byte character are clamped to the nearest earlier
/// character boundary, so a slightly-off span still yields a usable position.
pub fn position(text: &str, byte_offset: usize) -> (usize, usize) {
    let mut offset = byte_offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Deserialises `text` (the contents of `path`), turning syntax errors, wrong types and unknown
/// fields into a [`DataFileError`] at the token TOML blames.
pub fn parse<T: DeserializeOwned>(path: &str, text: &str) -> Result<T, DataFileError> {
    toml::from_str(text).map_err(|error: toml::de::Error| {
        let span = error.span().unwrap_or(0..0);
        error_at(path, text, span, error.message().trim_end())
    })
}

/// An error found after parsing (an unknown name, a conflict …) at `span`, typically taken from a
/// `toml::Spanned` value.
pub fn error_at(
    path: &str,
    text: &str,
    span: Range<usize>,
    message: impl Into<String>,
) -> DataFileError {
    let (line, column) = position(text, span.start);
    DataFileError {
        path: path.to_owned(),
        line,
        column,
        message: message.into(),
    }
}

/// `path:line:column` of `span`, for messages that refer to a second place ("… bound at …").
pub fn location(path: &str, text: &str, span: Range<usize>) -> String {
    let (line, column) = position(text, span.start);
    format!("{path}:{line}:{column}")
}

/// What stands at a data file's path when it is not a regular file to read. Each is an error
/// that names the path: reading a FIFO would block start-up, and a directory or a broken link
/// quietly skipped would leave the user wondering why their file has no effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRegular {
    Directory,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
    /// A symbolic link whose target does not exist.
    DanglingLink,
    /// Symbolic links that lead back to themselves.
    LinkLoop,
    /// Anything else the platform has.
    Other,
}

impl NotRegular {
    /// What the path is, as the end of "PATH:1:1: …".
    pub fn describe(self) -> &'static str {
        match self {
            NotRegular::Directory => "is a directory, not a regular file",
            NotRegular::Fifo => "is a FIFO, not a regular file",
            NotRegular::Socket => "is a socket, not a regular file",
            NotRegular::CharacterDevice => "is a character device, not a regular file",
            NotRegular::BlockDevice => "is a block device, not a regular file",
            NotRegular::DanglingLink => "is a dangling link: its target does not exist",
            NotRegular::LinkLoop => "is a link loop: its links lead back to themselves",
            NotRegular::Other => "is not a regular file",
        }
    }

    /// `None` for a regular file.
    fn of(file_type: std::fs::FileType) -> Option<NotRegular> {
        if file_type.is_file() {
            return None;
        }
        if file_type.is_dir() {
            return Some(NotRegular::Directory);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return Some(NotRegular::Fifo);
            }
            if file_type.is_socket() {
                return Some(NotRegular::Socket);
            }
            if file_type.is_char_device() {
                return Some(NotRegular::CharacterDevice);
            }
            if file_type.is_block_device() {
                return Some(NotRegular::BlockDevice);
            }
        }
        Some(NotRegular::Other)
    }
}

/// Why a data file could not be read.
#[derive(Debug)]
enum ReadFailure {
    Absent,
    NotRegular(NotRegular),
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadFailure {
    fn from(error: std::io::Error) -> Self {
        if is_link_loop(&error) {
            ReadFailure::NotRegular(NotRegular::LinkLoop)
        } else {
            ReadFailure::Io(error)
        }
    }
}

fn is_link_loop(error: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// The one way every data file (config, keymaps, themes, runbooks) is read: only a regular file,
/// or a link to one, is opened. What the path holds is checked before opening, so a FIFO is
/// never opened (that would block until a writer comes), and checked again on the open file
/// (opened non-blocking), in case the path changed in between.
fn read_regular(path: &Path) -> Result<String, ReadFailure> {
    let entry = match std::fs::symlink_metadata(path) {
        Ok(entry) => entry,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadFailure::Absent);
        }
        Err(error) => return Err(error.into()),
    };
    let target = if entry.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(target) => target,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(ReadFailure::NotRegular(NotRegular::DanglingLink));
            }
            Err(error) => return Err(error.into()),
        }
    } else {
        entry
    };
    if let Some(kind) = NotRegular::of(target.file_type()) {
        return Err(ReadFailure::NotRegular(kind));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    if let Some(kind) = NotRegular::of(file.metadata()?.file_type()) {
        return Err(ReadFailure::NotRegular(kind));
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text)?;
    Ok(text)
}

fn failure_error(path: &Path, failure: ReadFailure) -> DataFileError {
    let message = match failure {
        ReadFailure::Absent => "cannot read: the file does not exist".to_owned(),
        ReadFailure::NotRegular(kind) => kind.describe().to_owned(),
        ReadFailure::Io(error) => format!("cannot read: {error}"),
    };
    DataFileError::whole_file(path.display().to_string(), message)
}

/// Reads a data file, reporting failures in the same positioned form as parse errors: an absent
/// file, and anything but a regular file (a directory, a FIFO, a device, a dangling link, a link
/// loop), is an error that names the path.
pub fn read_text(path: &Path) -> Result<String, DataFileError> {
    read_regular(path).map_err(|failure| failure_error(path, failure))
}

/// Reads a data file that may legitimately be absent (a user override, a custom theme):
/// `Ok(None)` when nothing is at the path, an error when something is but cannot be read —
/// a dangling link too, which is a file the user meant to be there.
pub fn read_optional(path: &Path) -> Result<Option<String>, DataFileError> {
    match read_regular(path) {
        Ok(text) => Ok(Some(text)),
        Err(ReadFailure::Absent) => Ok(None),
        Err(failure) => Err(failure_error(path, failure)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use toml::Spanned;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        name: Spanned<String>,
        #[serde(default)]
        retries: u32,
    }

    #[test]
    fn position_counts_lines_and_characters() {
        let text = "ab\ncdé f\n\nx";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 2), (1, 3));
        assert_eq!(position(text, 3), (2, 1));
        // "é" is two bytes but one column.
        assert_eq!(position(text, text.find(" f").unwrap()), (2, 4));
        assert_eq!(position(text, text.find('x').unwrap()), (4, 1));
    }

    #[test]
    fn position_clamps_out_of_range_and_mid_character_offsets() {
        let text = "é\nz";
        assert_eq!(position(text, 1), (1, 1));
        assert_eq!(position(text, 100), (2, 2));
        assert_eq!(position("", 5), (1, 1));
    }

    #[test]
    fn display_is_file_line_column_message() {
        let error = DataFileError {
            path: "a.toml".into(),
            line: 3,
            column: 7,
            message: "boom".into(),
        };
        assert_eq!(error.to_string(), "a.toml:3:7: boom");
    }

    #[test]
    fn parse_accepts_valid_input() {
        let sample: Sample = parse("s.toml", "name = \"x\"\nretries = 2\n").unwrap();
        assert_eq!(sample.name.get_ref(), "x");
        assert_eq!(sample.retries, 2);
    }

    #[test]
    fn parse_positions_unknown_fields() {
        let error = parse::<Sample>("s.toml", "name = \"x\"\n  colour = 1\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "s.toml:2:3: unknown field `colour`, expected `name` or `retries`"
        );
    }

    #[test]
    fn parse_positions_wrong_types() {
        let error = parse::<Sample>("s.toml", "name = \"x\"\nretries = \"two\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "s.toml:2:11: invalid type: string \"two\", expected u32"
        );
    }

    #[test]
    fn parse_positions_syntax_errors() {
        let error = parse::<Sample>("s.toml", "name = \"x\"\nretries = \n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "s.toml:2:11: string values must be quoted, expected literal string"
        );
    }

    #[test]
    fn error_at_uses_span_start() {
        let text = "name = \"x\"\n";
        let sample: Sample = parse("s.toml", text).unwrap();
        let error = error_at("s.toml", text, sample.name.span(), "bad name");
        assert_eq!(error.to_string(), "s.toml:1:8: bad name");
        assert_eq!(location("s.toml", text, sample.name.span()), "s.toml:1:8");
    }

    #[test]
    fn read_text_reports_missing_files() {
        let error = read_text(Path::new("/nonexistent/shiftops.toml")).unwrap_err();
        assert_eq!((error.line, error.column), (1, 1));
        assert!(
            error
                .to_string()
                .starts_with("/nonexistent/shiftops.toml:1:1: cannot read:")
        );
        assert_eq!(
            read_optional(Path::new("/nonexistent/shiftops.toml")),
            Ok(None)
        );
    }

    /// `read(path)` in a thread, bounded: a read that blocks (a FIFO opened for reading) fails
    /// the test instead of hanging it.
    fn within_seconds<T: Send + 'static>(path: &Path, read: fn(&Path) -> T) -> T {
        let (sender, receiver) = std::sync::mpsc::channel();
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let _ = sender.send(read(&path));
        });
        receiver
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a data file must not block")
    }

    #[cfg(unix)]
    #[test]
    fn anything_but_a_regular_file_is_an_error_that_names_it_and_never_blocks() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);

        let fifo = at("fifo.toml");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        std::fs::create_dir(at("directory.toml")).unwrap();
        let _socket = std::os::unix::net::UnixListener::bind(at("socket.toml")).unwrap();
        symlink("/dev/null", at("device.toml")).unwrap();
        symlink(at("nowhere.toml"), at("dangling.toml")).unwrap();
        symlink(at("loop-b.toml"), at("loop-a.toml")).unwrap();
        symlink(at("loop-a.toml"), at("loop-b.toml")).unwrap();
        std::fs::write(at("regular.toml"), "x = 1\n").unwrap();
        symlink(at("regular.toml"), at("link.toml")).unwrap();

        let cases = [
            ("fifo.toml", "is a FIFO, not a regular file"),
            ("directory.toml", "is a directory, not a regular file"),
            ("socket.toml", "is a socket, not a regular file"),
            ("device.toml", "is a character device, not a regular file"),
            (
                "dangling.toml",
                "is a dangling link: its target does not exist",
            ),
            (
                "loop-a.toml",
                "is a link loop: its links lead back to themselves",
            ),
        ];
        for (name, what) in cases {
            let path = at(name);
            let expected = format!("{}:1:1: {what}", path.display());
            let error = within_seconds(&path, read_text).unwrap_err();
            assert_eq!(error.to_string(), expected);
            // An optional file that is there but unusable is an error too, not "absent".
            let error = within_seconds(&path, read_optional).unwrap_err();
            assert_eq!(error.to_string(), expected);
        }
        // And the check can pass: a regular file, directly or through a link, is read.
        assert_eq!(
            within_seconds(&at("regular.toml"), read_text).unwrap(),
            "x = 1\n"
        );
        assert_eq!(
            within_seconds(&at("link.toml"), read_optional).unwrap(),
            Some("x = 1\n".to_owned())
        );
        assert_eq!(
            within_seconds(&at("absent.toml"), read_optional).unwrap(),
            None
        );
    }
}
