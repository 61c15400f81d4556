//! The `check` report: one refresh judged by the health rules, as text, JSON or Markdown.
//! The JSON keys are a contract (`docs/check.md`): add keys, never rename them.

use std::fmt::Write;

use serde::Serialize;

use crate::health::{Finding, Health, Status};
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
    pub fn new(snapshot: &Snapshot, health: &Health, now: Time, lang: Lang) -> Self {
        let tenants = summarize_tenants(snapshot, now)
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
        }
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

    fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |s: Status| self.tenants.iter().filter(|t| t.status == s).count();
        (
            count(Status::Critical),
            count(Status::Warning),
            count(Status::Unknown),
            count(Status::Ok),
        )
    }

    fn text(&self) -> String {
        let lang = self.lang;
        let mut out = String::new();
        let (critical, warning, unknown, ok) = self.counts();
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
                "tenants: {} ({critical} critical, {warning} warning, {unknown} unknown, {ok} ok)",
                self.tenants.len()
            ),
            Lang::Ja => writeln!(
                out,
                "テナント: {}(重大 {critical}、警告 {warning}、不明 {unknown}、正常 {ok})",
                self.tenants.len()
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
        let (critical, warning, unknown, ok) = self.counts();
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
                self.tenants.len(),
                self.findings.len()
            )
        } else {
            writeln!(
                out,
                "- **Status:** {} {}\n- **Generated:** {}\n- **Tenants:** {} ({critical} critical, {warning} warning, {unknown} unknown, {ok} ok)\n- **Findings:** {}\n",
                self.status.symbol(),
                status_word(self.status),
                self.generated_at,
                self.tenants.len(),
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
        CheckReport::new(&snapshot, &health, now, lang)
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
}
