//! The help overlay as a component: how far it is scrolled, and its keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::tui::action::Action;

/// How much help the last frame had room for, told back by the view after drawing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extent {
    /// The furthest the help can scroll: its lines less the rows shown.
    pub max_scroll: usize,
    /// The rows shown at once: a page.
    pub page: usize,
}

/// The help's state while it is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    scroll: usize,
    extent: Option<Extent>,
}

/// What a key in the help asks of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Stay,
    Close,
    Quit,
}

impl Help {
    /// The first line of help shown, kept within what the last frame could show.
    pub fn scroll(&self) -> usize {
        self.extent
            .map_or(self.scroll, |extent| self.scroll.min(extent.max_scroll))
    }

    /// Told by the view how much help fits, so scrolling stops at the last line.
    pub fn fit(&mut self, extent: Extent) {
        self.extent = Some(extent);
        self.scroll = self.scroll.min(extent.max_scroll);
    }

    /// A key, with the action the keymap binds it to. j/k scroll whatever the keymap: the help
    /// has no text to type.
    pub fn on_key(&mut self, key: KeyEvent, action: Option<Action>) -> Reply {
        let page = self.extent.map_or(10, |extent| extent.page.max(1));
        let max = self.extent.map_or(usize::MAX, |extent| extent.max_scroll);
        let scroll = self.scroll();
        self.scroll = match (action, key.code) {
            (Some(Action::Quit), _) if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Reply::Quit;
            }
            (Some(Action::Help | Action::Back | Action::Quit), _) | (_, KeyCode::Esc) => {
                return Reply::Close;
            }
            (Some(Action::Down), _) | (_, KeyCode::Char('j')) => scroll.saturating_add(1),
            (Some(Action::Up), _) | (_, KeyCode::Char('k')) => scroll.saturating_sub(1),
            (Some(Action::PageDown), _) | (_, KeyCode::PageDown | KeyCode::Char(' ')) => {
                scroll.saturating_add(page)
            }
            (Some(Action::PageUp), _) | (_, KeyCode::PageUp) => scroll.saturating_sub(page),
            (Some(Action::Top), _) | (_, KeyCode::Home) => 0,
            (Some(Action::Bottom), _) | (_, KeyCode::End) => max,
            _ => scroll,
        }
        .min(max);
        Reply::Stay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn scrolls_by_line_and_page_within_the_help() {
        let mut help = Help::default();
        help.fit(Extent {
            max_scroll: 12,
            page: 5,
        });
        assert_eq!(help.on_key(key(KeyCode::Char('j')), None), Reply::Stay);
        assert_eq!(help.scroll(), 1);
        help.on_key(key(KeyCode::PageDown), Some(Action::PageDown));
        assert_eq!(help.scroll(), 6);
        help.on_key(key(KeyCode::PageDown), Some(Action::PageDown));
        help.on_key(key(KeyCode::PageDown), Some(Action::PageDown));
        assert_eq!(help.scroll(), 12, "stops at the last line");
        help.on_key(key(KeyCode::Up), Some(Action::Up));
        assert_eq!(
            help.scroll(),
            11,
            "one up from the bottom, not from past it"
        );
        help.on_key(key(KeyCode::Char('k')), None);
        help.on_key(key(KeyCode::PageUp), Some(Action::PageUp));
        assert_eq!(help.scroll(), 5);
        help.on_key(key(KeyCode::Home), None);
        assert_eq!(help.scroll(), 0);
        help.on_key(key(KeyCode::End), None);
        assert_eq!(help.scroll(), 12);
    }

    #[test]
    fn a_smaller_screen_pulls_the_scroll_back() {
        let mut help = Help::default();
        help.fit(Extent {
            max_scroll: 20,
            page: 5,
        });
        help.on_key(key(KeyCode::End), None);
        help.fit(Extent {
            max_scroll: 3,
            page: 20,
        });
        assert_eq!(help.scroll(), 3);
    }

    #[test]
    fn esc_and_the_help_key_close_and_ctrl_c_quits() {
        let mut help = Help::default();
        assert_eq!(help.on_key(key(KeyCode::Esc), None), Reply::Close);
        assert_eq!(
            help.on_key(key(KeyCode::Char('?')), Some(Action::Help)),
            Reply::Close
        );
        assert_eq!(
            help.on_key(
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Some(Action::Quit)
            ),
            Reply::Quit
        );
    }
}
