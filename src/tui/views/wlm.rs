//! WLM queues: length now with the last hour as a sparkline labelled with its span and top,
//! running queries and wait time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::widgets::Cell;

use super::widgets::{
    Chart, Column, ScrollTable, age, block, draw_unread, labelled_sparkline, list_title_of,
};
use crate::model::{LIVE_WINDOW_MINUTES, Reading, Series, display_lines};
use crate::tui::action::{Action, View};
use crate::tui::app::App;
use crate::tui::theme::Role;

/// A queue's panel: three lines of figures beside its sparkline, or where the height is short,
/// one line of figures over it, so every queue keeps its panel at 80×24.
const QUEUE_HEIGHT: u16 = 5;
const QUEUE_HEIGHT_SHORT: u16 = 4;
/// The fleet panel and the smallest running-queries table (border, header, one row).
const BELOW_QUEUES: u16 = 4 + 4;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let metrics = &app.snapshot.metrics;
    let thresholds = &app.settings.thresholds;
    // Queue panels first, then the fleet figures, then the running queries (what can be cancelled).
    let queues = app.rows.queues.len() as u16;
    let queue_height = if queues * QUEUE_HEIGHT + BELOW_QUEUES <= area.height {
        QUEUE_HEIGHT
    } else {
        QUEUE_HEIGHT_SHORT
    };
    let short = queue_height == QUEUE_HEIGHT_SHORT;
    let queue_rows = (queues * queue_height).min(area.height.saturating_sub(BELOW_QUEUES));
    let [queues_area, fleet_area, queries_area] = Layout::vertical([
        Constraint::Length(queue_rows),
        Constraint::Length(4),
        Constraint::Min(0),
    ])
    .areas(area);
    let fit = (queues_area.height / queue_height) as usize;
    let areas = Layout::vertical(vec![Constraint::Length(queue_height); fit]).split(queues_area);
    for (slot, queue) in app.rows.queues.iter().take(fit).enumerate() {
        let length = metrics.queue_length.get(queue);
        let queued = app.snapshot.queue_queued(queue);
        let running = app.snapshot.queue_running(queue);
        let wait_ms = app
            .snapshot
            .metric(|m| m.queue_wait_ms.get(queue).and_then(|s| s.latest()));
        let watched = queue == &thresholds.wlm_queue;
        let over = watched
            && queued
                .known()
                .copied()
                .flatten()
                .is_some_and(|q| q > thresholds.wlm_queue_length);
        let number = |v: &Reading<Option<f64>>| v.show(|v| format!("{v:.0}"));
        let mut title = queue.to_string();
        if watched {
            title.push_str(&match app.settings.lang {
                crate::i18n::Lang::En => format!(" (alarm > {:.0})", thresholds.wlm_queue_length),
                crate::i18n::Lang::Ja => format!("(アラーム > {:.0})", thresholds.wlm_queue_length),
            });
        }
        let queue_block = block(theme, title);
        let inner = queue_block.inner(areas[slot]);
        frame.render_widget(queue_block, areas[slot]);
        let [text_area, spark_area] = if short {
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner)
        } else {
            Layout::horizontal([Constraint::Length(30), Constraint::Min(0)]).areas(inner)
        };
        let queued_style = theme.style(if over { Role::Warning } else { Role::Text });
        let lines = vec![
            Line::from(vec![
                Span::styled(
                    crate::i18n::pad(app.settings.lang.pick("queued now", "待機中"), 11),
                    theme.style(Role::Muted),
                ),
                Span::styled(
                    format!("{}{}", if over { "▲ " } else { "" }, number(&queued)),
                    queued_style,
                ),
            ]),
            Line::from(vec![
                Span::styled(
                    crate::i18n::pad(app.settings.lang.pick("running", "実行中"), 11),
                    theme.style(Role::Muted),
                ),
                Span::raw(number(&running)),
            ]),
            Line::from(vec![
                Span::styled(
                    crate::i18n::pad(app.settings.lang.pick("wait", "待ち時間"), 11),
                    theme.style(Role::Muted),
                ),
                Span::raw(wait_ms.show(|ms| {
                    format!("{:.1} {}", ms / 1000.0, app.settings.lang.pick("s", "秒"))
                })),
            ]),
        ];
        let lines = if short {
            // The three figures on one line, each label before its value.
            let spans: Vec<Span> = lines
                .into_iter()
                .enumerate()
                .flat_map(|(i, line)| {
                    let mut spans = line.spans;
                    if let Some(label) = spans.first_mut() {
                        let text = format!(
                            "{}{} ",
                            if i > 0 { "  " } else { "" },
                            label.content.trim_end()
                        );
                        label.content = text.into();
                    }
                    spans
                })
                .collect();
            vec![Line::from(spans)]
        } else {
            lines
        };
        frame.render_widget(Paragraph::new(lines), text_area);
        let no_data = Series::default();
        labelled_sparkline(
            frame,
            spark_area,
            theme,
            app.settings.lang,
            app.now,
            &Chart {
                series: length.unwrap_or(&no_data),
                window: chrono::Duration::minutes(LIVE_WINDOW_MINUTES),
                unit: app.settings.lang.pick(" queued", " 件待機"),
                decimals: 0,
                fit_whole: false,
                from_min: false,
                role: if over { Role::Warning } else { Role::Accent },
            },
        );
    }

    let scaling = app
        .snapshot
        .metric(|m| m.concurrency_scaling_clusters.latest());
    let failure = app.snapshot.metric(|m| m.query_failure_percent.latest());
    let failing = failure
        .known()
        .copied()
        .flatten()
        .is_some_and(|f| f > thresholds.query_failure_percent);
    let first = match &metrics.workgroup_queries {
        // A Serverless workgroup has no concurrency scaling clusters, and CloudWatch counts its
        // queries for the whole workgroup, not per queue.
        Some(_) => {
            let latest = |pick: fn(&crate::model::WorkgroupQueries) -> &Series| {
                app.snapshot
                    .metric(|m| m.workgroup_queries.as_ref().and_then(|w| pick(w).latest()))
            };
            let queued = latest(|w| &w.queued);
            let running = latest(|w| &w.running);
            Line::from(vec![
                Span::styled(
                    crate::i18n::pad(
                        app.settings
                            .lang
                            .pick("workgroup queued / running", "ワークグループ 待機 / 実行中"),
                        31,
                    ),
                    theme.style(Role::Muted),
                ),
                Span::raw(format!(
                    "{} / {}",
                    queued.show(|v| format!("{v:.0}")),
                    running.show(|v| format!("{v:.0}"))
                )),
            ])
        }
        None => Line::from(vec![
            Span::styled(
                crate::i18n::pad(
                    app.settings.lang.pick(
                        "concurrency scaling clusters",
                        "Concurrency Scaling クラスター",
                    ),
                    31,
                ),
                theme.style(Role::Muted),
            ),
            Span::raw(scaling.show(|v| format!("{v:.0}"))),
        ]),
    };
    let lines = vec![
        first,
        Line::from(vec![
            Span::styled(
                crate::i18n::pad(
                    app.settings
                        .lang
                        .pick("query failure rate, 1 h", "クエリ失敗率(1 時間)"),
                    31,
                ),
                theme.style(Role::Muted),
            ),
            Span::styled(
                failure.show(|v| {
                    format!(
                        "{}{v:.1} % ({} {:.0} %)",
                        if failing { "▲ " } else { "" },
                        app.settings.lang.pick("threshold", "閾値"),
                        thresholds.query_failure_percent
                    )
                }),
                theme.style(if failing { Role::Warning } else { Role::Text }),
            ),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(block(
            theme,
            app.settings.lang.pick("Fleet", "フリート").into(),
        )),
        fleet_area,
    );

    let queries = &app.snapshot.warehouse.queries;
    let visible = app.rows.visible(View::Wlm);
    let h = app.settings.lang.pick_array(
        &["PID", "QUEUE", "USER", "RUNNING", "SQL"],
        &["PID", "キュー", "ユーザー", "実行時間", "SQL"],
    );
    let columns = [
        Column::key(h[0], 10).grows_to(11),
        Column::key(h[1], 7),
        Column::optional(h[2], 18, 10, 1),
        Column::key(h[3], 7).grows_to(8),
        Column::fill(h[4], 20),
    ];
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::Wlm)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let unread = crate::tui::rows::unread(&app.snapshot, View::Wlm);
    // The keys as the keymap binds them: select shows a query's SQL, the action menu cancels it.
    let lang = app.settings.lang;
    let hints: Vec<String> = [
        (Action::Select, lang.pick("SQL", "SQL")),
        (Action::ActionMenu, lang.pick("cancel", "キャンセル")),
    ]
    .into_iter()
    .filter_map(|(action, label)| {
        let key = app.settings.keymap.keys_for(&action).first()?.to_string();
        Some(format!("{key}: {label}"))
    })
    .collect();
    let name = match lang {
        crate::i18n::Lang::En => format!("Running queries ({})", hints.join(" · ")),
        crate::i18n::Lang::Ja => format!("実行中のクエリ({})", hints.join(" · ")),
    };
    let title = list_title_of(
        app.settings.lang,
        &name,
        visible.len(),
        Reading::of(app.rows.total(View::Wlm), unread.clone()),
        app.filters.get(&View::Wlm),
    );
    let page = table.render(frame, queries_area, theme, block(theme, title), |i| {
        let q = &queries[visible[i]];
        vec![
            Cell::from(q.pid.to_string()),
            Cell::from(q.queue.as_str()),
            Cell::from(crate::text::sanitize_line(&q.user)),
            Cell::from(age(app.settings.lang, app.now, Some(q.started_at))),
            // One row per query: its lines one after another; select shows them as lines.
            Cell::from(
                display_lines(&q.sql)
                    .iter()
                    .map(|line| line.trim())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ]
    });
    draw_unread(frame, queries_area, theme, unread.as_ref());
    page
}
