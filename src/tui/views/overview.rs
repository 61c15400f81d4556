//! The fleet's findings first, worst first, each in full; then one row per tenant, worst first,
//! with fleet-wide WLM, storage and alarm summaries below. One cursor goes through the findings
//! and on into the tenants, so `r` and `a` work on a finding as on a tenant.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Gauge, Paragraph};

use super::widgets::{
    self, Column, ScrollTable, age, block, fit_columns, list_title, status_span, unknown_span,
    word_span,
};
use crate::health::Status;
use crate::model::{AlarmState, EltStatus, Reading, format_duration_secs};
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::rows::{OverviewRow, TenantRow, TenantWidths};
use crate::tui::theme::Role;

const HEADER: [&str; 10] = [
    "STATUS",
    "TENANT",
    "PATH",
    "INTEGRATION",
    "LAG",
    "EXPORT",
    "COPY",
    "ERR 24H",
    "LAST ELT",
    "WORST FINDING",
];

const HEADER_JA: [&str; 10] = [
    "状態",
    "テナント",
    "経路",
    "統合",
    "遅延",
    "エクスポート",
    "COPY",
    "エラー",
    "最終 ELT",
    "最も重大な検出事項",
];

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let mut findings = Vec::new();
    let mut tenants = Vec::new();
    for &index in app.rows.visible(View::Overview) {
        match app.rows.overview_row(index) {
            OverviewRow::Finding(i) => findings.push(i),
            OverviewRow::Tenant(i) => tenants.push(i),
        }
    }
    let cursor = app.selected(View::Overview);
    let (finding_cursor, tenant_cursor) = if cursor < findings.len() {
        (Some(cursor), None)
    } else {
        (None, Some(cursor - findings.len()))
    };
    let width = area.width.saturating_sub(2) as usize;
    let lines = finding_lines(app, &findings, width);
    // The findings take what they need: up to 40 % of the height, or more where the tenants
    // leave rows unused; at least one line says there are none.
    let wanted = lines.iter().map(Vec::len).sum::<usize>().max(1) as u16 + 2;
    let tenant_rows = (tenants.len() as u16).saturating_add(3);
    let share = (area.height * 2 / 5).max(3);
    // WLM, storage and alarms are always there: in full where the height allows, else one
    // line each.
    let summary_height = if area.height.saturating_sub(wanted.min(share)) >= 16 {
        6
    } else if area.height >= 12 {
        3
    } else {
        0
    };
    let spare = area
        .height
        .saturating_sub(tenant_rows.saturating_add(summary_height));
    let findings_height = wanted.min(share.max(spare)).min(area.height);
    let [findings_area, table_area, summary_area] = Layout::vertical([
        Constraint::Length(findings_height),
        Constraint::Min(0),
        Constraint::Length(summary_height),
    ])
    .areas(area);
    draw_findings(frame, app, findings_area, &lines, finding_cursor);
    let page = draw_tenants(frame, app, table_area, &tenants, tenant_cursor);
    if summary_height > 0 {
        draw_summaries(frame, app, summary_area);
    }
    page
}

/// Each finding (indices into `Health::findings`) as the lines it takes at `width`: status, where, age, then the message and its
/// runbook, wrapped under the message's column.
fn finding_lines(app: &App, findings: &[usize], width: usize) -> Vec<Vec<Line<'static>>> {
    let lang = app.settings.lang;
    let theme = &app.settings.theme;
    const WHO: usize = 12;
    // Wide enough for `59m` / `1h05m`, and for `59分` / `1時間5分` / `2日4時間`.
    let age_width = lang.pick("12345", "1234567890").len();
    // A finding's message takes at most this many lines here (the tenant view and `check` say it
    // whole), so a long cause never pushes the other findings or what it holds back off screen.
    const MESSAGE_LINES: usize = 2;
    // The whole finding, impact included; the runbook gets a line of its own if needed.
    const MAX_LINES: usize = 4;
    let indent = 6 + 1 + WHO + 1 + age_width + 2;
    let text_width = width.saturating_sub(indent).max(10);
    findings
        .iter()
        .map(|&i| {
            let finding = &app.health.findings[i];
            let role = widgets::status_role(finding.severity.into());
            let who = finding
                .tenant
                .clone()
                .unwrap_or_else(|| lang.pick("fleet", "全体").to_string());
            let message = crate::text::sanitize_line(&finding.text(lang));
            let mut message_lines = crate::i18n::wrap(&message, text_width);
            let mut text = if message_lines.len() > MESSAGE_LINES {
                message_lines.truncate(MESSAGE_LINES);
                let last = message_lines.last_mut().expect("MESSAGE_LINES > 0");
                *last = crate::i18n::truncate(&format!("{last} …"), text_width);
                message_lines.join(" ")
            } else {
                message
            };
            if let Some(impact) = finding.impact_text(lang) {
                text.push_str(&format!(" — {impact}"));
            }
            // The runbook ends the last line, never split from its arrow (a no-break space).
            let runbook = crate::tui::runbook::for_finding(&app.settings.runbooks, finding)
                .map(|r| format!("→\u{a0}{}", r.id));
            let mut wrapped = crate::i18n::wrap(&text, text_width);
            if wrapped.len() > MAX_LINES {
                wrapped.truncate(MAX_LINES);
                let last = wrapped.last_mut().expect("MAX_LINES > 0");
                *last = crate::i18n::truncate(&format!("{last} …"), text_width);
            }
            if let Some(runbook) = runbook {
                let last = wrapped.last_mut().expect("wrap gives a line");
                if crate::i18n::width(last) + 2 + crate::i18n::width(&runbook) <= text_width {
                    last.push_str("  ");
                    last.push_str(&runbook);
                } else {
                    wrapped.push(runbook);
                }
            }
            wrapped
                .into_iter()
                .enumerate()
                .map(|(n, part)| {
                    if n == 0 {
                        Line::from(vec![
                            widgets::severity_span(theme, lang, finding.severity),
                            Span::raw(" "),
                            Span::raw(crate::i18n::pad(&who, WHO)),
                            Span::raw(" "),
                            Span::styled(
                                crate::i18n::pad_left(
                                    &age(lang, app.now, finding.since),
                                    age_width,
                                ),
                                theme.style(Role::Muted),
                            ),
                            Span::raw("  "),
                            Span::styled(part, theme.style(role)),
                        ])
                    } else {
                        Line::from(vec![
                            Span::raw(" ".repeat(indent)),
                            Span::styled(part, theme.style(role)),
                        ])
                    }
                })
                .collect()
        })
        .collect()
}

fn draw_findings(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    findings: &[Vec<Line<'static>>],
    selected: Option<usize>,
) {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let total = app
        .health
        .findings
        .len()
        .min(app.rows.total(View::Overview));
    let title = list_title(
        lang,
        lang.pick("Findings", "検出事項"),
        findings.len(),
        total,
        app.filters.get(&View::Overview),
    );
    let block = block(theme, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if findings.is_empty() {
        let (text, role) = if total == 0 && app.health.status == Status::Unknown {
            // Nothing found in data that is partly missing is not "every check passes".
            (
                lang.pick(
                    "? no findings in the data read: some could not be read (see the ? figures)",
                    "? 読み取れたデータに検出事項なし: 読み取れなかったデータがあります(? の項目を参照)",
                ),
                Role::Unknown,
            )
        } else if total == 0 {
            (
                lang.pick(
                    "✓ no findings: every check passes",
                    "✓ 検出事項なし: すべてのチェックが正常",
                ),
                Role::Ok,
            )
        } else {
            (
                lang.pick(
                    "no finding matches the filter",
                    "フィルタに合う検出事項はありません",
                ),
                Role::Muted,
            )
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.style(role))), inner);
        return;
    }
    // Scroll so the selected finding's lines are all on screen.
    let capacity = inner.height as usize;
    let first_line: Vec<usize> = findings
        .iter()
        .scan(0, |line, f| {
            let at = *line;
            *line += f.len();
            Some(at)
        })
        .collect();
    let start = match selected {
        Some(s) => {
            let end = first_line[s] + findings[s].len();
            end.saturating_sub(capacity).min(first_line[s])
        }
        None => 0,
    };
    let lines: Vec<Line> = findings
        .iter()
        .enumerate()
        .flat_map(|(i, lines)| {
            let chosen = Some(i) == selected;
            lines.iter().cloned().map(move |line| {
                if chosen {
                    widgets::selected_line(theme, line)
                } else {
                    line
                }
            })
        })
        .skip(start)
        .take(capacity)
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_tenants(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    visible: &[usize],
    selected: Option<usize>,
) -> usize {
    let theme = &app.settings.theme;
    // The name and integration columns take what the fleet's names and states need (measured
    // over every tenant, so the columns do not move while scrolling), leaving the rest to the
    // columns beside them.
    let widths = app.rows.tenant_widths;
    let name_width = widths.name.clamp(6, 32);
    let integration_width = widths.integration.clamp(8, 17);
    // The export's status and its own age, as wide as the fleet's widest.
    let export_width = (widths.export + TenantWidths::age(app.settings.lang)).clamp(10, 30);
    // A running ELT says where it is and for how long, which takes more than a status word.
    let elt_width = running_elt_text(app).map_or(11, |text| {
        (crate::i18n::width(&text) + 2).clamp(11, 28) as u16
    });
    // Ages in Japanese take more columns: `1時間5分` against `1h05m`.
    let age_extra = app.settings.lang.pick("", "12").len() as u16;
    let h = app.settings.lang.pick_array(&HEADER, &HEADER_JA);
    // At 80 columns the status, name, replication, errors, ELT and worst finding stay; the
    // path (INTEGRATION or EXPORT is filled), the COPY's age (in the tenant view) and the lag
    // go first.
    let columns = [
        Column::key(h[0], 6),
        Column::key(h[1], name_width.min(12)).grows_to(name_width),
        Column::optional(h[2], 8, 8, 7),
        Column::optional(
            h[3],
            integration_width.max(crate::i18n::width(h[3]) as u16),
            8,
            4,
        ),
        Column::optional(h[4], 6 + age_extra, 6, 5),
        Column::optional(h[5], export_width, 10, 3),
        Column::optional(h[6], 5 + age_extra, 5, 6),
        Column::optional(h[7], 7, 7, 1),
        Column::optional(h[8], elt_width, 8, 2),
        Column::fill(h[9], 20),
    ];
    // An age cut to fit would read as another time (`5` of `5h18m`): where the export's cell
    // is too narrow for it, the status stands alone.
    let export_shown =
        fit_columns(&columns, area.width.saturating_sub(2))[5].map_or(0, usize::from);
    let table = ScrollTable {
        columns: &columns,
        selected,
        len: visible.len(),
        lang: app.settings.lang,
    };
    let title = list_title(
        app.settings.lang,
        app.settings.lang.pick("Tenants", "テナント"),
        visible.len(),
        app.rows.tenants.len(),
        app.filters.get(&View::Overview),
    );
    table.render(frame, area, theme, block(theme, title), |i| {
        tenant_row(app, &app.rows.tenants[visible[i]], export_shown)
    })
}

/// `running · dbt run 12m`: the latest ELT run's state now and how long it has been in it,
/// while it runs and the state is known.
fn running_elt_text(app: &App) -> Option<String> {
    let run = app.snapshot.latest_elt_run()?;
    let step = run.current_step.as_ref()?;
    (run.status == EltStatus::Running).then(|| {
        format!(
            "{} · {}",
            run.status.as_str(),
            widgets::current_step_text(app.settings.lang, app.now, step)
        )
    })
}

/// `✗ failed 5h18m`: the export's status and, with `with_age`, the time since it ended.
fn export_text(app: &App, task: &crate::model::ExportTask, with_age: bool) -> String {
    let symbol = widgets::word_symbol(widgets::export_status(&task.status));
    match with_age {
        true => format!(
            "{symbol} {} {}",
            task.status,
            age(app.settings.lang, app.now, task.changed_at())
        ),
        false => format!("{symbol} {}", task.status),
    }
}

fn tenant_row<'a>(app: &App, row: &'a TenantRow, export_width: usize) -> Vec<Cell<'a>> {
    let theme = &app.settings.theme;
    let s = &row.summary;
    // A figure that could not be read is `?`; Enter on the row says why (the tenant view).
    let integration = match &s.integration_status {
        Reading::Known(Some(status)) => Cell::from(word_span(
            theme,
            widgets::integration_status(status),
            status.as_str(),
        )),
        Reading::Unknown(_) => Cell::from(unknown_span(theme)),
        Reading::Known(None) if s.integration.is_some() => {
            Cell::from(Span::styled("? unknown", theme.style(Role::Unknown)))
        }
        Reading::Known(None) => Cell::from(Span::styled("—", theme.style(Role::Muted))),
    };
    let lag = match &s.lag_seconds {
        Reading::Unknown(_) => Cell::from(unknown_span(theme)),
        known => Cell::from(known.show(|lag| format_duration_secs(*lag, app.settings.lang))),
    };
    // Each age is its own thing's: the export's since it ended (or started), the COPY's since it
    // loaded. A COPY minutes ago says nothing of an export that failed hours ago.
    let export = match s.last_export.known() {
        Some(Some(task)) => {
            let full = export_text(app, task, true);
            let text = if crate::i18n::width(&full) <= export_width {
                full
            } else {
                export_text(app, task, false)
            };
            Cell::from(Span::styled(
                text,
                theme.style(widgets::status_role(widgets::export_status(&task.status))),
            ))
        }
        Some(None) => Cell::from(Span::styled("—", theme.style(Role::Muted))),
        None => Cell::from(unknown_span(theme)),
    };
    let copy = match s.last_copy_at.known() {
        Some(Some(at)) => Cell::from(age(app.settings.lang, app.now, Some(*at))),
        Some(None) => Cell::from(Span::styled("—", theme.style(Role::Muted))),
        None => Cell::from(unknown_span(theme)),
    };
    let copy_errors = match s.copy_errors_24h {
        Reading::Known(0) => Cell::from("0"),
        Reading::Known(count) => Cell::from(Span::styled(
            format!("✗ {count}"),
            theme.style(Role::Critical),
        )),
        Reading::Unknown(_) => Cell::from(unknown_span(theme)),
    };
    let elt = match &s.last_elt {
        Reading::Known(Some(status)) => Cell::from(word_span(
            theme,
            widgets::elt_status(status),
            &running_elt_text(app)
                .filter(|_| *status == EltStatus::Running)
                .unwrap_or_else(|| status.as_str().to_string()),
        )),
        Reading::Known(None) => Cell::from("—"),
        Reading::Unknown(_) => Cell::from(unknown_span(theme)),
    };
    let worst = match (&row.worst, &s.error) {
        (_, Some(error)) => Cell::from(Span::styled(
            format!(
                "{}: {}",
                app.settings.lang.pick("cannot read", "読み取れません"),
                crate::text::sanitize_line(error)
            ),
            theme.style(Role::Unknown),
        )),
        (Some(f), None) => Cell::from(Span::styled(
            crate::text::sanitize_line(&f.text_for(&s.name, app.settings.lang)),
            theme.style(widgets::status_role(f.severity.into())),
        )),
        (None, None) => Cell::from(Span::styled("—", theme.style(Role::Muted))),
    };
    vec![
        Cell::from(status_span(theme, app.settings.lang, row.status)),
        Cell::from(s.name.as_str()),
        Cell::from(s.path),
        integration,
        lag,
        export,
        copy,
        copy_errors,
        elt,
        worst,
    ]
}

fn draw_summaries(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let [wlm, storage, alarms] = Layout::horizontal([
        Constraint::Percentage(34),
        Constraint::Percentage(33),
        Constraint::Percentage(33),
    ])
    .areas(area);

    // Narrow (80 columns), the words go to the title: `batch  ▲14 / 5`.
    let narrow = wlm.width.saturating_sub(2) < 30;
    let lines: Vec<Line> = app
        .rows
        .queues
        .iter()
        .map(|queue| {
            let queued = app.snapshot.queue_queued(queue);
            let running = app.snapshot.queue_running(queue);
            let over = queue == &app.settings.thresholds.wlm_queue
                && queued
                    .known()
                    .copied()
                    .flatten()
                    .is_some_and(|q| q > app.settings.thresholds.wlm_queue_length);
            let style = theme.style(if over { Role::Warning } else { Role::Text });
            // The mark has a slot of its own so that the queues' figures stay aligned.
            let mark = if over { "▲" } else { " " };
            if narrow {
                return Line::from(vec![
                    Span::styled(crate::i18n::pad(queue, 7), theme.style(Role::Muted)),
                    Span::styled(
                        format!("{mark}{:>3}", queued.show(|q| format!("{q:.0}"))),
                        style,
                    ),
                    Span::raw(format!(" / {}", running.show(|r| format!("{r:.0}")))),
                ]);
            }
            Line::from(vec![
                Span::styled(crate::i18n::pad(queue, 7), theme.style(Role::Muted)),
                Span::styled(
                    format!(
                        "{mark} {} {:>3}",
                        app.settings.lang.pick("queued", "待機"),
                        queued.show(|q| format!("{q:.0}"))
                    ),
                    style,
                ),
                Span::raw(format!(
                    "  {} {}",
                    app.settings.lang.pick("running", "実行中"),
                    running.show(|r| format!("{r:.0}"))
                )),
            ])
        })
        .collect();
    let (wlm_block, lines) = if wlm.height >= lines.len() as u16 + 2 {
        let title = if narrow {
            app.settings
                .lang
                .pick("WLM queued / running", "WLM 待機 / 実行中")
        } else {
            "WLM"
        };
        (block(theme, title.into()), lines)
    } else {
        let title = app.settings.lang.pick("WLM queued", "WLM 待機");
        (block(theme, title.into()), vec![compact_queues(app)])
    };
    frame.render_widget(Paragraph::new(lines).block(wlm_block), wlm);
    let lang = app.settings.lang;

    let storage_block = block(theme, lang.pick("Storage", "ストレージ").into());
    let inner = storage_block.inner(storage);
    frame.render_widget(storage_block, storage);
    match app.snapshot.storage_percent() {
        Reading::Known(Some(percent)) => {
            let t = &app.settings.thresholds;
            let role = if percent > t.storage_critical_percent {
                Role::Critical
            } else if percent > t.storage_warning_percent {
                Role::Warning
            } else {
                Role::Gauge
            };
            // One line per row, as many as the panel has: the gauge first, so a one-line panel
            // still says the percentage.
            let row = |n: u16| Rect {
                y: inner.y + n,
                height: u16::from(n < inner.height),
                ..inner
            };
            let [gauge_area, text_area, size_area, trend_area] = [row(0), row(1), row(2), row(3)];
            frame.render_widget(
                Gauge::default()
                    .gauge_style(theme.gauge(role))
                    .ratio((percent / 100.0).clamp(0.0, 1.0))
                    .label(format!("{percent:.1} %")),
                gauge_area,
            );
            frame.render_widget(
                Paragraph::new(vec![Line::styled(
                    format!(
                        "{} > {:.0} %  {} > {:.0} %",
                        lang.pick("warn", "警告"),
                        t.storage_warning_percent,
                        lang.pick("crit", "重大"),
                        t.storage_critical_percent
                    ),
                    theme.style(Role::Muted),
                )]),
                text_area,
            );
            let mut size = super::storage::size_text(app, percent, true);
            if let Some(change) = super::storage::change_text(app) {
                let with_change = format!("{size}  {change}");
                if crate::i18n::width(&with_change) <= usize::from(size_area.width) {
                    size = with_change;
                }
            }
            frame.render_widget(Paragraph::new(Line::raw(size)), size_area);
            widgets::labelled_sparkline(
                frame,
                trend_area,
                theme,
                lang,
                app.now,
                &super::storage::trend_chart(app),
            );
        }
        Reading::Known(None) => frame.render_widget(
            Paragraph::new(Line::styled(
                lang.pick("no data", "データなし"),
                theme.style(Role::Unknown),
            )),
            inner,
        ),
        Reading::Unknown(unread) => frame.render_widget(
            Paragraph::new(widgets::unread_lines(theme, &unread, inner.width)),
            inner,
        ),
    }

    let alarms_reading = app.snapshot.alarms_reading();
    let all_alarms: &[crate::model::Alarm] = alarms_reading.known().copied().unwrap_or(&[]);
    let in_alarm: Vec<_> = all_alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .collect();
    // Unread alarms are `?`, never "0 in ALARM": the panel says why below.
    let count = |n: usize| alarms_reading.as_ref().map(|_| n).text();
    let mut lines = vec![Line::from(vec![
        Span::styled(
            match lang {
                crate::i18n::Lang::En => format!("{} in ALARM", count(in_alarm.len())),
                crate::i18n::Lang::Ja => format!("ALARM {} 件", count(in_alarm.len())),
            },
            theme.style(match (&alarms_reading, in_alarm.is_empty()) {
                (Reading::Unknown(_), _) => Role::Unknown,
                (Reading::Known(_), true) => Role::Ok,
                (Reading::Known(_), false) => Role::Critical,
            }),
        ),
        Span::styled(
            match lang {
                crate::i18n::Lang::En => format!(" of {}", count(all_alarms.len())),
                crate::i18n::Lang::Ja => format!(" / 全 {} 件", count(all_alarms.len())),
            },
            theme.style(Role::Muted),
        ),
    ])];
    if let Some(unread) = alarms_reading.unread() {
        lines.extend(widgets::unread_lines(
            theme,
            unread,
            alarms.width.saturating_sub(2),
        ));
    }
    lines.extend(
        in_alarm
            .iter()
            .take(3)
            .map(|a| Line::styled(format!("✗ {}", a.name), theme.style(Role::Critical))),
    );
    if in_alarm.len() > 3 {
        lines.push(Line::styled(
            match lang {
                crate::i18n::Lang::En => format!("  … {} more", in_alarm.len() - 3),
                crate::i18n::Lang::Ja => format!("  … ほか {} 件", in_alarm.len() - 3),
            },
            theme.style(Role::Muted),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(theme, lang.pick("Alarms", "アラーム").into())),
        alarms,
    );
}

/// Every queue's length on one line (`batch 2 adhoc 1 admin 0`), for a short panel.
fn compact_queues(app: &App) -> Line<'static> {
    let theme = &app.settings.theme;
    let thresholds = &app.settings.thresholds;
    let mut spans = Vec::new();
    for queue in &app.rows.queues {
        let queued = app
            .snapshot
            .metrics
            .queue_length
            .get(queue)
            .and_then(|s| s.latest())
            .or_else(|| {
                app.snapshot
                    .warehouse
                    .queues
                    .iter()
                    .find(|q| &q.queue == queue)
                    .map(|q| f64::from(q.queued))
            });
        let over = queue == &thresholds.wlm_queue
            && queued.is_some_and(|q| q > thresholds.wlm_queue_length);
        spans.push(Span::styled(
            format!(
                "{}{queue} {}{}",
                if spans.is_empty() { "" } else { " " },
                if over { "▲" } else { "" },
                queued.map_or("—".into(), |q| format!("{q:.0}"))
            ),
            theme.style(if over { Role::Warning } else { Role::Text }),
        ));
    }
    Line::from(spans)
}
