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

/// Reads a data file, reporting failures in the same positioned form as parse errors.
pub fn read_text(path: &Path) -> Result<String, DataFileError> {
    std::fs::read_to_string(path).map_err(|error| {
        DataFileError::whole_file(path.display().to_string(), format!("cannot read: {error}"))
    })
}

/// Reads a data file that may legitimately be absent (a user override, a custom theme):
/// `Ok(None)` when it does not exist, an error when it exists but cannot be read.
pub fn read_optional(path: &Path) -> Result<Option<String>, DataFileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(DataFileError::whole_file(
            path.display().to_string(),
            format!("cannot read: {error}"),
        )),
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
}
