//! The action menu and the action dialog: exactly what will run, the configuration diff, the
//! word to type, then progress and the result.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::block;
use crate::tui::app::App;
use crate::tui::recovery::Stage;
use crate::tui::theme::Role;

/// A centred box of at most `width` × `height` inside `area`.
pub(super) fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub fn draw_menu(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let Some(menu) = app.recovery().menu() else {
        return;
    };
    let mut lines: Vec<Line> = menu
        .items
        .iter()
        .enumerate()
        .map(|(i, (label, _))| {
            let line = Line::raw(format!(" {label}"));
            if i == menu.selected {
                super::widgets::selected_line(theme, line)
            } else {
                line
            }
        })
        .collect();
    if app.settings.read_only {
        lines.push(Line::styled(
            app.settings.lang.pick(
                " read-only: previews only, nothing will run",
                " 読み取り専用: プレビューのみで、何も実行しません",
            ),
            theme.style(Role::Warning),
        ));
    }
    // As wide as the screen allows up to a comfortable width; a long item wraps, never cut.
    let width = area.width.min(72);
    let lines = super::widgets::wrap_lines(lines, usize::from(width.saturating_sub(2)));
    let popup = centred(area, width, lines.len() as u16 + 2);
    super::widgets::clear_popup(frame, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.style(Role::Text))
            .block(block(
                theme,
                app.settings
                    .lang
                    .pick(
                        "Actions — Enter preview · Esc close",
                        "操作 — Enter でプレビュー · Esc で閉じる",
                    )
                    .into(),
            )),
        popup,
    );
}

pub fn draw_dialog(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let Some(dialog) = app.recovery().dialog() else {
        return;
    };
    let popup = centred(area, 110, area.height);
    let muted = theme.style(Role::Muted);
    let title = format!(
        "{} — {}",
        dialog.request.kind().title_in(app.settings.lang),
        dialog.request.kind().name()
    );
    // The body says what will happen; the footer, always in sight, says what to do or what happened.
    let mut body: Vec<Line> = Vec::new();
    let mut footer: Vec<Line> = Vec::new();
    match &dialog.stage {
        Stage::Planning => body.push(Line::styled(
            app.settings
                .lang
                .pick("reading what this needs…", "必要な情報を読み取っています…"),
            muted,
        )),
        Stage::Failed(error) => {
            body.push(Line::styled(
                format!(
                    "✗ {}: {}",
                    app.settings.lang.pick("cannot prepare", "準備できません"),
                    crate::text::sanitize_line(&error.to_string())
                ),
                theme.style(Role::Critical),
            ));
            footer.push(Line::styled(
                app.settings
                    .lang
                    .pick("Enter or Esc closes", "Enter か Esc で閉じる"),
                muted,
            ));
        }
        Stage::Ready(plan) | Stage::Running { plan, .. } | Stage::Done { plan, .. } => {
            body.push(Line::from(vec![
                Span::styled(
                    crate::i18n::pad(app.settings.lang.pick("target", "対象"), 8),
                    muted,
                ),
                Span::raw(plan.target.clone()),
            ]));
            for note in &plan.notes {
                body.push(Line::styled(
                    format!(
                        "{}{note}",
                        crate::i18n::pad(app.settings.lang.pick("note", "注意"), 8)
                    ),
                    theme.style(Role::Warning),
                ));
            }
            // A refused plan runs nothing: no empty list under a heading.
            if !plan.calls.is_empty() {
                body.push(Line::styled(
                    app.settings
                        .lang
                        .pick("will run, in order:", "実行する内容(順番どおり):"),
                    theme.style(Role::Header),
                ));
            }
            for call in &plan.calls {
                // The indent as a column of its own, so a long call wraps under itself.
                body.push(Line::from(vec![
                    Span::raw("  "),
                    Span::raw(call.to_string()),
                ]));
            }
            if let Some(change) = &plan.change {
                body.push(Line::styled(
                    format!(
                        "{} {}:",
                        app.settings.lang.pick("change of", "変更:"),
                        change.what
                    ),
                    theme.style(Role::Header),
                ));
                for line in change.diff_hunks(2) {
                    let role = match line.chars().next() {
                        Some('+') => Role::Ok,
                        Some('-') => Role::Critical,
                        _ => Role::Muted,
                    };
                    body.push(Line::styled(line, theme.style(role)));
                }
            }
            footer_for(&mut footer, app, dialog, plan);
        }
    }
    super::widgets::clear_popup(frame, popup);
    let outer = block(theme, title);
    let inner = outer.inner(popup);
    frame.render_widget(outer.style(theme.style(Role::Text)), popup);
    // The footer takes the rows it wraps to, so a long refusal is read to its end.
    let columns = usize::from(inner.width);
    let body = super::widgets::wrap_lines(body, columns);
    let footer = super::widgets::wrap_lines(footer, columns);
    let footer_height = (footer.len() as u16).min(inner.height);
    let [body_area, footer_area] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Min(0),
        ratatui::layout::Constraint::Length(footer_height),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(body), body_area);
    frame.render_widget(Paragraph::new(footer), footer_area);
}

fn footer_for<'a>(
    footer: &mut Vec<Line<'a>>,
    app: &App,
    dialog: &crate::tui::recovery::Dialog,
    plan: &crate::action::Plan,
) {
    let theme = &app.settings.theme;
    let muted = theme.style(Role::Muted);
    match &dialog.stage {
        Stage::Ready(_) => {
            if let Some(why) = &plan.unsupported {
                footer.push(Line::styled(
                    format!("✗ {}: {why}", app.settings.lang.pick("refused", "拒否")),
                    theme.style(Role::Critical),
                ));
            } else if app.settings.read_only {
                footer.push(Line::styled(
                    app.settings.lang.pick("✗ read-only: this console refuses actions (--read-only, or another console runs actions from its state dir)", "✗ 読み取り専用: このコンソールは操作を拒否します(--read-only、または別のコンソールが状態ディレクトリで操作中)"),
                    theme.style(Role::Warning),
                ));
            } else if let Some(word) = &plan.confirm {
                footer.push(Line::from(vec![
                    Span::styled(
                        match app.settings.lang {
                            crate::i18n::Lang::En => format!("type {word:?} and Enter to run: "),
                            crate::i18n::Lang::Ja => {
                                format!("実行するには {word:?} と入力して Enter: ")
                            }
                        },
                        theme.style(Role::Warning),
                    ),
                    Span::styled(format!("{}▏", dialog.typed), theme.style(Role::Input)),
                ]));
            } else {
                footer.push(Line::styled(
                    app.settings.lang.pick("Enter to run", "Enter で実行"),
                    theme.style(Role::Warning),
                ));
            }
            if let Some(refusal) = &dialog.refusal {
                footer.push(Line::styled(
                    format!("✗ {refusal}"),
                    theme.style(Role::Critical),
                ));
            }
            footer.push(Line::styled(
                app.settings.lang.pick("Esc cancels", "Esc で取り消し"),
                muted,
            ));
        }
        Stage::Running { progress, .. } => {
            footer.push(Line::styled(
                app.settings.lang.pick("… running", "… 実行中"),
                theme.style(Role::Accent),
            ));
            for line in progress.iter().rev().take(4).rev() {
                footer.push(Line::styled(format!("  {line}"), muted));
            }
        }
        Stage::Done {
            result, recorded, ..
        } => {
            match result {
                Ok(outcome) => footer.push(Line::styled(
                    format!("✓ {}", crate::text::sanitize_line(&outcome.summary)),
                    theme.style(Role::Ok),
                )),
                Err(error) => footer.push(Line::styled(
                    format!("✗ {}", crate::text::sanitize_line(&error.to_string())),
                    theme.style(Role::Critical),
                )),
            }
            footer.push(if *recorded {
                Line::styled(
                    app.settings.lang.pick(
                        "recorded in the audit log · Enter or Esc closes",
                        "監査ログに記録しました · Enter か Esc で閉じる",
                    ),
                    muted,
                )
            } else {
                Line::styled(
                    app.settings.lang.pick(
                        "NOT recorded in the audit log (it could not be written): note what happened · Enter or Esc closes",
                        "監査ログに記録されていません(書き込めませんでした): 結果を控えてください · Enter か Esc で閉じる",
                    ),
                    theme.style(Role::Critical),
                )
            });
        }
        _ => {}
    }
}
