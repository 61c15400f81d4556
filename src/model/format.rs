/// A duration in seconds as a short human form: `42s`, `12m`, `3h05m`, `2d04h`.
pub fn format_duration_secs(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "—".to_string();
    }
    let s = seconds.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// Text from outside (a run's cause, a dbt log, an alarm's reason) as the lines it was written
/// in: `\r\n`, `\r` and `\n` each end a line, a tab becomes four spaces, and every other control
/// character (an escape sequence's ESC, a NUL) is dropped, so nothing can move the terminal's
/// cursor and no two lines are glued together. Trailing whitespace and blank lines at the end go.
pub fn display_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .replace("\r\n", "\n")
        .split(['\n', '\r'])
        .map(|line| {
            let mut clean = String::with_capacity(line.len());
            for c in line.chars() {
                match c {
                    '\t' => clean.push_str("    "),
                    c if c.is_control() => {}
                    c => clean.push(c),
                }
            }
            clean.trim_end().to_string()
        })
        .collect();
    while lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_lines_keep_line_breaks_and_drop_control_characters() {
        assert_eq!(
            display_lines(
                "Database Error in model x\r\n  column does not exist\nDone. PASS=41 ERROR=1\n\n"
            ),
            vec![
                "Database Error in model x",
                "  column does not exist",
                "Done. PASS=41 ERROR=1"
            ]
        );
        assert_eq!(
            display_lines("\u{1b}[31mred\u{1b}[0m\tok\0\rnext"),
            vec!["[31mred[0m    ok", "next"]
        );
        assert_eq!(display_lines(""), vec![""]);
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(format_duration_secs(0.0), "0s");
        assert_eq!(format_duration_secs(59.4), "59s");
        assert_eq!(format_duration_secs(60.0), "1m");
        assert_eq!(format_duration_secs(3599.0), "59m");
        assert_eq!(format_duration_secs(3600.0 + 5.0 * 60.0), "1h05m");
        assert_eq!(format_duration_secs(2.0 * 86_400.0 + 4.0 * 3600.0), "2d04h");
        assert_eq!(format_duration_secs(-1.0), "—");
    }
}
