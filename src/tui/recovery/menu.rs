//! The action menu: the actions that fit where the user is; Enter previews the chosen one.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{Context, Recovery, Reply, request};
use crate::action::Request;
use crate::tui::action::Action;

/// The actions that fit where the user is, for the action menu.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub items: Vec<(String, Request)>,
    pub selected: usize,
}

impl Recovery {
    /// Opens the action menu for where the user is.
    pub fn open_menu(&mut self, context: &Context) -> Reply {
        let tenant = self.tenant_for(context, "");
        self.menu = Some(request::menu_for(
            tenant.as_deref(),
            context.snapshot,
            context.execution,
            context.query,
            context.lang,
        ));
        Reply::default()
    }

    pub(super) fn on_menu_key(&mut self, context: &Context, key: KeyEvent) -> Reply {
        let Some(menu) = &mut self.menu else {
            return Reply::default();
        };
        match (context.keymap.action_for(&key), key.code) {
            (Some(Action::Down), _) => {
                menu.selected = (menu.selected + 1).min(menu.items.len().saturating_sub(1))
            }
            (Some(Action::Up), _) => menu.selected = menu.selected.saturating_sub(1),
            (Some(Action::Select), _) | (_, KeyCode::Enter) => {
                let request = menu.items.get(menu.selected).map(|(_, r)| r.clone());
                self.menu = None;
                if let Some(request) = request {
                    return self.open_action(context, request, None);
                }
            }
            (Some(Action::Back | Action::Quit), _) | (_, KeyCode::Esc) => self.menu = None,
            _ => {}
        }
        Reply::default()
    }
}
