//! The interface's language: English or Japanese (the first users write their designs and
//! runbooks in Japanese; seed 001's wording is the reference for the Japanese text).

use std::fmt;

use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// `--lang` wins; otherwise the locale of the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`):
    /// Japanese when it starts with `ja`, English otherwise.
    pub fn detect(explicit: Option<Lang>) -> Lang {
        explicit.unwrap_or_else(|| {
            let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|var| std::env::var(var).ok())
                .find(|value| !value.is_empty())
                .unwrap_or_default();
            Lang::from_locale(&locale)
        })
    }

    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    /// Picks the text for this language.
    pub fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }

    /// Picks a set of texts (a table's column headers) for this language.
    pub fn pick_array<'a, const N: usize>(
        self,
        en: &'a [&'a str; N],
        ja: &'a [&'a str; N],
    ) -> &'a [&'a str; N] {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How many terminal columns a text takes: a CJK character takes two.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `columns` columns, with `…` when something was cut.
pub fn truncate(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    if columns == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > columns - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` broken into lines of at most `columns` columns: at the last space that fits, else
/// (Japanese has no spaces) between characters.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in paragraph.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > columns {
                match line.rfind(' ').filter(|&at| at > 0) {
                    Some(at) => {
                        let rest = line[at + 1..].to_string();
                        line.truncate(at);
                        lines.push(std::mem::take(&mut line));
                        used = width(&rest);
                        line = rest;
                        if used + w > columns {
                            lines.push(std::mem::take(&mut line));
                            used = 0;
                        }
                    }
                    None => {
                        lines.push(std::mem::take(&mut line));
                        used = 0;
                    }
                }
                if c == ' ' && line.is_empty() {
                    continue;
                }
            }
            line.push(c);
            used += w;
        }
        lines.push(line);
    }
    lines
}

/// `text` padded with spaces on the right to `columns` columns (cut first if longer).
pub fn pad(text: &str, columns: usize) -> String {
    let cut = truncate(text, columns);
    let fill = columns.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(fill))
}

/// `text` padded with spaces on the left to `columns` columns (cut first if longer): numbers
/// and ages right-aligned by display width.
pub fn pad_left(text: &str, columns: usize) -> String {
    let cut = truncate(text, columns);
    let fill = columns.saturating_sub(width(&cut));
    format!("{}{cut}", " ".repeat(fill))
}

/// The last `columns` columns of `text`, with `…` in front when something was cut: for paths,
/// whose end (the file name) matters most.
pub fn tail(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    if columns == 0 {
        return String::new();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > columns - 1 {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.reverse();
    format!("…{}", kept.into_iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_detection() {
        assert_eq!(Lang::from_locale("ja_JP.UTF-8"), Lang::Ja);
        assert_eq!(Lang::from_locale("JA"), Lang::Ja);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
        assert_eq!(Lang::detect(Some(Lang::Ja)), Lang::Ja);
    }

    #[test]
    fn wrap_breaks_at_spaces_and_between_japanese_characters() {
        assert_eq!(
            wrap("ELT run daily failed at COPY tenant_b", 16),
            ["ELT run daily", "failed at COPY", "tenant_b"]
        );
        assert_eq!(
            wrap("統合の状態が異常です", 8),
            ["統合の状", "態が異常", "です"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        for line in wrap("the quick brown fox jumps over the lazy dog", 7) {
            assert!(width(&line) <= 7, "{line:?}");
        }
    }

    #[test]
    fn widths_count_double_width_characters() {
        assert_eq!(width("テナント"), 8);
        assert_eq!(truncate("テナントA", 6), "テナ…");
        assert_eq!(width(&truncate("テナントA", 6)), 5);
        assert_eq!(pad("テナ", 6), "テナ  ");
        assert_eq!(pad("abc", 2), "a…");
        assert_eq!(tail("s3://バケット/注文.parquet", 12), "…文.parquet");
        assert_eq!(tail("s3://バケット/注文.parquet", 13), "…注文.parquet");
        assert_eq!(width(&pad("日本語テナント名", 9)), 9);
    }
}
