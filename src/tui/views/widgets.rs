//! Small drawing helpers shared by the views: status words, ages, scrolling tables, labelled
//! sparklines.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Sparkline, Table, TableState};

use crate::health::{Severity, Status};
use crate::i18n::Lang;
use crate::model::{
    AlarmState, CurrentStep, EltStatus, ExportStatus, IntegrationStatus, Reading, Series, Time,
    UNKNOWN, Unread, display_lines, format_ago_secs, format_duration_secs,
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
    Span::styled(
        format!("{} {word}", word_symbol(status)),
        theme.style(status_role(status)),
    )
}

/// The symbol before a domain status word: `…` for one in progress.
pub fn word_symbol(status: Status) -> &'static str {
    match status {
        Status::Unknown => "…",
        other => other.symbol(),
    }
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
        let rows: Vec<Row> = (start..end).map(|i| Row::new(keep(make_row(i)))).collect();
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
        Span::styled(
            crate::i18n::pad(label, LABEL_WIDTH),
            theme.style(Role::Muted),
        ),
        value.into(),
    ])
}

/// The columns a [`field`]'s label takes.
pub const LABEL_WIDTH: usize = 15;

/// A label and a text that may have many lines (a run's cause, a dbt log, an alarm's reason):
/// each of the text's own lines (see [`display_lines`]) wrapped at `width` columns and indented
/// under the first, so no two lines are ever glued together.
pub fn text_field(
    label: &str,
    text: &str,
    width: u16,
    theme: &Theme,
    style: Style,
) -> Vec<Line<'static>> {
    let columns = usize::from(width).saturating_sub(LABEL_WIDTH).max(1);
    let indent = " ".repeat(LABEL_WIDTH);
    let mut lines = Vec::new();
    for line in display_lines(text) {
        for piece in crate::i18n::wrap(&line, columns) {
            let lead = if lines.is_empty() {
                Span::styled(
                    crate::i18n::pad(label, LABEL_WIDTH),
                    theme.style(Role::Muted),
                )
            } else {
                Span::raw(indent.clone())
            };
            lines.push(Line::from(vec![lead, Span::styled(piece, style)]));
        }
    }
    lines
}

/// A label and a value on one line, cut in the middle with `…` to fit `width` columns: for ARNs
/// and URLs, which the copy keys copy whole.
pub fn cut_field(label: &str, value: &str, width: u16, theme: &Theme) -> Line<'static> {
    let columns = usize::from(width).saturating_sub(LABEL_WIDTH);
    Line::from(vec![
        Span::styled(
            crate::i18n::pad(label, LABEL_WIDTH),
            theme.style(Role::Muted),
        ),
        Span::raw(crate::i18n::middle(value, columns)),
    ])
}

/// `lines` fitted to `height` rows: when they do not fit, the last row says how many more there
/// are rather than cutting silently.
pub fn fit_lines(
    mut lines: Vec<Line<'static>>,
    height: usize,
    lang: Lang,
    theme: &Theme,
    read_all: Option<&str>,
) -> Vec<Line<'static>> {
    if lines.len() <= height || height == 0 {
        return lines;
    }
    let hidden = lines.len() - height + 1;
    lines.truncate(height - 1);
    let mut more = match lang {
        Lang::En => format!("{:LABEL_WIDTH$}… {hidden} more line(s)", ""),
        Lang::Ja => format!("{:LABEL_WIDTH$}… ほか {hidden} 行", ""),
    };
    // The key that shows the whole text, where there is one.
    if let Some(key) = read_all {
        more.push_str(&match lang {
            Lang::En => format!(" · {key}: read all"),
            Lang::Ja => format!(" · {key}: すべて表示"),
        });
    }
    lines.push(Line::styled(more, theme.style(Role::Muted)));
    lines
}

/// A panel's title that names the copy keys: `y` the console URL, `Y` the ARN.
pub fn copy_title(app: &crate::tui::app::App, title: &str) -> String {
    let keymap = &app.settings.keymap;
    let lang = app.settings.lang;
    let mut keys = Vec::new();
    if let Some(key) = keymap.keys_for(&crate::tui::action::Action::Copy).first() {
        keys.push(format!("{key} {}", lang.pick("copy URL", "URL をコピー")));
    }
    if let Some(key) = keymap
        .keys_for(&crate::tui::action::Action::CopyArn)
        .first()
    {
        keys.push(format!("{key} {}", lang.pick("copy ARN", "ARN をコピー")));
    }
    if keys.is_empty() {
        title.to_string()
    } else {
        format!("{title} · {}", keys.join(" · "))
    }
}

/// Clears `area` for a popup over the screen. A double-width character beneath whose second
/// half is the popup's left edge is blanked too: the terminal would draw it over the popup's
/// border (the frame diff skips the cell a wide character covers), cutting the border away.
pub fn clear_popup(frame: &mut Frame, area: Rect) {
    let buffer = frame.buffer_mut();
    if area.left() > buffer.area.left() {
        for y in area.top()..area.bottom().min(buffer.area.bottom()) {
            let cell = &mut buffer[(area.left() - 1, y)];
            if unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    frame.render_widget(Clear, area);
}

pub fn styled(text: impl Into<String>, style: Style) -> Span<'static> {
    Span::styled(text.into(), style)
}

/// A span of time as a chart's label says it: `45 min`, `3 h`, `7 d` (`45 分`, `3 時間`, `7 日`).
pub fn span_text(lang: Lang, span: chrono::Duration) -> String {
    let minutes = (span.num_seconds().max(0) as f64 / 60.0).round() as i64;
    let hours = (minutes as f64 / 60.0).round() as i64;
    let days = (hours as f64 / 24.0).round() as i64;
    match lang {
        Lang::En if minutes < 120 => format!("{minutes} min"),
        Lang::En if hours < 72 => format!("{hours} h"),
        Lang::En => format!("{days} d"),
        Lang::Ja if minutes < 120 => format!("{minutes} 分"),
        Lang::Ja if hours < 72 => format!("{hours} 時間"),
        Lang::Ja => format!("{days} 日"),
    }
}

/// A series to draw as a sparkline, and how to read it.
pub struct Chart<'a> {
    pub series: &'a Series,
    /// The span the series covers when complete, said when it has no data at all.
    pub window: chrono::Duration,
    /// What follows a value: ` %`, ` queued`.
    pub unit: &'a str,
    pub decimals: usize,
    /// Whether the whole series is squeezed into the width (each bar the mean of several
    /// datapoints), rather than the newest datapoints that fit.
    pub fit_whole: bool,
    /// Whether the bars rise from the lowest value shown rather than from zero, so that a few
    /// points' change over days shows; the label then says the lowest value too.
    pub from_min: bool,
    pub role: Role,
}

/// What a chart shows at `width` columns: one bar per slot, `None` where data is missing, and
/// when the first shown slot begins.
fn chart_slots(chart: &Chart, width: usize) -> (Vec<Option<f64>>, Option<Time>) {
    let slots = chart.series.slots();
    let first = chart.series.first().map(|(t, _)| t);
    let period = chart.series.period().unwrap_or_default();
    if width == 0 || slots.len() <= width {
        return (slots, first);
    }
    if chart.fit_whole {
        let per_bar = slots.len().div_ceil(width);
        let bars = slots
            .chunks(per_bar)
            .map(|chunk| {
                let present: Vec<f64> = chunk.iter().flatten().copied().collect();
                (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
            })
            .collect();
        return (bars, first);
    }
    let skipped = slots.len() - width;
    let start = first.map(|t| t + period * skipped as i32);
    (slots[skipped..].to_vec(), start)
}

/// The label of a chart: the span it shows, its top value with the unit, and whether data is
/// missing in it: `last 60 min · max 14 queued · gaps`. Compact, beside the bars on one line:
/// `7 d: 62.0–65.2 %`.
pub fn chart_label(lang: Lang, now: Time, chart: &Chart, width: usize, compact: bool) -> String {
    let (slots, start) = chart_slots(chart, width);
    // A squeezed chart shows every datapoint, though each bar is a mean of several.
    let slots = if chart.fit_whole {
        chart.series.slots()
    } else {
        slots
    };
    let shown: Vec<f64> = slots.iter().flatten().copied().collect();
    let (Some(start), Some(max)) = (start, shown.iter().copied().reduce(f64::max)) else {
        let window = span_text(lang, chart.window);
        return match lang {
            Lang::En => format!("no data in the last {window}"),
            Lang::Ja => format!("直近 {window} のデータなし"),
        };
    };
    // A datapoint stands for the period that begins at its time: the last one covers up to a
    // period after it.
    let end = chart
        .series
        .last()
        .map_or(now, |(t, _)| t + chart.series.period().unwrap_or_default())
        .max(now);
    let span = span_text(lang, end - start);
    let value = |v: f64| format!("{v:.prec$}{}", chart.unit, prec = chart.decimals);
    let min = shown.iter().copied().reduce(f64::min).unwrap_or(max);
    let gaps = slots.iter().any(Option::is_none);
    if compact {
        let range = if chart.from_min {
            format!("{min:.prec$}–{}", value(max), prec = chart.decimals)
        } else {
            format!("{} {}", lang.pick("max", "最大"), value(max))
        };
        let gaps = match (gaps, lang) {
            (false, _) => "",
            (true, Lang::En) => " gaps",
            (true, Lang::Ja) => " 欠損あり",
        };
        return format!("{span}: {range}{gaps}");
    }
    let (min, max) = (value(min), value(max));
    let label = match (lang, chart.from_min) {
        (Lang::En, false) => format!("last {span} · max {max}"),
        (Lang::En, true) => format!("last {span} · min {min} · max {max}"),
        (Lang::Ja, false) => format!("直近 {span} · 最大 {max}"),
        (Lang::Ja, true) => format!("直近 {span} · 最小 {min} · 最大 {max}"),
    };
    label
        + match (gaps, lang) {
            (false, _) => "",
            (true, Lang::En) => " · gaps",
            (true, Lang::Ja) => " · 欠損あり",
        }
}

/// A sparkline with its label: on the line above when there are two lines or more, else to
/// its right (or alone, when the bars would not fit). Missing datapoints show as `·`, never as
/// zero.
pub fn labelled_sparkline(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    lang: Lang,
    now: Time,
    chart: &Chart,
) {
    const MIN_BARS: u16 = 8;
    let (label_area, bars_area) = if area.height >= 2 {
        let label = Rect { height: 1, ..area };
        let bars = Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        };
        (label, bars)
    } else {
        // The label's width depends on the bars shown; measure it at the width left for them.
        let guess = chart_label(lang, now, chart, area.width as usize, true);
        let label_width = (crate::i18n::width(&guess) as u16 + 1).min(area.width);
        let bars_width = area.width - label_width;
        if bars_width < MIN_BARS {
            (area, Rect { width: 0, ..area })
        } else {
            let bars = Rect {
                width: bars_width,
                ..area
            };
            let label = Rect {
                x: area.x + bars_width + 1,
                width: label_width - 1,
                ..area
            };
            (label, bars)
        }
    };
    let text = chart_label(lang, now, chart, bars_area.width as usize, area.height < 2);
    frame.render_widget(
        Paragraph::new(Line::styled(
            crate::i18n::truncate(&text, label_area.width as usize),
            theme.style(Role::Muted),
        )),
        label_area,
    );
    if bars_area.width == 0 || bars_area.height == 0 {
        return;
    }
    let (slots, _) = chart_slots(chart, bars_area.width as usize);
    let scale = 10_f64.powi(chart.decimals as i32);
    // From the lowest value, the lowest bar keeps a sliver (an eighth of the range) so that it
    // reads as data, not as a gap.
    let floor = if chart.from_min {
        let shown = || slots.iter().flatten().copied();
        let (min, max) = (
            shown().reduce(f64::min).unwrap_or(0.0),
            shown().reduce(f64::max).unwrap_or(0.0),
        );
        min - ((max - min) / 8.0).max(1.0 / scale)
    } else {
        0.0
    };
    let data: Vec<Option<u64>> = slots
        .iter()
        .map(|v| v.map(|v| ((v - floor).max(0.0) * scale).round() as u64))
        .collect();
    frame.render_widget(
        Sparkline::default()
            .data(&data)
            .style(theme.style(chart.role))
            .absent_value_symbol("·")
            .absent_value_style(theme.style(Role::Muted)),
        bars_area,
    );
}

/// A running run's state and how long it has been in it: `dbt run 12m`.
pub fn current_step_text(lang: Lang, now: Time, step: &CurrentStep) -> String {
    format!("{} {}", step.name, age(lang, now, Some(step.entered_at)))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn at(minute: i64) -> Time {
        chrono::Utc.with_ymd_and_hms(2026, 11, 21, 5, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn chart(series: &Series) -> Chart<'_> {
        Chart {
            series,
            window: Duration::hours(1),
            unit: " queued",
            decimals: 0,
            fit_whole: false,
            from_min: false,
            role: Role::Accent,
        }
    }

    #[test]
    fn a_chart_says_its_span_its_top_and_its_gaps() {
        let full = Series::from_points((0..60).map(|m| (at(m), m as f64 % 7.0)));
        let now = at(60);
        assert_eq!(
            chart_label(Lang::En, now, &chart(&full), 80, false),
            "last 60 min · max 6 queued"
        );
        // Narrower: only the newest datapoints that fit, and the label says so.
        assert_eq!(
            chart_label(Lang::En, now, &chart(&full), 30, false),
            "last 30 min · max 6 queued"
        );
        let mut gappy = full.clone();
        gappy.retain(|t, _| t < at(20) || t > at(25));
        assert_eq!(
            chart_label(Lang::Ja, now, &chart(&gappy), 80, false),
            "直近 60 分 · 最大 6 queued · 欠損あり"
        );
        assert_eq!(
            chart_label(Lang::En, now, &chart(&Series::default()), 80, false),
            "no data in the last 60 min"
        );
        assert_eq!(
            chart_label(Lang::Ja, now, &chart(&Series::default()), 80, false),
            "直近 60 分 のデータなし"
        );
    }

    #[test]
    fn a_whole_week_fits_its_width_and_spans_are_said_in_their_unit() {
        let week = Series::from_points((0..168).map(|h| (at(60 * h), 60.0 + h as f64 / 100.0)));
        let trend = Chart {
            window: Duration::days(7),
            unit: " %",
            decimals: 1,
            fit_whole: true,
            from_min: true,
            ..chart(&week)
        };
        let now = at(60 * 168);
        assert_eq!(chart_slots(&trend, 20).0.len(), 19);
        assert_eq!(
            chart_label(Lang::En, now, &trend, 20, false),
            "last 7 d · min 60.0 % · max 61.7 %"
        );
        assert_eq!(
            chart_label(Lang::Ja, now, &trend, 20, true),
            "7 日: 60.0–61.7 %"
        );
        assert_eq!(span_text(Lang::En, Duration::hours(3)), "3 h");
        assert_eq!(span_text(Lang::Ja, Duration::hours(3)), "3 時間");
    }

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

    /// A popup whose left border falls on the second half of a Japanese character beneath: the
    /// character is blanked, so the terminal cannot draw it over the border.
    #[test]
    fn a_popup_edge_on_half_a_wide_character_blanks_the_character() {
        let backend = ratatui::backend::TestBackend::new(12, 2);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        terminal
            .draw(|frame| {
                frame.render_widget(Paragraph::new("あいうえお"), frame.area());
                clear_popup(
                    frame,
                    Rect {
                        x: 3,
                        y: 0,
                        width: 5,
                        height: 2,
                    },
                );
            })
            .unwrap();
        let buffer = terminal.backend().buffer();
        assert_eq!(buffer[(0, 0)].symbol(), "あ");
        assert_eq!(buffer[(2, 0)].symbol(), " ", "い straddled the edge");
        assert_eq!(buffer[(3, 0)].symbol(), " ");
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
