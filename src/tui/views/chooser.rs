//! The tenant chooser of a runbook's action step: the tenants the action fits, worst first, each
//! with its status in words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::dialog::centred;
use super::widgets::{block, status_role};
use crate::health::Status;
use crate::tui::app::App;
use crate::tui::theme::Role;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let Some(chooser) = app.recovery().chooser() else {
        return;
    };
    let label = |status: Status| format!("{} {}", status.symbol(), status.label_in(lang));
    let label_width = chooser
        .tenants
        .iter()
        .map(|(_, status)| label(*status).width())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = chooser
        .tenants
        .iter()
        .enumerate()
        .map(|(i, (name, status))| {
            let text = label(*status);
            let padding = " ".repeat(label_width - text.width());
            let line = Line::from(vec![
                Span::raw(" "),
                Span::styled(text, theme.style(status_role(*status))),
                Span::raw(format!("{padding}  {name}")),
            ]);
            if i == chooser.selected {
                super::widgets::selected_line(theme, line)
            } else {
                line
            }
        })
        .collect();
    let hint = Line::styled(
        lang.pick(
            " ↑/↓ choose · Enter preview · Esc cancel ",
            " ↑/↓ で選ぶ · Enter でプレビュー · Esc で取消 ",
        ),
        theme.style(Role::Muted),
    );
    let popup = centred(area, 72, lines.len() as u16 + 2);
    // Keep the selected tenant in sight when the fleet is longer than the screen.
    let rows = popup.height.saturating_sub(2) as usize;
    let scroll = chooser.selected.saturating_sub(rows.saturating_sub(1));
    let title = match lang {
        crate::i18n::Lang::En => format!("{} — which tenant?", chooser.action.title_in(lang)),
        crate::i18n::Lang::Ja => format!("{} — どのテナント?", chooser.action.title_in(lang)),
    };
    super::widgets::clear_popup(frame, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .style(theme.style(Role::Text))
            .block(block(theme, title).title_bottom(hint)),
        popup,
    );
}
