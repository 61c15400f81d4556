//! The incident record as Markdown, ready to paste into Confluence / Notion (seed 001's 事後対応):
//! header, summary, impact, timeline, actions taken, refused attempts, notes and follow-ups.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::{Facts, Incident, Tracked};
use crate::health::{CheckId, Detail, Severity};
use crate::i18n::Lang;
use crate::model::{ActionOutcome, EltStatus, Entry, Event, ExportStatus, Snapshot, Time};

const FULL: &str = "%Y-%m-%d %H:%M UTC";

fn full(time: Time) -> String {
    time.format(FULL).to_string()
}

/// A table cell: a `|` would end it, a newline the row.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// A list item or a heading stays on its line, and what came from outside cannot drive the
/// terminal it is pasted from.
fn one_line(text: &str) -> String {
    crate::text::sanitize_line(text)
}

pub(super) fn render(incident: &Incident, facts: &Facts) -> String {
    let lang = facts.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        lang.pick("Incident record", "インシデント記録"),
        one_line(facts.title)
    );
    header(&mut out, incident, facts);
    section(&mut out, lang.pick("Summary", "概要"));
    let _ = writeln!(out, "{}", summary(incident, facts));
    section(&mut out, lang.pick("Impact", "影響"));
    impact(&mut out, incident, facts);
    section(&mut out, lang.pick("Timeline", "タイムライン"));
    timeline(&mut out, incident, lang);
    let actions = actions(incident);
    if !actions.is_empty() {
        section(&mut out, lang.pick("Actions taken", "実施した操作"));
        for (i, action) in actions.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            action.write(&mut out, lang);
        }
    }
    refused(&mut out, incident, lang);
    notes(&mut out, incident, lang);
    section(&mut out, lang.pick("Follow-ups", "事後対応"));
    for item in follow_ups(incident, &actions, facts) {
        let _ = writeln!(out, "- [ ] {}", one_line(&item));
    }
    // Every line above is ours or went through `one_line`; this catches what a future line forgets.
    crate::text::sanitize(&out)
}

fn section(out: &mut String, title: &str) {
    let _ = writeln!(out, "\n## {title}\n");
}

fn header(out: &mut String, incident: &Incident, facts: &Facts) {
    let lang = facts.lang;
    let fleet = match lang {
        Lang::En => format!("fleet {}", facts.health.status.as_str()),
        Lang::Ja => format!("フリート: {}", facts.health.status.label_in(lang)),
    };
    let open = incident.open_findings();
    let status = match (incident.resolved(), lang) {
        (Some(r), Lang::En) => format!("resolved at {} — {fleet} now", full(r.at)),
        (Some(r), Lang::Ja) => format!("{} に解決 — 現在の{fleet}", full(r.at)),
        (None, Lang::En) => format!("open — {fleet}, {open} finding(s) still found"),
        (None, Lang::Ja) => format!("未解決 — {fleet}、未解消の検知 {open} 件"),
    };
    let mut callers: Vec<&str> = Vec::new();
    for event in incident.timeline().events() {
        if let Event::ActionStarted { caller, .. } = event
            && !callers.contains(&caller.as_str())
        {
            callers.push(caller);
        }
    }
    let operator = if callers.is_empty() {
        "—".to_string()
    } else {
        callers
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let resolved = incident
        .resolved()
        .map_or("—".to_string(), |r| match &r.note {
            Some(note) => format!("{} — {}", full(r.at), one_line(note)),
            None => full(r.at),
        });
    let rows = [
        (lang.pick("Status at export", "出力時の状態"), status),
        (lang.pick("Operator", "対応者"), operator),
        (lang.pick("Exported", "出力"), full(facts.now)),
        (
            lang.pick("From", "開始"),
            incident.opened().map_or("—".to_string(), full),
        ),
        (lang.pick("Resolved", "解決"), resolved),
    ];
    for (name, value) in rows {
        let _ = writeln!(out, "- **{name}:** {value}");
    }
}

fn who(tenant: &Option<String>, lang: Lang) -> String {
    tenant
        .clone()
        .unwrap_or_else(|| lang.pick("fleet", "全体").into())
}

/// `since 05:12 UTC`, or `first seen 06:00 UTC` when the data does not say when it began.
fn since(tracked: &Tracked, lang: Lang) -> String {
    let at = full(tracked.since);
    match (tracked.seen, lang) {
        (false, Lang::En) => format!("since {at}"),
        (true, Lang::En) => format!("first seen {at}"),
        (false, Lang::Ja) => format!("{at} から"),
        (true, Lang::Ja) => format!("{at} に初検知"),
    }
}

/// The worst findings first (critical before warning), then the earliest.
fn by_weight(incident: &Incident) -> Vec<&Tracked> {
    let mut findings: Vec<&Tracked> = incident.findings().collect();
    findings.sort_by(|a, b| {
        b.finding
            .severity
            .cmp(&a.finding.severity)
            .then(a.since.cmp(&b.since))
    });
    findings
}

fn tenants(incident: &Incident) -> BTreeSet<&str> {
    incident
        .findings()
        .filter_map(|t| t.finding.tenant.as_deref())
        .collect()
}

/// What a finding reported, as of when it was raised: an alarm's finding says it fired rather than
/// that it is (still) in ALARM.
fn headline(tracked: &Tracked, lang: Lang) -> String {
    match (&tracked.finding.detail, lang) {
        // Its reason, AWS's long sentence, is on the timeline.
        (Detail::Alarm { name, .. }, Lang::En) => format!("alarm {name} fired"),
        (Detail::Alarm { name, .. }, Lang::Ja) => format!("アラーム {name} が発報"),
        _ => tracked.finding.text(lang),
    }
}

/// One or two sentences: the worst of what was found (what, who, since when), then how many and
/// where it stands.
fn summary(incident: &Incident, facts: &Facts) -> String {
    let lang = facts.lang;
    let findings = by_weight(incident);
    let Some(worst) = findings.first() else {
        return lang
            .pick(
                "No finding was raised and no alarm fired during this record.",
                "この記録の間、検知もアラームもありませんでした。",
            )
            .into();
    };
    let describe = |t: &Tracked| {
        let mut when = since(t, lang);
        if let Some(cleared) = t.cleared {
            when.push_str(&match lang {
                Lang::En => format!(", cleared {}", full(cleared)),
                Lang::Ja => format!("、{} に解消", full(cleared)),
            });
        }
        let who = who(&t.finding.tenant, lang);
        match lang {
            Lang::En => format!("{} ({who}, {when})", headline(t, lang)),
            Lang::Ja => format!("{}({who}、{when})", headline(t, lang)),
        }
    };
    let severity = match (worst.finding.severity, lang) {
        (Severity::Critical, Lang::En) => "Critical",
        (Severity::Warning, Lang::En) => "Warning",
        (Severity::Critical, Lang::Ja) => "重大",
        (Severity::Warning, Lang::Ja) => "警告",
    };
    let mut first = format!("{severity}: {}", describe(worst));
    if let Some(next) = findings
        .iter()
        .skip(1)
        .find(|t| t.finding.check != worst.finding.check)
    {
        first.push_str(lang.pick("; also ", "。ほかに "));
        first.push_str(&describe(next));
    }
    let tenants: Vec<&str> = tenants(incident).into_iter().collect();
    let count = findings.len();
    let open = incident.open_findings();
    let state = match (incident.resolved(), lang) {
        (Some(r), Lang::En) => format!("resolved at {}", full(r.at)),
        (Some(r), Lang::Ja) => format!("{} に解決", full(r.at)),
        (None, Lang::En) => format!("{open} still found at export"),
        (None, Lang::Ja) => format!("出力時点で {open} 件が未解消"),
    };
    match lang {
        Lang::En => {
            let on = if tenants.is_empty() {
                "fleet-wide".to_string()
            } else {
                format!("on {}", tenants.join(", "))
            };
            format!("{first}.\n{count} finding(s) in all, {on}; {state}.")
        }
        Lang::Ja => {
            let on = if tenants.is_empty() {
                "フリート全体".to_string()
            } else {
                tenants.join("、")
            };
            format!("{first}。\n検知は計 {count} 件(対象: {on})。{state}。")
        }
    }
}

fn impact(out: &mut String, incident: &Incident, facts: &Facts) {
    let lang = facts.lang;
    // The tenants the findings are about and those they hold back (a failed ELT run holds back
    // every tenant's marts).
    let tenants: Vec<&str> = incident
        .findings()
        .flat_map(|t| t.finding.tenant.iter().chain(&t.finding.affected))
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let affected = if tenants.is_empty() {
        lang.pick(
            "none named by a finding (fleet-wide findings only, or none)",
            "検知で名指しされたテナントなし(全体の検知のみ、または検知なし)",
        )
        .to_string()
    } else {
        tenants.join(", ")
    };
    let _ = writeln!(
        out,
        "- **{}:** {affected}",
        lang.pick("Tenants affected", "影響を受けたテナント")
    );
    let held: Vec<String> = by_weight(incident)
        .into_iter()
        .filter_map(|t| held_back(t, facts.snapshot, lang))
        .collect();
    let _ = write!(
        out,
        "- **{}:**",
        lang.pick("Data held back", "反映が止まったデータ")
    );
    if held.is_empty() {
        let _ = writeln!(
            out,
            " {}",
            lang.pick("none according to the findings", "検知の範囲ではありません")
        );
    } else {
        let _ = writeln!(out);
        for line in held {
            let _ = writeln!(out, "  - {}", one_line(&line));
        }
    }
}

/// The data a finding kept from the warehouse's users, and whether it still is.
fn held_back(tracked: &Tracked, snapshot: &Snapshot, lang: Lang) -> Option<String> {
    let finding = &tracked.finding;
    let tenant = who(&finding.tenant, lang);
    let last_success = |before: Time| {
        snapshot
            .elt_runs
            .iter()
            .filter(|r| r.status == EltStatus::Succeeded)
            .filter_map(|r| r.stopped_at)
            .filter(|t| *t <= before)
            .max()
    };
    let marts = |last: Option<Time>| match (last, lang) {
        (Some(t), Lang::En) => format!(
            "marts not refreshed since {} (last successful ELT)",
            full(t)
        ),
        (Some(t), Lang::Ja) => format!(
            "マートは {}(最後に成功した ELT)以降更新されていません",
            full(t)
        ),
        (None, Lang::En) => "marts not refreshed by this run".to_string(),
        (None, Lang::Ja) => "この実行によるマートの更新はされていません".to_string(),
    };
    let consequence = match (&finding.detail, finding.check) {
        (Detail::EltFailed { .. }, _) => marts(last_success(tracked.since)),
        (Detail::EltDelay { .. }, _) => {
            marts(last_success(tracked.cleared.unwrap_or(Time::MAX_UTC)))
        }
        (Detail::CopyErrors { .. }, _) => {
            let tables = rejected_tables(snapshot, finding);
            match (tables.is_empty(), lang) {
                (true, Lang::En) => "rows not loaded".to_string(),
                (true, Lang::Ja) => "行がロードされていません".to_string(),
                (false, Lang::En) => format!("rows not loaded into {tables}"),
                (false, Lang::Ja) => format!("{tables} に行がロードされていません"),
            }
        }
        (_, CheckId::ExportTask) => {
            let last = snapshot
                .rds
                .exports
                .iter()
                .filter(|t| Some(&t.tenant) == finding.tenant.as_ref())
                .filter(|t| t.status == ExportStatus::Complete)
                .filter_map(|t| t.changed_at())
                .max();
            let last = last.map_or("—".to_string(), full);
            match lang {
                Lang::En => format!(
                    "the warehouse holds {tenant}'s data as of the last completed export ({last})"
                ),
                Lang::Ja => format!(
                    "ウェアハウスの {tenant} のデータは最後に完了したエクスポート({last})の時点のままです"
                ),
            }
        }
        (_, CheckId::IntegrationStatus | CheckId::IntegrationLag | CheckId::IntegrationTables) => {
            match lang {
                Lang::En => format!("{tenant}'s zero-ETL replication to the warehouse held back"),
                Lang::Ja => format!("{tenant} の zero-ETL レプリケーションが滞っています"),
            }
        }
        _ => return None,
    };
    let state = match (tracked.cleared, lang) {
        (Some(t), Lang::En) => format!("cleared {}", full(t)),
        (Some(t), Lang::Ja) => format!("{} に解消", full(t)),
        (None, Lang::En) => "still found at export".to_string(),
        (None, Lang::Ja) => "出力時点で未解消".to_string(),
    };
    Some(match lang {
        Lang::En => format!(
            "{tenant}: {} — {consequence} ({}; {state})",
            headline(tracked, lang),
            since(tracked, lang)
        ),
        Lang::Ja => format!(
            "{tenant}: {} — {consequence}({}、{state})",
            headline(tracked, lang),
            since(tracked, lang)
        ),
    })
}

fn timeline(out: &mut String, incident: &Incident, lang: Lang) {
    let _ = writeln!(
        out,
        "{}\n|---|---|---|",
        lang.pick(
            "| Time (UTC) | What | Detail |",
            "| 時刻(UTC) | 内容 | 詳細 |"
        )
    );
    let entries = incident.timeline().sorted();
    let mut marked = false;
    for entry in &entries {
        let (what, detail) = entry.event.describe(lang);
        let mark = if entry.event.seen_here() {
            marked = true;
            "*"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {}{mark} | {} | {} |",
            entry.time.format("%m-%d %H:%M:%S"),
            cell(&what),
            cell(&detail)
        );
    }
    if entries.is_empty() {
        let _ = writeln!(out, "| — | — | — |");
    }
    if marked {
        let _ = writeln!(
            out,
            "\n{}",
            lang.pick(
                "\\* When the console first saw it: the data does not say when it began. Other times are AWS's.",
                "\\* コンソールが初めて確認した時刻(データに開始時刻がないもの)。それ以外は AWS の時刻です。"
            )
        );
    }
}

/// An action that ran: its start (audit id, caller, calls) and its end when seen.
pub(super) struct Ran<'a> {
    start: Option<&'a Entry>,
    end: Option<&'a Entry>,
}

impl Ran<'_> {
    fn name(&self) -> (&str, &str) {
        match self.start.or(self.end).map(|e| &e.event) {
            Some(Event::ActionStarted { action, target, .. })
            | Some(Event::ActionFinished { action, target, .. }) => (action, target),
            _ => ("", ""),
        }
    }

    fn audit_id(&self) -> Option<&str> {
        match self.start.map(|e| &e.event) {
            Some(Event::ActionStarted { audit_id, .. }) => Some(audit_id),
            _ => match self.end.map(|e| &e.event) {
                Some(Event::ActionFinished { audit_id, .. }) => audit_id.as_deref(),
                _ => None,
            },
        }
    }

    fn outcome(&self) -> Option<(ActionOutcome, bool)> {
        match self.end.map(|e| &e.event) {
            Some(Event::ActionFinished {
                outcome, recorded, ..
            }) => Some((*outcome, *recorded)),
            _ => None,
        }
    }

    fn write(&self, out: &mut String, lang: Lang) {
        let (action, target) = self.name();
        let time = self.start.or(self.end).map_or(String::new(), |e| {
            e.time.format("%m-%d %H:%M:%S").to_string()
        });
        let outcome = self.outcome().map_or(
            lang.pick("no outcome seen by export", "出力時点で結果未着"),
            |(o, _)| o.label(lang),
        );
        let _ = writeln!(
            out,
            "### {time} `{action}` {} {} — {outcome}\n",
            lang.pick("on", "対象:"),
            one_line(target)
        );
        let id = self
            .audit_id()
            .map_or("—".to_string(), |id| format!("`{id}`"));
        let _ = writeln!(out, "- **{}:** {id}", lang.pick("Audit id", "監査 ID"));
        if let Some(Event::ActionStarted { caller, .. }) = self.start.map(|e| &e.event) {
            let _ = writeln!(out, "- **{}:** `{caller}`", lang.pick("By", "実行者"));
        }
        if let Some(end) = self.end
            && let Event::ActionFinished {
                outcome,
                summary,
                recorded,
                ..
            } = &end.event
        {
            let mut text = format!(
                "{} {}: {}",
                outcome.label(lang),
                end.time.format("%H:%M:%S"),
                one_line(summary)
            );
            if !recorded {
                text.push_str(lang.pick(
                    " (not recorded in the audit log)",
                    "(監査ログに記録されていません)",
                ));
            }
            let _ = writeln!(out, "- **{}:** {text}", lang.pick("Outcome", "結果"));
        }
        if let Some(Event::ActionStarted { calls, .. }) = self.start.map(|e| &e.event)
            && !calls.is_empty()
        {
            let _ = writeln!(out, "- **{}:**\n", lang.pick("Calls", "呼び出し"));
            let _ = writeln!(out, "```\n{}\n```", calls.join("\n"));
        }
    }
}

/// The actions that ran, in the order they started: each start with its end (by audit id), and an
/// end whose start was not seen on its own.
pub(super) fn actions(incident: &Incident) -> Vec<Ran<'_>> {
    let entries = incident.timeline().sorted();
    let mut ran: Vec<Ran> = Vec::new();
    let mut matched = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let Event::ActionStarted { audit_id, .. } = &entry.event else {
            continue;
        };
        let end = entries.iter().enumerate().skip(i).find(|(_, e)| {
            matches!(&e.event, Event::ActionFinished { audit_id: Some(id), .. } if id == audit_id)
        });
        if let Some((j, _)) = end {
            matched.push(j);
        }
        ran.push(Ran {
            start: Some(entry),
            end: end.map(|(_, e)| *e),
        });
    }
    for (j, entry) in entries.iter().enumerate() {
        if matches!(entry.event, Event::ActionFinished { .. }) && !matched.contains(&j) {
            ran.push(Ran {
                start: None,
                end: Some(entry),
            });
        }
    }
    ran.sort_by_key(|r| r.start.or(r.end).map(|e| e.time));
    ran
}

fn refused(out: &mut String, incident: &Incident, lang: Lang) {
    let refused: Vec<&Entry> = incident
        .timeline()
        .sorted()
        .into_iter()
        .filter(|e| matches!(e.event, Event::ActionRefused { .. }))
        .collect();
    if refused.is_empty() {
        return;
    }
    section(
        out,
        lang.pick(
            "Refused by the console (not run)",
            "コンソールが拒否した操作(未実行)",
        ),
    );
    for entry in refused {
        if let Event::ActionRefused {
            action,
            target,
            reason,
        } = &entry.event
        {
            let _ = writeln!(
                out,
                "- {} `{action}` {} {}: {}",
                entry.time.format("%m-%d %H:%M:%S"),
                lang.pick("on", "対象:"),
                one_line(target),
                one_line(reason.pick(lang))
            );
        }
    }
}

fn notes(out: &mut String, incident: &Incident, lang: Lang) {
    let notes: Vec<(Time, &str)> = incident
        .timeline()
        .sorted()
        .into_iter()
        .filter_map(|e| match &e.event {
            Event::Note { text } => Some((e.time, text.as_str())),
            _ => None,
        })
        .collect();
    if notes.is_empty() {
        return;
    }
    section(out, lang.pick("Notes", "メモ"));
    for (time, note) in notes {
        let _ = writeln!(out, "- {} {}", time.format("%m-%d %H:%M"), one_line(note));
    }
}

/// The model a dbt error names: `Database Error in model fct_daily_orders (…)`.
fn dbt_model(cause: &str) -> Option<&str> {
    let rest = &cause[cause.find("in model ")? + "in model ".len()..];
    let model = rest
        .split(|c: char| c.is_whitespace() || c == '(' || c == ',' || c == ':')
        .next()?;
    (!model.is_empty()).then_some(model)
}

/// What to do after the incident: for each check that fired, its own item, naming the tenant,
/// table, model or export; then actions to verify; then the items every incident has.
fn follow_ups(incident: &Incident, actions: &[Ran], facts: &Facts) -> Vec<String> {
    let lang = facts.lang;
    let snapshot = facts.snapshot;
    let mut items: Vec<String> = Vec::new();
    let mut add = |item: String| {
        if !items.contains(&item) {
            items.push(item);
        }
    };
    for tracked in by_weight(incident) {
        let finding = &tracked.finding;
        let tenant = who(&finding.tenant, lang);
        let item = match &finding.detail {
            Detail::CopyErrors { .. } => {
                let tables = rejected_tables(snapshot, finding);
                let tables = match (tables.is_empty(), lang) {
                    (true, _) => String::new(),
                    (false, Lang::En) => format!(" ({tables})"),
                    (false, Lang::Ja) => format!("(テーブル: {tables})"),
                };
                match lang {
                    Lang::En => format!(
                        "Fix {tenant}'s Parquet export, or add a schema check before its COPY{tables}"
                    ),
                    Lang::Ja => format!(
                        "{tenant} の Parquet 出力を修正するか、COPY 前のスキーマチェックを追加{tables}"
                    ),
                }
            }
            Detail::EltFailed {
                run, step, error, ..
            } => {
                let cause = snapshot
                    .elt_runs
                    .iter()
                    .find(|r| &r.name == run)
                    .and_then(|r| r.cause.as_deref());
                let step = step.clone().unwrap_or_default();
                match (cause.and_then(dbt_model), step.contains("dbt"), lang) {
                    (Some(model), _, Lang::En) => {
                        format!("Fix the dbt model {model} and add a test for it (run {run})")
                    }
                    (Some(model), _, Lang::Ja) => {
                        format!("dbt モデル {model} を修正し、テストを追加(実行 {run})")
                    }
                    (None, true, Lang::En) => format!(
                        "Fix the dbt failure at {step} (run {run}: {})",
                        error.as_deref().unwrap_or("no error given")
                    ),
                    (None, true, Lang::Ja) => format!(
                        "{step} の dbt の失敗を修正(実行 {run}: {})",
                        error.as_deref().unwrap_or("エラー不明")
                    ),
                    (None, false, Lang::En) => {
                        format!("Fix the cause of the failure at step {step} (run {run})")
                    }
                    (None, false, Lang::Ja) => {
                        format!("ステップ {step} の失敗の原因を修正(実行 {run})")
                    }
                }
            }
            Detail::EltDelay { .. } => lang
                .pick(
                    "Find why the ELT fell behind, and whether it needs more capacity (WLM slots, concurrency scaling)",
                    "ELT が遅れた原因と、容量(WLM スロット、コンカレンシースケーリング)の要否を確認",
                )
                .to_string(),
            Detail::Storage { percent, .. } => match lang {
                Lang::En => format!(
                    "Decide: archive old data to Spectrum, or resize (storage reached {percent:.1} %)"
                ),
                Lang::Ja => format!(
                    "古いデータを Spectrum にアーカイブするか、リサイズするかを決定(ストレージ使用率 {percent:.1} %)"
                ),
            },
            Detail::WlmQueue { .. } | Detail::QueryFailure { .. } => lang
                .pick(
                    "Review the WLM slots (50/30/20) and the adhoc workload",
                    "WLM のスロット配分(50/30/20)と adhoc の負荷を見直し",
                )
                .to_string(),
            Detail::AdhocPaused { .. } if tracked.cleared.is_none() => lang
                .pick(
                    "Resume the adhoc WLM queue (:resume-adhoc): still paused at export",
                    "adhoc WLM キューを再開(:resume-adhoc): 出力時点で一時停止中",
                )
                .to_string(),
            Detail::AdhocPaused { .. } => lang
                .pick(
                    "Review the WLM slots (50/30/20) and the adhoc workload",
                    "WLM のスロット配分(50/30/20)と adhoc の負荷を見直し",
                )
                .to_string(),
            Detail::IntegrationMissing { integration }
            | Detail::IntegrationStatus { integration, .. }
            | Detail::IntegrationLag { integration, .. } => match lang {
                Lang::En => format!(
                    "Review the DDL change policy of {tenant}'s source database (integration {integration})"
                ),
                Lang::Ja => format!(
                    "{tenant} のソース DB の DDL 変更ポリシーを見直し(統合 {integration})"
                ),
            },
            Detail::TablesNotSynced { .. } => match lang {
                Lang::En => {
                    format!("Review the DDL change policy of {tenant}'s source database")
                }
                Lang::Ja => format!("{tenant} のソース DB の DDL 変更ポリシーを見直し"),
            },
            Detail::ExportFailed { id, cause } => {
                let cause = cause.as_deref().unwrap_or("—");
                match lang {
                    Lang::En => format!(
                        "Check the KMS key grant and the bucket policy for {tenant}'s export role (export {id}: {cause})"
                    ),
                    Lang::Ja => format!(
                        "{tenant} のエクスポート用ロールへの KMS キーの許可とバケットポリシーを確認(エクスポート {id}: {cause})"
                    ),
                }
            }
            Detail::ExportCanceled { .. } | Detail::ExportMissing | Detail::ExportStale { .. } => {
                match lang {
                    Lang::En => format!(
                        "Find why {tenant}'s snapshot export did not complete on schedule (schedule, role, KMS grant)"
                    ),
                    Lang::Ja => format!(
                        "{tenant} のスナップショットのエクスポートが予定どおり完了しなかった原因を確認(スケジュール、ロール、KMS の許可)"
                    ),
                }
            }
            Detail::TableSkew { schema, table, .. } => match lang {
                Lang::En => format!("Review the DISTKEY of {schema}.{table}"),
                Lang::Ja => format!("{schema}.{table} の DISTKEY を見直し"),
            },
            Detail::Alarm { .. } => continue,
        };
        add(item);
    }
    for action in actions {
        let (name, target) = action.name();
        let id = action.audit_id().unwrap_or("—");
        // An outcome not in the audit log leaves its intent open: `:verified` closes it once
        // checked. One recorded as unknown is closed in the log, but not in AWS's truth.
        let item = match (action.outcome(), lang) {
            (None | Some((_, false)), Lang::En) => format!(
                "Verify in AWS what `{name}` on {target} did (audit id {id}), then :verified"
            ),
            (None | Some((_, false)), Lang::Ja) => {
                format!("`{name}`({target})の結果を AWS で確認(監査 ID {id})し、:verified を実行")
            }
            (Some((ActionOutcome::Unknown, _)), Lang::En) => {
                format!("Verify in AWS what `{name}` on {target} did (audit id {id})")
            }
            (Some((ActionOutcome::Unknown, _)), Lang::Ja) => {
                format!("`{name}`({target})の結果を AWS で確認(監査 ID {id})")
            }
            _ => continue,
        };
        add(item);
    }
    add(lang
        .pick(
            "Share the DQ results and the error summary",
            "DQ 結果およびエラーサマリを共有",
        )
        .to_string());
    add(lang
        .pick("Root cause and prevention", "原因と再発防止策")
        .to_string());
    items
}

/// The tables a COPY finding's tenant had rows rejected in, by name, joined by commas.
fn rejected_tables(snapshot: &Snapshot, finding: &crate::health::Finding) -> String {
    let tables: BTreeSet<&str> = snapshot
        .warehouse
        .load_errors
        .iter()
        .filter(|e| finding.tenant.as_deref() == Some(e.tenant.as_str()))
        .map(|e| e.table.as_str())
        .collect();
    tables.into_iter().collect::<Vec<_>>().join(", ")
}
