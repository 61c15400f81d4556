//! The command line at the bottom of the console: `:` commands with completion of every command
//! and argument, and the `/` filter. A component: each call takes a [`Context`] of what can be
//! completed and answers with a [`Reply`] that the app carries out.

mod complete;
pub mod table;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use complete::{Completion, common_prefix, complete};
pub use table::{COMMANDS, Does, Invocation, Refusal, Spec};

use super::runbook::Runbook;
use crate::i18n::Lang;
use crate::model::Snapshot;

/// What completion may offer, borrowed for one call.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub runbooks: &'a [Runbook],
    pub lang: Lang,
}

/// What is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prompt {
    /// A `:` command.
    #[default]
    Command,
    /// A `/` filter for the current view.
    Filter,
}

/// What the app must do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Still typing.
    Editing,
    /// The line was abandoned.
    Closed,
    /// Run this `:` line.
    Run(String),
    /// Set this filter on the current view.
    Filter(String),
}

/// Repeated Tab going through the candidates: the line is `head` + the chosen candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cycle {
    head: String,
    candidates: Vec<String>,
    index: usize,
}

/// The line being typed, and where Tab is in its candidates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    prompt: Prompt,
    input: String,
    cycle: Option<Cycle>,
    /// The last key was a Tab that could complete no further: the next one cycles.
    stuck: bool,
}

/// The candidates as shown with the line, and which one Tab has chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub candidates: Vec<String>,
    pub selected: Option<usize>,
    /// The command to describe: the one chosen or typed.
    pub spec: Option<&'static Spec>,
}

impl CommandLine {
    pub fn open(&mut self, prompt: Prompt, input: String) {
        *self = CommandLine {
            prompt,
            input,
            ..CommandLine::default()
        };
    }

    pub fn prompt(&self) -> Prompt {
        self.prompt
    }

    pub fn input(&self) -> &str {
        &self.input
    }

    pub fn on_key(&mut self, context: &Context, key: KeyEvent) -> Reply {
        let command = self.prompt == Prompt::Command;
        if !matches!(key.code, KeyCode::Tab | KeyCode::BackTab) {
            self.cycle = None;
            self.stuck = false;
        }
        match key.code {
            KeyCode::Esc => {
                // Esc abandons the edit; the filter in force stays as it was.
                self.input.clear();
                Reply::Closed
            }
            KeyCode::Enter => {
                let input = std::mem::take(&mut self.input);
                match self.prompt {
                    Prompt::Command => Reply::Run(input),
                    Prompt::Filter => Reply::Filter(input),
                }
            }
            KeyCode::Tab if command => {
                self.tab(context, true);
                Reply::Editing
            }
            KeyCode::BackTab if command => {
                self.tab(context, false);
                Reply::Editing
            }
            KeyCode::Backspace => {
                self.input.pop();
                if self.input.is_empty() && command {
                    Reply::Closed
                } else {
                    Reply::Editing
                }
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.clear();
                Reply::Editing
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.clear();
                Reply::Closed
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.push(c);
                Reply::Editing
            }
            _ => Reply::Editing,
        }
    }

    /// Tab: the one candidate, else the candidates' common prefix; when that adds nothing, the
    /// next Tab goes through the candidates one by one (Shift-Tab backwards).
    fn tab(&mut self, context: &Context, forward: bool) {
        if let Some(cycle) = &mut self.cycle {
            let len = cycle.candidates.len();
            cycle.index = if forward {
                (cycle.index + 1) % len
            } else {
                (cycle.index + len - 1) % len
            };
            self.input = format!("{}{}", cycle.head, cycle.candidates[cycle.index]);
            return;
        }
        let completion = complete(&self.input, context);
        let head = self.input[..completion.start].to_string();
        let typed = completion.word(&self.input).len();
        match completion.candidates.as_slice() {
            [] => {}
            [only] => {
                let space = if completion.more_after { " " } else { "" };
                self.input = format!("{head}{only}{space}");
            }
            candidates => {
                let common = common_prefix(candidates);
                if common.len() > typed {
                    self.input = format!("{head}{common}");
                } else if self.stuck {
                    let index = if forward { 0 } else { candidates.len() - 1 };
                    self.input = format!("{head}{}", candidates[index]);
                    self.cycle = Some(Cycle {
                        head,
                        candidates: completion.candidates,
                        index,
                    });
                } else {
                    self.stuck = true;
                }
            }
        }
    }

    /// What to show with the line: the candidates and the command they are about.
    pub fn shown(&self, context: &Context) -> Shown {
        if let Some(cycle) = &self.cycle {
            let spec = match complete(&cycle.head, context).spec {
                Some(spec) if !cycle.head.trim().is_empty() => Some(spec),
                _ => table::find(&cycle.candidates[cycle.index]).map(|(spec, _)| spec),
            };
            return Shown {
                candidates: cycle.candidates.clone(),
                selected: Some(cycle.index),
                spec,
            };
        }
        let completion = complete(&self.input, context);
        Shown {
            candidates: completion.candidates,
            selected: None,
            spec: completion.spec,
        }
    }
}

#[cfg(test)]
mod tests;
