//! The incident record: what the fleet did (findings, alarm transitions), what was done about it
//! (actions that ran, attempts the runner refused, runbook steps, notes), `:resolve` and `:export`.
//!
//! Each entry carries the time it happened per AWS where the data says it (an alarm's transition,
//! an ELT run's stop, the first COPY error, an export task's end, a metric crossing its threshold),
//! else the time the console first saw it (marked in the record). The record begins at the first
//! alarm transition or finding, not when the console started. Pure: the event loop writes the file.

mod record;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use super::app::Message;
use crate::health::{CheckId, Detail, Finding, Health};
use crate::i18n::Lang;
use crate::model::{AlarmState, Event, Said, Snapshot, Time, Timeline};

/// Why the record was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// The file exists: nothing was written (`:export!` overwrites).
    Exists(PathBuf),
    Failed(String),
}

/// What the console knows when the record is exported.
pub struct Facts<'a> {
    pub title: &'a str,
    pub now: Time,
    pub snapshot: &'a Snapshot,
    pub health: &'a Health,
    pub lang: Lang,
}

/// A finding of the incident: what it said last, when it began and whether it cleared.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    /// The finding as last seen (its count, its percentage …).
    pub finding: Finding,
    /// When it first began during the incident, per AWS where the data says so.
    pub since: Time,
    /// `since` is when the console first saw it: the data does not say when it began.
    pub seen: bool,
    /// When the console saw it gone; `None` while it is open.
    pub cleared: Option<Time>,
}

/// `:resolve`: when, and the operator's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub at: Time,
    pub note: Option<String>,
}

/// A finding's identity across evaluations: its tenant, its check and what it is about (the
/// alarm, the ELT run, the table, the queue), so a count that grows is the same finding.
type Key = (Option<String>, CheckId, String);

fn key(finding: &Finding) -> Key {
    let subject = match &finding.detail {
        Detail::Alarm { name, .. } => name.clone(),
        Detail::EltFailed { run, .. } => run.clone(),
        Detail::TableSkew { schema, table, .. } => format!("{schema}.{table}"),
        Detail::WlmQueue { queue, .. } => queue.clone(),
        _ => String::new(),
    };
    (finding.tenant.clone(), finding.check, subject)
}

/// The session's incident record.
#[derive(Debug, Clone, Default)]
pub struct Incident {
    timeline: Timeline,
    /// The alarm states last seen, so transitions are recorded once.
    alarms: HashMap<String, AlarmState>,
    findings: BTreeMap<Key, Tracked>,
    resolved: Option<Resolution>,
    /// The file `:export` found existing, which `:export!` with no name overwrites.
    overwrite: Option<PathBuf>,
}

impl Incident {
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn resolved(&self) -> Option<&Resolution> {
        self.resolved.as_ref()
    }

    /// Every finding of the incident, open or cleared.
    pub fn findings(&self) -> impl Iterator<Item = &Tracked> {
        self.findings.values()
    }

    /// When the incident began: its first alarm transition or finding.
    pub fn opened(&self) -> Option<Time> {
        self.timeline.first_signal()
    }

    /// The data changed: records findings raised and cleared and alarms that changed state.
    /// A finding raised after `:resolve` reopens the incident.
    pub fn observe(&mut self, health: &Health, snapshot: &Snapshot, now: Time) {
        let mut present: BTreeSet<Key> = BTreeSet::new();
        for finding in &health.findings {
            let key = key(finding);
            if !present.insert(key.clone()) {
                // Findings come worst first: the first of a key is the one kept.
                continue;
            }
            // Raised: new, back after it cleared, or worse than it was.
            let (raised, cleared) = match self.findings.get_mut(&key) {
                Some(tracked) if tracked.cleared.is_none() => {
                    let worse = finding.severity > tracked.finding.severity;
                    tracked.finding = finding.clone();
                    (worse, None)
                }
                Some(tracked) => (true, tracked.cleared),
                None => (true, None),
            };
            if !raised {
                continue;
            }
            // What the data says of its start, unless that is before it last cleared: a finding
            // back after clearing began again after that (the first COPY error of the window may
            // be one counted before).
            let began = finding
                .since
                .filter(|began| cleared.is_none_or(|cleared| *began >= cleared));
            let time = began.unwrap_or(now);
            let tracked = self.findings.entry(key).or_insert_with(|| Tracked {
                finding: finding.clone(),
                since: time,
                seen: began.is_none(),
                cleared: None,
            });
            tracked.finding = finding.clone();
            tracked.cleared = None;
            if let Some(resolution) = self.resolved.take() {
                let (en, ja) = (
                    format!("new finding after the resolution at {}", hm(resolution.at)),
                    format!("{} の解決後に新たな検知", hm(resolution.at)),
                );
                self.timeline.push(
                    now,
                    Event::Reopened {
                        cause: Said::new(
                            format!("{en}: {}", what(finding, Lang::En)),
                            format!("{ja}: {}", what(finding, Lang::Ja)),
                        ),
                    },
                );
            }
            // An alarm's finding is its transition, recorded below with the alarm.
            if finding.check != CheckId::Alarm {
                self.timeline.push(
                    time,
                    Event::FindingRaised {
                        tenant: finding.tenant.clone(),
                        check: finding.check.as_str().into(),
                        severity: finding.severity.to_string(),
                        text: Said::new(finding.text(Lang::En), finding.text(Lang::Ja)),
                        seen: began.is_none(),
                    },
                );
            }
        }
        for (key, tracked) in &mut self.findings {
            if tracked.cleared.is_some() || present.contains(key) {
                continue;
            }
            // A tenant whose data could not be read is unknown, not cleared.
            if let Some(tenant) = &tracked.finding.tenant
                && snapshot.tenant_errors.contains_key(tenant)
            {
                continue;
            }
            tracked.cleared = Some(now);
            if tracked.finding.check != CheckId::Alarm {
                self.timeline.push(
                    now,
                    Event::FindingCleared {
                        tenant: tracked.finding.tenant.clone(),
                        check: tracked.finding.check.as_str().into(),
                        what: Said::new(
                            what(&tracked.finding, Lang::En),
                            what(&tracked.finding, Lang::Ja),
                        ),
                    },
                );
            }
        }
        for alarm in &snapshot.alarms {
            // By key: namesakes in two tenants' accounts change state on their own.
            let previous = self.alarms.insert(alarm.key().to_string(), alarm.state);
            let changed = match previous {
                Some(state) => state != alarm.state,
                None => alarm.state == AlarmState::Alarm,
            };
            if !changed {
                continue;
            }
            // DescribeAlarms gives when the alarm entered its state; an alarm without that time
            // (read as the epoch) is placed when the console saw it.
            let known = alarm.since > Time::UNIX_EPOCH;
            self.timeline.push(
                if known { alarm.since } else { now },
                Event::AlarmChanged {
                    alarm: alarm.name.clone(),
                    from: previous.map(|s| s.to_string()),
                    to: alarm.state.to_string(),
                    reason: alarm.reason.clone(),
                    seen: !known,
                },
            );
        }
    }

    /// Something done about the incident (an action, a runbook step), as recovery reported it.
    pub fn record(&mut self, now: Time, event: Event) {
        self.timeline.push(now, event);
    }

    /// `:note TEXT`, or a notice that must not be missed.
    pub fn note(&mut self, now: Time, text: String) {
        self.timeline.push(now, Event::Note { text });
    }

    /// `:resolve [NOTE]`: the incident is resolved now. Refused when it already is (with when).
    pub fn resolve(&mut self, now: Time, note: Option<String>) -> Result<(), Time> {
        if let Some(resolution) = &self.resolved {
            return Err(resolution.at);
        }
        self.timeline
            .push(now, Event::Resolved { note: note.clone() });
        self.resolved = Some(Resolution { at: now, note });
        Ok(())
    }

    /// How many of the incident's findings are still found.
    pub fn open_findings(&self) -> usize {
        self.findings
            .values()
            .filter(|t| t.cleared.is_none())
            .count()
    }

    /// The record as Markdown, for the team's wiki (seed 001: record the incident in Confluence /
    /// Notion).
    pub fn markdown(&self, facts: &Facts) -> String {
        record::render(self, facts)
    }

    /// `:export [FILE]` (`force`: `:export! [FILE]`): where to write the record and whether to
    /// overwrite. Without a name, the file `:export` last found existing when forced, else
    /// `incident-YYYYMMDD-HHMM.md`. Only a forced export overwrites a file; otherwise the event
    /// loop creates the file, and one that exists is reported back ([`Incident::on_exported`]).
    pub fn export_to(&mut self, file: &str, force: bool, now: Time) -> (PathBuf, bool) {
        let pending = self.overwrite.take();
        let path = match (file.trim(), force, pending) {
            ("", true, Some(pending)) => pending,
            ("", _, _) => PathBuf::from(format!("incident-{}.md", now.format("%Y%m%d-%H%M"))),
            (file, _, _) => PathBuf::from(file),
        };
        (path, force)
    }

    /// `:resolve [NOTE]`: resolves the incident now and says so (and what is still found), or
    /// says when it already was.
    pub fn command_resolve(&mut self, now: Time, note: String, lang: Lang) -> Message {
        let note = (!note.trim().is_empty()).then_some(note);
        let (text, is_error) = match (self.resolve(now, note), lang) {
            (Ok(()), _) => {
                let at = hm(now);
                let open = self.open_findings();
                let text = match (lang, open) {
                    (Lang::En, 0) => format!("incident resolved at {at}"),
                    (Lang::En, n) => format!(
                        "incident resolved at {at} — {n} finding(s) still found; a new finding reopens it"
                    ),
                    (Lang::Ja, 0) => format!("{at} にインシデントを解決済みにしました"),
                    (Lang::Ja, n) => format!(
                        "{at} にインシデントを解決済みにしました — 未解消の検知が {n} 件。新たな検知で再開します"
                    ),
                };
                (text, false)
            }
            (Err(when), Lang::En) => (
                format!("already resolved at {}; :note adds to the record", hm(when)),
                true,
            ),
            (Err(when), Lang::Ja) => (
                format!("{} に解決済みです。追記は :note で", hm(when)),
                true,
            ),
        };
        Message { text, is_error }
    }

    /// What the event loop reports of the write: the message to show. A file that exists is
    /// remembered, so `:export!` alone overwrites it.
    pub fn on_exported(&mut self, result: Result<PathBuf, ExportError>, lang: Lang) -> Message {
        let (text, is_error) = match result {
            Ok(path) => (
                format!(
                    "{} {}",
                    lang.pick(
                        "incident record written to",
                        "インシデント記録を書き出しました:"
                    ),
                    path.display()
                ),
                false,
            ),
            Err(ExportError::Exists(path)) => {
                let file = path.display().to_string();
                self.overwrite = Some(path);
                (
                    match lang {
                        Lang::En => format!(
                            "{file} exists — :export! {file} overwrites it (nothing written)"
                        ),
                        Lang::Ja => format!(
                            "{file} は既にあります — :export! {file} で上書きします(書き出していません)"
                        ),
                    },
                    true,
                )
            }
            Err(ExportError::Failed(error)) => (
                format!(
                    "{}: {error}",
                    lang.pick(
                        "cannot write the incident record",
                        "インシデント記録を書き出せません"
                    )
                ),
                true,
            ),
        };
        Message { text, is_error }
    }
}

/// `HH:MM UTC`.
fn hm(time: Time) -> String {
    time.format("%H:%M UTC").to_string()
}

/// What a finding is about, in a few words and without its current value: `COPY errors of
/// tenant_b`, `alarm Alert-COPY-Error`. Used when it clears, so the raised text is never repeated
/// as if still true.
pub fn what(finding: &Finding, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let subject = match &finding.detail {
        Detail::Alarm { name, .. } => {
            return if ja {
                format!("アラーム {name}")
            } else {
                format!("alarm {name}")
            };
        }
        Detail::EltFailed { run, .. } => Some(run.clone()),
        Detail::TableSkew { schema, table, .. } => Some(format!("{schema}.{table}")),
        Detail::WlmQueue { queue, .. } => Some(queue.clone()),
        Detail::IntegrationStatus { integration, .. }
        | Detail::IntegrationMissing { integration }
        | Detail::IntegrationLag { integration, .. } => Some(integration.clone()),
        _ => None,
    };
    let label = check_label(finding.check, lang);
    let label = match subject {
        Some(subject) => format!("{label} ({subject})"),
        None => label.to_string(),
    };
    // Japanese text leaves a space between a word in Latin letters and the next.
    let gap = if label.starts_with(|c: char| c.is_ascii()) {
        " "
    } else {
        ""
    };
    match (&finding.tenant, ja) {
        (Some(tenant), false) => format!("{label} of {tenant}"),
        (Some(tenant), true) => format!("{tenant} の{gap}{label}"),
        (None, false) => format!("{label} of the fleet"),
        (None, true) => format!("全体の{gap}{label}"),
    }
}

/// A check in words.
pub fn check_label(check: CheckId, lang: Lang) -> &'static str {
    let (en, ja) = match check {
        CheckId::IntegrationStatus => ("zero-ETL integration status", "zero-ETL 統合の状態"),
        CheckId::IntegrationLag => ("replication lag", "レプリケーション遅延"),
        CheckId::IntegrationTables => ("tables not synced", "未同期テーブル"),
        CheckId::ExportTask => ("snapshot export", "スナップショットのエクスポート"),
        CheckId::EltFailed => ("ELT failure", "ELT の失敗"),
        CheckId::EltDelay => ("ELT delay", "ELT の遅延"),
        CheckId::CopyErrors => ("COPY errors", "COPY エラー"),
        CheckId::Storage => ("storage use", "ストレージ使用率"),
        CheckId::WlmQueue => ("WLM queue length", "WLM キューの待ち"),
        CheckId::WlmPaused => ("adhoc WLM queue pause", "adhoc WLM キューの一時停止"),
        CheckId::QueryFailureRate => ("query failure rate", "クエリ失敗率"),
        CheckId::TableSkew => ("table skew", "テーブルのスキュー"),
        CheckId::Alarm => ("alarm", "アラーム"),
    };
    lang.pick(en, ja)
}
