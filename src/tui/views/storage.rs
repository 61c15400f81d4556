//! Storage: the warehouse's disk use against the 80/90 % marks with its size in GB and its trend
//! over the last days, and its largest tables with skew.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use super::widgets::{
    Chart, Column, ScrollTable, block, draw_unread, labelled_sparkline, list_title_of, span_text,
};
use crate::i18n::Lang;
use crate::model::{CapacityKnown, Reading, STORAGE_TREND, StorageSize};
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::theme::{Role, Theme};

/// The storage trend as a chart: the percentage over the last days, squeezed into its width.
pub(super) fn trend_chart(app: &App) -> Chart<'_> {
    Chart {
        series: &app.snapshot.metrics.storage_trend,
        window: STORAGE_TREND.span(),
        unit: " %",
        decimals: 1,
        fit_whole: true,
        from_min: true,
        role: Role::Gauge,
    }
}

/// The used size and capacity in GB at `percent`: `used 512.0 GB · capacity 1024.0 GB`, or
/// with a capacity worked out from the tables' size, `tables 412.3 GB · capacity ≈ 634.3 GB`.
/// Compact, for a small panel: `512.0 GB of 1024.0 GB`, `412.3 GB of ≈ 634.3 GB`.
pub(super) fn size_text(app: &App, percent: f64, compact: bool) -> String {
    let size = StorageSize::of(
        percent,
        app.snapshot.metrics.storage_capacity_gb,
        app.snapshot.warehouse.tables_total_mb,
    );
    let lang = app.settings.lang;
    if compact && let Some(s) = size {
        let about = match (s.capacity, lang) {
            (CapacityKnown::Given, _) => "",
            (CapacityKnown::Estimated, Lang::En) => "≈ ",
            (CapacityKnown::Estimated, Lang::Ja) => "約 ",
        };
        return match lang {
            Lang::En => format!("{:.1} GB of {about}{:.1} GB", s.used_gb, s.capacity_gb),
            Lang::Ja => format!("{:.1} GB / {about}{:.1} GB", s.used_gb, s.capacity_gb),
        };
    }
    match (size, lang) {
        (None, Lang::En) => "size in GB unknown".into(),
        (None, Lang::Ja) => "GB 単位のサイズは不明".into(),
        (Some(s), Lang::En) => match s.capacity {
            CapacityKnown::Given => format!(
                "used {:.1} GB · capacity {:.1} GB",
                s.used_gb, s.capacity_gb
            ),
            CapacityKnown::Estimated => format!(
                "tables {:.1} GB · capacity ≈ {:.1} GB",
                s.used_gb, s.capacity_gb
            ),
        },
        (Some(s), Lang::Ja) => match s.capacity {
            CapacityKnown::Given => {
                format!("使用 {:.1} GB · 容量 {:.1} GB", s.used_gb, s.capacity_gb)
            }
            CapacityKnown::Estimated => format!(
                "テーブル {:.1} GB · 容量 約 {:.1} GB",
                s.used_gb, s.capacity_gb
            ),
        },
    }
}

/// How far the percentage moved over the trend: `+2.8 pt in 7 d` (`7 日で +2.8 pt`).
pub(super) fn change_text(app: &App) -> Option<String> {
    let lang = app.settings.lang;
    let trend = &app.snapshot.metrics.storage_trend;
    let change = trend.change()?;
    let span = span_text(lang, app.now - trend.first()?.0);
    Some(match lang {
        Lang::En => format!("{change:+.1} pt in {span}"),
        Lang::Ja => format!("{span}で {change:+.1} pt"),
    })
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let [gauge_area, table_area] =
        Layout::vertical([Constraint::Length(8), Constraint::Min(0)]).areas(area);
    draw_gauge(frame, app, gauge_area);

    let thresholds = &app.settings.thresholds;
    let visible = app.rows.visible(View::Storage);
    let h = app.settings.lang.pick_array(
        &[
            "TABLE",
            "SIZE",
            "ROWS",
            "SKEW %",
            "UNSORTED %",
            "STATS OFF %",
            "",
        ],
        &[
            "テーブル",
            "サイズ",
            "行数",
            "スキュー %",
            "未ソート %",
            "統計の古さ %",
            "",
        ],
    );
    let columns = [
        Column::key(h[0], 20).grows_to(32),
        Column::key(h[1], 8).grows_to(10),
        Column::optional(h[2], 13, 10, 3),
        Column::key(h[3], 8).grows_to(9),
        Column::optional(h[4], 10, 9, 2),
        Column::optional(h[5], 11, 9, 1),
        Column::fill(h[6], 8).hides(4),
    ];
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::Storage)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let unread = crate::tui::rows::unread(&app.snapshot, View::Storage);
    let title = list_title_of(
        app.settings.lang,
        app.settings
            .lang
            .pick("Largest tables", "サイズの大きいテーブル"),
        visible.len(),
        Reading::of(app.rows.total(View::Storage), unread.clone()),
        app.filters.get(&View::Storage),
    );
    let page = table.render(frame, table_area, theme, block(theme, title), |i| {
        let t = &app.snapshot.warehouse.tables[visible[i]];
        let skewed = t.skew_percent > thresholds.table_skew_percent;
        let skew = if skewed {
            Cell::from(Span::styled(
                format!("▲ {:.1}", t.skew_percent),
                theme.style(Role::Warning),
            ))
        } else {
            Cell::from(format!("{:.1}", t.skew_percent))
        };
        vec![
            Cell::from(crate::text::sanitize_line(&format!(
                "{}.{}",
                t.schema, t.table
            ))),
            Cell::from(size(t.size_mb)),
            Cell::from(t.rows.to_string()),
            skew,
            Cell::from(format!("{:.1}", t.unsorted_percent)),
            Cell::from(format!("{:.1}", t.stats_off_percent)),
            Cell::from(if skewed { "DISTKEY?" } else { "" }),
        ]
    });
    draw_unread(frame, table_area, theme, unread.as_ref());
    page
}

fn size(mb: u64) -> String {
    if mb >= 1024 * 1024 {
        format!("{:.1} TB", mb as f64 / (1024.0 * 1024.0))
    } else if mb >= 1024 {
        format!("{:.1} GB", mb as f64 / 1024.0)
    } else {
        format!("{mb} MB")
    }
}

/// A bar of disk use with the warning and critical thresholds marked under it, the size in GB
/// and the change over the last days, and the trend as a labelled sparkline.
fn draw_gauge(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let thresholds = &app.settings.thresholds;
    let outer = block(
        theme,
        app.settings
            .lang
            .pick(
                "Storage used (PercentageDiskSpaceUsed)",
                "ストレージ使用率(PercentageDiskSpaceUsed)",
            )
            .into(),
    );
    let panel = outer.inner(area);
    frame.render_widget(outer, area);
    // The bar, its marks and the size; the week's trend under them.
    let [inner, trend_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(panel);
    labelled_sparkline(
        frame,
        trend_area,
        theme,
        app.settings.lang,
        app.now,
        &trend_chart(app),
    );
    let percent = match app.snapshot.storage_percent() {
        Reading::Known(Some(percent)) => percent,
        Reading::Known(None) => {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    app.settings.lang.pick("no data", "データなし"),
                    theme.style(Role::Unknown),
                )),
                inner,
            );
            return;
        }
        Reading::Unknown(unread) => {
            frame.render_widget(
                Paragraph::new(super::widgets::unread_lines(theme, &unread, inner.width)),
                inner,
            );
            return;
        }
    };
    let role = if percent > thresholds.storage_critical_percent {
        Role::Critical
    } else if percent > thresholds.storage_warning_percent {
        Role::Warning
    } else {
        Role::Gauge
    };
    let label = format!(" {percent:.1} %");
    let bar_width = inner.width.saturating_sub(label.chars().count() as u16) as usize;
    let filled = ((percent / 100.0).clamp(0.0, 1.0) * bar_width as f64).round() as usize;
    let bar = Line::from(vec![
        Span::styled("█".repeat(filled), theme.style(role)),
        Span::styled("░".repeat(bar_width - filled), theme.style(Role::Muted)),
        Span::styled(label, theme.style(role)),
    ]);
    let marks = marks_line(
        theme,
        bar_width,
        &[
            thresholds.storage_warning_percent,
            thresholds.storage_critical_percent,
        ],
    );
    let mut size = vec![Span::raw(size_text(app, percent, false))];
    if let Some(change) = change_text(app) {
        size.push(Span::styled("  ·  ", theme.style(Role::Muted)));
        size.push(Span::raw(change));
    }
    frame.render_widget(Paragraph::new(vec![bar, marks, Line::from(size)]), inner);
}

/// `▲80 %` and `▲90 %` under the bar, each at its place along it.
fn marks_line(theme: &Theme, width: usize, marks: &[f64]) -> Line<'static> {
    let mut text = vec![' '; width];
    for mark in marks {
        let column = ((mark / 100.0).clamp(0.0, 1.0) * width as f64).round() as usize;
        let label: Vec<char> = format!("▲{mark:.0} %").chars().collect();
        let start = column.min(width.saturating_sub(label.len()));
        for (offset, c) in label.into_iter().enumerate() {
            if let Some(slot) = text.get_mut(start + offset) {
                *slot = c;
            }
        }
    }
    Line::styled(
        text.into_iter().collect::<String>(),
        theme.style(Role::Mark),
    )
}
