//! The `check` report: one refresh judged by the health rules, as text, JSON, Markdown, a Nagios
//! plugin's line or a Slack message. The JSON keys are a contract (`docs/check.md`): add keys,
//! never rename them.

mod nagios;
mod slack;

use std::fmt::Write;

use serde::Serialize;

use crate::health::{Finding, Health, Status, Thresholds};
use crate::i18n::{Lang, pad};
use crate::model::{
    Snapshot, TenantSummary, Time, UNKNOWN, format_ago_secs, format_duration_secs,
    summarize_tenants,
};
use crate::text::{json_safe, sanitize, sanitize_line};

/// A finding's message (already in the report's language) and, when it holds other tenants'
/// data back, how many.
fn with_impact(finding: &Finding, lang: Lang) -> String {
    match finding.impact_text(lang) {
        Some(impact) => format!("{} — {impact}", finding.message),
        None => finding.message.clone(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    /// One line for Nagios, Icinga and their kin: status, summary and performance data.
    Nagios,
    /// A Slack message (Block Kit) for an incoming webhook.
    Slack,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub generated_at: String,
    pub status: Status,
    pub tenants: Vec<TenantReport>,
    pub findings: Vec<Finding>,
    pub sources: Vec<SourceReport>,
    /// The language of the messages (`en` or `ja`); keys and check ids stay English.
    pub lang: Lang,
    /// AWS requests this check's refresh sent, by service (`sts`, `rds`, `redshift-data`,
    /// `monitoring`, `states`, `logs`): what one refresh of the fleet costs. Empty for `--demo`,
    /// whose simulated fleet calls no AWS.
    pub api_calls: std::collections::BTreeMap<String, u64>,
    /// How many tenants of the fleet are in each status, whatever `only_problems` left out.
    #[serde(skip)]
    counts: TenantCounts,
    /// The fleet's figures that have a threshold: the Nagios line's performance data.
    #[serde(skip)]
    pub gauges: Gauges,
    /// The runbook each finding opens, in the order of `findings` (see `attach_runbooks`).
    #[serde(skip)]
    runbooks: Vec<Option<RunbookRef>>,
}

/// How many tenants are in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TenantCounts {
    pub critical: usize,
    pub warning: usize,
    pub unknown: usize,
    pub ok: usize,
}

impl TenantCounts {
    pub fn total(&self) -> usize {
        self.critical + self.warning + self.unknown + self.ok
    }

    /// The tenants that are not ok.
    pub fn problems(&self) -> usize {
        self.total() - self.ok
    }
}

/// The fleet's figures that a rule judges, as last read (`None`: never read, or no such thing),
/// with the thresholds in force.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gauges {
    pub storage_percent: Option<f64>,
    pub query_failure_percent: Option<f64>,
    /// The largest replication lag of any tenant's integration.
    pub max_lag_seconds: Option<f64>,
    /// Queries waiting in the watched WLM queue (`thresholds.wlm_queue`).
    pub wlm_queued: Option<f64>,
    pub elt_delay_minutes: Option<f64>,
    pub thresholds: Thresholds,
}

/// The runbook a finding opens, as a report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TenantReport {
    pub status: Status,
    /// The checks of findings about other tenants or the fleet that hold this tenant's data back
    /// (a failed or late ELT run): why a tenant with no finding of its own is not ok.
    pub affected_by: Vec<crate::health::CheckId>,
    #[serde(flatten)]
    pub summary: TenantSummary,
    /// The figures above that are `null` because their source could not be read, by key, each
    /// with the source and its error: a `null` here is unknown, never zero or none.
    pub unknown: std::collections::BTreeMap<&'static str, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub name: String,
    pub ok: bool,
    pub age_seconds: Option<i64>,
    pub error: Option<String>,
}

impl CheckReport {
    pub fn new(
        snapshot: &Snapshot,
        health: &Health,
        thresholds: &Thresholds,
        now: Time,
        lang: Lang,
    ) -> Self {
        let tenants: Vec<TenantReport> = summarize_tenants(snapshot, now)
            .into_iter()
            .map(|summary| TenantReport {
                status: health.tenant(&summary.name),
                affected_by: health
                    .findings
                    .iter()
                    .filter(|f| f.affected.contains(&summary.name))
                    .map(|f| f.check)
                    .collect(),
                unknown: summary
                    .unread()
                    .into_iter()
                    .map(|(key, unread)| (key, unread.to_string()))
                    .collect(),
                summary,
            })
            .collect();
        let count = |s: Status| tenants.iter().filter(|t| t.status == s).count();
        let counts = TenantCounts {
            critical: count(Status::Critical),
            warning: count(Status::Warning),
            unknown: count(Status::Unknown),
            ok: count(Status::Ok),
        };
        let gauges = Gauges {
            storage_percent: snapshot.storage_percent().known().copied().flatten(),
            query_failure_percent: snapshot.metrics.query_failure_percent.latest(),
            max_lag_seconds: tenants
                .iter()
                .filter_map(|t| t.summary.lag_seconds.known().copied().flatten())
                .reduce(f64::max),
            wlm_queued: snapshot
                .queue_queued(&thresholds.wlm_queue)
                .known()
                .copied()
                .flatten(),
            elt_delay_minutes: snapshot.metrics.elt_delay_minutes.latest(),
            thresholds: thresholds.clone(),
        };
        let sources = snapshot
            .sources
            .iter()
            .map(|s| SourceReport {
                name: s.id.as_str().to_string(),
                ok: s.fetched_at.is_some() && s.error.is_none(),
                age_seconds: s.age_seconds(now),
                error: s.error.clone(),
            })
            .collect();
        Self {
            generated_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            status: health.status,
            tenants,
            findings: health
                .findings
                .iter()
                .map(|f| Finding {
                    message: f.text(lang),
                    ..f.clone()
                })
                .collect(),
            sources,
            lang,
            api_calls: Default::default(),
            counts,
            gauges,
            runbooks: Vec::new(),
        }
    }

    /// Names the runbook each finding opens, for the reports that point to them (Slack).
    pub fn attach_runbooks(&mut self, runbook_of: impl Fn(&Finding) -> Option<RunbookRef>) {
        self.runbooks = self.findings.iter().map(runbook_of).collect();
    }

    fn runbook(&self, finding: usize) -> Option<&RunbookRef> {
        self.runbooks.get(finding).and_then(Option::as_ref)
    }

    /// Leaves out the tenants that are ok: every report then lists only the tenants with a
    /// finding, held back by one, or unknown. The counts still say the whole fleet.
    pub fn only_problems(&mut self) {
        self.tenants.retain(|t| t.status != Status::Ok);
    }

    /// How many tenants of the fleet are in each status.
    pub fn counts(&self) -> TenantCounts {
        self.counts
    }

    fn count_findings(&self, severity: crate::health::Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The worst finding about `tenant` or holding its data back, as its row says it.
    fn worst_for(&self, tenant: &str) -> Option<String> {
        self.findings
            .iter()
            .find(|f| f.concerns(tenant))
            .map(|f| f.text_for(tenant, self.lang))
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => {
                let mut json = serde_json::to_string_pretty(self).expect("report serializes");
                json.push('\n');
                json_safe(&json)
            }
            // Each text from outside is put on its line where it is written; this catches what a
            // future line forgets, so no report can drive the terminal it is read in.
            Format::Text => sanitize(&self.text()),
            Format::Markdown => sanitize(&self.markdown()),
            // One line, as the plugin guidelines ask: whatever came from outside stays on it.
            Format::Nagios => format!("{}\n", sanitize_line(nagios::render(self).trim_end())),
            Format::Slack => json_safe(&slack::render(self)),
        }
    }

    /// Each figure that could not be read, once per cause, with the tenants it leaves unknown:
    /// `copy_errors_24h of 3 tenant(s) (tenant_a, tenant_b, tenant_c): warehouse load errors: …`.
    fn unread_lines(&self) -> Vec<String> {
        let mut tenants_by_cause: std::collections::BTreeMap<(&str, &str), Vec<&str>> =
            std::collections::BTreeMap::new();
        for tenant in &self.tenants {
            for (key, cause) in &tenant.unknown {
                tenants_by_cause
                    .entry((key, cause))
                    .or_default()
                    .push(&tenant.summary.name);
            }
        }
        const NAMED: usize = 3;
        tenants_by_cause
            .into_iter()
            .map(|((key, cause), tenants)| {
                let mut names = tenants[..tenants.len().min(NAMED)].join(", ");
                if tenants.len() > NAMED {
                    names.push_str(", …");
                }
                match self.lang {
                    Lang::En => format!("{key} of {} tenant(s) ({names}): {cause}", tenants.len()),
                    Lang::Ja => format!("{key}: {} テナント({names}): {cause}", tenants.len()),
                }
            })
            .collect()
    }

    fn text(&self) -> String {
        let lang = self.lang;
        let mut out = String::new();
        let TenantCounts {
            critical,
            warning,
            unknown,
            ok,
        } = self.counts;
        let total = self.counts.total();
        let _ = writeln!(
            out,
            "shiftops check  {}  {} {}",
            self.generated_at,
            self.status.symbol(),
            match lang {
                Lang::En => self.status.as_str().to_uppercase(),
                Lang::Ja => self.status.label_in(lang).to_string(),
            }
        );
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "tenants: {total} ({critical} critical, {warning} warning, {unknown} unknown, {ok} ok)"
            ),
            Lang::Ja => writeln!(
                out,
                "テナント: {total}(重大 {critical}、警告 {warning}、不明 {unknown}、正常 {ok})"
            ),
        };
        if self.findings.is_empty() && self.status == Status::Unknown {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "no findings in what could be read",
                    "読み取れたデータに検出事項なし"
                )
            );
        } else if self.findings.is_empty() {
            let _ = writeln!(out, "{}", lang.pick("no findings", "検出事項なし"));
        }
        let fleet = lang.pick("(fleet)", "(全体)");
        for f in &self.findings {
            let status = Status::from(f.severity);
            let _ = writeln!(
                out,
                "{} {}  {}  {}  {}",
                status.symbol(),
                pad(status.label_in(lang), 4),
                pad(&sanitize_line(f.tenant.as_deref().unwrap_or(fleet)), 14),
                pad(f.check.as_str(), 18),
                sanitize_line(&with_impact(f, lang))
            );
        }
        for line in self.unread_lines() {
            let _ = writeln!(out, "{UNKNOWN} {}", sanitize_line(&line));
        }
        let _ = writeln!(out, "{}", lang.pick("sources:", "ソース:"));
        for s in &self.sources {
            let _ = writeln!(
                out,
                "  {} {} {}{}",
                if s.ok { "✓" } else { "✗" },
                pad(&s.name, 10),
                age(lang, s.age_seconds),
                s.error
                    .as_deref()
                    .map(|e| format!("  {}: {}", lang.pick("error", "エラー"), sanitize_line(e)))
                    .unwrap_or_default()
            );
        }
        out
    }

    fn markdown(&self) -> String {
        let lang = self.lang;
        let ja = lang == Lang::Ja;
        let mut out = String::new();
        let TenantCounts {
            critical,
            warning,
            unknown,
            ok,
        } = self.counts;
        let total = self.counts.total();
        let status_word = |s: Status| match lang {
            Lang::En => s.as_str().to_uppercase(),
            Lang::Ja => s.label_in(lang).to_string(),
        };
        let _ = writeln!(
            out,
            "# {}\n",
            lang.pick("shiftops daily health check", "shiftops 日次ヘルスチェック")
        );
        let _ = if ja {
            writeln!(
                out,
                "- **状態:** {} {}\n- **作成:** {}\n- **テナント:** {}(重大 {critical}、警告 {warning}、不明 {unknown}、正常 {ok})\n- **検出事項:** {}\n",
                self.status.symbol(),
                status_word(self.status),
                self.generated_at,
                total,
                self.findings.len()
            )
        } else {
            writeln!(
                out,
                "- **Status:** {} {}\n- **Generated:** {}\n- **Tenants:** {} ({critical} critical, {warning} warning, {unknown} unknown, {ok} ok)\n- **Findings:** {}\n",
                self.status.symbol(),
                status_word(self.status),
                self.generated_at,
                total,
                self.findings.len()
            )
        };
        let _ = writeln!(out, "## {}\n", lang.pick("Findings", "検出事項"));
        let fleet = lang.pick("(fleet)", "(全体)");
        if self.findings.is_empty() && self.status == Status::Unknown {
            let _ = writeln!(
                out,
                "{}\n",
                lang.pick(
                    "No findings in what could be read; some data could not be (`?` below).",
                    "読み取れたデータに検出事項はありません。読み取れなかったデータがあります(下の `?`)。"
                )
            );
        } else if self.findings.is_empty() {
            let _ = writeln!(
                out,
                "{}\n",
                lang.pick(
                    "No findings: every check passed.",
                    "検出事項はありません。すべてのチェックに合格しました。"
                )
            );
        } else {
            let _ = writeln!(
                out,
                "{}\n|---|---|---|---|---|---|",
                lang.pick(
                    "| Severity | Tenant | Check | Finding | Value | Threshold |",
                    "| 重大度 | テナント | チェック | 検出事項 | 値 | 閾値 |"
                )
            );
            for f in &self.findings {
                let status = Status::from(f.severity);
                let _ = writeln!(
                    out,
                    "| {} {} | {} | `{}` | {} | {} | {} |",
                    status.symbol(),
                    status.label_in(lang),
                    escape_cell(f.tenant.as_deref().unwrap_or(fleet)),
                    f.check.as_str(),
                    escape_cell(&with_impact(f, lang)),
                    f.value.as_ref().map(|v| v.to_string()).unwrap_or_default(),
                    f.threshold
                        .as_ref()
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                );
            }
            out.push('\n');
        }
        let _ = writeln!(out, "## {}\n", lang.pick("Tenants", "テナント"));
        if self.tenants.len() < total {
            let _ = writeln!(
                out,
                "{}\n",
                match lang {
                    Lang::En => format!(
                        "Only the {} tenant(s) that are not ok; {ok} ok left out.",
                        self.tenants.len()
                    ),
                    Lang::Ja => format!(
                        "正常でない {} テナントのみ(正常 {ok} テナントは省略)。",
                        self.tenants.len()
                    ),
                }
            );
        }
        let _ = writeln!(
            out,
            "{}\n|---|---|---|---|---|---|---|---|",
            lang.pick(
                "| Tenant | Status | Path | Integration | Lag | Last export | COPY errors 24 h | Last ELT |",
                "| テナント | 状態 | 経路 | 統合 | 遅延 | 最終エクスポート | COPY エラー(24 時間) | 最終 ELT |"
            )
        );
        for t in &self.tenants {
            let s = &t.summary;
            let _ = writeln!(
                out,
                "| {} | {} {} | {} | {} | {} | {} | {} | {} |",
                escape_cell(&t.summary.name),
                t.status.symbol(),
                t.status.label_in(lang),
                s.path,
                s.integration_status.show(|i| i.to_string()),
                s.lag_seconds.show(|lag| format_duration_secs(*lag, lang)),
                s.last_export.show(|e| e.status.to_string()),
                s.copy_errors_24h.text(),
                s.last_elt.show(|e| e.to_string()),
            );
        }
        let unread = self.unread_lines();
        if !unread.is_empty() {
            let _ = writeln!(
                out,
                "\n{}\n",
                lang.pick("`?`: could not be read", "`?`: 読み取れませんでした")
            );
            for line in unread {
                let _ = writeln!(out, "- {}", escape_cell(&line));
            }
        }
        let _ = writeln!(out, "\n## {}\n", lang.pick("Sources", "ソース"));
        let _ = writeln!(
            out,
            "{}\n|---|---|---|---|",
            lang.pick(
                "| Source | OK | Data age | Error |",
                "| ソース | OK | データの古さ | エラー |"
            )
        );
        for s in &self.sources {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                s.name,
                if s.ok { "✓" } else { "✗" },
                age(lang, s.age_seconds),
                s.error.as_deref().map(escape_cell).unwrap_or_default()
            );
        }
        out
    }
}

fn age(lang: Lang, seconds: Option<i64>) -> String {
    match (seconds, lang) {
        (Some(s), Lang::En) => format!("{} old", format_duration_secs(s as f64, lang)),
        (Some(s), Lang::Ja) => format_ago_secs(s as f64, lang),
        (None, _) => lang.pick("no data", "データなし").into(),
    }
}

/// Text from outside (a message quoting AWS, a name, an error) on one line, by the one
/// sanitiser: control characters shown as escapes, never sent.
fn one_line(text: &str) -> String {
    sanitize_line(text)
}

/// `text` cut to at most `max` characters, an ellipsis marking the cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

/// A Markdown table cell or list item: on one line, a `|` not ending the cell.
fn escape_cell(text: &str) -> String {
    sanitize_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::health::{Thresholds, evaluate};
    use crate::model::{
        ExportStatus, ExportTask, Ingest, RdsData, SourceData, SourceId, Tenant, TenantFailure,
        WarehouseData, WarehouseView,
    };

    /// tenant_b's account refused on the first read, and the load-errors statement failed.
    fn report(lang: Lang) -> CheckReport {
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let tenant = |name: &str| Tenant {
            name: name.into(),
            metric_dimension_value: name.into(),
            schema: name.into(),
            account_id: "222222222222".into(),
            cluster_identifier: format!("{name}-mysql"),
            ingest: Ingest::Export {
                bucket: "b".into(),
                prefix: String::new(),
            },
        };
        let mut snapshot = Snapshot::with_sources(
            vec![tenant("tenant_a"), tenant("tenant_b")],
            &[SourceId::Rds, SourceId::Warehouse],
        );
        let rds = RdsData {
            exports: vec![ExportTask {
                tenant: "tenant_a".into(),
                id: "export-a".into(),
                snapshot: "snapshot-a".into(),
                status: ExportStatus::Complete,
                percent_progress: 100,
                started_at: Some(now - chrono::Duration::hours(2)),
                finished_at: Some(now - chrono::Duration::hours(1)),
                failure_cause: None,
            }],
            failures: vec![TenantFailure {
                tenant: "tenant_b".into(),
                error: "AccessDenied".into(),
            }],
            ..RdsData::default()
        };
        let warehouse = WarehouseData {
            failed_views: vec![(WarehouseView::LoadErrors, "permission denied".into())],
            ..WarehouseData::default()
        };
        snapshot.apply(SourceId::Rds, 1, Ok(SourceData::Rds(rds)), now);
        snapshot.apply(
            SourceId::Warehouse,
            1,
            Ok(SourceData::Warehouse(warehouse)),
            now,
        );
        let health = evaluate(&snapshot, &Thresholds::default(), now);
        CheckReport::new(&snapshot, &health, &Thresholds::default(), now, lang)
    }

    #[test]
    fn json_has_null_where_a_figure_could_not_be_read_and_says_why() {
        let json: serde_json::Value =
            serde_json::from_str(&report(Lang::En).render(Format::Json)).unwrap();
        let b = &json["tenants"][1];
        assert_eq!(b["name"], "tenant_b");
        assert!(
            b["copy_errors_24h"].is_null() && b["last_export"].is_null(),
            "{b}"
        );
        assert_eq!(b["unknown"]["last_export"], "rds: AccessDenied");
        assert_eq!(
            b["unknown"]["copy_errors_24h"],
            "warehouse load errors: permission denied"
        );
        let a = &json["tenants"][0];
        assert_eq!(
            a["unknown"].as_object().unwrap().keys().collect::<Vec<_>>(),
            ["copy_errors_24h"]
        );
        assert_eq!(a["tables_not_synced"], 0, "export path: none, known");
    }

    #[test]
    fn text_and_markdown_show_a_question_mark_and_why_in_both_languages() {
        let text = report(Lang::En).render(Format::Text);
        assert!(text.contains("no findings in what could be read"), "{text}");
        assert!(
            text.contains("? copy_errors_24h of 2 tenant(s) (tenant_a, tenant_b): warehouse load errors: permission denied"),
            "{text}"
        );
        assert!(
            text.contains("? last_export of 1 tenant(s) (tenant_b): rds: AccessDenied"),
            "{text}"
        );
        let markdown = report(Lang::En).render(Format::Markdown);
        assert!(
            markdown.contains("| tenant_a | ? UNKN | export | — | — | complete | ? | — |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("| tenant_b | ? UNKN | export | — | — | ? | ? | — |"),
            "{markdown}"
        );
        assert!(markdown.contains("`?`: could not be read"), "{markdown}");
        let ja = report(Lang::Ja).render(Format::Markdown);
        assert!(ja.contains("`?`: 読み取れませんでした"), "{ja}");
        assert!(
            ja.contains("- last_export: 1 テナント(tenant_b): rds: AccessDenied"),
            "{ja}"
        );
        let ja = report(Lang::Ja).render(Format::Text);
        assert!(ja.contains("読み取れたデータに検出事項なし"), "{ja}");
    }

    #[test]
    fn nagios_says_what_could_not_be_read_when_nothing_is_found() {
        let line = report(Lang::En).render(Format::Nagios);
        assert!(
            line.starts_with(
                "SHIFTOPS UNKNOWN - 0 critical, 0 warning: source rds could not be read: tenant_b: AccessDenied | "
            ),
            "{line}"
        );
        assert!(line.contains(" unknown=2;;; tenants=2;;; "), "{line}");
        assert!(line.contains(" storage_pct=U;80;90;0;100 "), "{line}");
        assert!(
            line.contains(" max_lag=U;900;3600;0 "),
            "no unit on U: {line}"
        );
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn slack_escapes_and_cleans_what_came_from_outside() {
        let mut report = report(Lang::En);
        report.tenants[1].summary.name = "<!here> b&b \x1b]52;c;aGk=\x07\x1b[2J".into();
        let message: serde_json::Value =
            serde_json::from_str(&report.render(Format::Slack)).unwrap();
        let text = message.to_string();
        assert!(
            // `to_string` writes the escapes' backslashes doubled.
            text.contains("&lt;!here&gt; b&amp;b \\\\x1b]52;c;aGk=\\\\x07\\\\x1b[2J"),
            "{text}"
        );
        assert!(
            !text.contains("<!here>") && !text.contains("\\u001b"),
            "{text}"
        );
        assert!(text.contains("Tenants not ok (2 of 2)"), "{text}");
    }

    #[test]
    fn only_problems_keeps_the_counts_of_the_whole_fleet() {
        let mut report = report(Lang::En);
        report.tenants[0].status = Status::Ok;
        report.only_problems();
        assert_eq!(report.tenants.len(), 1);
        assert_eq!(report.counts().total(), 2);
        let text = report.render(Format::Text);
        assert!(
            text.contains("tenants: 2 (0 critical, 0 warning, 2 unknown, 0 ok)"),
            "{text}"
        );
    }
}
