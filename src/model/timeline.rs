use std::fmt::Write;

use serde::Serialize;

use super::Time;
use crate::i18n::Lang;

/// What happened during the session, for the incident record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    FindingRaised {
        tenant: Option<String>,
        check: String,
        severity: String,
        message: String,
    },
    FindingCleared {
        tenant: Option<String>,
        check: String,
        message: String,
    },
    AlarmChanged {
        alarm: String,
        from: String,
        to: String,
        reason: String,
    },
    ActionStarted {
        action: String,
        target: String,
        calls: Vec<String>,
    },
    ActionFinished {
        action: String,
        target: String,
        ok: bool,
        summary: String,
        /// Whether the audit log holds the outcome.
        recorded: bool,
    },
    StepDone {
        runbook: String,
        step: String,
    },
    Note {
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub time: Time,
    pub event: Event,
}

/// The session's incident timeline: findings, alarm changes, actions and notes, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeline {
    pub entries: Vec<Entry>,
}

impl Timeline {
    pub fn push(&mut self, time: Time, event: Event) {
        self.entries.push(Entry { time, event });
    }

    /// The record as Markdown, for the team's wiki (seed 001: record the incident in Confluence / Notion).
    pub fn to_markdown(&self, title: &str, exported_at: Time, lang: Lang) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {}: {title}\n",
            lang.pick("Incident record", "インシデント記録")
        );
        let first = self.entries.first().map(|e| e.time);
        let _ = writeln!(
            out,
            "- **{}:** {}\n- **{}:** {}\n- **{}:** {}\n",
            lang.pick("Exported", "出力"),
            exported_at.format("%Y-%m-%d %H:%M UTC"),
            lang.pick("From", "開始"),
            first.map_or("—".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
            lang.pick("Entries", "件数"),
            self.entries.len()
        );
        let _ = writeln!(out, "## {}\n", lang.pick("Timeline", "タイムライン"));
        let _ = writeln!(
            out,
            "{}\n|---|---|---|",
            lang.pick(
                "| Time (UTC) | What | Detail |",
                "| 時刻(UTC) | 内容 | 詳細 |"
            )
        );
        for entry in &self.entries {
            let (what, detail) = describe(&entry.event, lang);
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                entry.time.format("%m-%d %H:%M:%S"),
                what,
                cell(&detail)
            );
        }
        let actions: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| matches!(e.event, Event::ActionStarted { .. }))
            .collect();
        if !actions.is_empty() {
            let _ = writeln!(out, "\n## {}\n", lang.pick("Actions taken", "実施した操作"));
            for entry in actions {
                if let Event::ActionStarted {
                    action,
                    target,
                    calls,
                } = &entry.event
                {
                    let _ = writeln!(
                        out,
                        "### {} `{action}` {} {target}\n",
                        entry.time.format("%H:%M:%S"),
                        lang.pick("on", "対象:")
                    );
                    let _ = writeln!(out, "```\n{}\n```\n", calls.join("\n"));
                }
            }
        }
        let notes: Vec<&str> = self
            .entries
            .iter()
            .filter_map(|e| match &e.event {
                Event::Note { text } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(out, "\n## {}\n", lang.pick("Notes", "メモ"));
            for note in notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "\n## Follow-up\n\n- [ ] Share the DQ results and the error summary\n- [ ] Root cause and prevention",
                "\n## 事後対応\n\n- [ ] DQ 結果およびエラーサマリを共有\n- [ ] 原因と再発防止策"
            )
        );
        out
    }
}

fn describe(event: &Event, lang: Lang) -> (String, String) {
    let ja = lang == Lang::Ja;
    let who = |tenant: &Option<String>| {
        tenant
            .clone()
            .unwrap_or_else(|| lang.pick("fleet", "全体").into())
    };
    match event {
        Event::FindingRaised {
            tenant,
            check,
            severity,
            message,
        } => (
            format!("{severity} `{check}` ({})", who(tenant)),
            message.clone(),
        ),
        Event::FindingCleared {
            tenant,
            check,
            message,
        } => (
            format!(
                "{} `{check}` ({})",
                lang.pick("cleared", "解消"),
                who(tenant)
            ),
            message.clone(),
        ),
        Event::AlarmChanged {
            alarm,
            from,
            to,
            reason,
        } => (
            format!("{} {alarm}: {from} → {to}", lang.pick("alarm", "アラーム")),
            reason.clone(),
        ),
        Event::ActionStarted { action, target, .. } => (
            if ja {
                format!("操作 `{action}` を開始")
            } else {
                format!("action `{action}` started")
            },
            target.clone(),
        ),
        Event::ActionFinished {
            action,
            target,
            ok,
            summary,
            recorded,
        } => (
            match (ja, ok) {
                (false, true) => format!("action `{action}` succeeded"),
                (false, false) => format!("action `{action}` failed"),
                (true, true) => format!("操作 `{action}` が成功"),
                (true, false) => format!("操作 `{action}` が失敗"),
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
        Event::StepDone { runbook, step } => (
            format!("{} {runbook}", lang.pick("runbook", "ランブック")),
            format!("{}: {step}", lang.pick("done", "完了")),
        ),
        Event::Note { text } => (lang.pick("note", "メモ").into(), text.clone()),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn markdown_lists_every_entry_and_the_actions() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let mut timeline = Timeline::default();
        timeline.push(
            at,
            Event::FindingRaised {
                tenant: Some("tenant_b".into()),
                check: "copy_errors".into(),
                severity: "critical".into(),
                message: "4 COPY error(s) | in 24 h".into(),
            },
        );
        timeline.push(
            at,
            Event::ActionStarted {
                action: "rerun_elt".into(),
                target: "execution daily-elt".into(),
                calls: vec!["states:RedriveExecution executionArn=x".into()],
            },
        );
        timeline.push(
            at,
            Event::Note {
                text: "re-uploaded part-0003".into(),
            },
        );
        let markdown = timeline.to_markdown("copy-error", at, Lang::En);
        assert!(markdown.contains("| 11-21 06:00:00 | critical `copy_errors` (tenant_b) | 4 COPY error(s) \\| in 24 h |"), "{markdown}");
        assert!(markdown.contains("states:RedriveExecution executionArn=x"));
        assert!(markdown.contains("- re-uploaded part-0003"));
    }
}
