//! `check --format nagios`: one line as the Nagios plugin guidelines ask
//! (<https://www.monitoring-plugins.org/doc/guidelines.html>, "Plugin Output for Nagios" and
//! "Performance data"): `SERVICE STATUS - text | perfdata`, each performance figure
//! `'label'=value[UOM];[warn];[crit];[min];[max]`, separated by spaces, `U` for a value that
//! could not be read. The exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) is the status's.

use std::fmt::Write;

use super::{CheckReport, Gauges, clip, one_line};
use crate::health::Status;
use crate::i18n::Lang;

/// The text before the performance data stays short: monitors show it in a table cell, and NRPE
/// passes at most a few kilobytes.
const MAX_FINDING_CHARS: usize = 200;

pub(super) fn render(report: &CheckReport) -> String {
    let critical = report.count_findings(crate::health::Severity::Critical);
    let warning = report.count_findings(crate::health::Severity::Warning);
    let mut line = format!(
        "SHIFTOPS {} - {critical} critical, {warning} warning: {} | ",
        status_word(report.status),
        plain(&summary(report))
    );
    line.push_str(&perfdata(report, critical, warning));
    line.push('\n');
    line
}

/// The guidelines' status words, in every language: monitors match them.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "OK",
        Status::Warning => "WARNING",
        Status::Critical => "CRITICAL",
        Status::Unknown => "UNKNOWN",
    }
}

/// What is worst: the first finding, else what could not be read, else the fleet's health.
fn summary(report: &CheckReport) -> String {
    let lang = report.lang;
    if let Some(worst) = report.findings.first() {
        let subject = worst
            .tenant
            .clone()
            .unwrap_or_else(|| lang.pick("fleet", "全体").to_string());
        // The message is cut, not the other tenants it holds back: a long cause must not push
        // the impact out of the line.
        let head = format!("{subject}: ");
        let impact = worst
            .impact_text(lang)
            .map(|impact| format!(" — {impact}"))
            .unwrap_or_default();
        let room = MAX_FINDING_CHARS.saturating_sub(head.chars().count() + impact.chars().count());
        let message = clip(&one_line(&worst.message).replace('|', "/"), room);
        return format!("{head}{message}{impact}");
    }
    if let Some(source) = report.sources.iter().find(|s| !s.ok) {
        let error = source.error.as_deref().unwrap_or(match lang {
            Lang::En => "no answer",
            Lang::Ja => "応答なし",
        });
        return match lang {
            Lang::En => format!("source {} could not be read: {error}", source.name),
            Lang::Ja => format!("ソース {} を読み取れません: {error}", source.name),
        };
    }
    if let Some(unread) = report.unread_lines().into_iter().next() {
        return match lang {
            Lang::En => format!("could not be read: {unread}"),
            Lang::Ja => format!("読み取れません: {unread}"),
        };
    }
    let total = report.counts().total();
    match lang {
        Lang::En => format!("{total} tenant(s) ok"),
        Lang::Ja => format!("{total} テナント正常"),
    }
}

/// Foreign text made safe for the line: one line, no control character, and no `|`, which
/// would start the performance data.
fn plain(text: &str) -> String {
    clip(&one_line(text).replace('|', "/"), MAX_FINDING_CHARS)
}

fn perfdata(report: &CheckReport, critical: usize, warning: usize) -> String {
    let counts = report.counts();
    let Gauges {
        storage_percent,
        query_failure_percent,
        max_lag_seconds,
        wlm_queued,
        elt_delay_minutes,
        thresholds: t,
    } = &report.gauges;
    let mut out = String::new();
    // `value;warn;crit;min`, then `;max` where there is one: the guidelines let the trailing
    // fields go.
    let mut figure = |label: &str,
                      value: Option<f64>,
                      uom: &str,
                      (warn, crit): (Option<f64>, Option<f64>),
                      (min, max): (Option<f64>, Option<f64>)| {
        let text = |v: Option<f64>| v.map(number).unwrap_or_default();
        let _ = write!(
            out,
            "{}{label}={};{};{};{}",
            if out.is_empty() { "" } else { " " },
            // An unknown value is a bare `U`, with no unit.
            value.map_or("U".to_string(), |v| format!("{}{uom}", number(v))),
            text(warn),
            text(crit),
            text(min),
        );
        if max.is_some() {
            let _ = write!(out, ";{}", text(max));
        }
    };
    let count = |n: usize| Some(n as f64);
    let none = (None, None);
    // Percentages run from 0 to 100; a lag, a queue or a delay from 0 up.
    let percent = (Some(0.0), Some(100.0));
    let from_zero = (Some(0.0), None);
    figure("critical", count(critical), "", none, none);
    figure("warning", count(warning), "", none, none);
    figure("unknown", count(counts.unknown), "", none, none);
    figure("tenants", count(counts.total()), "", none, none);
    figure("problem_tenants", count(counts.problems()), "", none, none);
    figure(
        "storage_pct",
        *storage_percent,
        "",
        (
            Some(t.storage_warning_percent),
            Some(t.storage_critical_percent),
        ),
        percent,
    );
    figure(
        "query_failure_pct",
        *query_failure_percent,
        "",
        (Some(t.query_failure_percent), None),
        percent,
    );
    figure(
        "max_lag",
        *max_lag_seconds,
        "s",
        (
            Some(t.integration_lag_warning_seconds),
            Some(t.integration_lag_critical_seconds),
        ),
        from_zero,
    );
    figure(
        "wlm_queued",
        *wlm_queued,
        "",
        (Some(t.wlm_queue_length), None),
        from_zero,
    );
    figure(
        "elt_delay_min",
        *elt_delay_minutes,
        "",
        (None, Some(t.elt_delay_minutes)),
        from_zero,
    );
    out
}

/// A number as the guidelines allow: digits, a minus sign and a decimal point only, no
/// exponent; at most two decimals, trailing zeros dropped.
fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_no_exponent_and_no_trailing_zeros() {
        assert_eq!(number(80.0), "80");
        assert_eq!(number(65.25), "65.25");
        assert_eq!(number(1.234_56), "1.23");
        assert_eq!(number(1e9), "1000000000");
        assert_eq!(number(-0.001), "0");
    }

    #[test]
    fn foreign_text_cannot_start_perfdata_or_a_second_line() {
        let text = plain("bad | value\nnext\x1b[2J line");
        assert!(!text.contains('|') && !text.contains('\n') && !text.contains('\x1b'));
        // The escape is shown, never sent: the one sanitiser's visible form.
        assert_eq!(text, "bad / value next\\x1b[2J line");
        assert_eq!(plain(&"x".repeat(500)).chars().count(), MAX_FINDING_CHARS);
    }
}
