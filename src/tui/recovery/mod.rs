//! Recovery in the UI: the action menu, the action dialog (preview → confirmation → progress →
//! result) and the runbook walkthrough, as one component. Each call takes a [`Context`] of facts
//! about where the user is and answers with a [`Reply`] that the app applies: the component never
//! reaches into the app, and never awaits (the event loop runs the actions in tasks).

mod chooser;
mod copy;
mod dialog;
pub mod known;
mod menu;
mod request;
mod walkthrough;

use ratatui::crossterm::event::KeyEvent;

pub use chooser::{Chooser, needs_tenant};
pub use dialog::{ActionEvent, Dialog, Stage};
pub use menu::Menu;
pub use request::Command;
pub use walkthrough::Walkthrough;

use super::action::View;
use super::app::{Effect, Message};
use super::keymap::Keymap;
use super::runbook::Runbook;
use crate::health::{Finding, Health};
use crate::i18n::Lang;
use crate::model::{Alarm, Event, RunningQuery, Snapshot};

/// What recovery needs to know of the console, borrowed for one call.
pub struct Context<'a> {
    pub view: View,
    /// The tenant the user is on: the tenant view's, else the selected row's.
    pub tenant: Option<String>,
    /// The alarm selected, when the alarms view is shown.
    pub alarm: Option<&'a Alarm>,
    /// The finding selected: in the tenant view, or among the overview's findings.
    pub finding: Option<&'a Finding>,
    /// The ARN of the ELT execution selected, when the ELT view is shown.
    pub execution: Option<&'a str>,
    /// The running query selected, when the WLM view is shown.
    pub query: Option<&'a RunningQuery>,
    pub snapshot: &'a Snapshot,
    pub health: &'a Health,
    pub runbooks: &'a [Runbook],
    pub keymap: &'a Keymap,
    pub lang: Lang,
    /// Whether recovery actions run in this console at all (one with no operator only shows them).
    pub actions: bool,
}

/// Where recovery sends the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    View(View),
    /// The tenant view of this tenant.
    Tenant(String),
}

/// What the app must do after recovery handled something.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// For the event loop.
    pub effect: Effect,
    pub message: Option<Message>,
    pub go_to: Option<Destination>,
    /// The `/` filter to set on the view gone to.
    pub filter: Option<String>,
    /// What to put on the incident timeline, in order.
    pub events: Vec<Event>,
}

impl Default for Reply {
    fn default() -> Self {
        Self {
            effect: Effect::None,
            message: None,
            go_to: None,
            filter: None,
            events: Vec::new(),
        }
    }
}

impl Reply {
    pub fn effect(effect: Effect) -> Self {
        Self {
            effect,
            ..Self::default()
        }
    }

    pub fn info(text: impl Into<String>) -> Self {
        Self::message(text.into(), false)
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self::message(text.into(), true)
    }

    fn message(text: String, is_error: bool) -> Self {
        Self {
            message: Some(Message { text, is_error }),
            ..Self::default()
        }
    }
}

/// The state of recovery: at most one of the menu, the tenant chooser and the dialog is open; a
/// walkthrough stays while the user moves between panels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovery {
    menu: Option<Menu>,
    dialog: Option<Dialog>,
    walkthrough: Option<Walkthrough>,
    /// Which tenant a walkthrough's action step is for, when the walkthrough has none.
    chooser: Option<Chooser>,
}

impl Recovery {
    pub fn menu(&self) -> Option<&Menu> {
        self.menu.as_ref()
    }

    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    pub fn walkthrough(&self) -> Option<&Walkthrough> {
        self.walkthrough.as_ref()
    }

    /// A key while the menu, the tenant chooser or the dialog is open.
    pub fn on_key(&mut self, context: &Context, key: KeyEvent) -> Reply {
        if self.dialog.is_some() {
            self.on_dialog_key(key)
        } else if self.chooser.is_some() {
            self.on_chooser_key(context, key)
        } else {
            self.on_menu_key(context, key)
        }
    }

    /// What the event loop reports of the action in the dialog, or of `:verified`.
    pub fn on_action_event(&mut self, context: &Context, event: ActionEvent) -> Reply {
        match event {
            ActionEvent::Planned(planned) => self.on_planned(planned),
            ActionEvent::Started(audited) => return self.on_started(audited),
            ActionEvent::Progress(line) => self.on_progress(line),
            ActionEvent::Finished(result) => return self.on_finished(context, result),
            ActionEvent::Acknowledged(result) => {
                return request::acknowledged(context.lang, result);
            }
            // The incident record is the app's to write, not recovery's.
            ActionEvent::Exported(_) => {}
        }
        Reply::default()
    }

    /// The tenant an action is about: named, else the walkthrough's in the runbook view, else
    /// the one the user is on.
    fn tenant_for(&self, context: &Context, named: &str) -> Option<String> {
        if !named.is_empty() {
            return Some(named.to_string());
        }
        match context.view {
            View::Runbook => self.walkthrough.as_ref().and_then(|w| w.tenant.clone()),
            _ => context.tenant.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
