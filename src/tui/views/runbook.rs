//! A runbook walkthrough: the steps by phase with their progress, and the selected step in full,
//! with what the console knows filled in. Prose wraps; commands (lines indented four spaces) are
//! never wrapped, so what is seen is what the copy key copies: a command wider than the panel
//! is cut with `…`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::widgets::{block, field};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::recovery::known;
use crate::tui::runbook::text::{self, Piece};
use crate::tui::runbook::{Phase, StepKind};
use crate::tui::theme::{Role, Theme};

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
                line = super::widgets::selected_line(theme, line);
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
                "{}: {}{}",
                app.settings
                    .lang
                    .pick("previews for confirmation", "プレビューして確認"),
                action.title_in(app.settings.lang),
                if walkthrough.tenant.is_none() && crate::tui::recovery::needs_tenant(*action) {
                    app.settings
                        .lang
                        .pick(" (asks which tenant first)", "(先にテナントを選ぶ)")
                } else {
                    ""
                }
            ),
            StepKind::Note => app
                .settings
                .lang
                .pick("marks it done", "完了にする")
                .to_string(),
        };
        detail.push(field(theme, "Enter", enter));
        let values = known::values(&app.snapshot, walkthrough.tenant.as_deref());
        let commands = text::commands(&text::fill(&step.text, &values)).len();
        if commands > 0
            && let Some(key) = app.settings.keymap.keys_for(&Action::Copy).first()
        {
            let copies = match (app.settings.lang, commands) {
                (crate::i18n::Lang::En, 1) => "copies the command".to_string(),
                (crate::i18n::Lang::En, n) => format!("copies the {n} commands one at a time"),
                (crate::i18n::Lang::Ja, 1) => "コマンドをコピー".to_string(),
                (crate::i18n::Lang::Ja, n) => format!("{n} 個のコマンドを 1 つずつコピー"),
            };
            detail.push(Line::from(vec![
                Span::styled(
                    crate::i18n::pad(&key.to_string(), 15),
                    theme.style(Role::Muted),
                ),
                Span::raw(copies),
            ]));
        }
        detail.push(Line::raw(""));
        // Inside the borders: a command line is cut to fit, so that it never wraps.
        let width = detail_area.width.saturating_sub(2) as usize;
        let copied = walkthrough
            .copied
            .filter(|(step, _)| *step == walkthrough.selected)
            .map(|(_, command)| command);
        let mut command = 0;
        let mut in_command = false;
        for line in step.text.lines() {
            let is_command = text::is_command(line);
            if in_command && !is_command {
                command += 1;
            }
            in_command = is_command;
            let pieces = text::pieces(line, &values);
            if is_command {
                let mut spans = pieces_to_spans(theme, &pieces, theme.style(Role::Input));
                // The command the copy key copied last is marked in its indentation.
                if copied == Some(command)
                    && let Some(first) = spans.first_mut()
                    && let Some(rest) = first.content.strip_prefix(text::COMMAND_INDENT)
                {
                    let rest = rest.to_string();
                    *first = Span::styled(rest, first.style);
                    spans.insert(0, Span::styled("  ✓ ", theme.style(Role::Ok)));
                }
                detail.push(Line::from(cut_to_width(spans, width)));
            } else {
                detail.push(Line::from(pieces_to_spans(
                    theme,
                    &pieces,
                    Style::default(),
                )));
            }
        }
    }
    let detail_block = block(
        theme,
        step.map_or(
            app.settings.lang.pick("Step", "ステップ").to_string(),
            |s| s.title.clone(),
        ),
    );
    let inner = detail_block.inner(detail_area);
    // A step longer than the panel says how much is hidden rather than stopping mid-sentence.
    let detail = super::widgets::fit_lines(
        super::widgets::wrap_lines(detail, usize::from(inner.width)),
        usize::from(inner.height),
        app.settings.lang,
        theme,
        None,
    );
    frame.render_widget(Paragraph::new(detail).block(detail_block), detail_area);
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

/// A line's pieces as spans: literal text in `base`, filled values emphasised, placeholders the
/// console has no value for as `<name>` in the warning colour.
fn pieces_to_spans(theme: &Theme, pieces: &[Piece], base: Style) -> Vec<Span<'static>> {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Literal(text) => Span::styled(text.clone(), base),
            // A filled value comes from AWS or the config: shown, never obeyed by the terminal.
            Piece::Filled(_, value) => Span::styled(
                crate::text::sanitize_line(value),
                base.patch(theme.style(Role::Accent))
                    .add_modifier(Modifier::BOLD),
            ),
            Piece::Missing(_) => Span::styled(piece.text(), theme.style(Role::Warning)),
        })
        .collect()
}

/// `spans` cut to `width` columns, the last one kept for `…` when anything was cut.
fn cut_to_width(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|span| span.content.width()).sum();
    if total <= width {
        return spans;
    }
    let mut room = width.saturating_sub(1);
    let mut cut = Vec::new();
    for span in spans {
        let span_width = span.content.width();
        if span_width <= room {
            room -= span_width;
            cut.push(span);
            continue;
        }
        let mut kept = String::new();
        for c in span.content.chars() {
            let c_width = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if c_width > room {
                break;
            }
            room -= c_width;
            kept.push(c);
        }
        let style = span.style;
        cut.push(Span::styled(kept, style));
        cut.push(Span::styled("…", style));
        return cut;
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(spans: &[Span]) -> String {
        spans.iter().map(|span| span.content.as_ref()).collect()
    }

    #[test]
    fn a_line_wider_than_the_panel_is_cut_with_an_ellipsis() {
        let spans = vec![Span::raw("    aws s3 cp "), Span::raw("s3://bucket/key")];
        assert_eq!(
            text_of(&cut_to_width(spans.clone(), 40)),
            "    aws s3 cp s3://bucket/key"
        );
        assert_eq!(
            text_of(&cut_to_width(spans.clone(), 29)),
            "    aws s3 cp s3://bucket/key"
        );
        assert_eq!(
            text_of(&cut_to_width(spans.clone(), 28)),
            "    aws s3 cp s3://bucket/k…"
        );
        assert_eq!(text_of(&cut_to_width(spans, 10)), "    aws s…");
        // Wide characters are never split: the cut line may be a column short.
        let wide = vec![Span::raw("    テナント")];
        assert_eq!(text_of(&cut_to_width(wide, 9)), "    テナ…");
    }
}
