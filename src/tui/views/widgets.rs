//! Small drawing helpers shared by the views: status words, ages, scrolling tables.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table};

use crate::health::{Severity, Status};
use crate::i18n::Lang;
use crate::model::{
    AlarmState, EltStatus, ExportStatus, IntegrationStatus, Reading, Time, UNKNOWN, Unread,
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

/// `5m ago` (`5m前`); `—` when unknown.
pub fn ago(lang: Lang, now: Time, then: Option<Time>) -> String {
    match (then, lang) {
        (Some(_), Lang::En) => format!("{} ago", age(now, then)),
        (Some(_), Lang::Ja) => format!("{}前", age(now, then)),
        (None, _) => "—".to_string(),
    }
}

/// `5m`: how long ago, for narrow columns; `—` when unknown.
pub fn age(now: Time, then: Option<Time>) -> String {
    match then {
        Some(t) => format_duration_secs((now - t).num_seconds().max(0) as f64),
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

/// A figure that could not be read: `?`, in the unknown status's colour.
pub fn unknown_span(theme: &Theme) -> Span<'static> {
    Span::styled(UNKNOWN, theme.style(Role::Unknown))
}

/// Why a figure is `?`: `? alarms: <error>`, wrapped to `width`.
pub fn unread_lines(theme: &Theme, unread: &Unread, width: u16) -> Vec<Line<'static>> {
    crate::i18n::wrap(&format!("{UNKNOWN} {unread}"), width.max(10) as usize)
        .into_iter()
        .map(|line| Line::styled(line, theme.style(Role::Unknown)))
        .collect()
}

/// Says why a list is empty when its rows could not be read, where "nothing to show" would be.
pub fn draw_unread(frame: &mut Frame, area: Rect, theme: &Theme, unread: Option<&Unread>) {
    let Some(unread) = unread else { return };
    if area.height <= 3 || area.width <= 4 {
        return;
    }
    let inner = Rect {
        x: area.x + 2,
        y: area.y + 2,
        width: area.width - 4,
        height: area.height - 3,
    };
    frame.render_widget(Clear, inner);
    frame.render_widget(
        Paragraph::new(unread_lines(theme, unread, inner.width)),
        inner,
    );
}

/// The title of a list view: its name, how many rows it shows, and the filter in force.
pub fn list_title(
    lang: Lang,
    name: &str,
    shown: usize,
    total: usize,
    filter: Option<&String>,
) -> String {
    list_title_of(lang, name, shown, Reading::Known(total), filter)
}

/// [`list_title`] of a list whose rows may not have been read: its count is then `?`, not 0.
pub fn list_title_of(
    lang: Lang,
    name: &str,
    shown: usize,
    total: Reading<usize>,
    filter: Option<&String>,
) -> String {
    let shown = total.as_ref().map(|_| shown).text();
    let total = total.text();
    match (filter, lang) {
        (Some(filter), Lang::En) => format!("{name} ({shown} of {total}) /{filter}"),
        (Some(filter), Lang::Ja) => format!("{name}({total} 件中 {shown} 件)/{filter}"),
        (None, Lang::En) => format!("{name} ({total})"),
        (None, Lang::Ja) => format!("{name}({total} 件)"),
    }
}

/// A table column: its header, the width it wants, the least it can do with, and how soon it
/// gives way on a narrow terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column<'a> {
    pub header: &'a str,
    pub width: u16,
    pub min: u16,
    /// 0: a key fact, never hidden; otherwise the higher, the sooner it is hidden.
    pub hide_order: u8,
    /// Takes whatever width is left.
    pub fill: bool,
}

impl<'a> Column<'a> {
    /// A key column that keeps its `width`: never narrowed, never hidden.
    pub const fn key(header: &'a str, width: u16) -> Self {
        Column {
            header,
            width,
            min: width,
            hide_order: 0,
            fill: false,
        }
    }

    /// A column that may be narrowed to `min` and is hidden in `hide_order` (1 first).
    pub const fn optional(header: &'a str, width: u16, min: u16, hide_order: u8) -> Self {
        Column {
            header,
            width,
            min,
            hide_order,
            fill: false,
        }
    }

    /// The key column that takes the rest of the width, at least `min`.
    pub const fn fill(header: &'a str, min: u16) -> Self {
        Column {
            header,
            width: min,
            min,
            hide_order: 0,
            fill: true,
        }
    }

    /// The same column, growing up to `width` when there is room.
    pub const fn grows_to(mut self, width: u16) -> Self {
        self.width = width;
        self
    }

    /// The same column, hidden `hide_order`-th instead of never.
    pub const fn hides(mut self, hide_order: u8) -> Self {
        self.hide_order = hide_order;
        self
    }
}

/// The width of each column at `available` columns, `None` for the ones that do not fit: the
/// least important columns are hidden first, then the rest grow towards the width they want,
/// key columns first, and a fill column takes what is left.
pub fn fit_columns(columns: &[Column], available: u16) -> Vec<Option<u16>> {
    const SPACING: u16 = 1;
    let mut shown: Vec<bool> = vec![true; columns.len()];
    let needed = |shown: &[bool]| -> u16 {
        let (sum, count) = columns
            .iter()
            .zip(shown)
            .filter(|(_, shown)| **shown)
            .fold((0u16, 0u16), |(sum, count), (c, _)| {
                (sum.saturating_add(c.min), count + 1)
            });
        sum.saturating_add(count.saturating_sub(1) * SPACING)
    };
    while needed(&shown) > available {
        let next = columns
            .iter()
            .enumerate()
            .filter(|(i, c)| shown[*i] && c.hide_order > 0)
            .max_by_key(|(i, c)| (c.hide_order, *i));
        match next {
            Some((i, _)) => shown[i] = false,
            None => break,
        }
    }
    let mut widths: Vec<Option<u16>> = columns
        .iter()
        .zip(&shown)
        .map(|(c, shown)| shown.then_some(c.min))
        .collect();
    let mut spare = available.saturating_sub(needed(&shown));
    let mut order: Vec<usize> = (0..columns.len()).filter(|&i| shown[i]).collect();
    order.sort_by_key(|&i| (columns[i].hide_order, i));
    for i in order {
        let Some(width) = widths[i].as_mut() else {
            continue;
        };
        let grow = columns[i].width.saturating_sub(*width).min(spare);
        *width += grow;
        spare -= grow;
    }
    if let Some(fill) = (0..columns.len()).find(|&i| shown[i] && columns[i].fill)
        && let Some(width) = widths[fill].as_mut()
    {
        *width += spare;
    }
    widths
}

/// A table that shows only the rows that fit, scrolled so the selection stays visible.
/// Building only the visible rows keeps a frame cheap with thousands of tenants. Columns that do
/// not fit the width are hidden, least important first, and named under the table.
pub struct ScrollTable<'a> {
    pub columns: &'a [Column<'a>],
    pub selected: Option<usize>,
    pub len: usize,
    pub lang: Lang,
}

impl ScrollTable<'_> {
    /// How many rows fit in `area` inside a border and under the header.
    pub fn capacity(area: Rect) -> usize {
        area.height.saturating_sub(3) as usize
    }

    /// Draws rows of cells `make_row(i)` (one per column) for the visible window of `0..len`;
    /// returns the page size.
    pub fn render<'r>(
        &self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        block: Block<'_>,
        mut make_row: impl FnMut(usize) -> Vec<Cell<'r>>,
    ) -> usize {
        let capacity = Self::capacity(area);
        let fitted = fit_columns(self.columns, area.width.saturating_sub(2));
        let keep = |cells: Vec<Cell<'r>>| -> Vec<Cell<'r>> {
            cells
                .into_iter()
                .zip(&fitted)
                .filter_map(|(cell, width)| width.map(|_| cell))
                .collect()
        };
        let selected = self.selected.map(|s| s.min(self.len.saturating_sub(1)));
        let start = match selected {
            Some(s) if capacity > 0 && s >= capacity => s + 1 - capacity,
            _ => 0,
        };
        let end = (start + capacity).min(self.len);
        let rows: Vec<Row> = (start..end)
            .map(|i| {
                let row = Row::new(keep(make_row(i)));
                if Some(i) == selected {
                    row.style(theme.style(Role::Selection))
                } else {
                    row
                }
            })
            .collect();
        let header = Row::new(keep(
            self.columns
                .iter()
                .map(|c| Cell::from(c.header.to_string()).style(theme.style(Role::Header)))
                .collect(),
        ));
        let widths: Vec<Constraint> = fitted
            .iter()
            .flatten()
            .map(|w| Constraint::Length(*w))
            .collect();
        let hidden: Vec<&str> = self
            .columns
            .iter()
            .zip(&fitted)
            .filter(|(c, width)| width.is_none() && !c.header.is_empty())
            .map(|(c, _)| c.header)
            .collect();
        let block = if hidden.is_empty() {
            block
        } else {
            let note = match self.lang {
                Lang::En => format!(" hidden at this width: {} ", hidden.join(", ")),
                Lang::Ja => format!(" この幅では非表示: {} ", hidden.join("、")),
            };
            block.title_bottom(
                Line::styled(note, theme.style(Role::Muted))
                    .alignment(ratatui::layout::Alignment::Right),
            )
        };
        let table = Table::new(rows, widths)
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

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 5] = [
        Column::key("STATUS", 6),
        Column::key("NAME", 10).grows_to(16),
        Column::optional("PATH", 8, 8, 2),
        Column::optional("LAG", 6, 4, 1),
        Column::fill("FINDING", 20),
    ];

    #[test]
    fn at_full_width_every_column_has_what_it_wants_and_the_fill_the_rest() {
        let widths = fit_columns(&COLUMNS, 100);
        assert_eq!(
            widths,
            vec![
                Some(6),
                Some(16),
                Some(8),
                Some(6),
                Some(100 - 6 - 16 - 8 - 6 - 4)
            ]
        );
    }

    #[test]
    fn columns_narrow_to_their_minimum_before_any_is_hidden() {
        // 6 + 10 + 8 + 4 + 20 and 4 spaces.
        assert_eq!(
            fit_columns(&COLUMNS, 52),
            vec![Some(6), Some(10), Some(8), Some(4), Some(20)]
        );
    }

    #[test]
    fn the_least_important_column_is_hidden_first_and_key_columns_never() {
        // PATH goes first (hide order 2); the room it leaves lets NAME and LAG grow back.
        assert_eq!(
            fit_columns(&COLUMNS, 51),
            vec![Some(6), Some(16), None, Some(6), Some(20)]
        );
        assert_eq!(
            fit_columns(&COLUMNS, 40),
            vec![Some(6), Some(12), None, None, Some(20)]
        );
        // Too narrow even for the key columns: they stay, and the table cuts them.
        assert_eq!(
            fit_columns(&COLUMNS, 10),
            vec![Some(6), Some(10), None, None, Some(20)]
        );
    }

    #[test]
    fn the_shown_widths_never_exceed_the_width_when_the_key_columns_fit() {
        for available in 38..200 {
            let widths = fit_columns(&COLUMNS, available);
            let shown: Vec<u16> = widths.iter().flatten().copied().collect();
            let total: u16 = shown.iter().sum::<u16>() + shown.len() as u16 - 1;
            assert!(total <= available, "{available}: {widths:?}");
        }
    }
}
