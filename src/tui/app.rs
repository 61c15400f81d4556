//! UI state and how actions change it. Pure: no terminal, no I/O, so every behaviour is testable.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, View};
use super::keymap::Keymap;
use super::rows::Rows;
use super::theme::Theme;
use crate::health::{Health, Thresholds, evaluate};
use crate::model::{Snapshot, SourceId, Time};
use crate::source::refresh::SourceEvent;

/// What the event loop must do after the UI handled something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    Refresh,
    /// Fetch this alarm's history (DescribeAlarmHistory) in a task.
    FetchAlarmHistory(String),
}

/// An alarm's history as last fetched, or why it could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmHistoryView {
    pub alarm: String,
    /// `None` while the fetch is in flight.
    pub items: Option<Result<Vec<crate::model::AlarmHistoryItem>, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a `:` command.
    Command,
    /// Typing a `/` filter for the current view.
    Filter,
    Help,
}

/// A line of feedback under the view (an unknown command, a refresh request …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

/// Loaded once at start: how the console looks, which keys do what, where findings start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub theme: Theme,
    pub keymap: Keymap,
    pub thresholds: Thresholds,
}

impl Settings {
    /// Loads the theme and keymap named on the command line or in the config file.
    /// `NO_COLOR` (any value) keeps the theme's emphasis but drops its colours.
    pub fn load(
        config: &crate::config::Config,
        theme: Option<&str>,
        keymap: Option<&str>,
    ) -> Result<Settings, crate::datafile::DataFileError> {
        let mut theme = super::theme::load(theme.unwrap_or(&config.ui.theme))?;
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            theme = theme.no_color();
        }
        let user_keymap = crate::config::config_dir()
            .map(|dir| dir.join("keymap.toml"))
            .filter(|path| path.exists());
        let keymap =
            super::keymap::load(keymap.unwrap_or(&config.ui.keymap), user_keymap.as_deref())?;
        Ok(Settings {
            theme,
            keymap,
            thresholds: config.thresholds.clone(),
        })
    }
}

pub struct App {
    pub title: String,
    pub settings: Settings,
    pub snapshot: Snapshot,
    pub health: Health,
    pub rows: Rows,
    pub now: Time,
    pub view: View,
    back_stack: Vec<View>,
    /// The tenant shown by the tenant view.
    pub tenant: Option<String>,
    selected: HashMap<View, usize>,
    pub filters: HashMap<View, String>,
    pub mode: Mode,
    /// The text being typed in command or filter mode.
    pub input: String,
    pub message: Option<Message>,
    pub help_scroll: u16,
    pub alarm_history: Option<AlarmHistoryView>,
    /// How many rows the current view shows, set by the last draw; paging moves by it.
    pub page_size: usize,
    dirty: bool,
}

/// Commands of `:` mode, for completion and help.
pub const COMMANDS: &[(&str, &str)] = &[
    ("overview", "the fleet overview"),
    ("alarms", "CloudWatch alarms"),
    ("wlm", "WLM queues"),
    ("storage", "storage and tables"),
    ("loaderrors", "COPY load errors"),
    ("elt", "Step Functions ELT runs"),
    ("logs", "the warehouse's ERROR log lines"),
    ("tenant", "one tenant: :tenant NAME"),
    ("refresh", "refresh every source now"),
    ("help", "keys and commands"),
    ("quit", "quit shiftops"),
];

impl App {
    pub fn new(title: String, settings: Settings, snapshot: Snapshot, now: Time) -> Self {
        let health = evaluate(&snapshot, &settings.thresholds, now);
        let rows = Rows::build(&snapshot, &health, now);
        let mut app = Self {
            title,
            settings,
            snapshot,
            health,
            rows,
            now,
            view: View::Overview,
            back_stack: Vec::new(),
            tenant: None,
            selected: HashMap::new(),
            filters: HashMap::new(),
            mode: Mode::Normal,
            input: String::new(),
            message: None,
            help_scroll: 0,
            alarm_history: None,
            page_size: 10,
            dirty: true,
        };
        app.rows.apply_filters(&app.filters, app.tenant.as_deref());
        app
    }

    /// Whether anything changed since the last draw; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// The clock moved: data ages on screen change, findings that depend on time may too.
    pub fn tick(&mut self, now: Time) {
        let seconds_changed = now.timestamp() != self.now.timestamp();
        self.now = now;
        if seconds_changed {
            self.dirty = true;
        }
    }

    pub fn on_source_event(&mut self, event: SourceEvent) {
        match event {
            SourceEvent::Started(id) => self.snapshot.begin(id),
            SourceEvent::Finished(result) => {
                if self.snapshot.accept(*result) {
                    self.recompute();
                }
            }
        }
        self.dirty = true;
    }

    /// Re-derives health and rows after the data changed (not on every frame).
    fn recompute(&mut self) {
        self.health = evaluate(&self.snapshot, &self.settings.thresholds, self.now);
        self.rows = Rows::build(&self.snapshot, &self.health, self.now);
        self.rows
            .apply_filters(&self.filters, self.tenant.as_deref());
        self.clamp_selection();
    }

    pub fn selected(&self, view: View) -> usize {
        self.selected.get(&view).copied().unwrap_or(0)
    }

    fn set_selected(&mut self, index: usize) {
        let len = self.rows.len(self.view);
        let index = index.min(len.saturating_sub(1));
        self.selected.insert(self.view, index);
    }

    fn clamp_selection(&mut self) {
        for view in View::TABS.into_iter().chain([View::Tenant]) {
            let len = self.rows.len(view);
            if let Some(selected) = self.selected.get_mut(&view) {
                *selected = (*selected).min(len.saturating_sub(1));
            }
        }
    }

    pub fn source_in_flight(&self, id: SourceId) -> bool {
        self.snapshot.source(id).is_some_and(|s| s.in_flight)
    }

    /// Handles a key press according to the mode and the keymap.
    pub fn on_key(&mut self, key: KeyEvent) -> Effect {
        self.dirty = true;
        match self.mode {
            Mode::Normal => match self.settings.keymap.action_for(&key) {
                Some(action) => self.dispatch(action),
                None => Effect::None,
            },
            Mode::Help => self.on_help_key(key),
            Mode::Command | Mode::Filter => self.on_input_key(key),
        }
    }

    fn on_help_key(&mut self, key: KeyEvent) -> Effect {
        match self.settings.keymap.action_for(&key) {
            Some(Action::Down) => self.help_scroll = self.help_scroll.saturating_add(1),
            Some(Action::Up) => self.help_scroll = self.help_scroll.saturating_sub(1),
            Some(Action::Quit) if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Effect::Quit;
            }
            Some(Action::Help | Action::Back | Action::Quit) => self.mode = Mode::Normal,
            _ if key.code == KeyCode::Esc => self.mode = Mode::Normal,
            _ => {}
        }
        Effect::None
    }

    fn on_input_key(&mut self, key: KeyEvent) -> Effect {
        match key.code {
            KeyCode::Esc => {
                if self.mode == Mode::Filter {
                    // Esc abandons the edit; the filter in force stays as it was.
                    self.input.clear();
                }
                self.mode = Mode::Normal;
            }
            KeyCode::Enter => {
                let input = std::mem::take(&mut self.input);
                let mode = std::mem::replace(&mut self.mode, Mode::Normal);
                if mode == Mode::Command {
                    return self.run_command(&input);
                }
                return self.dispatch(Action::SetFilter(input));
            }
            KeyCode::Tab => {
                if self.mode == Mode::Command
                    && let Some(completed) = self.complete(&self.input)
                {
                    self.input = completed;
                }
            }
            KeyCode::Backspace => {
                self.input.pop();
                if self.input.is_empty() && self.mode == Mode::Command {
                    self.mode = Mode::Normal;
                }
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.clear();
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.clear();
                self.mode = Mode::Normal;
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.push(c);
            }
            _ => {}
        }
        Effect::None
    }

    /// The candidates that complete what is typed after `:`.
    pub fn completions(&self, input: &str) -> Vec<String> {
        let input = input.trim_start();
        if let Some(partial) = input.strip_prefix("tenant ") {
            let partial = partial.trim();
            return self
                .snapshot
                .tenants
                .iter()
                .filter(|t| t.name.starts_with(partial))
                .map(|t| format!("tenant {}", t.name))
                .collect();
        }
        COMMANDS
            .iter()
            .filter(|(name, _)| name.starts_with(input))
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// Completes to the longest common prefix of the candidates.
    fn complete(&self, input: &str) -> Option<String> {
        let candidates = self.completions(input);
        let first = candidates.first()?;
        let common = candidates.iter().skip(1).fold(first.len(), |len, c| {
            first
                .char_indices()
                .zip(c.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| (i + a.len_utf8()).min(len))
        });
        let mut completed = first[..common].to_string();
        if candidates.len() == 1 && completed == "tenant" {
            completed.push(' ');
        }
        (completed.len() > input.trim_start().len()).then_some(completed)
    }

    /// Runs a `:` command.
    pub fn run_command(&mut self, line: &str) -> Effect {
        let mut words = line.split_whitespace();
        let Some(command) = words.next() else {
            return Effect::None;
        };
        let argument = words.collect::<Vec<_>>().join(" ");
        let action = match command {
            "q" | "q!" | "quit" => Action::Quit,
            "refresh" | "r" => Action::Refresh,
            "help" | "h" => Action::Help,
            "tenant" | "t" if !argument.is_empty() => Action::ShowTenant(argument),
            "tenant" | "t" => {
                self.error("usage: :tenant NAME (Tab completes names)".into());
                return Effect::None;
            }
            "errors" | "load" | "loaderrors" | "load_errors" => Action::Show(View::LoadErrors),
            "alarm" => Action::Show(View::Alarms),
            "runs" | "sfn" => Action::Show(View::Elt),
            other => match View::TABS.into_iter().find(|v| v.command() == other) {
                Some(view) => Action::Show(view),
                None => {
                    let names: Vec<&str> = COMMANDS.iter().map(|(n, _)| *n).collect();
                    self.error(format!(
                        "unknown command :{other}; commands: {}",
                        names.join(", ")
                    ));
                    return Effect::None;
                }
            },
        };
        self.dispatch(action)
    }

    fn error(&mut self, text: String) {
        self.message = Some(Message {
            text,
            is_error: true,
        });
    }

    fn info(&mut self, text: String) {
        self.message = Some(Message {
            text,
            is_error: false,
        });
    }

    /// Does what an action says. The single entry point for keys, commands and drill-down.
    pub fn dispatch(&mut self, action: Action) -> Effect {
        self.dirty = true;
        if !matches!(action, Action::Refresh) {
            self.message = None;
        }
        match action {
            Action::Quit => return Effect::Quit,
            Action::Refresh => {
                self.info("refreshing every source…".into());
                return Effect::Refresh;
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-(self.page_size.max(1) as isize)),
            Action::PageDown => self.move_by(self.page_size.max(1) as isize),
            Action::Top => self.set_selected(0),
            Action::Bottom => self.set_selected(usize::MAX),
            Action::Select if self.view == View::Alarms => {
                if let Some(name) = self.selected_alarm() {
                    self.alarm_history = Some(AlarmHistoryView {
                        alarm: name.clone(),
                        items: None,
                    });
                    return Effect::FetchAlarmHistory(name);
                }
            }
            Action::Select => self.drill_in(),
            Action::Back => self.back(),
            Action::CommandMode => {
                self.mode = Mode::Command;
                self.input.clear();
            }
            Action::FilterMode => {
                self.mode = Mode::Filter;
                self.input = self.filters.get(&self.view).cloned().unwrap_or_default();
            }
            Action::Help => {
                self.mode = Mode::Help;
                self.help_scroll = 0;
            }
            Action::NextView | Action::PrevView => {
                let tabs = View::TABS;
                let current = tabs.iter().position(|v| *v == self.view).unwrap_or(0);
                let step = if action == Action::NextView {
                    1
                } else {
                    tabs.len() - 1
                };
                self.go_to(tabs[(current + step) % tabs.len()]);
            }
            Action::Show(View::Tenant) => match self.selected_tenant() {
                Some(name) => self.show_tenant(name),
                None => self.error("no tenant selected; use :tenant NAME".into()),
            },
            Action::Show(view) => self.go_to(view),
            Action::ShowTenant(name) => {
                if self.snapshot.tenants.iter().any(|t| t.name == name) {
                    self.show_tenant(name);
                } else {
                    self.error(format!("no tenant named {name}"));
                }
            }
            Action::SetFilter(filter) => {
                let filter = filter.trim().to_string();
                if filter.is_empty() {
                    self.filters.remove(&self.view);
                } else {
                    self.filters.insert(self.view, filter);
                }
                self.rows
                    .apply_filters(&self.filters, self.tenant.as_deref());
                self.selected.insert(self.view, 0);
            }
        }
        Effect::None
    }

    fn move_by(&mut self, delta: isize) {
        let current = self.selected(self.view) as isize;
        self.set_selected((current + delta).max(0) as usize);
    }

    fn go_to(&mut self, view: View) {
        if view != self.view {
            self.back_stack.push(self.view);
            self.view = view;
        }
    }

    fn show_tenant(&mut self, name: String) {
        self.tenant = Some(name);
        self.rows
            .apply_filters(&self.filters, self.tenant.as_deref());
        self.selected.insert(View::Tenant, 0);
        self.go_to(View::Tenant);
    }

    /// Esc: first clear the view's filter, then go back where we came from.
    fn back(&mut self) {
        if self.filters.remove(&self.view).is_some() {
            self.rows
                .apply_filters(&self.filters, self.tenant.as_deref());
            return;
        }
        if let Some(previous) = self.back_stack.pop() {
            self.view = previous;
        }
    }

    /// The tenant the selected row is about, in any view.
    pub fn selected_tenant(&self) -> Option<String> {
        self.rows
            .tenant_of(&self.snapshot, self.view, self.selected(self.view))
    }

    /// The name of the alarm selected in the alarms view.
    pub fn selected_alarm(&self) -> Option<String> {
        let index = *self
            .rows
            .visible(View::Alarms)
            .get(self.selected(View::Alarms))?;
        Some(self.snapshot.alarms[index].name.clone())
    }

    /// A history fetch came back; it is shown only if that alarm is still the one asked about.
    pub fn on_alarm_history(
        &mut self,
        alarm: String,
        result: Result<Vec<crate::model::AlarmHistoryItem>, String>,
    ) {
        if let Some(view) = &mut self.alarm_history
            && view.alarm == alarm
        {
            view.items = Some(result);
            self.dirty = true;
        }
    }

    fn drill_in(&mut self) {
        if self.view == View::Tenant {
            return;
        }
        match self.selected_tenant() {
            Some(name) => self.show_tenant(name),
            None => self.info("this row is about the whole fleet".into()),
        }
    }

    /// Seconds since a source's data was fetched, as shown on the status line.
    pub fn age_of(&self, id: SourceId) -> Option<i64> {
        self.snapshot.source(id)?.age_seconds(self.now)
    }
}
