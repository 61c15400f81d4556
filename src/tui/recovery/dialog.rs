//! The action dialog: the preview of a request, the typed confirmation, progress and the result.
//! An action enters the incident timeline only once the runner says the operator is being called.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Context, Recovery, Reply};
use crate::action::{ActionError, ActionUpdate, Audited, Executed, Outcome, Plan, Request};
use crate::model::{ActionOutcome, Event, Said};
use crate::tui::app::Effect;
use crate::tui::runbook::StepKind;

/// Where an action dialog is.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// The operator is reading what the request needs.
    Planning,
    /// The preview, waiting for the confirmation to be typed.
    Ready(Box<Plan>),
    Running {
        plan: Box<Plan>,
        progress: Vec<String>,
    },
    Done {
        plan: Box<Plan>,
        result: Result<Outcome, String>,
        /// Whether the audit log holds the outcome.
        recorded: bool,
    },
    /// The preview could not be made.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    pub request: Request,
    pub stage: Stage,
    /// What the user typed to confirm.
    pub typed: String,
    /// Why the last attempt was refused (wrong confirmation, read-only …), shown under the input.
    pub refusal: Option<String>,
    /// The runbook step that opened this dialog, marked done when the action succeeds.
    pub step: Option<usize>,
    /// The audit record of the execution under way, once the runner started it.
    pub audited: Option<Audited>,
}

impl Dialog {
    pub fn new(request: Request, step: Option<usize>) -> Self {
        Self {
            request,
            stage: Stage::Planning,
            typed: String::new(),
            refusal: None,
            step,
            audited: None,
        }
    }

    pub fn plan(&self) -> Option<&Plan> {
        match &self.stage {
            Stage::Ready(plan) | Stage::Running { plan, .. } | Stage::Done { plan, .. } => {
                Some(plan)
            }
            _ => None,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.stage, Stage::Running { .. })
    }
}

/// What the event loop reports about an action.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionEvent {
    Planned(Result<Box<Plan>, String>),
    /// The runner passed its checks (read-only, confirmation, the audit intent) and is calling
    /// the operator: from here on the action is one that was taken, under this audit record.
    Started(Audited),
    Progress(String),
    Finished(Result<Executed, ActionError>),
    /// Intents of unknown outcome acknowledged (`:verified`): how many, or why not.
    Acknowledged(Result<usize, String>),
    /// The incident record was written (`:export`), or why not.
    Exported(Result<std::path::PathBuf, crate::tui::incident::ExportError>),
}

impl From<ActionUpdate> for ActionEvent {
    fn from(update: ActionUpdate) -> Self {
        match update {
            ActionUpdate::Started(audited) => ActionEvent::Started(audited),
            ActionUpdate::Line(line) => ActionEvent::Progress(line),
        }
    }
}

/// How an execution ended, told apart by the runner's error variants alone.
enum Ending {
    /// Refused before the operator was called: the dialog stays on the preview and says why.
    Refused(ActionError),
    /// The operator was called: the dialog shows the outcome or the error.
    Ran {
        result: Result<Outcome, String>,
        outcome: ActionOutcome,
        recorded: bool,
    },
}

impl Ending {
    // No catch-all arm: a new error variant must be placed on one side or the other.
    fn of(result: Result<Executed, ActionError>) -> Ending {
        match result {
            Ok(Executed { outcome, recorded }) => Ending::Ran {
                result: Ok(outcome),
                outcome: ActionOutcome::Succeeded,
                recorded,
            },
            Err(
                refusal @ (ActionError::ReadOnly
                | ActionError::NotConfirmed { .. }
                | ActionError::Unsupported(_)
                | ActionError::AlreadyRunning
                | ActionError::Stale(_)
                | ActionError::Audit(_)),
            ) => Ending::Refused(refusal),
            Err(error @ ActionError::Failed { recorded, .. }) => Ending::Ran {
                result: Err(error.to_string()),
                outcome: ActionOutcome::Failed,
                recorded,
            },
            Err(error @ ActionError::OutcomeUnknown { recorded, .. }) => Ending::Ran {
                result: Err(error.to_string()),
                outcome: ActionOutcome::Unknown,
                recorded,
            },
        }
    }
}

/// Why the runner refused, for the incident record in either language; `None` for a mistyped
/// confirmation, which is the user's slip, not an attempt worth recording.
fn refusal_reason(error: &ActionError) -> Option<Said> {
    Some(match error {
        ActionError::NotConfirmed { .. } => return None,
        ActionError::ReadOnly => Said::new(
            "this console is read-only for actions",
            "このコンソールは操作について読み取り専用です",
        ),
        ActionError::Unsupported(why) => Said::new(
            format!("not possible: {why}"),
            format!("実行できません: {why}"),
        ),
        ActionError::AlreadyRunning => Said::new(
            "the same action was already running",
            "同じ操作が実行中でした",
        ),
        ActionError::Stale(why) => Said::new(
            format!("changed since the preview: {why}"),
            format!("プレビュー後に状態が変わりました: {why}"),
        ),
        ActionError::Audit(why) => Said::new(
            format!("the audit log could not be written: {why}"),
            format!("監査ログに書き込めませんでした: {why}"),
        ),
        // Not refusals: these ran.
        ActionError::Failed { .. } | ActionError::OutcomeUnknown { .. } => return None,
    })
}

impl Recovery {
    /// Opens the action dialog and asks for the preview; `step` is the runbook step asking.
    pub fn open_action(
        &mut self,
        context: &Context,
        request: Request,
        step: Option<usize>,
    ) -> Reply {
        if !context.actions {
            return Reply::error(context.lang.pick(
                "recovery actions are not available in this console",
                "このコンソールでは復旧アクションを使えません",
            ));
        }
        self.dialog = Some(Dialog::new(request.clone(), step));
        Reply::effect(Effect::PlanAction(request))
    }

    /// Typing goes to the confirmation; Enter executes a ready plan or closes a finished one.
    pub(super) fn on_dialog_key(&mut self, key: KeyEvent) -> Reply {
        let Some(dialog) = &mut self.dialog else {
            return Reply::default();
        };
        match key.code {
            KeyCode::Esc if !dialog.is_running() => self.dialog = None,
            KeyCode::Enter => match &dialog.stage {
                Stage::Ready(plan) => {
                    let plan = plan.clone();
                    let typed = dialog.typed.clone();
                    dialog.refusal = None;
                    dialog.audited = None;
                    dialog.stage = Stage::Running {
                        plan: plan.clone(),
                        progress: Vec::new(),
                    };
                    // Nothing is on the timeline yet: the runner may still refuse.
                    return Reply::effect(Effect::ExecuteAction { plan, typed });
                }
                Stage::Done { .. } | Stage::Failed(_) => self.dialog = None,
                Stage::Planning | Stage::Running { .. } => {}
            },
            KeyCode::Backspace => {
                dialog.typed.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if matches!(dialog.stage, Stage::Ready(_)) {
                    dialog.typed.push(c);
                }
            }
            _ => {}
        }
        Reply::default()
    }

    pub(super) fn on_planned(&mut self, planned: Result<Box<Plan>, String>) {
        if let Some(dialog) = &mut self.dialog {
            dialog.stage = match planned {
                Ok(plan) => Stage::Ready(plan),
                Err(error) => Stage::Failed(error),
            };
        }
    }

    pub(super) fn on_progress(&mut self, line: String) {
        if let Some(Dialog {
            stage: Stage::Running { progress, .. },
            ..
        }) = &mut self.dialog
        {
            progress.push(line);
        }
    }

    /// The runner is calling the operator: the action enters the incident record with its audit id.
    pub(super) fn on_started(&mut self, audited: Audited) -> Reply {
        let Some(plan) = self.running_plan() else {
            return Reply::default();
        };
        let event = Event::ActionStarted {
            action: plan.request.kind().name().to_string(),
            target: plan.target.clone(),
            calls: plan.calls.clone(),
            audit_id: audited.id.clone(),
            caller: audited.caller.clone(),
        };
        if let Some(dialog) = &mut self.dialog {
            dialog.audited = Some(audited);
        }
        Reply {
            events: vec![event],
            ..Reply::default()
        }
    }

    /// A refusal goes back to the preview with its reason and goes on the record as refused (a
    /// mistyped confirmation leaves no trace); an action that ran is recorded as finished and
    /// completes its runbook step if it succeeded.
    pub(super) fn on_finished(
        &mut self,
        context: &Context,
        result: Result<Executed, ActionError>,
    ) -> Reply {
        let Some(plan) = self.running_plan().cloned().map(Box::new) else {
            return Reply::default();
        };
        let Some(dialog) = &mut self.dialog else {
            return Reply::default();
        };
        let (result, outcome, recorded) = match Ending::of(result) {
            Ending::Refused(error) => {
                dialog.refusal = Some(error.to_string());
                let events = refusal_reason(&error)
                    .map(|reason| Event::ActionRefused {
                        action: plan.request.kind().name().to_string(),
                        target: plan.target.clone(),
                        reason,
                    })
                    .into_iter()
                    .collect();
                dialog.stage = Stage::Ready(plan);
                return Reply {
                    events,
                    ..Reply::default()
                };
            }
            Ending::Ran {
                result,
                outcome,
                recorded,
            } => (result, outcome, recorded),
        };
        let asked_by = dialog.step;
        let mut events = vec![Event::ActionFinished {
            action: plan.request.kind().name().to_string(),
            target: plan.target.clone(),
            outcome,
            summary: match &result {
                Ok(outcome) => outcome.summary.clone(),
                Err(error) => error.clone(),
            },
            recorded,
            audit_id: dialog.audited.as_ref().map(|a| a.id.clone()),
        }];
        // The step that asked for this action, or the walkthrough's current step when it is this
        // kind of action (opened from the menu instead).
        let step = asked_by.or_else(|| {
            let walkthrough = self.walkthrough.as_ref()?;
            let step = self
                .current_runbook(context.runbooks)?
                .steps
                .get(walkthrough.selected)?;
            (step.kind == StepKind::Action(plan.request.kind())).then_some(walkthrough.selected)
        });
        if let (Ok(_), Some(step)) = (&result, step) {
            events.extend(self.finish_step(context, step));
        }
        if let Some(dialog) = &mut self.dialog {
            dialog.stage = Stage::Done {
                plan,
                result,
                recorded,
            };
        }
        Reply {
            events,
            ..Reply::default()
        }
    }

    fn running_plan(&self) -> Option<&Plan> {
        match &self.dialog.as_ref()?.stage {
            Stage::Running { plan, .. } => Some(plan),
            _ => None,
        }
    }
}
