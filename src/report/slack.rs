//! `check --format slack`: the report as a Slack message for an incoming webhook — `text`, the
//! notification's fallback, and Block Kit `blocks`: the fleet's status, the findings worst first
//! with their runbooks, then the tenants that are not ok. Whatever the fleet's size it stays one
//! message Slack accepts; what does not fit is counted ("and N more").
//!
//! Slack's limits, from its Block Kit reference (docs.slack.dev/reference/block-kit/blocks):
//! at most 50 blocks a message; a section's text at most 3,000 characters, its fields at most
//! 10 of 2,000 characters each; a header's plain text at most 150 characters; a context block
//! at most 10 elements. The top-level `text` is cut at 40,000 characters (Slack changelog,
//! "Truncating really long messages", 2018). Slack also refuses a message whose blocks hold
//! some 13,000 characters in all (`msg_blocks_too_long`, reported in slackapi/bolt-js#2509, a
//! limit its docs do not state): the blocks here stay under `MAX_BLOCK_CHARS` together.

use serde_json::{Value, json};

use super::{CheckReport, TenantCounts, clip, one_line};
use crate::health::{Severity, Status};
use crate::i18n::Lang;

pub(super) const MAX_BLOCKS: usize = 50;
pub(super) const MAX_SECTION_CHARS: usize = 3000;
pub(super) const MAX_HEADER_CHARS: usize = 150;
/// Well under the ~13,000 characters of all blocks together Slack was seen to refuse.
pub(super) const MAX_BLOCK_CHARS: usize = 11_000;
/// One finding's words: its section also names the tenant, the check and the runbook.
const MAX_FINDING_CHARS: usize = 600;
/// One tenant's line in the list of problem tenants.
const MAX_TENANT_LINE_CHARS: usize = 200;
/// Findings shown one section each; the rest are counted.
const MAX_FINDING_BLOCKS: usize = 20;

/// Foreign text (messages quoting AWS, names, errors) for a `mrkdwn` text: one line, no control
/// character, and `&`, `<`, `>` escaped as Slack asks ("Escaping text": they are its control
/// characters, so `<!channel>` in an alarm's reason would otherwise notify everyone), cut to
/// `max` characters as Slack counts them (after escaping).
fn mrkdwn(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut length = 0;
    let text = one_line(text);
    let total: usize = text.chars().map(escaped_len).sum();
    for c in text.chars() {
        let len = escaped_len(c);
        if total > max && length + len > max.saturating_sub(1) {
            out.push('…');
            break;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
        length += len;
    }
    out
}

fn escaped_len(c: char) -> usize {
    match c {
        '&' => 5,
        '<' | '>' => 4,
        _ => 1,
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Blocks under construction, with the characters they hold.
#[derive(Default)]
struct Blocks {
    blocks: Vec<Value>,
    chars: usize,
}

impl Blocks {
    fn push(&mut self, block: Value, chars: usize) {
        self.blocks.push(block);
        self.chars += chars;
    }

    fn header(&mut self, text: &str) {
        let text = clip(&one_line(text), MAX_HEADER_CHARS);
        let n = chars(&text);
        self.push(
            json!({ "type": "header", "text": { "type": "plain_text", "text": text, "emoji": true } }),
            n,
        );
    }

    fn section(&mut self, text: String) {
        debug_assert!(chars(&text) <= MAX_SECTION_CHARS);
        let n = chars(&text);
        self.push(
            json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } }),
            n,
        );
    }

    fn fields(&mut self, fields: Vec<String>) {
        let n = fields.iter().map(|f| chars(f)).sum();
        let fields: Vec<Value> = fields
            .into_iter()
            .map(|text| json!({ "type": "mrkdwn", "text": text }))
            .collect();
        self.push(json!({ "type": "section", "fields": fields }), n);
    }

    fn context(&mut self, text: String) {
        let n = chars(&text);
        self.push(
            json!({ "type": "context", "elements": [{ "type": "mrkdwn", "text": text }] }),
            n,
        );
    }

    fn divider(&mut self) {
        self.push(json!({ "type": "divider" }), 0);
    }

    /// Whether `more` blocks of `chars` characters still fit, keeping `reserve` blocks for
    /// what must follow.
    fn room(&self, more: usize, chars: usize, reserve: usize) -> bool {
        self.blocks.len() + more + reserve <= MAX_BLOCKS
            && self.chars + chars + reserve * 200 <= MAX_BLOCK_CHARS
    }
}

fn status_word(status: Status, lang: Lang) -> String {
    match lang {
        Lang::En => status.as_str().to_uppercase(),
        Lang::Ja => status.label_in(lang).to_string(),
    }
}

pub(super) fn render(report: &CheckReport) -> String {
    let lang = report.lang;
    let counts = report.counts();
    let mut blocks = Blocks::default();
    let status = format!(
        "{} {}",
        report.status.symbol(),
        status_word(report.status, lang)
    );
    blocks.header(&format!(
        "{status} · {}",
        lang.pick("shiftops daily health check", "shiftops 日次ヘルスチェック")
    ));
    blocks.fields(summary_fields(report, counts, &status));
    blocks.context(sources_line(report));
    blocks.divider();
    findings(report, &mut blocks);
    blocks.divider();
    tenants(report, counts, &mut blocks);
    debug_assert!(blocks.blocks.len() <= MAX_BLOCKS);
    let message = json!({ "text": fallback(report, &status), "blocks": blocks.blocks });
    let mut out = serde_json::to_string_pretty(&message).expect("a message serializes");
    out.push('\n');
    out
}

/// The notification's text, and what clients without blocks show.
fn fallback(report: &CheckReport, status: &str) -> String {
    let lang = report.lang;
    let critical = report.count_findings(Severity::Critical);
    let warning = report.count_findings(Severity::Warning);
    let counts = match lang {
        Lang::En => format!("{critical} critical, {warning} warning"),
        Lang::Ja => format!("重大 {critical}、警告 {warning}"),
    };
    let worst = report.findings.first().map(|f| {
        let subject = f
            .tenant
            .clone()
            .unwrap_or_else(|| lang.pick("fleet", "全体").to_string());
        format!(": {}", mrkdwn(&format!("{subject}: {}", f.message), 300))
    });
    format!("shiftops {status} — {counts}{}", worst.unwrap_or_default())
}

fn summary_fields(report: &CheckReport, counts: TenantCounts, status: &str) -> Vec<String> {
    let lang = report.lang;
    let TenantCounts {
        critical,
        warning,
        unknown,
        ok,
    } = counts;
    let total = counts.total();
    let findings_critical = report.count_findings(Severity::Critical);
    let findings_warning = report.count_findings(Severity::Warning);
    match lang {
        Lang::En => vec![
            format!("*Status*\n{status}"),
            format!("*Generated*\n{}", report.generated_at),
            format!(
                "*Tenants*\n{total}: {critical} critical, {warning} warning, {unknown} unknown, {ok} ok"
            ),
            format!(
                "*Findings*\n{}: {findings_critical} critical, {findings_warning} warning",
                report.findings.len()
            ),
        ],
        Lang::Ja => vec![
            format!("*状態*\n{status}"),
            format!("*作成*\n{}", report.generated_at),
            format!(
                "*テナント*\n{total}(重大 {critical}、警告 {warning}、不明 {unknown}、正常 {ok})"
            ),
            format!(
                "*検出事項*\n{}(重大 {findings_critical}、警告 {findings_warning})",
                report.findings.len()
            ),
        ],
    }
}

fn sources_line(report: &CheckReport) -> String {
    let lang = report.lang;
    let sources: Vec<String> = report
        .sources
        .iter()
        .map(|s| {
            let age = s
                .age_seconds
                .map(|a| crate::model::format_duration_secs(a as f64, lang))
                .unwrap_or_else(|| "—".into());
            match &s.error {
                Some(error) => format!("{} ✗ {age} ({})", s.name, mrkdwn(error, 150)),
                None => format!("{} {} {age}", s.name, if s.ok { "✓" } else { "✗" }),
            }
        })
        .collect();
    clip(
        &format!(
            "{} {}",
            lang.pick("Sources:", "ソース:"),
            sources.join(" · ")
        ),
        MAX_SECTION_CHARS,
    )
}

fn findings(report: &CheckReport, blocks: &mut Blocks) {
    let lang = report.lang;
    let fleet = lang.pick("fleet", "全体");
    if report.findings.is_empty() {
        blocks.section(
            match (report.status, lang) {
                (Status::Unknown, Lang::En) => "No findings in what could be read.",
                (Status::Unknown, Lang::Ja) => "読み取れたデータに検出事項はありません。",
                (_, Lang::En) => "No findings: every check passed.",
                (_, Lang::Ja) => "検出事項はありません。すべてのチェックに合格しました。",
            }
            .to_string(),
        );
        return;
    }
    blocks.header(&format!(
        "{} ({})",
        lang.pick("Findings", "検出事項"),
        report.findings.len()
    ));
    // Kept for the "and N more" line, the divider and the tenants' header, list and count.
    const RESERVE: usize = 5;
    let mut shown = 0;
    for (index, finding) in report.findings.iter().enumerate() {
        let status = Status::from(finding.severity);
        let mut text = format!(
            "{} *{}* · {} · `{}`\n{}",
            status.symbol(),
            status.label_in(lang),
            finding
                .tenant
                .as_deref()
                .map(|t| mrkdwn(t, 100))
                .unwrap_or_else(|| fleet.to_string()),
            finding.check.as_str(),
            mrkdwn(&super::with_impact(finding, lang), MAX_FINDING_CHARS)
        );
        if let Some(runbook) = report.runbook(index) {
            text.push_str(&format!(
                "\n{} `{}` — {}",
                lang.pick("Runbook:", "ランブック:"),
                mrkdwn(&runbook.id, 100),
                mrkdwn(&runbook.title, 200)
            ));
        }
        if shown == MAX_FINDING_BLOCKS || !blocks.room(1, chars(&text), RESERVE) {
            break;
        }
        blocks.section(text);
        shown += 1;
    }
    let rest = report.findings.len() - shown;
    if rest > 0 {
        blocks.context(match lang {
            Lang::En => format!(
                "…and {rest} more finding(s): `shiftops check --format markdown` lists them all"
            ),
            Lang::Ja => format!(
                "…ほか {rest} 件の検出事項: `shiftops check --format markdown` ですべて表示"
            ),
        });
    }
}

fn tenants(report: &CheckReport, counts: TenantCounts, blocks: &mut Blocks) {
    let lang = report.lang;
    let problems: Vec<_> = report
        .tenants
        .iter()
        .filter(|t| t.status != Status::Ok)
        .collect();
    if problems.is_empty() {
        blocks.section(match lang {
            Lang::En => format!("All {} tenant(s) are ok.", counts.total()),
            Lang::Ja => format!("全 {} テナントが正常です。", counts.total()),
        });
        return;
    }
    blocks.header(&match lang {
        Lang::En => format!(
            "Tenants not ok ({} of {})",
            counts.problems(),
            counts.total()
        ),
        Lang::Ja => format!(
            "正常でないテナント({} / {})",
            counts.problems(),
            counts.total()
        ),
    });
    // Kept for the "and N more" line.
    const RESERVE: usize = 1;
    let mut shown = 0;
    let mut section = String::new();
    for tenant in &problems {
        let why = match (
            report.worst_for(&tenant.summary.name),
            tenant.unknown.iter().next(),
        ) {
            (Some(finding), _) => finding,
            (None, Some((key, cause))) => format!("{key}: {cause}"),
            (None, None) => String::new(),
        };
        let line = format!(
            "{} *{}* {} — {}",
            tenant.status.symbol(),
            tenant.status.label_in(lang),
            mrkdwn(&tenant.summary.name, 100),
            mrkdwn(&why, MAX_TENANT_LINE_CHARS)
        );
        let joined = chars(&section) + 1 + chars(&line);
        if !section.is_empty() && joined <= MAX_SECTION_CHARS && blocks.room(0, joined, RESERVE + 1)
        {
            section.push('\n');
            section.push_str(&line);
            shown += 1;
            continue;
        }
        // The section is full: it becomes a block, and the line starts the next, if one fits.
        if !section.is_empty() {
            blocks.section(std::mem::take(&mut section));
        }
        if !blocks.room(1, chars(&line), RESERVE + 1) {
            break;
        }
        section = line;
        shown += 1;
    }
    if !section.is_empty() {
        blocks.section(section);
    }
    let rest = problems.len() - shown;
    if rest > 0 {
        blocks.context(match lang {
            Lang::En => format!(
                "…and {rest} more tenant(s) not ok: `shiftops check --only-problems` lists them all"
            ),
            Lang::Ja => {
                format!("…ほか {rest} テナント: `shiftops check --only-problems` ですべて表示")
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_text_is_escaped_and_on_one_line() {
        assert_eq!(
            mrkdwn("<!channel> a & b > c\n\x1b]52;c;aGk=\x07next", 100),
            "&lt;!channel&gt; a &amp; b &gt; c \\x1b]52;c;aGk=\\x07next"
        );
    }

    #[test]
    fn a_cut_counts_the_escapes_and_never_splits_one() {
        let text = mrkdwn(&"<".repeat(100), 41);
        assert_eq!(text, format!("{}…", "&lt;".repeat(10)));
        assert!(chars(&text) <= 41);
        assert_eq!(mrkdwn("short", 5), "short");
        assert_eq!(mrkdwn("longer", 5), "long…");
    }
}
