//! The one rule for text that did not come from us — AWS responses (alarm reasons, table names,
//! Data API and execution errors, log lines, SQL), config values and file names — before it
//! reaches any output: the console, the `check` reports, the incident record, stderr.
//!
//! A control character in such text could drive the reader's terminal (an `ESC ]52;…` writes the
//! clipboard, an `ESC [2J` clears the screen) and a bidi override could make one name read as
//! another. Each becomes a visible escape (`\x1b`, `\u{202e}`) instead of being dropped, so the
//! reader sees that the text held one; everything else, Japanese included, is left as it is.

/// `text` with its lines kept: `\r\n`, `\r` and `\n` each end a line (as `\n`), a tab becomes four
/// spaces and every other control or spoofing character a visible escape.
pub fn sanitize(text: &str) -> String {
    sanitize_with(text, '\n')
}

/// `text` on one line, for a table cell, a list item or a message: each line break becomes a
/// space, a tab four spaces and every other control or spoofing character a visible escape.
pub fn sanitize_line(text: &str) -> String {
    sanitize_with(text, ' ')
}

/// `text` with each line break (`\r\n`, `\r`, `\n`) written as `line_break`.
fn sanitize_with(text: &str, line_break: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push(line_break);
            }
            '\n' => out.push(line_break),
            c => push_visible(&mut out, c),
        }
    }
    out
}

/// Serialized JSON with what serde leaves raw inside its strings (DEL, C1 controls, bidi
/// overrides) as `\uXXXX` escapes: the same values for a parser, nothing for a terminal that
/// shows the document. Line breaks between tokens stay; serde already escapes those inside strings.
pub fn json_safe(json: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && is_unsafe(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `c` must not reach a terminal as it is: a C0 or C1 control or DEL (which start or are
/// escape sequences), a bidi embedding, override, isolate or mark (which reorder what is shown),
/// a line or paragraph separator, or an invisible character that hides inside a name.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

fn push_visible(out: &mut String, c: char) {
    use std::fmt::Write;
    match c {
        '\t' => out.push_str("    "),
        c if c.is_ascii() && is_unsafe(c) => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No byte of `text` can drive a terminal: nothing below 0x20 but `\n`, no DEL, no C1, no
    /// bidi control.
    fn assert_inert(text: &str) {
        for c in text.chars() {
            assert!(c == '\n' || !is_unsafe(c), "{c:?} in {text:?}");
        }
    }

    #[test]
    fn escape_sequences_become_visible_escapes() {
        let hostile = "\x1b]52;c;SGVsbG8=\x07\x1b[2J";
        assert_eq!(sanitize_line(hostile), r"\x1b]52;c;SGVsbG8=\x07\x1b[2J");
        assert_eq!(sanitize(hostile), r"\x1b]52;c;SGVsbG8=\x07\x1b[2J");
        assert_eq!(sanitize_line("a\u{9b}b"), r"a\u{9b}b");
        assert_eq!(sanitize_line("a\u{7f}b\0c"), r"a\x7fb\x00c");
        // DCS … ST, with the seven-bit string terminator.
        assert_eq!(sanitize_line("\x1bPq#0\x1b\\"), r"\x1bPq#0\x1b\");
    }

    #[test]
    fn bidi_overrides_and_isolates_become_visible_escapes() {
        assert_eq!(sanitize_line("\u{202e}gnp.exe"), r"\u{202e}gnp.exe");
        assert_eq!(
            sanitize_line("a\u{2066}b\u{2069}c\u{200f}"),
            r"a\u{2066}b\u{2069}c\u{200f}"
        );
        assert_eq!(sanitize_line("x\u{feff}y"), r"x\u{feff}y");
    }

    #[test]
    fn lines_are_kept_or_joined_and_tabs_become_spaces() {
        assert_eq!(sanitize("a\r\nb\rc\nd\te"), "a\nb\nc\nd    e");
        assert_eq!(sanitize_line("a\r\nb\rc\nd\te"), "a b c d    e");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for text in [
            "Threshold Crossed: 1 datapoint [4.0] >= 1.0",
            "テナント「東京」の COPY が失敗しました",
            "ERROR: relation \"tenant_b.orders\" does not exist",
            "emoji 👩‍💻 keeps its joiner",
        ] {
            assert_eq!(sanitize(text), text);
            assert_eq!(sanitize_line(text), text);
        }
    }

    #[test]
    fn json_keeps_its_values_and_loses_its_raw_controls() {
        let value =
            serde_json::json!({"reason": "\x1b]52;c;x\x07 a\u{9b}b \u{7f} \u{202e}gnp.exe"});
        let json = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_safe(&json);
        assert_inert(&safe);
        assert!(
            safe.contains(r"\u009b") && safe.contains(r"\u202e"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn every_character_comes_out_inert_and_sanitizing_twice_changes_nothing() {
        let every: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let once = sanitize(&every);
        assert_inert(&once);
        assert_eq!(sanitize(&once), once);
        let line = sanitize_line(&every);
        assert!(!line.contains('\n'));
        assert_inert(&line);
    }
}
