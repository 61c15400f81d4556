//! Recovery in the UI: the action menu, the action dialog (preview → confirmation → progress →
//! result) and the runbook walkthrough. Pure state; the event loop runs the actions in tasks.

use crate::action::{ActionError, ActionKind, Executed, Outcome, Plan, Request, ResyncScope};
use crate::i18n::Lang;
use crate::model::{Ingest, RunningQuery, Snapshot};

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
        /// Whether the outcome is in the audit log.
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
}

impl Dialog {
    pub fn new(request: Request, step: Option<usize>) -> Self {
        Self {
            request,
            stage: Stage::Planning,
            typed: String::new(),
            refusal: None,
            step,
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
    /// The runner began the calls (every check passed, the intent is recorded).
    Started,
    Progress(String),
    Finished(Result<Executed, ActionError>),
    /// Intents of unknown outcome acknowledged (`:verified`): how many, or why not.
    Acknowledged(Result<usize, String>),
    /// The incident record was written (`:export`), or why not.
    Exported(Result<std::path::PathBuf, String>),
}

/// The actions that fit where the user is, for the action menu.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub items: Vec<(String, Request)>,
    pub selected: usize,
}

/// A runbook being walked through.
#[derive(Debug, Clone, PartialEq)]
pub struct Walkthrough {
    pub runbook: String,
    pub done: Vec<bool>,
    pub selected: usize,
    /// The tenant the incident is about, for the tenant actions of its steps.
    pub tenant: Option<String>,
}

impl Walkthrough {
    pub fn new(runbook: &str, steps: usize, tenant: Option<String>) -> Self {
        Self {
            runbook: runbook.to_string(),
            done: vec![false; steps],
            selected: 0,
            tenant,
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

/// The request an action kind means here: the latest failed run, the given tenant …
pub fn request_for(
    kind: ActionKind,
    tenant: Option<&str>,
    snapshot: &Snapshot,
    lang: Lang,
) -> Result<Request, String> {
    let ja = lang == Lang::Ja;
    let tenant_on = |path: &str| -> Result<String, String> {
        let name = tenant.ok_or_else(|| {
            if ja {
                format!("{kind} にはテナントが必要です: 行を選ぶか、名前を付けてください")
            } else {
                format!("{kind} needs a tenant: select one, or add its name")
            }
        })?;
        let found = snapshot
            .tenants
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| {
                lang.pick("no tenant named ", "テナントがありません: ")
                    .to_string()
                    + name
            })?;
        if !path.is_empty() && found.ingest.label() != path {
            let actual = found.ingest.label();
            return Err(if ja {
                format!("{name} は {actual} 経路です: {kind} は {path} 経路のテナント用です")
            } else {
                format!("{name} is on the {actual} path: {kind} is for {path} tenants")
            });
        }
        Ok(name.to_string())
    };
    Ok(match kind {
        ActionKind::RerunElt => {
            let run = snapshot
                .elt_runs
                .iter()
                .filter(|r| r.status.is_failure())
                .max_by_key(|r| r.started_at)
                .or_else(|| snapshot.elt_runs.iter().max_by_key(|r| r.started_at))
                .ok_or_else(|| {
                    lang.pick("no ELT run to rerun", "再実行できる ELT 実行がありません")
                        .to_string()
                })?;
            Request::RerunElt {
                execution_arn: run.execution_arn.clone(),
            }
        }
        ActionKind::PauseAdhoc => Request::PauseAdhoc {
            cancel_running: false,
        },
        ActionKind::ResumeAdhoc => Request::ResumeAdhoc,
        ActionKind::ResyncTables => Request::ResyncTables {
            tenant: tenant_on("zero-etl")?,
            scope: ResyncScope::InError,
        },
        ActionKind::StartExport => Request::StartExport {
            tenant: tenant_on("export")?,
        },
        ActionKind::Vacuum => Request::Vacuum {
            tenant: tenant_on("")?,
        },
        ActionKind::Analyze => Request::Analyze {
            tenant: tenant_on("")?,
        },
        ActionKind::CancelQuery => {
            return Err(lang
                .pick(
                    "select the query in the WLM view and press a, or type :cancel PID",
                    "WLM 画面でクエリを選んで a を押すか、:cancel PID と入力してください",
                )
                .into());
        }
    })
}

/// Every action that applies here: fleet actions, then the tenant's.
pub fn menu_for(
    tenant: Option<&str>,
    snapshot: &Snapshot,
    execution: Option<&str>,
    query: Option<&RunningQuery>,
    lang: Lang,
) -> Menu {
    let ja = lang == Lang::Ja;
    let mut items = Vec::new();
    if let Some(query) = query {
        items.push((
            if ja {
                format!(
                    "クエリ {} をキャンセル({}、{})",
                    query.pid, query.user, query.queue
                )
            } else {
                format!(
                    "Cancel query {} ({} in {})",
                    query.pid, query.user, query.queue
                )
            },
            Request::CancelQuery { pid: query.pid },
        ));
    }
    let rerun = match execution {
        Some(arn) => Some(Request::RerunElt {
            execution_arn: arn.to_string(),
        }),
        None => request_for(ActionKind::RerunElt, None, snapshot, Lang::En).ok(),
    };
    if let Some(request) = rerun {
        let Request::RerunElt { execution_arn } = &request else {
            unreachable!()
        };
        let name = execution_arn.rsplit(':').next().unwrap_or(execution_arn);
        items.push((
            format!("{}: {name}", lang.pick("Rerun the ELT", "ELT を再実行")),
            request,
        ));
    }
    items.push((
        ActionKind::PauseAdhoc.title_in(lang).to_string(),
        Request::PauseAdhoc {
            cancel_running: false,
        },
    ));
    items.push((
        lang.pick(
            "Pause the adhoc WLM queue and cancel its running queries",
            "adhoc WLM キューを一時停止し、実行中のクエリをキャンセル",
        )
        .to_string(),
        Request::PauseAdhoc {
            cancel_running: true,
        },
    ));
    items.push((
        ActionKind::ResumeAdhoc.title_in(lang).to_string(),
        Request::ResumeAdhoc,
    ));
    if let Some(found) = tenant.and_then(|name| snapshot.tenants.iter().find(|t| t.name == name)) {
        let name = found.name.clone();
        match found.ingest {
            Ingest::ZeroEtl { .. } => {
                items.push((
                    if ja {
                        format!("{name} のエラー中テーブルを再同期")
                    } else {
                        format!("Resync {name}'s tables in error")
                    },
                    Request::ResyncTables {
                        tenant: name.clone(),
                        scope: ResyncScope::InError,
                    },
                ));
                items.push((
                    if ja {
                        format!("{name} の全テーブルを再同期")
                    } else {
                        format!("Resync all of {name}'s tables")
                    },
                    Request::ResyncTables {
                        tenant: name.clone(),
                        scope: ResyncScope::All,
                    },
                ));
            }
            Ingest::Export { .. } => items.push((
                if ja {
                    format!("{name} のスナップショットのエクスポートを開始")
                } else {
                    format!("Start a snapshot export of {name}")
                },
                Request::StartExport {
                    tenant: name.clone(),
                },
            )),
        }
        items.push((
            if ja {
                format!("{name} のテーブルを VACUUM")
            } else {
                format!("VACUUM {name}'s tables")
            },
            Request::Vacuum {
                tenant: name.clone(),
            },
        ));
        items.push((
            if ja {
                format!("{name} のテーブルを ANALYZE")
            } else {
                format!("ANALYZE {name}'s tables")
            },
            Request::Analyze { tenant: name },
        ));
    }
    Menu { items, selected: 0 }
}
