//! The incident timeline: what happened, each at the time it happened — per AWS where AWS says
//! it, else when the console first saw it — in both languages of the interface.

use serde::Serialize;

use super::Time;
use crate::i18n::Lang;

/// A text in both languages of the interface, so the record can be written in either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Said {
    pub en: String,
    pub ja: String,
}

impl Said {
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Said {
        Said {
            en: en.into(),
            ja: ja.into(),
        }
    }

    /// A text that is the same in every language (a name, AWS's own words).
    pub fn same(text: impl Into<String>) -> Said {
        let text = text.into();
        Said {
            ja: text.clone(),
            en: text,
        }
    }

    pub fn pick(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.ja)
    }
}

/// How an action that ran ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionOutcome {
    Succeeded,
    /// It ran and failed; nothing was changed.
    Failed,
    /// No answer came back: the change may have been made. Verify it.
    Unknown,
}

impl ActionOutcome {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ActionOutcome::Succeeded => lang.pick("succeeded", "成功"),
            ActionOutcome::Failed => lang.pick("failed", "失敗"),
            ActionOutcome::Unknown => lang.pick("outcome unknown — verify", "結果不明 — 要確認"),
        }
    }
}

/// What happened during the incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    FindingRaised {
        tenant: Option<String>,
        check: String,
        /// `warning` or `critical`.
        severity: String,
        text: Said,
        /// The time is when the console first saw it: the data does not say when it began.
        seen: bool,
    },
    FindingCleared {
        tenant: Option<String>,
        check: String,
        /// What cleared: `COPY errors of tenant_b`, never the text raised.
        what: Said,
    },
    AlarmChanged {
        alarm: String,
        /// `None`: the first time the console saw the alarm (in ALARM).
        from: Option<String>,
        to: String,
        reason: String,
        /// The time is when the console saw it: AWS gave no time of the transition.
        seen: bool,
    },
    /// The runner passed its checks, wrote the intent to the audit log and called the operator.
    ActionStarted {
        action: String,
        target: String,
        calls: Vec<String>,
        /// The id of the action's records in the audit log.
        audit_id: String,
        /// Who acted: the AWS identity (or `demo:<user>`), as in the audit log.
        caller: String,
    },
    ActionFinished {
        action: String,
        target: String,
        outcome: ActionOutcome,
        summary: String,
        /// Whether the audit log holds the outcome.
        recorded: bool,
        /// The audit id of the start, when the start was seen.
        audit_id: Option<String>,
    },
    /// The runner refused before anything ran (read-only, changed since the preview …).
    ActionRefused {
        action: String,
        target: String,
        reason: Said,
    },
    StepDone {
        runbook: String,
        step: String,
    },
    Note {
        text: String,
    },
    /// `:resolve`: the operator declared the incident resolved.
    Resolved {
        note: Option<String>,
    },
    /// A finding raised after `:resolve` opened the incident again.
    Reopened {
        cause: Said,
    },
}

impl Event {
    /// Whether this is something the fleet did (a finding, an alarm), as opposed to the operator.
    pub fn is_signal(&self) -> bool {
        matches!(
            self,
            Event::FindingRaised { .. } | Event::AlarmChanged { .. }
        )
    }

    /// The entry as a row of the record: what happened, and its detail, in `lang`.
    pub fn describe(&self, lang: Lang) -> (String, String) {
        let ja = lang == Lang::Ja;
        let who = |tenant: &Option<String>| {
            tenant
                .clone()
                .unwrap_or_else(|| lang.pick("fleet", "全体").into())
        };
        match self {
            Event::FindingRaised {
                tenant,
                check,
                severity,
                text,
                ..
            } => (
                format!(
                    "{} `{check}` ({})",
                    severity_word(severity, lang),
                    who(tenant)
                ),
                text.pick(lang).to_string(),
            ),
            Event::FindingCleared { check, what, .. } => (
                format!("{}: {}", lang.pick("cleared", "解消"), what.pick(lang)),
                format!(
                    "`{check}` {}",
                    lang.pick("no longer found", "は検知されなくなりました")
                ),
            ),
            Event::AlarmChanged {
                alarm,
                from,
                to,
                reason,
                ..
            } => (
                match (from.as_deref(), to.as_str(), ja) {
                    (_, "OK", false) => format!("alarm {alarm} back to OK"),
                    (_, "OK", true) => format!("アラーム {alarm} が OK に戻りました"),
                    (None, to, false) => format!("alarm {alarm} in {to}"),
                    (None, to, true) => format!("アラーム {alarm} が {to}"),
                    (Some(from), to, false) => format!("alarm {alarm}: {from} → {to}"),
                    (Some(from), to, true) => format!("アラーム {alarm}: {from} → {to}"),
                },
                reason.clone(),
            ),
            Event::ActionStarted {
                action,
                target,
                audit_id,
                ..
            } => (
                if ja {
                    format!("操作 `{action}` を開始")
                } else {
                    format!("action `{action}` started")
                },
                format!("{target} ({} {audit_id})", lang.pick("audit id", "監査 ID")),
            ),
            Event::ActionFinished {
                action,
                target,
                outcome,
                summary,
                recorded,
                ..
            } => (
                if ja {
                    format!("操作 `{action}`: {}", outcome.label(lang))
                } else {
                    format!("action `{action}` {}", outcome.label(lang))
                },
                if *recorded {
                    format!("{target}: {summary}")
                } else {
                    format!(
                        "{target}: {summary} ({})",
                        lang.pick(
                            "not recorded in the audit log",
                            "監査ログに記録されていません"
                        )
                    )
                },
            ),
            Event::ActionRefused {
                action,
                target,
                reason,
            } => (
                if ja {
                    format!("操作 `{action}` は拒否されました(未実行)")
                } else {
                    format!("action `{action}` refused (not run)")
                },
                format!("{target}: {}", reason.pick(lang)),
            ),
            Event::StepDone { runbook, step } => (
                format!("{} {runbook}", lang.pick("runbook", "ランブック")),
                format!("{}: {step}", lang.pick("done", "完了")),
            ),
            Event::Note { text } => (lang.pick("note", "メモ").into(), text.clone()),
            Event::Resolved { note } => (
                lang.pick("incident resolved", "インシデント解決").into(),
                note.clone().unwrap_or_default(),
            ),
            Event::Reopened { cause } => (
                lang.pick("incident reopened", "インシデント再開").into(),
                cause.pick(lang).to_string(),
            ),
        }
    }

    /// Whether the entry's time is the console's sighting, not AWS's time of the event.
    pub fn seen_here(&self) -> bool {
        match self {
            Event::FindingRaised { seen, .. } | Event::AlarmChanged { seen, .. } => *seen,
            _ => false,
        }
    }
}

/// `warning` / `critical` in `lang`.
pub fn severity_word(severity: &str, lang: Lang) -> &str {
    match (lang, severity) {
        (Lang::Ja, "critical") => "重大",
        (Lang::Ja, "warning") => "警告",
        _ => severity,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub time: Time,
    pub event: Event,
}

/// The incident timeline: findings, alarm changes, actions and notes. Entries are kept as they
/// were recorded; [`Timeline::sorted`] orders them by the time they happened.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeline {
    pub entries: Vec<Entry>,
}

impl Timeline {
    pub fn push(&mut self, time: Time, event: Event) {
        self.entries.push(Entry { time, event });
    }

    /// The entries by the time they happened; entries of the same time stay in the order they
    /// were recorded (an action's start before its end).
    pub fn sorted(&self) -> Vec<&Entry> {
        let mut entries: Vec<&Entry> = self.entries.iter().collect();
        entries.sort_by_key(|e| e.time);
        entries
    }

    /// When the incident began: the first alarm transition or finding, by its own time.
    pub fn first_signal(&self) -> Option<Time> {
        self.entries
            .iter()
            .filter(|e| e.event.is_signal())
            .map(|e| e.time)
            .min()
    }

    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.entries.iter().map(|e| &e.event)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> Time {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, 6, minute, 0)
            .unwrap()
    }

    fn note(text: &str) -> Event {
        Event::Note { text: text.into() }
    }

    fn alarm(to: &str) -> Event {
        Event::AlarmChanged {
            alarm: "Alert-COPY-Error".into(),
            from: None,
            to: to.into(),
            reason: "Threshold Crossed".into(),
            seen: false,
        }
    }

    #[test]
    fn entries_sort_by_time_and_keep_their_order_within_a_time() {
        let mut timeline = Timeline::default();
        timeline.push(at(30), note("third"));
        timeline.push(at(10), note("first"));
        timeline.push(at(30), note("fourth"));
        timeline.push(at(20), note("second"));
        let texts: Vec<String> = timeline
            .sorted()
            .iter()
            .map(|e| e.event.describe(Lang::En).1)
            .collect();
        assert_eq!(texts, ["first", "second", "third", "fourth"]);
    }

    #[test]
    fn the_incident_begins_at_the_first_signal_not_at_the_first_note() {
        let mut timeline = Timeline::default();
        timeline.push(at(40), note("console started"));
        timeline.push(at(50), alarm("ALARM"));
        timeline.push(at(12), alarm("ALARM"));
        assert_eq!(timeline.first_signal(), Some(at(12)));
        assert_eq!(Timeline::default().first_signal(), None);
    }

    #[test]
    fn an_alarm_back_to_ok_says_so_in_both_languages() {
        let back = Event::AlarmChanged {
            alarm: "Alert-COPY-Error".into(),
            from: Some("ALARM".into()),
            to: "OK".into(),
            reason: "Threshold Crossed".into(),
            seen: false,
        };
        assert_eq!(
            back.describe(Lang::En).0,
            "alarm Alert-COPY-Error back to OK"
        );
        assert_eq!(
            back.describe(Lang::Ja).0,
            "アラーム Alert-COPY-Error が OK に戻りました"
        );
        assert_eq!(
            alarm("ALARM").describe(Lang::En).0,
            "alarm Alert-COPY-Error in ALARM"
        );
    }

    #[test]
    fn a_cleared_finding_is_phrased_as_cleared() {
        let cleared = Event::FindingCleared {
            tenant: Some("tenant_b".into()),
            check: "copy_errors".into(),
            what: Said::new("COPY errors of tenant_b", "tenant_b の COPY エラー"),
        };
        let (what, detail) = cleared.describe(Lang::En);
        assert_eq!(what, "cleared: COPY errors of tenant_b");
        assert!(!detail.contains("error(s)"), "{detail}");
        assert_eq!(
            cleared.describe(Lang::Ja).0,
            "解消: tenant_b の COPY エラー"
        );
    }

    #[test]
    fn an_outcome_unknown_is_not_called_a_failure() {
        let finished = Event::ActionFinished {
            action: "pause_adhoc".into(),
            target: "WLM queue adhoc".into(),
            outcome: ActionOutcome::Unknown,
            summary: "timed out".into(),
            recorded: true,
            audit_id: Some("a-1".into()),
        };
        let (what, _) = finished.describe(Lang::En);
        assert_eq!(what, "action `pause_adhoc` outcome unknown — verify");
        assert!(!what.contains("failed"));
    }
}
