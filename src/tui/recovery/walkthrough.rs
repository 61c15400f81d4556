//! The runbook walkthrough: which runbook, which steps are done, and what Enter on a step does.

use super::{Context, Destination, Recovery, Reply, request};
use crate::action::ActionKind;
use crate::model::Event;
use crate::tui::action::View;
use crate::tui::runbook::{self, Runbook, StepKind};

/// A runbook being walked through.
#[derive(Debug, Clone, PartialEq)]
pub struct Walkthrough {
    pub runbook: String,
    pub done: Vec<bool>,
    pub selected: usize,
    /// The tenant the incident is about, for the tenant actions of its steps.
    pub tenant: Option<String>,
    /// (step, command): the command of a step the copy key copied last, so that the next press
    /// on that step copies the step's next command.
    pub copied: Option<(usize, usize)>,
}

impl Walkthrough {
    pub fn new(runbook: &str, steps: usize, tenant: Option<String>) -> Self {
        Self {
            runbook: runbook.to_string(),
            done: vec![false; steps],
            selected: 0,
            tenant,
            copied: None,
        }
    }

    pub fn completed(&self) -> usize {
        self.done.iter().filter(|d| **d).count()
    }

    /// Marks a step done and moves to the next one not done.
    pub fn finish(&mut self, step: usize) {
        if let Some(done) = self.done.get_mut(step) {
            *done = true;
        }
        if let Some(next) = (step + 1..self.done.len()).find(|&i| !self.done[i]) {
            self.selected = next;
        }
    }
}

impl Recovery {
    /// The runbook of the walkthrough.
    pub fn current_runbook<'a>(&self, runbooks: &'a [Runbook]) -> Option<&'a Runbook> {
        let walkthrough = self.walkthrough.as_ref()?;
        runbooks.iter().find(|r| r.id == walkthrough.runbook)
    }

    /// Moves the walkthrough's selection by `delta` steps.
    pub fn move_step(&mut self, delta: isize) {
        if let Some(w) = &mut self.walkthrough {
            let last = w.done.len().saturating_sub(1) as isize;
            w.selected = (w.selected as isize + delta).clamp(0, last) as usize;
        }
    }

    /// The runbook for where the user is: the selected alarm, finding or tenant's worst finding.
    pub fn open_runbook_here(&mut self, context: &Context) -> Reply {
        let runbooks = context.runbooks;
        let (found, tenant) = match context.view {
            View::Alarms => (
                context
                    .alarm
                    .and_then(|a| runbook::for_alarm(runbooks, &a.name)),
                context.alarm.and_then(|a| a.tenant.clone()),
            ),
            _ if context.finding.is_some() || context.view == View::Tenant => (
                context
                    .finding
                    .and_then(|f| runbook::for_finding(runbooks, f)),
                context
                    .finding
                    .and_then(|f| f.tenant.clone())
                    .or_else(|| context.tenant.clone()),
            ),
            _ => {
                let finding = match &context.tenant {
                    Some(name) => context.health.worst_for(name),
                    None => context.health.findings.first(),
                };
                (
                    finding.and_then(|f| runbook::for_finding(runbooks, f)),
                    context
                        .tenant
                        .clone()
                        .or_else(|| finding.and_then(|f| f.tenant.clone())),
                )
            }
        };
        match found {
            Some(found) => self.start_walkthrough(found, tenant),
            None => Reply::info(context.lang.pick(
                "no runbook for this row; :runbook ID opens one by name",
                "この行に対応するランブックはありません。:runbook ID で名前から開けます",
            )),
        }
    }

    /// `:runbook ID`; without an id, the list of runbooks.
    pub(super) fn open_runbook_named(&mut self, context: &Context, id: &str) -> Reply {
        if let Some(found) = context.runbooks.iter().find(|r| r.id == id) {
            let tenant = self.tenant_for(context, "");
            return self.start_walkthrough(found, tenant);
        }
        let ids: Vec<&str> = context.runbooks.iter().map(|r| r.id.as_str()).collect();
        let lang = context.lang;
        if id.is_empty() {
            return Reply::info(format!(
                "{}: {}",
                lang.pick("runbooks", "ランブック"),
                ids.join(", ")
            ));
        }
        Reply::error(match lang {
            crate::i18n::Lang::En => format!("no runbook {id:?}; runbooks: {}", ids.join(", ")),
            crate::i18n::Lang::Ja => format!(
                "ランブック {id:?} はありません。ランブック: {}",
                ids.join(", ")
            ),
        })
    }

    /// Opens the walkthrough of `runbook`, where it was left if it is the one already open.
    fn start_walkthrough(&mut self, runbook: &Runbook, tenant: Option<String>) -> Reply {
        let continuing = self
            .walkthrough
            .as_ref()
            .is_some_and(|w| w.runbook == runbook.id);
        if !continuing {
            self.walkthrough = Some(Walkthrough::new(&runbook.id, runbook.steps.len(), tenant));
        }
        Reply {
            go_to: Some(Destination::View(View::Runbook)),
            ..Reply::default()
        }
    }

    /// Marks a step of the walkthrough done; the event records it.
    pub(super) fn finish_step(&mut self, context: &Context, step: usize) -> Option<Event> {
        let title = self
            .current_runbook(context.runbooks)?
            .steps
            .get(step)?
            .title
            .clone();
        let walkthrough = self.walkthrough.as_mut()?;
        walkthrough.finish(step);
        Some(Event::StepDone {
            runbook: walkthrough.runbook.clone(),
            step: title,
        })
    }

    /// Enter on a runbook step: a check jumps to its panel, an action opens its dialog, a note is done.
    pub fn do_step(&mut self, context: &Context) -> Reply {
        let Some(walkthrough) = &self.walkthrough else {
            return Reply::default();
        };
        let index = walkthrough.selected;
        let tenant = walkthrough.tenant.clone();
        let Some(step) = self
            .current_runbook(context.runbooks)
            .and_then(|r| r.steps.get(index))
        else {
            return Reply::default();
        };
        match step.kind.clone() {
            StepKind::Check { view, filter } => {
                let go_to = if view == View::Tenant {
                    tenant.map(Destination::Tenant)
                } else {
                    Some(Destination::View(view))
                };
                Reply {
                    events: self.finish_step(context, index).into_iter().collect(),
                    go_to,
                    filter,
                    ..Reply::default()
                }
            }
            StepKind::Action(ActionKind::CancelQuery) => Reply {
                go_to: Some(Destination::View(View::Wlm)),
                ..Reply::info(context.lang.pick(
                    "select the query to cancel, then press a",
                    "キャンセルするクエリを選び、a を押してください",
                ))
            },
            // A tenant action in a walkthrough about no tenant asks which one.
            StepKind::Action(kind) if tenant.is_none() && super::chooser::needs_tenant(kind) => {
                self.open_chooser(context, kind, index)
            }
            StepKind::Action(kind) => {
                match request::request_for(kind, tenant.as_deref(), context.snapshot, context.lang)
                {
                    Ok(request) => self.open_action(context, request, Some(index)),
                    Err(error) => Reply::error(error),
                }
            }
            StepKind::Note => Reply {
                events: self.finish_step(context, index).into_iter().collect(),
                ..Reply::default()
            },
        }
    }
}
