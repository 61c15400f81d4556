//! Everything about one tenant: findings, ingest path state, load errors, tables, alarms, ELT.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use super::widgets::{
    self, Column, ScrollTable, ago, alarm_status, block, cut_field, draw_wrapped, field, hhmm,
    list_title, list_title_of, severity_span, status_span, text_field, word_span,
};
use crate::model::{
    Ingest, Reading, SourceId, UNKNOWN, Unread, WarehouseView, console_url, format_duration_secs,
};
use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let Some(tenant) = app
        .tenant
        .as_ref()
        .and_then(|name| app.snapshot.tenants.iter().find(|t| &t.name == name))
    else {
        frame.render_widget(
            Paragraph::new(app.settings.lang.pick(
                "no tenant chosen: select one in the overview or type :tenant NAME",
                "テナントが選ばれていません: 概要で選ぶか :tenant 名前 と入力してください",
            ))
            .block(block(
                theme,
                app.settings.lang.pick("Tenant", "テナント").into(),
            )),
            area,
        );
        return 0;
    };
    let name = tenant.name.as_str();
    // The overview row's figures: where one is `?`, this view says why next to it.
    let summary = app
        .rows
        .tenants
        .iter()
        .find(|row| row.summary.name == name)
        .map(|row| &row.summary);
    let [top, middle, bottom] = Layout::vertical([
        Constraint::Length(9),
        Constraint::Min(6),
        Constraint::Percentage(35),
    ])
    .areas(area);
    let [about_area, path_area] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(top);

    let mut about = vec![
        field(
            theme,
            app.settings.lang.pick("status", "状態"),
            status_span(theme, app.settings.lang, app.health.tenant(name)),
        ),
        field(
            theme,
            app.settings.lang.pick("account", "アカウント"),
            tenant.account_id.as_str(),
        ),
        field(
            theme,
            app.settings
                .lang
                .pick("aurora cluster", "Aurora クラスター"),
            tenant.cluster_identifier.as_str(),
        ),
        field(
            theme,
            app.settings.lang.pick("schema", "スキーマ"),
            tenant.schema.as_str(),
        ),
        field(
            theme,
            app.settings.lang.pick("path", "経路"),
            tenant.ingest.label(),
        ),
    ];
    let about_width = about_area.width.saturating_sub(2);
    let cluster_url = app
        .snapshot
        .clusters
        .iter()
        .find(|cluster| cluster.tenant == name)
        .and_then(|cluster| cluster.arn.as_deref())
        .and_then(console_url);
    if let Some(url) = cluster_url {
        about.push(cut_field(
            app.settings.lang.pick("console", "コンソール"),
            &url,
            about_width,
            theme,
        ));
    }
    if let Some(error) = app.snapshot.tenant_errors.get(name) {
        about.extend(text_field(
            app.settings.lang.pick("cannot read", "読み取れません"),
            error,
            about_width,
            theme,
            theme.style(Role::Critical),
        ));
    }
    frame.render_widget(
        Paragraph::new(about).block(block(
            theme,
            widgets::copy_title(
                app,
                &format!("{} {name}", app.settings.lang.pick("Tenant", "テナント")),
            ),
        )),
        about_area,
    );

    let path_width = path_area.width.saturating_sub(2);
    let path_lines = match &tenant.ingest {
        Ingest::ZeroEtl { integration } => {
            let state = app
                .snapshot
                .rds
                .integrations
                .iter()
                .find(|i| i.tenant == name);
            let replica = app
                .snapshot
                .warehouse
                .replication
                .iter()
                .find(|r| r.tenant.as_deref() == Some(name));
            let mut lines = vec![
                field(
                    theme,
                    app.settings.lang.pick("integration", "統合"),
                    integration.as_str(),
                ),
                field(
                    theme,
                    app.settings.lang.pick("status", "状態"),
                    match summary.and_then(|s| s.integration_status.unread()) {
                        Some(unread) => why(theme, unread),
                        None => state.map_or(Span::raw("—"), |s| {
                            word_span(
                                theme,
                                widgets::integration_status(&s.status),
                                s.status.as_str(),
                            )
                        }),
                    },
                ),
                field(
                    theme,
                    app.settings.lang.pick("lag", "遅延"),
                    // The overview's figure (the warehouse's lag, else CloudWatch's), one home.
                    match summary.map(|s| &s.lag_seconds) {
                        Some(Reading::Unknown(unread)) => why(theme, unread),
                        Some(Reading::Known(Some(lag))) => {
                            Span::raw(format_duration_secs(*lag, app.settings.lang))
                        }
                        _ => Span::raw("—"),
                    },
                ),
            ];
            // The status and errors kept from an earlier DescribeInboundIntegrations (while
            // SVV_INTEGRATION agrees with them) are older than the source's age: say how old.
            if let Some(described_at) = state.and_then(|s| s.described_at) {
                lines.push(field(
                    theme,
                    app.settings.lang.pick("described", "取得"),
                    widgets::ago(app.settings.lang, app.now, Some(described_at)),
                ));
            }
            if let Some(error) = state.and_then(|s| s.errors.first()) {
                lines.extend(text_field(
                    app.settings.lang.pick("error", "エラー"),
                    error,
                    path_width,
                    theme,
                    theme.style(Role::Critical),
                ));
            }
            let tables = replica
                .map(|r| r.tables_not_synced.as_slice())
                .unwrap_or(&[]);
            lines.push(field(
                theme,
                app.settings.lang.pick("not synced", "未同期"),
                match summary.and_then(|s| s.tables_not_synced.unread()) {
                    Some(unread) => why(theme, unread),
                    None => Span::raw(format!(
                        "{} {}",
                        tables.len(),
                        app.settings.lang.pick("table(s)", "テーブル")
                    )),
                },
            ));
            for table in tables.iter().take(2) {
                lines.push(Line::styled(
                    crate::text::sanitize_line(&format!(
                        "  {} {}: {}",
                        table.table, table.state, table.reason
                    )),
                    theme.style(if table.is_failed() {
                        Role::Critical
                    } else {
                        Role::Warning
                    }),
                ));
            }
            lines
        }
        Ingest::Export { bucket, prefix } => {
            let mut lines = vec![field(
                theme,
                app.settings.lang.pick("export to", "エクスポート先"),
                format!("s3://{bucket}/{prefix}"),
            )];
            let mut tasks: Vec<_> = app
                .snapshot
                .rds
                .exports
                .iter()
                .filter(|e| e.tenant == name)
                .collect();
            tasks.sort_by_key(|t| std::cmp::Reverse(t.started_at));
            if let Some(unread) = summary.and_then(|s| s.last_export.unread()) {
                lines.push(Line::from(why(theme, unread)));
            }
            for task in tasks.iter().take(crate::model::RECENT_EXPORTS) {
                let spans = vec![
                    word_span(
                        theme,
                        widgets::export_status(&task.status),
                        task.status.as_str(),
                    ),
                    Span::raw(format!(
                        " {}% {} {}",
                        task.percent_progress,
                        task.id,
                        ago(app.settings.lang, app.now, task.changed_at())
                    )),
                ];
                lines.push(Line::from(spans));
                if let Some(cause) = &task.failure_cause {
                    lines.extend(text_field(
                        app.settings.lang.pick("  why", "  原因"),
                        cause,
                        path_width,
                        theme,
                        theme.style(Role::Critical),
                    ));
                }
            }
            let copy = app
                .snapshot
                .warehouse
                .loads
                .iter()
                .find(|l| l.tenant == name);
            lines.push(field(
                theme,
                app.settings.lang.pick("last COPY", "最終 COPY"),
                match summary.and_then(|s| s.last_copy_at.unread()) {
                    Some(unread) => why(theme, unread),
                    None => Span::raw(copy.map_or("—".into(), |c| {
                        format!(
                            "{} {}, {}",
                            c.rows,
                            app.settings.lang.pick("rows", "行"),
                            ago(app.settings.lang, app.now, Some(c.last_copy_at))
                        )
                    })),
                },
            ));
            lines
        }
    };
    draw_wrapped(
        frame,
        path_area,
        block(
            theme,
            format!(
                "{}: {}",
                app.settings.lang.pick("Ingest", "取り込み"),
                tenant.ingest.label()
            ),
        ),
        path_lines,
    );

    let visible = app.rows.visible(View::Tenant);
    let h = app.settings.lang.pick_array(
        &["SEVERITY", "CHECK", "FINDING"],
        &["重大度", "チェック", "検出事項"],
    );
    let columns = [
        Column::key(h[0], 8),
        Column::key(h[1], 14).grows_to(22),
        Column::fill(h[2], 10),
    ];
    let table = ScrollTable {
        columns: &columns,
        selected: Some(app.selected(View::Tenant)),
        len: visible.len(),
        lang: app.settings.lang,
    };
    let page = table.render(
        frame,
        middle,
        theme,
        block(
            theme,
            list_title(
                app.settings.lang,
                app.settings.lang.pick("Findings", "検出事項"),
                visible.len(),
                app.health
                    .findings
                    .iter()
                    .filter(|f| f.concerns(name))
                    .count(),
                app.filters.get(&View::Tenant),
            ),
        ),
        |i| {
            let f = &app.health.findings[visible[i]];
            vec![
                Cell::from(severity_span(theme, app.settings.lang, f.severity)),
                Cell::from(f.check.as_str()),
                Cell::from(crate::text::sanitize_line(&f.text(app.settings.lang))),
            ]
        },
    );

    let [errors_area, side_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    let errors_unread = summary.and_then(|s| s.copy_errors_24h.unread());
    let mut errors: Vec<Line> = app
        .snapshot
        .warehouse
        .load_errors
        .iter()
        .filter(|e| e.tenant == name)
        .take(errors_area.height.saturating_sub(2) as usize)
        .map(|e| {
            Line::from(vec![
                Span::styled(format!("{} ", hhmm(e.time)), theme.style(Role::Muted)),
                Span::raw(crate::text::sanitize_line(&format!(
                    "{} {} {} {}: {}",
                    e.table,
                    app.settings.lang.pick("line", "行"),
                    e.line,
                    e.column,
                    e.reason
                ))),
            ])
        })
        .collect();
    let count = app
        .snapshot
        .warehouse
        .load_errors
        .iter()
        .filter(|e| e.tenant == name)
        .count();
    let count = Reading::of(count, errors_unread.cloned());
    if let Some(unread) = errors_unread {
        errors = widgets::unread_lines(theme, unread, errors_area.width.saturating_sub(2));
    }
    frame.render_widget(
        Paragraph::new(errors).block(block(
            theme,
            list_title_of(
                app.settings.lang,
                app.settings.lang.pick("Load errors", "ロードエラー"),
                count.known().copied().unwrap_or(0),
                count,
                None,
            ),
        )),
        errors_area,
    );

    let mut side: Vec<Line> = Vec::new();
    let unread_here = [
        app.snapshot.unread_source(SourceId::Alarms),
        summary.and_then(|s| s.last_elt.unread()).cloned(),
        app.snapshot.unread_view(WarehouseView::Tables),
    ];
    for unread in unread_here.iter().flatten() {
        side.push(Line::from(why(theme, unread)));
    }
    for alarm in app
        .snapshot
        .alarms
        .iter()
        .filter(|a| a.tenant.as_deref() == Some(name))
    {
        side.push(Line::from(vec![
            word_span(theme, alarm_status(alarm.state), alarm.state.as_str()),
            Span::raw(format!(" {}", crate::text::sanitize_line(&alarm.name))),
        ]));
    }
    if let Some(run) = app.snapshot.elt_runs.iter().max_by_key(|r| r.started_at) {
        side.push(Line::from(vec![
            Span::styled("ELT ", theme.style(Role::Muted)),
            word_span(theme, widgets::elt_status(&run.status), run.status.as_str()),
            Span::raw(format!(
                " {} {}",
                run.name,
                ago(app.settings.lang, app.now, Some(run.started_at))
            )),
        ]));
    }
    for t in app
        .snapshot
        .warehouse
        .tables
        .iter()
        .filter(|t| t.schema == tenant.schema)
    {
        side.push(Line::from(vec![
            Span::styled(
                format!("{:<10}", crate::text::sanitize_line(&t.table)),
                theme.style(Role::Muted),
            ),
            Span::raw(format!(
                " {} MB  {} {:.1} %  {} {:.1} %",
                t.size_mb,
                app.settings.lang.pick("skew", "スキュー"),
                t.skew_percent,
                app.settings.lang.pick("unsorted", "未ソート"),
                t.unsorted_percent
            )),
        ]));
    }
    frame.render_widget(
        Paragraph::new(side).block(block(
            theme,
            app.settings
                .lang
                .pick("Alarms · ELT · tables", "アラーム · ELT · テーブル")
                .into(),
        )),
        side_area,
    );
    page
}

/// A figure that could not be read, and why: `? warehouse load errors: <error>`.
fn why(theme: &crate::tui::theme::Theme, unread: &Unread) -> Span<'static> {
    Span::styled(format!("{UNKNOWN} {unread}"), theme.style(Role::Unknown))
}
