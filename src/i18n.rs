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

/// `text` broken into lines of at most `columns` display columns; see [`wrap_ranges`].
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    wrap_ranges(text, columns)
        .into_iter()
        .map(|range| text[range].to_string())
        .collect()
}

/// Characters no line may start with (JIS X 4051's line-start prohibition, kinsoku shori):
/// closing brackets and punctuation, the prolonged sound mark, iteration marks, small kana, and
/// their ASCII counterparts.
const NO_LINE_START: &str = "、。，．・：；？！ー」』）〕］｝〉》】ゝゞヽヾ々\
    ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ〜…‥),.:;!?]}%";

/// Characters no line may end with: opening brackets, Japanese and ASCII.
const NO_LINE_END: &str = "「『（〔［｛〈《【([{";

/// Whether a line may break between `before` and `after` (neither a space): Japanese allows a
/// break between any two characters where one is wide (CJK), unless kinsoku forbids it; two
/// Latin characters belong to one word.
fn may_break_between(before: char, after: char) -> bool {
    let wide = |c: char| c.width().unwrap_or(0) >= 2;
    (wide(before) || wide(after)) && !NO_LINE_START.contains(after) && !NO_LINE_END.contains(before)
}

/// Where `text`'s lines are when it is wrapped to `columns` display columns (a CJK character
/// takes two), as byte ranges into `text`: the crate's one wrapping rule, for prose in either
/// language.
///
/// - A `\n` always ends a line.
/// - A line breaks at a run of spaces (the spaces are dropped), or between two characters of
///   Japanese (or Japanese and Latin) text, except where kinsoku forbids: never before closing
///   punctuation or small kana ([`NO_LINE_START`]), never after an opening bracket
///   ([`NO_LINE_END`]).
/// - A Latin word is split only when it alone is wider than the line; so is a run that kinsoku
///   holds together.
/// - Leading spaces of a paragraph (indentation) are kept.
///
/// Every line fits in `columns`, unless `columns` is narrower than one character.
pub fn wrap_ranges(text: &str, columns: usize) -> Vec<std::ops::Range<usize>> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    let mut offset = 0;
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, offset, columns, &mut lines);
        offset += paragraph.len() + 1;
    }
    lines
}

/// One paragraph's lines (see [`wrap_ranges`]), its ranges shifted by `offset`.
fn wrap_paragraph(
    text: &str,
    offset: usize,
    columns: usize,
    lines: &mut Vec<std::ops::Range<usize>>,
) {
    // The paragraph as units that never break inside: a word or character with any spaces
    // after it. Each is (start, end of its text, end with its spaces).
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut units: Vec<(usize, usize, usize)> = Vec::new();
    let indent = chars.iter().take_while(|(_, c)| *c == ' ').count();
    let mut i = indent;
    while i < chars.len() {
        let start = chars[i].0;
        i += 1;
        while i < chars.len() && chars[i].1 != ' ' && !may_break_between(chars[i - 1].1, chars[i].1)
        {
            i += 1;
        }
        let text_end = chars.get(i).map_or(text.len(), |(at, _)| *at);
        while i < chars.len() && chars[i].1 == ' ' {
            i += 1;
        }
        let end = chars.get(i).map_or(text.len(), |(at, _)| *at);
        units.push((start, text_end, end));
    }

    let indent_end = chars.get(indent).map_or(text.len(), |(at, _)| *at);
    // An indentation as wide as the line (or a line of nothing but spaces) is dropped.
    let keep_indent = !units.is_empty() && indent < columns;
    let mut line_start = if keep_indent { 0 } else { indent_end };
    let mut line_end = indent_end;
    let mut used = if keep_indent { indent } else { 0 };
    // The spaces after the line's last unit, kept only if another unit follows on the line.
    let mut pending = 0..0;
    let mut push =
        |range: std::ops::Range<usize>| lines.push(offset + range.start..offset + range.end);
    for (start, text_end, end) in units {
        let gap = width(&text[pending.clone()]);
        let unit_width = width(&text[start..text_end]);
        if used + gap + unit_width <= columns {
            used += gap + unit_width;
        } else if unit_width <= columns {
            if used > 0 {
                push(line_start..line_end);
            }
            line_start = start;
            used = unit_width;
        } else {
            // Wider than a whole line: on lines of its own, cut where it must be, but not
            // before a closing mark or after an opening one while the line has room to give.
            if used > 0 {
                push(line_start..line_end);
            }
            line_start = start;
            let unit: Vec<(usize, char)> = text[start..text_end]
                .char_indices()
                .map(|(index, c)| (start + index, c))
                .collect();
            let mut first = 0; // the index in `unit` of the line's first character
            used = 0;
            let mut k = 0;
            while k < unit.len() {
                let w = unit[k].1.width().unwrap_or(0);
                if used + w > columns && k > first {
                    let mut cut = k;
                    while cut > first + 1
                        && (NO_LINE_START.contains(unit[cut].1)
                            || NO_LINE_END.contains(unit[cut - 1].1))
                    {
                        cut -= 1;
                    }
                    push(line_start..unit[cut].0);
                    line_start = unit[cut].0;
                    first = cut;
                    k = cut;
                    used = 0;
                    continue;
                }
                used += w;
                k += 1;
            }
        }
        line_end = text_end;
        pending = text_end..end;
    }
    push(line_start..line_end);
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

/// `text` cut in the middle to at most `columns` columns, keeping its start and its end: for
/// names that differ only at the end (`daily-elt-2026…0558-rerun-1`). The end gets the larger half.
pub fn middle(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_string();
    }
    if columns <= 1 {
        return "…".repeat(columns);
    }
    let head_columns = (columns - 1) / 2;
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_columns {
            break;
        }
        head.push(c);
        used += w;
    }
    let end = tail(text, columns - used);
    format!("{head}{end}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn middle_keeps_the_start_and_the_distinguishing_end() {
        assert_eq!(
            middle("daily-elt-20261121-0558", 30),
            "daily-elt-20261121-0558"
        );
        let cut = middle("daily-elt-20261121-0558-rerun-1", 26);
        assert_eq!(cut, "daily-elt-20…-0558-rerun-1");
        assert_eq!(width(&cut), 26);
        assert_eq!(middle("テナント実行名前", 9), "テナ…名前");
        assert_eq!(middle("abc", 1), "…");
        assert_eq!(middle("abc", 0), "");
    }

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
        assert_eq!(wrap("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(wrap("    SELECT 1", 20), ["    SELECT 1"]);
        for line in wrap("the quick brown fox jumps over the lazy dog", 7) {
            assert!(width(&line) <= 7, "{line:?}");
        }
    }

    #[test]
    fn english_words_are_split_only_when_longer_than_the_line() {
        assert_eq!(
            wrap("see arn:aws:states:ap-northeast-1:123 now", 12),
            ["see", "arn:aws:stat", "es:ap-northe", "ast-1:123", "now"]
        );
        assert_eq!(
            wrap("tenant_0004 tenant_0005", 12),
            ["tenant_0004", "tenant_0005"]
        );
    }

    #[test]
    fn japanese_runbook_sentences_break_between_characters_by_width() {
        // runbooks/ja/copy-error.toml, the first check step.
        let text = "Alert-COPY-Error（CopyErrorCount >= 1）は Step Functions の ELT の COPY で\
                    行が拒否されたことを示す。アラームが ALARM になった時刻を控えておく。";
        let lines = wrap(text, 30);
        assert_eq!(
            lines,
            [
                "Alert-COPY-Error",
                "（CopyErrorCount >= 1）は Step",
                "Functions の ELT の COPY で行",
                "が拒否されたことを示す。アラー",
                "ムが ALARM になった時刻を控え",
                "ておく。",
            ]
        );
        for line in &lines {
            assert!(width(line) <= 30, "{line:?}");
        }
        // runbooks/ja/copy-error.toml, the third step: Latin runs inside Japanese break at spaces.
        assert_eq!(
            wrap(
                "{schema}.{table} へのロードで出ている。生の値も見る場合:",
                24
            ),
            [
                "{schema}.{table} への",
                "ロードで出ている。生の値",
                "も見る場合:"
            ]
        );
    }

    #[test]
    fn kinsoku_keeps_closing_marks_and_small_kana_off_a_line_start() {
        // 「。」 would start the second line: the character before it goes down with it.
        assert_eq!(wrap("確認します。", 10), ["確認しま", "す。"]);
        assert_eq!(wrap("確認する」と", 8), ["確認す", "る」と"]);
        assert_eq!(wrap("バッチキュー", 6), ["バッチ", "キュー"]);
        // Where kinsoku cannot be kept (キュー is wider than the line), the width wins.
        assert_eq!(wrap("バッチキュー", 4), ["バッ", "チ", "キ", "ュー"]);
        assert_eq!(wrap("ロックがかかった", 6), ["ロック", "がか", "かった"]);
        assert_eq!(wrap("テナント、ELT", 8), ["テナン", "ト、ELT"]);
        assert_eq!(wrap("再実行(手動)", 10), ["再実行(手", "動)"]);
        for (text, columns) in [
            ("確認します。次へ、進む", 10),
            ("「ELT を再実行する」を押す", 12),
            ("状態（正常）を見る", 8),
            ("キュー待ちのクエリ", 6),
        ] {
            for line in wrap(text, columns).iter().skip(1) {
                let first = line.chars().next().unwrap();
                assert!(!NO_LINE_START.contains(first), "{text:?} → {line:?}");
            }
            for line in wrap(text, columns) {
                let last = line.chars().last().unwrap();
                assert!(!NO_LINE_END.contains(last), "{text:?} → {line:?}");
            }
        }
    }

    #[test]
    fn kinsoku_keeps_opening_brackets_off_a_line_end() {
        assert_eq!(wrap("次に「再実行」", 6), ["次に", "「再実", "行」"]);
        assert_eq!(wrap("キュー（adhoc）", 10), ["キュー", "（adhoc）"]);
        // Wider than the line, so cut: still not right after the opening bracket.
        assert_eq!(wrap("キュー（adhoc）", 8), ["キュー", "（adho", "c）"]);
    }

    proptest::proptest! {
        #[test]
        fn wrapped_lines_fit_and_give_back_the_text(
            text in "[a-z ]{0,12}([あいうっょー。、「」（）漢字 a-zA-Z0-9_.()-]{0,40}\n?){1,3}",
            columns in 2usize..40,
        ) {
            let ranges = wrap_ranges(&text, columns);
            let mut at = 0;
            for range in &ranges {
                let line = &text[range.clone()];
                proptest::prop_assert!(width(line) <= columns, "{line:?} at {columns}");
                // Between lines only the spaces broken at (and the newline) are left out.
                proptest::prop_assert!(range.start >= at);
                proptest::prop_assert!(
                    text[at..range.start].chars().all(|c| c == ' ' || c == '\n'),
                    "{:?} dropped", &text[at..range.start]
                );
                at = range.end;
            }
            proptest::prop_assert!(text[at..].chars().all(|c| c == ' '));
            proptest::prop_assert_eq!(ranges.len() >= text.split('\n').count(), true);
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
