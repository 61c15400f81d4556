//! Small drawing helpers shared by the views: status words, ages, scrolling tables.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use crate::health::{Severity, Status};
use crate::i18n::Lang;
use crate::model::{
    AlarmState, EltStatus, ExportStatus, IntegrationStatus, Time, format_ago_secs, format_duration_secs,
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
        let rows: Vec<Row> = (start..end)
            .map(|i| {
                let row = make_row(i);
                if Some(i) == selected {
                    row.style(theme.style(Role::Selection))
                } else {
                    row
                }
            })
            .collect();
        let header = Row::new(
            self.header
                .iter()
                .map(|h| Cell::from(*h).style(theme.style(Role::Header))),
        );
        let table = Table::new(rows, self.widths.to_vec())
            .header(header)
            .block(block)
            .style(theme.style(Role::Text))
            .column_spacing(1);
        frame.render_widget(table, area);
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
