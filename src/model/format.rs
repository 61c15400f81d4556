//! The one home of how long something took or how long ago it was, in the interface's language.

use crate::i18n::Lang;

/// A duration in seconds as a short human form: `42s`, `12m`, `3h05m`, `2d04h` in English;
/// `42秒`, `12分`, `3時間5分`, `2日4時間` in Japanese (a zero minor unit is left out there:
/// `2時間`, not `2時間0分`, as Japanese prose writes it).
pub fn format_duration_secs(seconds: f64, lang: Lang) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "—".to_string();
    }
    let s = seconds.round() as u64;
    let (days, hours, minutes) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    match (s, lang) {
        (0..=59, Lang::En) => format!("{s}s"),
        (60..=3599, Lang::En) => format!("{minutes}m"),
        (3600..=86_399, Lang::En) => format!("{hours}h{minutes:02}m"),
        (_, Lang::En) => format!("{days}d{hours:02}h"),
        (0..=59, Lang::Ja) => format!("{s}秒"),
        (60..=3599, Lang::Ja) => format!("{minutes}分"),
        (3600..=86_399, Lang::Ja) if minutes == 0 => format!("{hours}時間"),
        (3600..=86_399, Lang::Ja) => format!("{hours}時間{minutes}分"),
        (_, Lang::Ja) if hours == 0 => format!("{days}日"),
        (_, Lang::Ja) => format!("{days}日{hours}時間"),
    }
}

/// How long ago, from an age in seconds: `5m ago`, `5分前`.
pub fn format_ago_secs(seconds: f64, lang: Lang) -> String {
    let duration = format_duration_secs(seconds, lang);
    match lang {
        Lang::En => format!("{duration} ago"),
        Lang::Ja => format!("{duration}前"),
    }
}

/// Text from outside (a run's cause, a dbt log, an alarm's reason) as the lines it was written
/// in: `\r\n`, `\r` and `\n` each end a line, a tab becomes four spaces, and every other control
/// character (an escape sequence's ESC, a NUL, a bidi override) becomes a visible escape
/// ([`crate::text::sanitize`]), so nothing can drive the terminal and no two lines are glued
/// together. Trailing whitespace and blank lines at the end go.
pub fn display_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = crate::text::sanitize(text)
        .split('\n')
        .map(|line| line.trim_end().to_string())
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
    fn display_lines_keep_line_breaks_and_show_control_characters_as_escapes() {
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
            vec![r"\x1b[31mred\x1b[0m    ok\x00", "next"]
        );
        assert_eq!(display_lines(""), vec![""]);
    }

    #[test]
    fn durations_read_at_a_glance() {
        let en = |s| format_duration_secs(s, Lang::En);
        assert_eq!(en(0.0), "0s");
        assert_eq!(en(59.4), "59s");
        assert_eq!(en(60.0), "1m");
        assert_eq!(en(3599.0), "59m");
        assert_eq!(en(3600.0 + 5.0 * 60.0), "1h05m");
        assert_eq!(en(2.0 * 86_400.0 + 4.0 * 3600.0), "2d04h");
        assert_eq!(en(-1.0), "—");
    }

    #[test]
    fn durations_in_japanese_use_japanese_units() {
        let ja = |s| format_duration_secs(s, Lang::Ja);
        assert_eq!(ja(42.0), "42秒");
        assert_eq!(ja(60.0), "1分");
        assert_eq!(ja(3600.0 + 5.0 * 60.0), "1時間5分");
        assert_eq!(ja(2.0 * 3600.0), "2時間");
        assert_eq!(ja(3.0 * 86_400.0), "3日");
        assert_eq!(ja(2.0 * 86_400.0 + 4.0 * 3600.0), "2日4時間");
        assert_eq!(ja(f64::NAN), "—");
    }

    #[test]
    fn ago_reads_as_a_phrase_in_each_language() {
        assert_eq!(format_ago_secs(60.0, Lang::En), "1m ago");
        assert_eq!(format_ago_secs(3900.0, Lang::En), "1h05m ago");
        assert_eq!(format_ago_secs(60.0, Lang::Ja), "1分前");
        assert_eq!(format_ago_secs(2.0 * 3600.0, Lang::Ja), "2時間前");
        assert_eq!(format_ago_secs(3.0 * 86_400.0, Lang::Ja), "3日前");
    }
}
