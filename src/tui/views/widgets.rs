//! Small drawing helpers shared by the views: status words, ages, scrolling tables.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use crate::health::{Severity, Status};
use crate::i18n::Lang;
use crate::model::{
    AlarmState, EltStatus, ExportStatus, IntegrationStatus, Time, format_ago_secs,
    format_duration_secs,
};
use crate::tui::theme::{Role, Theme};

/// The role that colours a status.
pub fn status_role(status: Status) -> Role {
    match status {
        Status::Ok => Role::Ok,
        Status::Warning => Role::Warning,
        Status::Unknown => Role::Unknown,
        Status::Critical => Role::Critical,
    }
}

/// A status as symbol and word, coloured: never colour alone.
pub fn status_span(theme: &Theme, lang: Lang, status: Status) -> Span<'static> {
    Span::styled(
        format!("{} {}", status.symbol(), status.label_in(lang)),
        theme.style(status_role(status)),
    )
}

pub fn severity_span(theme: &Theme, lang: Lang, severity: Severity) -> Span<'static> {
    status_span(theme, lang, severity.into())
}

pub fn integration_status(status: &IntegrationStatus) -> Status {
    match status {
        IntegrationStatus::Active => Status::Ok,
        IntegrationStatus::NeedsAttention | IntegrationStatus::Failed => Status::Critical,
        _ => Status::Warning,
    }
}

pub fn export_status(status: &ExportStatus) -> Status {
    match status {
        ExportStatus::Complete => Status::Ok,
        ExportStatus::Failed => Status::Critical,
        ExportStatus::Canceled | ExportStatus::Canceling | ExportStatus::Other(_) => {
            Status::Warning
        }
        ExportStatus::Starting | ExportStatus::InProgress => Status::Unknown,
    }
}

pub fn elt_status(status: &EltStatus) -> Status {
    match status {
        EltStatus::Succeeded => Status::Ok,
        EltStatus::Failed | EltStatus::TimedOut | EltStatus::Aborted => Status::Critical,
        EltStatus::Running => Status::Unknown,
        EltStatus::PendingRedrive | EltStatus::Other(_) => Status::Warning,
    }
}

pub fn alarm_status(state: AlarmState) -> Status {
    match state {
        AlarmState::Ok => Status::Ok,
        AlarmState::Alarm => Status::Critical,
        AlarmState::InsufficientData => Status::Unknown,
    }
}

/// A word with a symbol for a domain status (`✓ active`, `✗ needs_attention`, `… running`).
pub fn word_span(theme: &Theme, status: Status, word: &str) -> Span<'static> {
    let symbol = match status {
        Status::Unknown => "…",
        other => other.symbol(),
    };
    Span::styled(format!("{symbol} {word}"), theme.style(status_role(status)))
}

/// `5m ago` (`5分前`); `—` when unknown.
pub fn ago(lang: Lang, now: Time, then: Option<Time>) -> String {
    match then {
        Some(t) => format_ago_secs((now - t).num_seconds().max(0) as f64, lang),
        None => "—".to_string(),
    }
}

/// `5m` (`5分`): how long ago, for narrow columns; `—` when unknown.
pub fn age(lang: Lang, now: Time, then: Option<Time>) -> String {
    match then {
        Some(t) => format_duration_secs((now - t).num_seconds().max(0) as f64, lang),
        None => "—".to_string(),
    }
}

pub fn hhmm(t: Time) -> String {
    t.format("%m-%d %H:%M").to_string()
}

/// A bordered block with the theme's border and title styles.
pub fn block(theme: &Theme, title: String) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(Span::styled(format!(" {title} "), theme.style(Role::Title)))
}

/// The title of a list view: its name, how many rows it shows, and the filter in force.
pub fn list_title(
    lang: Lang,
    name: &str,
    shown: usize,
    total: usize,
    filter: Option<&String>,
) -> String {
    match (filter, lang) {
        (Some(filter), Lang::En) => format!("{name} ({shown} of {total}) /{filter}"),
        (Some(filter), Lang::Ja) => format!("{name}({total} 件中 {shown} 件)/{filter}"),
        (None, Lang::En) => format!("{name} ({total})"),
        (None, Lang::Ja) => format!("{name}({total} 件)"),
    }
}

/// A table that shows only the rows that fit, scrolled so the selection stays visible.
/// Building only the visible rows keeps a frame cheap with thousands of tenants.
pub struct ScrollTable<'a> {
    pub header: &'a [&'a str],
    pub widths: &'a [Constraint],
    pub selected: Option<usize>,
    pub len: usize,
    pub lang: Lang,
}

impl ScrollTable<'_> {
    /// How many rows fit in `area` inside a border and under the header.
    pub fn capacity(area: Rect) -> usize {
        area.height.saturating_sub(3) as usize
    }

    /// Draws rows `make_row(i)` for the visible window of `0..len`; returns the page size.
    pub fn render<'r>(
        &self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        block: Block<'_>,
        mut make_row: impl FnMut(usize) -> Row<'r>,
    ) -> usize {
        let capacity = Self::capacity(area);
        let selected = self.selected.map(|s| s.min(self.len.saturating_sub(1)));
        let start = match selected {
            Some(s) if capacity > 0 && s >= capacity => s + 1 - capacity,
            _ => 0,
        };
        let end = (start + capacity).min(self.len);
        let rows: Vec<Row> = (start..end).map(&mut make_row).collect();
        let header = Row::new(
            self.header
                .iter()
                .map(|h| Cell::from(*h).style(theme.style(Role::Header))),
        );
        let table = Table::new(rows, self.widths.to_vec())
            .header(header)
            .block(block)
            .style(theme.style(Role::Text))
            // Laid over the cells once they are drawn, so the selected row reads in the
            // selection's colours whatever a cell's own (white on white otherwise, in a theme
            // whose selection is white); its status symbols and words still say the status.
            .row_highlight_style(theme.style(Role::Selection))
            .column_spacing(1);
        let mut state = TableState::default().with_selected(selected.map(|s| s - start));
        frame.render_stateful_widget(table, area, &mut state);
        if self.len == 0 && area.height > 3 && area.width > 4 {
            let inner = Rect {
                x: area.x + 2,
                y: area.y + 2,
                width: area.width - 4,
                height: 1,
            };
            frame.render_widget(
                Paragraph::new(Line::styled(
                    self.lang.pick("nothing to show", "表示する行はありません"),
                    theme.style(Role::Muted),
                )),
                inner,
            );
        }
        capacity
    }
}

/// `line` as the selected row shows it: in the selection's colours alone, its spans' own
/// colours dropped (a status colour on the selection's background need not be readable; the
/// symbol and word still say the status).
pub fn selected_line<'a>(theme: &Theme, line: Line<'a>) -> Line<'a> {
    let spans: Vec<Span<'a>> = line
        .spans
        .into_iter()
        .map(|span| Span::raw(span.content))
        .collect();
    Line::from(spans).style(theme.style(Role::Selection))
}

/// `lines` wrapped to `columns` display columns by the crate's one rule
/// ([`crate::i18n::wrap_ranges`]: spaces, Japanese character boundaries, kinsoku), each piece
/// keeping its span's style and each line its own style.
///
/// A line that starts with a label column — leading spans padded with spaces, as [`field`] and
/// the help's key column make them — wraps its text under itself, the label column left blank.
pub fn wrap_lines<'a>(lines: impl IntoIterator<Item = Line<'a>>, columns: usize) -> Vec<Line<'a>> {
    let mut wrapped = Vec::new();
    for line in lines {
        let label_spans = line
            .spans
            .iter()
            .take(line.spans.len().saturating_sub(1))
            .take_while(|span| span.content.ends_with("  "))
            .count();
        let label: usize = line.spans[..label_spans]
            .iter()
            .map(|span| crate::i18n::width(&span.content))
            .sum();
        // A label column needs room for its text beside it, else the text goes under it.
        if label > 0 && columns >= label + 10 {
            let mut spans = line.spans;
            let rest = spans.split_off(label_spans);
            let rest = Line::from(rest).style(line.style);
            for (n, mut piece) in wrap_lines([rest], columns - label).into_iter().enumerate() {
                let column = if n == 0 {
                    spans.clone()
                } else {
                    vec![Span::raw(" ".repeat(label))]
                };
                piece.spans.splice(0..0, column);
                piece.alignment = line.alignment;
                wrapped.push(piece);
            }
            continue;
        }
        let text: String = line
            .spans
            .iter()
            .map(|span| span.content.as_ref())
            .collect();
        // Where each span starts in `text`.
        let mut starts = Vec::with_capacity(line.spans.len());
        let mut at = 0;
        for span in &line.spans {
            starts.push(at);
            at += span.content.len();
        }
        for range in crate::i18n::wrap_ranges(&text, columns) {
            let spans: Vec<Span<'a>> = line
                .spans
                .iter()
                .zip(&starts)
                .filter_map(|(span, &start)| {
                    let end = start + span.content.len();
                    let (from, to) = (range.start.max(start), range.end.min(end));
                    (from < to).then(|| {
                        Span::styled(
                            span.content[from - start..to - start].to_string(),
                            span.style,
                        )
                    })
                })
                .collect();
            let mut piece = Line::from(spans).style(line.style);
            piece.alignment = line.alignment;
            wrapped.push(piece);
        }
    }
    wrapped
}

/// `lines` in a panel: `block` around them, wrapped to the width inside it ([`wrap_lines`]).
pub fn draw_wrapped<'a>(
    frame: &mut Frame,
    area: Rect,
    block: Block<'a>,
    lines: impl IntoIterator<Item = Line<'a>>,
) {
    let columns = usize::from(block.inner(area).width);
    frame.render_widget(
        Paragraph::new(wrap_lines(lines, columns)).block(block),
        area,
    );
}

/// A label and a value on one line, the label muted and padded by display width.
pub fn field<'a>(theme: &Theme, label: &'a str, value: impl Into<Span<'a>>) -> Line<'a> {
    Line::from(vec![
        Span::styled(crate::i18n::pad(label, 15), theme.style(Role::Muted)),
        value.into(),
    ])
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUSES: [Status; 4] = [
        Status::Ok,
        Status::Warning,
        Status::Unknown,
        Status::Critical,
    ];

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|line| line.to_string()).collect()
    }

    #[test]
    fn wrapped_lines_keep_each_span_style() {
        let theme = Theme::default();
        let warning = theme.style(Role::Warning);
        let line = Line::from(vec![
            Span::raw("ELT run failed: "),
            Span::styled("holds back 23 tenants", warning),
        ]);
        let wrapped = wrap_lines([line], 20);
        assert_eq!(
            texts(&wrapped),
            ["ELT run failed:", "holds back 23", "tenants"]
        );
        assert_eq!(wrapped[0].spans.len(), 1, "the break's space is dropped");
        assert_eq!(wrapped[1].spans[0].style, warning);
        assert_eq!(wrapped[2].spans[0].style, warning);
    }

    #[test]
    fn a_field_wraps_under_its_value() {
        let theme = Theme::default();
        let wrapped = wrap_lines(
            [field(
                &theme,
                "原因",
                "統合のテーブルが異常です。再同期してください。",
            )],
            30,
        );
        assert_eq!(
            texts(&wrapped),
            [
                "原因           統合のテーブル",
                "               が異常です。再",
                "               同期してくださ",
                "               い。",
            ]
        );
        for line in &wrapped {
            assert!(line.width() <= 30, "{line}");
        }
        assert_eq!(wrapped[0].spans[0].style, theme.style(Role::Muted));
    }

    /// Colour is never the only difference: every status has a symbol and a word of its own,
    /// so the colorblind theme, `NO_COLOR` and a greyscale screen all tell them apart.
    #[test]
    fn every_status_reads_differently_without_colour() {
        let theme = Theme::default().no_color();
        for lang in [Lang::En, Lang::Ja] {
            let spans: Vec<String> = STATUSES
                .iter()
                .map(|&status| status_span(&theme, lang, status).content.into_owned())
                .collect();
            for (i, a) in STATUSES.iter().enumerate() {
                for (j, b) in STATUSES.iter().enumerate().skip(i + 1) {
                    assert_ne!(a.symbol(), b.symbol(), "{a:?} and {b:?} share a symbol");
                    assert_ne!(
                        a.label_in(lang),
                        b.label_in(lang),
                        "{a:?} and {b:?} share a word in {lang}"
                    );
                    assert_ne!(spans[i], spans[j]);
                }
                assert!(spans[i].starts_with(a.symbol()), "{}", spans[i]);
            }
            let words: Vec<String> = STATUSES
                .iter()
                .map(|&status| word_span(&theme, status, "x").content.into_owned())
                .collect();
            for (i, word) in words.iter().enumerate() {
                assert_eq!(
                    words.iter().filter(|w| *w == word).count(),
                    1,
                    "{i}: {word}"
                );
            }
        }
    }
}
