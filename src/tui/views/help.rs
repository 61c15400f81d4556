//! The help overlay, generated from the active keymap so it always tells the truth. It takes the
//! screen's width up to a comfortable maximum, wraps each description under itself beside a
//! fixed key column, and scrolls when it is taller than the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{block, wrap_lines};
use crate::i18n::pad;
use crate::tui::app::App;
use crate::tui::command::COMMANDS;
use crate::tui::help::Extent;
use crate::tui::theme::Role;

/// Wider than this, lines get too long to read at a glance.
const MAX_WIDTH: u16 = 100;
/// The key column, and the action's name beside it when there is room.
const KEYS: usize = 18;
const NAME: usize = 12;

/// Draws the help over `area`; returns how much of it fits, for scrolling.
pub fn draw(frame: &mut Frame, app: &App, area: Rect) -> Extent {
    let theme = &app.settings.theme;
    let lang = app.settings.lang;
    let width = area.width.min(MAX_WIDTH);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y,
        width,
        height: area.height,
    };
    let columns = usize::from(width.saturating_sub(2));
    // The action's name is for keymap files; a narrow screen keeps the room for what it does.
    let show_names = columns >= KEYS + NAME + 30;
    let mut lines = vec![Line::styled(
        lang.pick("Keys", "キー"),
        theme.style(Role::Header),
    )];
    for (keys, name, help) in app.settings.keymap.help_rows() {
        let mut spans = vec![Span::styled(pad(&keys, KEYS), theme.style(Role::Accent))];
        if show_names {
            spans.push(Span::styled(pad(name, NAME), theme.style(Role::Muted)));
        }
        spans.push(Span::raw(crate::tui::action::Action::help_in(
            name, help, lang,
        )));
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        lang.pick("Commands (Tab completes)", "コマンド(Tab で補完)"),
        theme.style(Role::Header),
    ));
    // The usage in a column as wide as the longest, the help wrapped beside it.
    let usages: Vec<String> = COMMANDS.iter().map(|c| c.usage(lang)).collect();
    let column = usages
        .iter()
        .map(|u| crate::i18n::width(u))
        .max()
        .unwrap_or(0)
        // Two spaces at least: `wrap_lines` takes a span ending in two as a label column and
        // wraps the help under itself.
        + 2;
    for (command, usage) in COMMANDS.iter().zip(&usages) {
        lines.push(Line::from(vec![
            Span::styled(pad(usage, column), theme.style(Role::Accent)),
            Span::raw(command.help(lang)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        lang.pick(
            "Statuses: ✓ OK  ▲ WARN  ✗ CRIT  ? UNKN (no data)  … in progress",
            "状態: ✓ 正常  ▲ 警告  ✗ 重大  ? 不明(データなし)  … 実行中",
        ),
        theme.style(Role::Muted),
    ));
    let lines = wrap_lines(lines, columns);

    let page = usize::from(popup.height.saturating_sub(2));
    let extent = Extent {
        max_scroll: lines.len().saturating_sub(page),
        page,
    };
    let scroll = app.help.scroll().min(extent.max_scroll);
    let mut outer = block(
        theme,
        lang.pick("Help — Esc closes", "ヘルプ — Esc で閉じる")
            .into(),
    );
    if extent.max_scroll > 0 {
        let more = match lang {
            crate::i18n::Lang::En => format!(
                " {}–{} of {} · j/k ↑/↓ PgUp/PgDn scroll ",
                scroll + 1,
                (scroll + page).min(lines.len()),
                lines.len()
            ),
            crate::i18n::Lang::Ja => format!(
                " {} 行中 {}–{} · j/k ↑/↓ PgUp/PgDn でスクロール ",
                lines.len(),
                scroll + 1,
                (scroll + page).min(lines.len())
            ),
        };
        outer = outer.title_bottom(Line::styled(more, theme.style(Role::Muted)));
    }
    super::widgets::clear_popup(frame, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .style(theme.style(Role::Text))
            .block(outer),
        popup,
    );
    extent
}
