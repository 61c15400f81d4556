//! A runbook walkthrough: the steps by phase with their progress, and the selected step in full.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::widgets::{block, field};
use crate::tui::app::App;
use crate::tui::runbook::{Phase, StepKind};
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> usize {
    let theme = &app.settings.theme;
    let recovery = app.recovery();
    let (Some(walkthrough), Some(runbook)) = (
        recovery.walkthrough(),
        recovery.current_runbook(&app.settings.runbooks),
    ) else {
        frame.render_widget(
            Paragraph::new(app.settings.lang.pick(
                "no runbook open: press r on an alarm or finding, or :runbook ID",
                "ランブックが開かれていません: アラームか検出事項で r を押すか :runbook ID",
            ))
            .block(block(
                theme,
                app.settings.lang.pick("Runbook", "ランブック").into(),
            )),
            area,
        );
        return 0;
    };
    let [steps_area, detail_area] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);

    let mut lines = Vec::new();
    let mut number = 0;
    for phase in Phase::ALL {
        lines.push(Line::styled(
            phase.title_in(app.settings.lang).to_string(),
            theme.style(Role::Header),
        ));
        for step in runbook.steps_in(phase) {
            let index = number;
            number += 1;
            let done = walkthrough.done.get(index).copied().unwrap_or(false);
            let (mark, role) = if done {
                ("✓", Role::Ok)
            } else if index == walkthrough.selected {
                ("▶", Role::Accent)
            } else {
                ("○", Role::Muted)
            };
            let kind = match &step.kind {
                StepKind::Check { view, .. } => format!(
                    "{} · {}",
                    app.settings.lang.pick("check", "確認"),
                    view.command()
                ),
                StepKind::Action(action) => {
                    format!("{} · {action}", app.settings.lang.pick("action", "操作"))
                }
                StepKind::Note => app.settings.lang.pick("note", "メモ").to_string(),
            };
            let mut line = Line::from(vec![
                Span::styled(format!(" {mark} {:>2}. ", index + 1), theme.style(role)),
                Span::raw(step.title.clone()),
                Span::styled(format!("  ({kind})"), theme.style(Role::Muted)),
            ]);
            if index == walkthrough.selected {
                line = line.style(theme.style(Role::Selection));
            }
            lines.push(line);
        }
    }
    let title = format!(
        "{} {} — {}/{} {}{}",
        app.settings.lang.pick("Runbook", "ランブック"),
        runbook.title,
        walkthrough.completed(),
        walkthrough.done.len(),
        app.settings.lang.pick("done", "完了"),
        walkthrough
            .tenant
            .as_ref()
            .map(|t| format!(" · {t}"))
            .unwrap_or_default()
    );
    // Keep the selected step in sight on short screens.
    let inner_height = steps_area.height.saturating_sub(2) as usize;
    let selected_line =
        walkthrough.selected + 1 + phase_headers_before(runbook, walkthrough.selected);
    let scroll = selected_line.saturating_sub(inner_height.saturating_sub(1)) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(block(theme, title)),
        steps_area,
    );

    let step = runbook.steps.get(walkthrough.selected);
    let mut detail: Vec<Line> = Vec::new();
    if walkthrough.selected == 0 {
        detail.push(Line::styled(
            runbook.summary.clone(),
            theme.style(Role::Muted),
        ));
        detail.push(Line::raw(""));
    }
    if let Some(step) = step {
        detail.push(field(
            theme,
            app.settings.lang.pick("phase", "フェーズ"),
            step.phase.title_in(app.settings.lang),
        ));
        let enter = match &step.kind {
            StepKind::Check { view, filter } => format!(
                "{} {}{}",
                app.settings.lang.pick("opens", "開く:"),
                view.title_in(app.settings.lang),
                filter
                    .as_ref()
                    .map(|f| match app.settings.lang {
                        crate::i18n::Lang::En => format!(" filtered by /{f}"),
                        crate::i18n::Lang::Ja => format!("(絞り込み /{f})"),
                    })
                    .unwrap_or_default()
            ),
            StepKind::Action(action) => format!(
                "{}: {}",
                app.settings
                    .lang
                    .pick("previews for confirmation", "プレビューして確認"),
                action.title_in(app.settings.lang)
            ),
            StepKind::Note => app
                .settings
                .lang
                .pick("marks it done", "完了にする")
                .to_string(),
        };
        detail.push(field(theme, "Enter", enter));
        detail.push(Line::raw(""));
        detail.extend(step.text.lines().map(|l| Line::raw(l.to_string())));
    }
    frame.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .block(block(
                theme,
                step.map_or(
                    app.settings.lang.pick("Step", "ステップ").to_string(),
                    |s| s.title.clone(),
                ),
            )),
        detail_area,
    );
    walkthrough.done.len()
}

fn phase_headers_before(runbook: &crate::tui::runbook::Runbook, index: usize) -> usize {
    runbook
        .steps
        .iter()
        .take(index + 1)
        .map(|s| s.phase)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        .saturating_sub(1)
}
