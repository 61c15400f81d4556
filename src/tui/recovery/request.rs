//! What the user asks of recovery in words: the request an action kind means where the user is,
//! the actions of the menu, and the `:` commands of recovery.

use super::{Context, Menu, Recovery, Reply};
use crate::action::{ActionKind, Request, ResyncScope};
use crate::i18n::Lang;
use crate::model::{EltRun, Event, Ingest, RunningQuery, Snapshot};
use crate::tui::app::Effect;

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
            let run = rerun_target(snapshot).ok_or_else(|| {
                lang.pick("no ELT run to rerun", "再実行できる ELT 実行がありません")
                    .to_string()
            })?;
            Request::RerunElt {
                execution_arn: run.execution_arn.clone(),
            }
        }
        ActionKind::StopElt => {
            let run = snapshot
                .elt_runs
                .iter()
                .filter(|r| r.status == crate::model::EltStatus::Running)
                .max_by_key(|r| r.started_at)
                .ok_or_else(|| {
                    lang.pick(
                        "no ELT run is running: nothing to stop",
                        "実行中の ELT 実行はありません: 停止するものはありません",
                    )
                    .to_string()
                })?;
            Request::StopElt {
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

/// The ELT execution a rerun is about: the latest that failed, else the latest.
pub(super) fn rerun_target(snapshot: &Snapshot) -> Option<&EltRun> {
    snapshot
        .elt_runs
        .iter()
        .filter(|r| r.status.is_failure())
        .max_by_key(|r| r.started_at)
        .or_else(|| snapshot.elt_runs.iter().max_by_key(|r| r.started_at))
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
    if let Ok(request) = request_for(ActionKind::StopElt, None, snapshot, lang) {
        let Request::StopElt { execution_arn } = &request else {
            unreachable!()
        };
        let name = execution_arn.rsplit(':').next().unwrap_or(execution_arn);
        items.push((
            format!("{}: {name}", ActionKind::StopElt.title_in(lang)),
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
                format!("{name} のテーブルを VACUUM DELETE ONLY")
            } else {
                format!("VACUUM DELETE ONLY {name}'s tables")
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

/// A `:` command of recovery (its words are in the command line's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `:runbook ID` (`:rb`): open a walkthrough; without an id, list the runbooks.
    Runbook,
    /// `:verified`: the actions of unknown outcome were verified by hand.
    Verified,
    /// `:rerun [EXECUTION]`, `:pause-adhoc [cancel]`, `:resync [TENANT] [all]`, `:cancel PID` …
    Action(ActionKind),
}

impl Recovery {
    /// Runs a `:` command of recovery with what was typed after it.
    pub fn command(&mut self, context: &Context, command: Command, argument: &str) -> Reply {
        match command {
            Command::Runbook => self.open_runbook_named(context, argument),
            Command::Verified => Reply::effect(Effect::AcknowledgeUnknown),
            Command::Action(kind) => match self.action_request(context, kind, argument) {
                Ok(request) => self.open_action(context, request, None),
                Err(error) => Reply::error(error),
            },
        }
    }

    /// The request of an action command: its argument names the tenant (or the pid, or `cancel`
    /// / `all`), else the tenant is the one the user is on.
    fn action_request(
        &self,
        context: &Context,
        kind: ActionKind,
        argument: &str,
    ) -> Result<Request, String> {
        let mut words = argument.split_whitespace();
        let first = words.next().unwrap_or("");
        match kind {
            ActionKind::PauseAdhoc => Ok(Request::PauseAdhoc {
                cancel_running: first == "cancel",
            }),
            ActionKind::CancelQuery => first
                .parse::<i64>()
                .map(|pid| Request::CancelQuery { pid })
                .map_err(|_| {
                    context
                        .lang
                        .pick("usage: :cancel PID", "使い方: :cancel PID")
                        .to_string()
                }),
            ActionKind::ResyncTables => {
                let (tenant, all) = match first {
                    "all" => (self.tenant_for(context, ""), true),
                    name => (self.tenant_for(context, name), words.next() == Some("all")),
                };
                request_for(kind, tenant.as_deref(), context.snapshot, context.lang).map(
                    |request| match (request, all) {
                        (Request::ResyncTables { tenant, .. }, true) => Request::ResyncTables {
                            tenant,
                            scope: ResyncScope::All,
                        },
                        (request, _) => request,
                    },
                )
            }
            ActionKind::RerunElt | ActionKind::StopElt if !first.is_empty() => {
                named_execution(kind, first, context.snapshot, context.lang)
            }
            ActionKind::RerunElt
            | ActionKind::StopElt
            | ActionKind::ResumeAdhoc
            | ActionKind::StartExport
            | ActionKind::Vacuum
            | ActionKind::Analyze => request_for(
                kind,
                self.tenant_for(context, first).as_deref(),
                context.snapshot,
                context.lang,
            ),
        }
    }
}

/// `:rerun EXECUTION` and `:stop-elt EXECUTION`: the ELT execution of that name; only a running
/// one can be stopped.
fn named_execution(
    kind: ActionKind,
    name: &str,
    snapshot: &Snapshot,
    lang: Lang,
) -> Result<Request, String> {
    let run = snapshot
        .elt_runs
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| match lang {
            Lang::En => format!("no ELT execution named {name}"),
            Lang::Ja => format!("ELT 実行がありません: {name}"),
        })?;
    let execution_arn = run.execution_arn.clone();
    match kind {
        ActionKind::StopElt if run.status != crate::model::EltStatus::Running => Err(match lang {
            Lang::En => format!("{name} is not running: nothing to stop"),
            Lang::Ja => format!("{name} は実行中ではありません: 停止するものはありません"),
        }),
        ActionKind::StopElt => Ok(Request::StopElt { execution_arn }),
        _ => Ok(Request::RerunElt { execution_arn }),
    }
}

/// What `:verified` came to: a note on the timeline, or why it could not be done.
pub(super) fn acknowledged(lang: Lang, result: Result<usize, String>) -> Reply {
    match result {
        Ok(count) => {
            let text = match lang {
                Lang::En => format!("{count} action(s) of unknown outcome marked verified"),
                Lang::Ja => format!("結果不明の操作 {count} 件を確認済みにしました"),
            };
            Reply {
                events: vec![Event::Note { text: text.clone() }],
                ..Reply::info(text)
            }
        }
        Err(error) => Reply::error(error),
    }
}
