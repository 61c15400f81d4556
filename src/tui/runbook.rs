//! Runbooks: what to do when a check or an alarm fires, as data files in `runbooks/*.toml`.
//!
//! A runbook is a list of steps in three phases — triage, recovery, follow-up (the seed's
//! 一次切り分け → 復旧フロー → 事後対応). A step either jumps to a panel with a filter, proposes a
//! recovery action, or is a note to read. The shipped runbooks are built into the binary, in English
//! (`runbooks/<id>.toml`) and in Japanese (`runbooks/ja/<id>.toml`, the same steps with their text
//! translated); files in `<config dir>/shiftops/runbooks/` (and, for Japanese, `…/runbooks/ja/`)
//! add runbooks or replace a shipped one with the same id. Every mistake in a file is reported as
//! `file:line:column` at the offending token.
//!
//! A step's text may name what the console knows — `{tenant}`, `{file}`, `{execution_arn}` … —
//! and indents its commands by four spaces: [`text`] fills the one and finds the other.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::{self, Write as _};
use std::io::ErrorKind;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::action::ActionKind;
use crate::datafile::{self, DataFileError};
use crate::health::{CheckId, Finding};
use crate::i18n::Lang;
use crate::model::EltStage;
use crate::tui::action::View;

pub mod text;

/// The ids of the runbooks built into the binary.
pub const SHIPPED: &[&str] = &[
    "copy-error",
    "dbt-failure",
    "elt-delay",
    "export-failure",
    "integration-needs-attention",
    "query-failure-rate",
    "storage-pressure",
    "wlm-queue-overload",
];

/// Shipped runbooks as (path shown in errors, contents), in [`SHIPPED`] order.
const SHIPPED_FILES: &[(&str, &str)] = &[
    (
        "runbooks/copy-error.toml",
        include_str!("../../runbooks/copy-error.toml"),
    ),
    (
        "runbooks/dbt-failure.toml",
        include_str!("../../runbooks/dbt-failure.toml"),
    ),
    (
        "runbooks/elt-delay.toml",
        include_str!("../../runbooks/elt-delay.toml"),
    ),
    (
        "runbooks/export-failure.toml",
        include_str!("../../runbooks/export-failure.toml"),
    ),
    (
        "runbooks/integration-needs-attention.toml",
        include_str!("../../runbooks/integration-needs-attention.toml"),
    ),
    (
        "runbooks/query-failure-rate.toml",
        include_str!("../../runbooks/query-failure-rate.toml"),
    ),
    (
        "runbooks/storage-pressure.toml",
        include_str!("../../runbooks/storage-pressure.toml"),
    ),
    (
        "runbooks/wlm-queue-overload.toml",
        include_str!("../../runbooks/wlm-queue-overload.toml"),
    ),
];

/// The Japanese shipped runbooks, in [`SHIPPED`] order: the same ids, triggers and steps as the
/// English files, with `title`, `summary` and each step's `title` and `text` translated.
const SHIPPED_FILES_JA: &[(&str, &str)] = &[
    (
        "runbooks/ja/copy-error.toml",
        include_str!("../../runbooks/ja/copy-error.toml"),
    ),
    (
        "runbooks/ja/dbt-failure.toml",
        include_str!("../../runbooks/ja/dbt-failure.toml"),
    ),
    (
        "runbooks/ja/elt-delay.toml",
        include_str!("../../runbooks/ja/elt-delay.toml"),
    ),
    (
        "runbooks/ja/export-failure.toml",
        include_str!("../../runbooks/ja/export-failure.toml"),
    ),
    (
        "runbooks/ja/integration-needs-attention.toml",
        include_str!("../../runbooks/ja/integration-needs-attention.toml"),
    ),
    (
        "runbooks/ja/query-failure-rate.toml",
        include_str!("../../runbooks/ja/query-failure-rate.toml"),
    ),
    (
        "runbooks/ja/storage-pressure.toml",
        include_str!("../../runbooks/ja/storage-pressure.toml"),
    ),
    (
        "runbooks/ja/wlm-queue-overload.toml",
        include_str!("../../runbooks/ja/wlm-queue-overload.toml"),
    ),
];

/// The shipped runbook files of a language: (path shown in errors, contents).
fn shipped_files(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => SHIPPED_FILES,
        Lang::Ja => SHIPPED_FILES_JA,
    }
}

/// Where a step belongs in the incident. Ordered: steps run triage, then recovery, then follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Find out what broke and where (一次切り分け).
    Triage,
    /// Make the pipeline whole again (復旧フロー).
    Recovery,
    /// Record, share and prevent (事後対応).
    FollowUp,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Triage, Phase::Recovery, Phase::FollowUp];

    /// The name used in runbook files.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Triage => "triage",
            Phase::Recovery => "recovery",
            Phase::FollowUp => "follow-up",
        }
    }

    /// The heading shown in the walkthrough and in Markdown, in English.
    pub fn title(self) -> &'static str {
        self.title_in(Lang::En)
    }

    /// The heading in `lang`: the Japanese ones are the seed's (一次切り分け → 復旧フロー → 事後対応).
    pub fn title_in(self, lang: Lang) -> &'static str {
        match self {
            Phase::Triage => lang.pick("Triage", "一次切り分け"),
            Phase::Recovery => lang.pick("Recovery", "復旧フロー"),
            Phase::FollowUp => lang.pick("Follow-up", "事後対応"),
        }
    }

    pub fn from_name(name: &str) -> Option<Phase> {
        Self::ALL.into_iter().find(|phase| phase.as_str() == name)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a step asks the console to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// Jump to a panel, with its `/` filter set when one is given.
    Check { view: View, filter: Option<String> },
    /// Open a recovery action's preview and confirmation.
    Action(ActionKind),
    /// Read, then mark done.
    Note,
}

impl StepKind {
    /// The names of the kinds, as written in runbook files.
    pub const NAMES: [&'static str; 3] = ["check", "action", "note"];

    /// The `kind` value of this step in a runbook file.
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Check { .. } => "check",
            StepKind::Action(_) => "action",
            StepKind::Note => "note",
        }
    }
}

/// One step of a runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub phase: Phase,
    pub title: String,
    /// Prose for the on-call engineer; may span several lines. Lines indented four spaces are
    /// commands; `{tenant}` and the other [`text::Placeholder`]s are filled in where it is shown
    /// ([`text::fill`]).
    pub text: String,
    pub kind: StepKind,
}

/// A validated runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    /// The file stem, e.g. `copy-error`.
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Findings of these checks open this runbook.
    pub checks: Vec<CheckId>,
    /// CloudWatch alarms with these exact names open this runbook.
    pub alarms: Vec<String>,
    /// An ELT run that failed in a state of these stages opens this runbook, before the runbook
    /// of the `elt_failed` check: a COPY failure is copy-error's, a dbt failure dbt-failure's.
    pub elt_failed_at: Vec<EltStage>,
    /// In phase order.
    pub steps: Vec<Step>,
    /// Where it came from: `runbooks/<id>.toml` for shipped runbooks, else the file's path.
    pub path: String,
}

impl Runbook {
    /// The steps of one phase, in file order.
    pub fn steps_in(&self, phase: Phase) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |step| step.phase == phase)
    }
}

/// The view a command-mode name (`elt`, `loaderrors`, …) stands for. `View` has no parser of its
/// own, so the lookup goes over every view's [`View::command`].
pub fn from_command(name: &str) -> Option<View> {
    all_views().find(|view| view.command() == name)
}

/// Every view: the tabs, then the tenant view (which is not a tab).
fn all_views() -> impl Iterator<Item = View> {
    View::TABS.into_iter().chain([View::Tenant])
}

/// The shipped runbooks in `lang`, then every `*.toml` in `<config dir>/shiftops/runbooks/`, then
/// (for Japanese) every `*.toml` in `<config dir>/shiftops/runbooks/ja/`: a user file with the id
/// of a runbook already loaded replaces it, others add to them. Sorted by id.
pub fn load_all(lang: Lang) -> Result<Vec<Runbook>, DataFileError> {
    let user_dir = crate::config::config_dir().map(|dir| dir.join("runbooks"));
    load_from(user_dir.as_deref(), lang)
}

/// Only the runbooks built into the binary, in `lang`, sorted by id: what the generated
/// documentation shows, whatever the user's config directory holds.
pub fn load_shipped(lang: Lang) -> Result<Vec<Runbook>, DataFileError> {
    load_from(None, lang)
}

/// Parses one runbook file; `path` is how errors name it and its stem must be the runbook's id.
pub fn parse(path: &str, text: &str) -> Result<Runbook, DataFileError> {
    parse_with_spans(path, text).map(|parsed| parsed.runbook)
}

/// The runbook a finding of `check` opens.
pub fn for_check(runbooks: &[Runbook], check: CheckId) -> Option<&Runbook> {
    runbooks
        .iter()
        .find(|runbook| runbook.checks.contains(&check))
}

/// The runbook for what a finding says: its alarm's, the one for the stage its ELT run failed
/// in, else its check's.
pub fn for_finding<'a>(runbooks: &'a [Runbook], finding: &Finding) -> Option<&'a Runbook> {
    if let Some(name) = finding.alarm() {
        return for_alarm(runbooks, name);
    }
    if let Some(stage) = finding.elt_stage()
        && let Some(found) = runbooks.iter().find(|r| r.elt_failed_at.contains(&stage))
    {
        return Some(found);
    }
    for_check(runbooks, finding.check)
}

/// The runbook the CloudWatch alarm named `alarm` opens (names are compared exactly, as
/// CloudWatch does).
pub fn for_alarm<'a>(runbooks: &'a [Runbook], alarm: &str) -> Option<&'a Runbook> {
    runbooks
        .iter()
        .find(|runbook| runbook.alarms.iter().any(|name| name == alarm))
}

/// The runbook as a Markdown page: title, summary, triggers, then each phase and its numbered
/// steps (numbered across phases, as the walkthrough counts them). The headings and the lines
/// shiftops adds are in `lang`; the runbook's own text is as its file wrote it.
pub fn to_markdown(runbook: &Runbook, lang: Lang) -> String {
    markdown_at_level(runbook, 1, lang)
}

/// [`to_markdown`] with the title at heading `level`, so the docs can nest runbooks in an index.
fn markdown_at_level(runbook: &Runbook, level: usize, lang: Lang) -> String {
    let heading = |depth: usize| "#".repeat(level + depth);
    let mut page = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(page, "{} {}\n", heading(0), runbook.title);
    let _ = writeln!(page, "{}\n", runbook.summary.trim());
    match lang {
        Lang::En => {
            let _ = writeln!(page, "- **Id:** `{}` (`{}`)", runbook.id, runbook.path);
            let _ = writeln!(page, "- **Opened by:** {}\n", triggers_text(runbook, lang));
        }
        Lang::Ja => {
            let _ = writeln!(page, "- **ID:** `{}`（`{}`）", runbook.id, runbook.path);
            let _ = writeln!(
                page,
                "- **開くきっかけ:** {}\n",
                triggers_text(runbook, lang)
            );
        }
    }

    let mut number = 0;
    for phase in Phase::ALL {
        let mut steps = runbook.steps_in(phase).peekable();
        if steps.peek().is_none() {
            continue;
        }
        let _ = writeln!(page, "{} {}\n", heading(1), phase.title_in(lang));
        for step in steps {
            number += 1;
            let _ = writeln!(page, "{} {number}. {}\n", heading(2), step.title);
            let _ = writeln!(page, "{}\n", kind_text(&step.kind, lang));
            // The placeholders show as `<tenant>`: the page is about no incident in particular.
            let text = text::fill(&step.text, &text::Values::default());
            let _ = writeln!(page, "{}\n", text.trim());
        }
    }
    // One trailing newline, however the last text ended.
    let trimmed = page.trim_end().len();
    page.truncate(trimmed);
    page.push('\n');
    page
}

/// "checks `a`, `b`; alarms `X`" for the Markdown page.
fn triggers_text(runbook: &Runbook, lang: Lang) -> String {
    let code_list = |names: Vec<&str>| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(lang.pick(", ", "、"))
    };
    let mut parts = Vec::new();
    if !runbook.checks.is_empty() {
        let checks = runbook.checks.iter().map(|check| check.as_str()).collect();
        parts.push(format!(
            "{} {}",
            lang.pick("checks", "チェック"),
            code_list(checks)
        ));
    }
    if !runbook.alarms.is_empty() {
        let alarms = runbook.alarms.iter().map(String::as_str).collect();
        parts.push(format!(
            "{} {}",
            lang.pick("alarms", "アラーム"),
            code_list(alarms)
        ));
    }
    let (stopped, stages): (Vec<EltStage>, Vec<EltStage>) = runbook
        .elt_failed_at
        .iter()
        .partition(|s| **s == EltStage::Stopped);
    if !stages.is_empty() {
        let stages = stages.iter().map(|s| s.as_str()).collect();
        parts.push(format!(
            "{} {}",
            lang.pick("an ELT run failed at", "ELT 実行の失敗箇所"),
            code_list(stages)
        ));
    }
    if !stopped.is_empty() {
        parts.push(
            lang.pick(
                "an ELT run an operator stopped (`stopped`)",
                "運用者が停止した ELT 実行(`stopped`)",
            )
            .to_owned(),
        );
    }
    if parts.is_empty() {
        lang.pick(
            "no check or alarm; open it from the runbook list",
            "チェックやアラームからは開かない。ランブックの一覧（`:runbook`）から開く",
        )
        .to_owned()
    } else {
        parts.join(lang.pick("; ", " / "))
    }
}

/// What the console does for a step, in one Markdown line.
fn kind_text(kind: &StepKind, lang: Lang) -> String {
    match (kind, lang) {
        (StepKind::Check { view, filter }, Lang::En) => {
            let filtered = filter
                .as_ref()
                .map(|filter| format!(" filtered by `{filter}`"))
                .unwrap_or_default();
            format!(
                "*Check:* open the {} panel (`:{}`){filtered}.",
                view.title(),
                view.command()
            )
        }
        (StepKind::Check { view, filter }, Lang::Ja) => {
            let filtered = filter
                .as_ref()
                .map(|filter| format!("をフィルタ `{filter}` で"))
                .unwrap_or_else(|| "を".to_owned());
            format!(
                "*確認:* 「{}」パネル（`:{}`）{filtered}開く。",
                view.title_in(Lang::Ja),
                view.command()
            )
        }
        (StepKind::Action(action), Lang::En) => format!(
            "*Action:* `{action}` — {}; shiftops shows a preview and asks for confirmation.",
            action.title()
        ),
        (StepKind::Action(action), Lang::Ja) => format!(
            "*操作:* `{action}` — {}。shiftops がプレビューを表示し、確認を求める。",
            action.title_in(Lang::Ja)
        ),
        (StepKind::Note, Lang::En) => "*Note:* read it, then mark it done.".to_owned(),
        (StepKind::Note, Lang::Ja) => "*メモ:* 読んで対応し、完了にする。".to_owned(),
    }
}

/// A runbook file's shape; anything else in the file is an error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunbookFile {
    id: Spanned<String>,
    title: String,
    summary: String,
    #[serde(default)]
    triggers: TriggersFile,
    // Optional so that a file without steps gets our message instead of serde's "missing field".
    steps: Option<Spanned<Vec<StepFile>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TriggersFile {
    #[serde(default)]
    checks: Vec<Spanned<String>>,
    #[serde(default)]
    alarms: Vec<Spanned<String>>,
    #[serde(default)]
    elt_failed_at: Vec<Spanned<String>>,
}

/// One `[[steps]]` table before its kind is known; which of the optional fields may appear
/// depends on `kind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    phase: Spanned<String>,
    title: String,
    text: Spanned<String>,
    kind: Spanned<String>,
    view: Option<Spanned<String>>,
    filter: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
}

/// A parsed runbook with the spans of its triggers (parallel to `checks` and `alarms`), kept so
/// that [`load_from`] can point at a trigger another runbook already claims.
struct ParsedRunbook {
    runbook: Runbook,
    text: String,
    check_spans: Vec<Range<usize>>,
    alarm_spans: Vec<Range<usize>>,
    stage_spans: Vec<Range<usize>>,
}

fn parse_with_spans(path: &str, text: &str) -> Result<ParsedRunbook, DataFileError> {
    let error_at =
        |span: Range<usize>, message: String| datafile::error_at(path, text, span, message);
    let file: RunbookFile = datafile::parse(path, text)?;

    let expected_id = Path::new(path)
        .file_stem()
        .and_then(OsStr::to_str)
        .unwrap_or_default();
    if file.id.get_ref() != expected_id {
        return Err(error_at(
            file.id.span(),
            format!(
                "id \"{}\" does not match the file name; it must be \"{expected_id}\"",
                file.id.get_ref()
            ),
        ));
    }

    let mut checks = Vec::new();
    let mut check_spans: Vec<Range<usize>> = Vec::new();
    for name in &file.triggers.checks {
        let check =
            parse_check(name.get_ref()).map_err(|message| error_at(name.span(), message))?;
        if checks.contains(&check) {
            return Err(error_at(
                name.span(),
                format!("check \"{check}\" is listed twice"),
            ));
        }
        checks.push(check);
        check_spans.push(name.span());
    }
    let mut alarms: Vec<String> = Vec::new();
    let mut alarm_spans = Vec::new();
    for name in &file.triggers.alarms {
        if alarms.contains(name.get_ref()) {
            return Err(error_at(
                name.span(),
                format!("alarm \"{}\" is listed twice", name.get_ref()),
            ));
        }
        alarms.push(name.get_ref().clone());
        alarm_spans.push(name.span());
    }
    let mut elt_failed_at = Vec::new();
    let mut stage_spans = Vec::new();
    for name in &file.triggers.elt_failed_at {
        let stage = EltStage::parse(name.get_ref()).ok_or_else(|| {
            error_at(
                name.span(),
                format!(
                    "unknown ELT stage \"{}\"; the stages are {}",
                    name.get_ref(),
                    EltStage::ALL.map(EltStage::as_str).join(", ")
                ),
            )
        })?;
        if elt_failed_at.contains(&stage) {
            return Err(error_at(
                name.span(),
                format!("stage \"{}\" is listed twice", stage.as_str()),
            ));
        }
        elt_failed_at.push(stage);
        stage_spans.push(name.span());
    }

    let Some(step_files) = file.steps else {
        return Err(error_at(0..0, no_steps_message()));
    };
    if step_files.get_ref().is_empty() {
        return Err(error_at(step_files.span(), no_steps_message()));
    }
    let mut steps: Vec<Step> = Vec::new();
    for step in step_files.into_inner() {
        let phase = Phase::from_name(step.phase.get_ref()).ok_or_else(|| {
            error_at(
                step.phase.span(),
                format!(
                    "unknown phase \"{}\"; the phases are {}",
                    step.phase.get_ref(),
                    Phase::ALL.map(Phase::as_str).join(", ")
                ),
            )
        })?;
        if let Some(previous) = steps.last().map(|previous| previous.phase)
            && phase < previous
        {
            return Err(error_at(
                step.phase.span(),
                format!(
                    "a {phase} step cannot follow a {previous} step; steps go {}",
                    Phase::ALL.map(Phase::as_str).join(", then ")
                ),
            ));
        }
        let kind = parse_kind(&step).map_err(|(span, message)| error_at(span, message))?;
        text::check(step.text.get_ref()).map_err(|error| {
            let at = text_error_offset(text, step.text.span(), step.text.get_ref(), &error);
            error_at(at..at, error.message)
        })?;
        steps.push(Step {
            phase,
            title: step.title,
            text: step.text.into_inner(),
            kind,
        });
    }

    Ok(ParsedRunbook {
        runbook: Runbook {
            id: file.id.into_inner(),
            title: file.title,
            summary: file.summary,
            checks,
            alarms,
            elt_failed_at,
            steps,
            path: path.to_owned(),
        },
        text: text.to_owned(),
        check_spans,
        alarm_spans,
        stage_spans,
    })
}

/// Where in the file a mistake of a step's text is: the text as TOML decoded it may differ from
/// the file (escapes, line continuations), so the offending token is looked for in the file's
/// string literal, as the same occurrence; failing that, the literal's start.
fn text_error_offset(
    file: &str,
    literal: Range<usize>,
    decoded: &str,
    error: &text::TextError,
) -> usize {
    let occurrence = decoded[..error.offset]
        .matches(error.token.as_str())
        .count();
    file.get(literal.clone())
        .and_then(|raw| raw.match_indices(error.token.as_str()).nth(occurrence))
        .map_or(literal.start, |(at, _)| literal.start + at)
}

fn no_steps_message() -> String {
    "a runbook needs at least one [[steps]] table".to_owned()
}

/// A trigger check by its snake_case name.
fn parse_check(name: &str) -> Result<CheckId, String> {
    match CheckId::ALL
        .into_iter()
        .find(|check| check.as_str() == name)
    {
        // Every alarm is a finding of this check; claiming it would route them all here.
        Some(CheckId::Alarm) => Err(
            "check \"alarm\" stands for every CloudWatch alarm; list the alarm's name under \
             alarms instead"
                .to_owned(),
        ),
        Some(check) => Ok(check),
        None => {
            let valid: Vec<&str> = CheckId::ALL
                .into_iter()
                .filter(|check| *check != CheckId::Alarm)
                .map(CheckId::as_str)
                .collect();
            Err(format!(
                "unknown check \"{name}\"; the checks are {}",
                valid.join(", ")
            ))
        }
    }
}

/// The step's kind with its fields, rejecting fields the kind does not take.
fn parse_kind(step: &StepFile) -> Result<StepKind, (Range<usize>, String)> {
    let kind_name = step.kind.get_ref().as_str();
    // (field name, value) of every optional field, to reject the ones a kind does not take.
    let optional_fields = [
        ("view", &step.view),
        ("filter", &step.filter),
        ("action", &step.action),
    ];
    let allowed: &[&str] = match kind_name {
        "check" => &["view", "filter"],
        "action" => &["action"],
        "note" => &[],
        other => {
            return Err((
                step.kind.span(),
                format!(
                    "unknown step kind \"{other}\"; the kinds are {}",
                    StepKind::NAMES.join(", ")
                ),
            ));
        }
    };
    let article = if kind_name == "action" { "an" } else { "a" };
    for (field, value) in optional_fields {
        if let Some(value) = value
            && !allowed.contains(&field)
        {
            return Err((
                value.span(),
                format!(
                    "{article} {kind_name} step takes no `{field}`; remove it or change the kind"
                ),
            ));
        }
    }

    match kind_name {
        "check" => {
            let view = step.view.as_ref().ok_or_else(|| {
                (
                    step.kind.span(),
                    format!(
                        "a check step needs a `view`: one of {}",
                        view_names().join(", ")
                    ),
                )
            })?;
            let parsed = from_command(view.get_ref()).ok_or_else(|| {
                (
                    view.span(),
                    format!(
                        "unknown view \"{}\"; the views are {}",
                        view.get_ref(),
                        view_names().join(", ")
                    ),
                )
            })?;
            Ok(StepKind::Check {
                view: parsed,
                filter: step.filter.as_ref().map(|filter| filter.get_ref().clone()),
            })
        }
        "action" => {
            let action = step.action.as_ref().ok_or_else(|| {
                (
                    step.kind.span(),
                    format!(
                        "an action step needs an `action`: one of {}",
                        action_names().join(", ")
                    ),
                )
            })?;
            ActionKind::from_name(action.get_ref())
                .map(StepKind::Action)
                .ok_or_else(|| {
                    (
                        action.span(),
                        format!(
                            "unknown action \"{}\"; the actions are {}",
                            action.get_ref(),
                            action_names().join(", ")
                        ),
                    )
                })
        }
        _ => Ok(StepKind::Note),
    }
}

fn view_names() -> Vec<&'static str> {
    all_views().map(View::command).collect()
}

fn action_names() -> Vec<&'static str> {
    ActionKind::ALL.map(ActionKind::name).to_vec()
}

/// [`load_all`] with the user directory as a parameter, so tests need not touch the real one.
/// `user_dir` is `…/shiftops/runbooks`; for Japanese its `ja/` subdirectory is read after it.
fn load_from(user_dir: Option<&Path>, lang: Lang) -> Result<Vec<Runbook>, DataFileError> {
    let mut parsed = shipped_files(lang)
        .iter()
        .map(|(path, text)| parse_with_spans(path, text))
        .collect::<Result<Vec<_>, _>>()?;
    let user_dirs: Vec<PathBuf> = match (user_dir, lang) {
        (None, _) => Vec::new(),
        (Some(dir), Lang::En) => vec![dir.to_path_buf()],
        (Some(dir), Lang::Ja) => vec![dir.to_path_buf(), dir.join("ja")],
    };
    for dir in &user_dirs {
        for path in user_files(dir)? {
            let text = datafile::read_text(&path)?;
            let user = parse_with_spans(&path.display().to_string(), &text)?;
            // A user runbook with a loaded id replaces it in place, so that trigger conflicts
            // below are still checked with every shipped runbook ahead of every user one. Ids are
            // file names, unique within a directory, so only an earlier layer can hold the id.
            match parsed
                .iter()
                .position(|loaded| loaded.runbook.id == user.runbook.id)
            {
                Some(index) => parsed[index] = user,
                None => parsed.push(user),
            }
        }
    }
    check_unique_triggers(&parsed)?;
    let mut runbooks: Vec<Runbook> = parsed.into_iter().map(|parsed| parsed.runbook).collect();
    runbooks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(runbooks)
}

/// The `*.toml` entries of `dir` in name order; none if the directory does not exist. Every
/// entry counts, whatever it is: one that is not a regular file (a directory, a FIFO, a dangling
/// link) is reported when it is read, never skipped in silence.
fn user_files(dir: &Path) -> Result<Vec<PathBuf>, DataFileError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(DataFileError::whole_file(
                dir.display().to_string(),
                format!("cannot list runbooks: {error}"),
            ));
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| {
                DataFileError::whole_file(
                    dir.display().to_string(),
                    format!("cannot list runbooks: {error}"),
                )
            })?
            .path();
        if path.extension() == Some(OsStr::new("toml")) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// One check or alarm opens one runbook, or [`for_check`] / [`for_alarm`] would pick by
/// accident. Conflicts are reported at the later claim, which is the user's file whenever one is
/// involved (shipped runbooks come first).
fn check_unique_triggers(parsed: &[ParsedRunbook]) -> Result<(), DataFileError> {
    // Trigger → (runbook index, span of its claim).
    let mut claims: HashMap<String, (usize, Range<usize>)> = HashMap::new();
    for (index, runbook) in parsed.iter().enumerate() {
        let checks = runbook
            .runbook
            .checks
            .iter()
            .map(|check| ("check", check.as_str().to_owned()));
        let alarms = runbook
            .runbook
            .alarms
            .iter()
            .map(|alarm| ("alarm", alarm.clone()));
        let stages = runbook
            .runbook
            .elt_failed_at
            .iter()
            .map(|stage| ("ELT stage", stage.as_str().to_owned()));
        let spans = runbook
            .check_spans
            .iter()
            .chain(&runbook.alarm_spans)
            .chain(&runbook.stage_spans);
        for ((what, name), span) in checks.chain(alarms).chain(stages).zip(spans) {
            let key = format!("{what} {name}");
            if let Some((other, other_span)) = claims.get(&key) {
                let other = &parsed[*other];
                return Err(datafile::error_at(
                    &runbook.runbook.path,
                    &runbook.text,
                    span.clone(),
                    format!(
                        "{what} \"{name}\" already opens runbook \"{}\" ({}); each {what} opens \
                         one runbook",
                        other.runbook.id,
                        datafile::location(&other.runbook.path, &other.text, other_span.clone())
                    ),
                ));
            }
            claims.insert(key, (index, span.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Vec<Runbook> {
        load_from(None, Lang::En).expect("the shipped runbooks are valid")
    }

    fn shipped_ja() -> Vec<Runbook> {
        load_from(None, Lang::Ja).expect("the Japanese shipped runbooks are valid")
    }

    /// The error `text` (as file `runbooks/sample.toml`) is rejected with.
    fn error(text: &str) -> String {
        parse("runbooks/sample.toml", text)
            .expect_err("the runbook should be rejected")
            .to_string()
    }

    /// A valid runbook header followed by `steps`.
    fn with_steps(steps: &str) -> String {
        format!("id = \"sample\"\ntitle = \"Sample\"\nsummary = \"A sample.\"\n{steps}")
    }

    #[test]
    fn every_shipped_runbook_loads_with_all_three_phases() {
        let runbooks = shipped();
        let ids: Vec<&str> = runbooks.iter().map(|runbook| runbook.id.as_str()).collect();
        assert_eq!(ids, SHIPPED);
        for runbook in &runbooks {
            assert_eq!(runbook.path, format!("runbooks/{}.toml", runbook.id));
            for phase in Phase::ALL {
                assert!(
                    runbook.steps_in(phase).next().is_some(),
                    "{} has no {phase} step",
                    runbook.id
                );
            }
            assert!(!runbook.summary.trim().is_empty(), "{}", runbook.id);
            for step in &runbook.steps {
                assert!(
                    !step.text.trim().is_empty(),
                    "{}: {}",
                    runbook.id,
                    step.title
                );
            }
        }
    }

    #[test]
    fn shipped_files_match_the_shipped_ids() {
        let ids: Vec<String> = SHIPPED_FILES
            .iter()
            .map(|(path, _)| {
                path.trim_start_matches("runbooks/")
                    .trim_end_matches(".toml")
                    .to_owned()
            })
            .collect();
        assert_eq!(ids, SHIPPED);
    }

    #[test]
    fn shipped_triggers_are_unique_across_runbooks() {
        let runbooks = shipped();
        let mut owner: HashMap<String, &str> = HashMap::new();
        for runbook in &runbooks {
            let checks = runbook.checks.iter().map(|check| format!("check {check}"));
            let alarms = runbook.alarms.iter().map(|alarm| format!("alarm {alarm}"));
            for trigger in checks.chain(alarms) {
                if let Some(other) = owner.insert(trigger.clone(), &runbook.id) {
                    panic!("{trigger} is claimed by both {other} and {}", runbook.id);
                }
            }
        }
    }

    fn elt_failure(step: Option<&str>) -> Finding {
        let detail = crate::health::Detail::EltFailed {
            run: "daily-elt-1".into(),
            status: "failed".into(),
            step: step.map(str::to_string),
            error: None,
            cause: None,
        };
        Finding::new(
            None,
            CheckId::EltFailed,
            crate::health::Severity::Critical,
            detail,
        )
    }

    #[test]
    fn an_elt_failure_opens_the_runbook_of_the_stage_it_failed_in() {
        for runbooks in [shipped(), shipped_ja()] {
            let opened = |step| for_finding(&runbooks, &elt_failure(step)).map(|r| r.id.as_str());
            assert_eq!(opened(Some("COPY tenant_b")), Some("copy-error"));
            assert_eq!(opened(Some("dbt run")), Some("dbt-failure"));
            assert_eq!(opened(Some("dbt test")), Some("dbt-failure"));
            // A state of neither stage, or none known: the check's runbook.
            assert_eq!(opened(Some("NotifySlack")), Some("dbt-failure"));
            assert_eq!(opened(None), Some("dbt-failure"));
        }
        // A run an operator stopped because it hung goes on in elt-delay, where it is rerun.
        for runbooks in [shipped(), shipped_ja()] {
            let mut stopped = elt_failure(Some("dbt run"));
            stopped.detail = crate::health::Detail::EltFailed {
                run: "daily-elt-1".into(),
                status: "aborted".into(),
                step: Some("dbt run".into()),
                error: Some("shiftops.Stopped".into()),
                cause: None,
            };
            assert_eq!(
                for_finding(&runbooks, &stopped).map(|r| r.id.as_str()),
                Some("elt-delay")
            );
        }
    }

    #[test]
    fn rejects_an_unknown_elt_stage_and_a_stage_claimed_twice() {
        let runbook = |id: &str, stage: &str| {
            format!(
                "id = \"{id}\"\ntitle = \"T\"\nsummary = \"S\"\n[triggers]\n\
                 elt_failed_at = [\"{stage}\"]\n[[steps]]\nphase = \"triage\"\n\
                 title = \"t\"\ntext = \"x\"\nkind = \"note\"\n"
            )
        };
        let message = error(&runbook("sample", "unload"));
        assert!(
            message.contains("unknown ELT stage \"unload\"; the stages are copy, dbt, stopped"),
            "{message}"
        );
        let dir = user_dir(&[("mine.toml", &runbook("mine", "copy"))]);
        let message = load_from(Some(dir.path()), Lang::En)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("ELT stage \"copy\" already opens runbook \"copy-error\""),
            "{message}"
        );
    }

    #[test]
    fn every_check_but_alarm_has_a_runbook() {
        let runbooks = shipped();
        let expected = [
            (CheckId::IntegrationStatus, "integration-needs-attention"),
            (CheckId::IntegrationLag, "integration-needs-attention"),
            (CheckId::IntegrationTables, "integration-needs-attention"),
            (CheckId::ExportTask, "export-failure"),
            (CheckId::EltFailed, "dbt-failure"),
            (CheckId::EltDelay, "elt-delay"),
            (CheckId::CopyErrors, "copy-error"),
            (CheckId::Storage, "storage-pressure"),
            (CheckId::WlmQueue, "wlm-queue-overload"),
            (CheckId::WlmPaused, "wlm-queue-overload"),
            (CheckId::QueryFailureRate, "query-failure-rate"),
            (CheckId::TableSkew, "storage-pressure"),
        ];
        for check in CheckId::ALL {
            let found = for_check(&runbooks, check).map(|runbook| runbook.id.as_str());
            let wanted = expected
                .iter()
                .find(|(expected_check, _)| *expected_check == check)
                .map(|(_, id)| *id);
            assert_eq!(found, wanted, "{check}");
        }
        assert_eq!(for_check(&runbooks, CheckId::Alarm), None);
    }

    #[test]
    fn the_seed_alarms_open_their_runbooks() {
        let runbooks = shipped();
        let expected = [
            ("Alert-ELT-Delay", "elt-delay"),
            ("Alert-COPY-Error", "copy-error"),
            ("Alert-Storage-High", "storage-pressure"),
            ("Alert-WLM-Queue", "wlm-queue-overload"),
            ("Alert-Query-Failure", "query-failure-rate"),
            ("aurora-export-failure", "export-failure"),
            ("redshift-copy-failure", "copy-error"),
            ("Alert-Integration-Lag", "integration-needs-attention"),
        ];
        for (alarm, id) in expected {
            assert_eq!(
                for_alarm(&runbooks, alarm).map(|runbook| runbook.id.as_str()),
                Some(id),
                "{alarm}"
            );
        }
        assert_eq!(for_alarm(&runbooks, "alert-copy-error"), None);
        assert_eq!(for_alarm(&runbooks, "Some-Other-Alarm"), None);
    }

    #[test]
    fn parses_every_step_kind() {
        let text = with_steps(
            "[triggers]\nchecks = [\"elt_failed\"]\nalarms = [\"A\"]\n\
             [[steps]]\nphase = \"triage\"\ntitle = \"Look\"\ntext = \"t1\"\nkind = \"check\"\n\
             view = \"loaderrors\"\nfilter = \"orders\"\n\
             [[steps]]\nphase = \"triage\"\ntitle = \"Tab\"\ntext = \"t2\"\nkind = \"check\"\n\
             view = \"tenant\"\n\
             [[steps]]\nphase = \"recovery\"\ntitle = \"Fix\"\ntext = \"t3\"\nkind = \"action\"\n\
             action = \"cancel_query\"\n\
             [[steps]]\nphase = \"follow-up\"\ntitle = \"Tell\"\ntext = \"t4\"\nkind = \"note\"\n",
        );
        let runbook = parse("/home/me/.config/shiftops/runbooks/sample.toml", &text).unwrap();
        assert_eq!(runbook.id, "sample");
        assert_eq!(
            runbook.path,
            "/home/me/.config/shiftops/runbooks/sample.toml"
        );
        assert_eq!(runbook.checks, [CheckId::EltFailed]);
        assert_eq!(runbook.alarms, ["A"]);
        let kinds: Vec<(Phase, &StepKind)> = runbook
            .steps
            .iter()
            .map(|step| (step.phase, &step.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    Phase::Triage,
                    &StepKind::Check {
                        view: View::LoadErrors,
                        filter: Some("orders".into())
                    }
                ),
                (
                    Phase::Triage,
                    &StepKind::Check {
                        view: View::Tenant,
                        filter: None
                    }
                ),
                (Phase::Recovery, &StepKind::Action(ActionKind::CancelQuery)),
                (Phase::FollowUp, &StepKind::Note),
            ]
        );
    }

    #[test]
    fn views_are_found_by_their_command_names() {
        for view in all_views() {
            assert_eq!(from_command(view.command()), Some(view));
        }
        assert_eq!(from_command("load_errors"), None);
        assert_eq!(from_command(""), None);
    }

    #[test]
    fn rejects_an_unknown_phase() {
        let text = with_steps(
            "[[steps]]\nphase = \"triag\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"note\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:5:9: unknown phase \"triag\"; the phases are triage, \
             recovery, follow-up"
        );
    }

    #[test]
    fn rejects_an_unknown_kind() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"jump\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:8:8: unknown step kind \"jump\"; the kinds are check, action, \
             note"
        );
    }

    #[test]
    fn rejects_an_unknown_view() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"check\"\n\
             view = \"load_errors\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:9:8: unknown view \"load_errors\"; the views are overview, \
             alarms, wlm, storage, loaderrors, elt, logs, tenant"
        );
    }

    #[test]
    fn rejects_an_unknown_action() {
        let text = with_steps(
            "[[steps]]\nphase = \"recovery\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"action\"\n\
             action = \"reboot\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:9:10: unknown action \"reboot\"; the actions are rerun_elt, \
             stop_elt, pause_adhoc, resume_adhoc, resync_tables, start_export, vacuum, analyze, \
             cancel_query"
        );
    }

    #[test]
    fn rejects_an_unknown_check() {
        let text = with_steps("[triggers]\nchecks = [\"storage\", \"copy_error\"]\n");
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:5:22: unknown check \"copy_error\"; the checks are \
             integration_status, integration_lag, integration_tables, export_task, elt_failed, \
             elt_delay, copy_errors, storage, wlm_queue, wlm_paused, query_failure_rate, table_skew"
        );
    }

    #[test]
    fn rejects_the_alarm_check_as_a_trigger() {
        let text = with_steps("[triggers]\nchecks = [\"alarm\"]\n");
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:5:11: check \"alarm\" stands for every CloudWatch alarm; list \
             the alarm's name under alarms instead"
        );
    }

    #[test]
    fn rejects_a_trigger_listed_twice() {
        let checks = with_steps("[triggers]\nchecks = [\"storage\", \"storage\"]\n");
        assert_eq!(
            error(&checks),
            "runbooks/sample.toml:5:22: check \"storage\" is listed twice"
        );
        let alarms = with_steps("[triggers]\nalarms = [\"A\", \"A\"]\n");
        assert_eq!(
            error(&alarms),
            "runbooks/sample.toml:5:16: alarm \"A\" is listed twice"
        );
    }

    #[test]
    fn rejects_a_check_step_without_a_view() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"check\"\n\
             filter = \"failed\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:8:8: a check step needs a `view`: one of overview, alarms, \
             wlm, storage, loaderrors, elt, logs, tenant"
        );
    }

    #[test]
    fn rejects_an_action_step_without_an_action() {
        let text = with_steps(
            "[[steps]]\nphase = \"recovery\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"action\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:8:8: an action step needs an `action`: one of rerun_elt, \
             stop_elt, pause_adhoc, resume_adhoc, resync_tables, start_export, vacuum, analyze, \
             cancel_query"
        );
    }

    #[test]
    fn rejects_fields_that_do_not_belong_to_the_kind() {
        let note_with_action = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"note\"\n\
             action = \"vacuum\"\n",
        );
        assert_eq!(
            error(&note_with_action),
            "runbooks/sample.toml:9:10: a note step takes no `action`; remove it or change the \
             kind"
        );
        let action_with_filter = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"action\"\n\
             action = \"vacuum\"\nfilter = \"big\"\n",
        );
        assert_eq!(
            error(&action_with_filter),
            "runbooks/sample.toml:10:10: an action step takes no `filter`; remove it or change \
             the kind"
        );
        let check_with_action = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"check\"\n\
             view = \"elt\"\naction = \"rerun_elt\"\n",
        );
        assert_eq!(
            error(&check_with_action),
            "runbooks/sample.toml:10:10: a check step takes no `action`; remove it or change \
             the kind"
        );
    }

    #[test]
    fn rejects_unknown_fields() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"note\"\n\
             colour = \"red\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:9:1: unknown field `colour`, expected one of `phase`, \
             `title`, `text`, `kind`, `view`, `filter`, `action`"
        );
    }

    #[test]
    fn rejects_an_id_that_is_not_the_file_stem() {
        let text = "id = \"copy-errors\"\ntitle = \"x\"\nsummary = \"x\"\n";
        assert_eq!(
            parse("/etc/runbooks/copy-error.toml", text)
                .unwrap_err()
                .to_string(),
            "/etc/runbooks/copy-error.toml:1:6: id \"copy-errors\" does not match the file \
             name; it must be \"copy-error\""
        );
    }

    #[test]
    fn rejects_a_runbook_without_steps() {
        assert_eq!(
            error(&with_steps("")),
            "runbooks/sample.toml:1:1: a runbook needs at least one [[steps]] table"
        );
        assert_eq!(
            error(&with_steps("steps = []\n")),
            "runbooks/sample.toml:4:9: a runbook needs at least one [[steps]] table"
        );
    }

    #[test]
    fn rejects_phases_out_of_order() {
        let text = with_steps(
            "[[steps]]\nphase = \"recovery\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"note\"\n\
             [[steps]]\nphase = \"triage\"\ntitle = \"y\"\ntext = \"y\"\nkind = \"note\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:10:9: a triage step cannot follow a recovery step; steps go \
             triage, then recovery, then follow-up"
        );
    }

    /// A temporary user runbook directory holding `files` (name, contents).
    fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn a_user_runbook_replaces_the_shipped_one_with_its_id() {
        let replacement = "id = \"copy-error\"\ntitle = \"Our COPY error\"\nsummary = \"Ours.\"\n\
                           [triggers]\nchecks = [\"copy_errors\"]\n\
                           [[steps]]\nphase = \"triage\"\ntitle = \"Call Aiko\"\ntext = \"x\"\n\
                           kind = \"note\"\n";
        let added = "id = \"tenant-onboarding\"\ntitle = \"Onboarding\"\nsummary = \"New.\"\n\
                     [[steps]]\nphase = \"follow-up\"\ntitle = \"Welcome\"\ntext = \"x\"\n\
                     kind = \"note\"\n";
        let dir = user_dir(&[
            ("copy-error.toml", replacement),
            ("tenant-onboarding.toml", added),
            ("README.md", "not a runbook"),
        ]);
        let runbooks = load_from(Some(dir.path()), Lang::En).unwrap();

        let ids: Vec<&str> = runbooks.iter().map(|runbook| runbook.id.as_str()).collect();
        let mut expected: Vec<&str> = SHIPPED.to_vec();
        expected.push("tenant-onboarding");
        expected.sort_unstable();
        assert_eq!(ids, expected);

        let ours = for_check(&runbooks, CheckId::CopyErrors).unwrap();
        assert_eq!(ours.title, "Our COPY error");
        assert_eq!(
            ours.path,
            dir.path().join("copy-error.toml").display().to_string()
        );
        // The replacement dropped the shipped alarms, so they open nothing now.
        assert_eq!(for_alarm(&runbooks, "Alert-COPY-Error"), None);
    }

    #[test]
    fn a_missing_user_directory_means_only_the_shipped_runbooks() {
        let dir = tempfile::tempdir().unwrap();
        let runbooks = load_from(Some(&dir.path().join("runbooks")), Lang::En).unwrap();
        assert_eq!(runbooks, shipped());
    }

    #[test]
    fn user_runbook_errors_name_the_user_file() {
        let dir = user_dir(&[(
            "wrong.toml",
            "id = \"right\"\ntitle = \"x\"\nsummary = \"x\"\n",
        )]);
        let path = dir.path().join("wrong.toml").display().to_string();
        assert_eq!(
            load_from(Some(dir.path()), Lang::En)
                .unwrap_err()
                .to_string(),
            format!("{path}:1:6: id \"right\" does not match the file name; it must be \"wrong\"")
        );
    }

    #[test]
    fn a_user_runbook_cannot_claim_a_trigger_of_another_runbook() {
        let text = "id = \"mine\"\ntitle = \"x\"\nsummary = \"x\"\n\
                    [triggers]\nalarms = [\"Alert-WLM-Queue\"]\n\
                    [[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"note\"\n";
        let dir = user_dir(&[("mine.toml", text)]);
        let path = dir.path().join("mine.toml").display().to_string();
        let (shipped_path, shipped_text) = SHIPPED_FILES
            .iter()
            .find(|(path, _)| *path == "runbooks/wlm-queue-overload.toml")
            .unwrap();
        let claim = shipped_text.find("\"Alert-WLM-Queue\"").unwrap();
        let shipped_location = datafile::location(shipped_path, shipped_text, claim..claim);
        assert_eq!(
            load_from(Some(dir.path()), Lang::En)
                .unwrap_err()
                .to_string(),
            format!(
                "{path}:5:11: alarm \"Alert-WLM-Queue\" already opens runbook \
                 \"wlm-queue-overload\" ({shipped_location}); each alarm opens one runbook"
            )
        );
    }

    #[test]
    fn rejects_an_unknown_placeholder_at_its_line_and_column() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"\"\"\nFirst line.\n\n    \
             aws s3 ls s3://{bucket}/{prefixx}\"\"\"\nkind = \"note\"\n",
        );
        let message = error(&text);
        assert!(
            message.starts_with(
                "runbooks/sample.toml:10:29: unknown placeholder {prefixx}; the placeholders are \
                 {tenant}, {schema},"
            ),
            "{message}"
        );
    }

    #[test]
    fn rejects_a_lone_brace_but_takes_doubled_ones() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\n\
             text = \"SELECT json_parse('{{\\\"a\\\": 1}}') }\"\nkind = \"note\"\n",
        );
        assert_eq!(
            error(&text),
            "runbooks/sample.toml:7:43: a lone \"}\" in the text: write }} for a literal brace"
        );
        let fixed = text.replace("1}}') }", "1}}') }}");
        let runbook = parse("runbooks/sample.toml", &fixed).unwrap();
        assert_eq!(
            text::fill(&runbook.steps[0].text, &text::Values::default()),
            "SELECT json_parse('{\"a\": 1}') }"
        );
    }

    #[test]
    fn a_text_mistake_after_escapes_falls_back_to_the_text_start() {
        // The decoded text has the token where the file has an escape: the error still points
        // into the step's text.
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"\\u007Bfoo}\"\nkind = \"note\"\n",
        );
        assert!(
            error(&text).starts_with("runbooks/sample.toml:7:8: unknown placeholder {foo}"),
            "{}",
            error(&text)
        );
    }

    #[test]
    fn english_and_japanese_steps_use_the_same_placeholders() {
        for (en, ja) in shipped().iter().zip(shipped_ja()) {
            for (number, (en_step, ja_step)) in en.steps.iter().zip(&ja.steps).enumerate() {
                let mut en_names = text::placeholders(&en_step.text);
                let mut ja_names = text::placeholders(&ja_step.text);
                en_names.sort();
                ja_names.sort();
                assert_eq!(en_names, ja_names, "{} step {}", en.id, number + 1);
                assert_eq!(
                    text::commands(&en_step.text).len(),
                    text::commands(&ja_step.text).len(),
                    "{} step {}: the commands",
                    en.id,
                    number + 1
                );
            }
        }
    }

    #[test]
    fn the_shipped_runbooks_leave_no_name_for_a_placeholder_to_fill() {
        // What the console knows is a placeholder, not a `<name>` for the engineer to type.
        for runbook in shipped().iter().chain(&shipped_ja()) {
            for step in &runbook.steps {
                for name in text::Placeholder::ALL {
                    assert!(
                        !step.text.contains(&format!("<{name}>")),
                        "{}: {}: write {{{name}}}",
                        runbook.id,
                        step.title
                    );
                }
                for bare in ["<name>", "<id>", "<bucket>", "<prefix>", "<file>"] {
                    assert!(!step.text.contains(bare), "{}: {bare}", runbook.id);
                }
            }
        }
    }

    #[test]
    fn the_docs_name_every_placeholder() {
        for lang in [Lang::En, Lang::Ja] {
            let path = docs_path(lang);
            let docs = std::fs::read_to_string(&path).unwrap();
            for name in text::Placeholder::ALL {
                assert!(
                    docs.contains(&format!("`{{{name}}}`")),
                    "{path}: {{{name}}}"
                );
            }
        }
    }

    #[test]
    fn markdown_shows_placeholders_as_names_to_fill_in() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"x\"\n\
             text = \"Look at {tenant}:\\n\\n    aws s3 ls s3://{bucket}/{{x}}\"\nkind = \"note\"\n",
        );
        let page = to_markdown(&parse("runbooks/sample.toml", &text).unwrap(), Lang::En);
        assert!(
            page.contains("Look at <tenant>:\n\n    aws s3 ls s3://<bucket>/{x}\n"),
            "{page}"
        );
    }

    #[test]
    fn markdown_has_every_step_title_and_trigger() {
        for runbook in shipped() {
            let page = to_markdown(&runbook, Lang::En);
            assert!(page.starts_with(&format!("# {}\n", runbook.title)));
            for step in &runbook.steps {
                assert!(page.contains(&step.title), "{}: {}", runbook.id, step.title);
            }
            for alarm in &runbook.alarms {
                assert!(page.contains(&format!("`{alarm}`")), "{}", runbook.id);
            }
            for check in &runbook.checks {
                assert!(page.contains(&format!("`{check}`")), "{}", runbook.id);
            }
        }
    }

    #[test]
    fn markdown_numbers_steps_across_phases() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"Look\"\ntext = \"Look at it.\"\n\
             kind = \"check\"\nview = \"elt\"\nfilter = \"failed\"\n\
             [[steps]]\nphase = \"recovery\"\ntitle = \"Rerun\"\ntext = \"Rerun it.\"\n\
             kind = \"action\"\naction = \"rerun_elt\"\n\
             [[steps]]\nphase = \"follow-up\"\ntitle = \"Write\"\ntext = \"Write it up.\"\n\
             kind = \"note\"\n",
        );
        let runbook = parse("runbooks/sample.toml", &text).unwrap();
        assert_eq!(
            to_markdown(&runbook, Lang::En),
            "# Sample\n\nA sample.\n\n\
             - **Id:** `sample` (`runbooks/sample.toml`)\n\
             - **Opened by:** no check or alarm; open it from the runbook list\n\n\
             ## Triage\n\n### 1. Look\n\n\
             *Check:* open the ELT runs panel (`:elt`) filtered by `failed`.\n\nLook at it.\n\n\
             ## Recovery\n\n### 2. Rerun\n\n\
             *Action:* `rerun_elt` — Rerun the ELT (redrive or start again); shiftops shows a \
             preview and asks for confirmation.\n\nRerun it.\n\n\
             ## Follow-up\n\n### 3. Write\n\n*Note:* read it, then mark it done.\n\nWrite it up.\n"
        );
    }

    /// Where the generated index of a language's runbooks lives.
    fn docs_path(lang: Lang) -> String {
        match lang {
            Lang::En => concat!(env!("CARGO_MANIFEST_DIR"), "/docs/runbooks.md").to_owned(),
            Lang::Ja => concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ja/runbooks.md").to_owned(),
        }
    }

    const INDEX_BEGIN: &str = "<!-- runbook index: generated from runbooks/*.toml -->\n";
    const INDEX_BEGIN_JA: &str = "<!-- runbook index: generated from runbooks/ja/*.toml -->\n";
    const INDEX_END: &str = "<!-- end of runbook index -->\n";

    /// The index section of a docs page: every shipped runbook's page in `lang`, one heading
    /// level under the page's "Shipped runbooks" section.
    fn docs_index(lang: Lang) -> String {
        load_from(None, lang)
            .expect("the shipped runbooks are valid")
            .iter()
            .map(|runbook| markdown_at_level(runbook, 3, lang))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Fails when the page lists other runbooks than the shipped files of `lang`. With
    /// `UPDATE_RUNBOOK_DOCS=1` it rewrites the index instead.
    fn check_docs_index(lang: Lang) {
        let path = docs_path(lang);
        let begin_marker = match lang {
            Lang::En => INDEX_BEGIN,
            Lang::Ja => INDEX_BEGIN_JA,
        };
        let docs = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let begin = docs.find(begin_marker).expect("the index's begin marker") + begin_marker.len();
        let end = docs.find(INDEX_END).expect("the index's end marker");
        let generated = format!("\n{}\n", docs_index(lang));
        if std::env::var_os("UPDATE_RUNBOOK_DOCS").is_some() {
            let updated = format!("{}{generated}{}", &docs[..begin], &docs[end..]);
            std::fs::write(&path, updated).unwrap_or_else(|e| panic!("{path}: {e}"));
            return;
        }
        assert!(
            docs[begin..end] == generated,
            "{path}'s runbook index is out of date with the runbook files; regenerate it with \
             `UPDATE_RUNBOOK_DOCS=1 cargo test --lib runbook`"
        );
    }

    #[test]
    fn docs_index_matches_the_shipped_runbooks() {
        check_docs_index(Lang::En);
    }

    #[test]
    fn ja_docs_index_matches_the_japanese_runbooks() {
        check_docs_index(Lang::Ja);
    }

    /// Whether `text` has a kana or kanji: the Japanese files must really be translated.
    fn has_japanese(text: &str) -> bool {
        text.chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
    }

    #[test]
    fn every_japanese_runbook_is_its_english_twin_translated() {
        let english = shipped();
        let japanese = shipped_ja();
        let ids = |runbooks: &[Runbook]| -> Vec<String> {
            runbooks.iter().map(|runbook| runbook.id.clone()).collect()
        };
        assert_eq!(ids(&japanese), ids(&english));
        for (ja, en) in japanese.iter().zip(&english) {
            let id = &en.id;
            assert_eq!(ja.path, format!("runbooks/ja/{id}.toml"));
            assert_eq!(ja.checks, en.checks, "{id}: triggers.checks");
            assert_eq!(ja.alarms, en.alarms, "{id}: triggers.alarms");
            assert_eq!(ja.steps.len(), en.steps.len(), "{id}: the number of steps");
            for (number, (ja_step, en_step)) in ja.steps.iter().zip(&en.steps).enumerate() {
                let number = number + 1;
                // The kind carries the view and filter of a check and the action of an action.
                assert_eq!(ja_step.phase, en_step.phase, "{id} step {number}: phase");
                assert_eq!(ja_step.kind, en_step.kind, "{id} step {number}: kind");
                assert!(has_japanese(&ja_step.title), "{id} step {number}: title");
                assert!(has_japanese(&ja_step.text), "{id} step {number}: text");
            }
            assert!(has_japanese(&ja.title), "{id}: title");
            assert!(has_japanese(&ja.summary), "{id}: summary");
        }
    }

    #[test]
    fn japanese_markdown_has_japanese_headings() {
        for runbook in shipped_ja() {
            let page = to_markdown(&runbook, Lang::Ja);
            assert!(page.starts_with(&format!("# {}\n", runbook.title)));
            assert!(page.contains("## 一次切り分け\n"), "{}", runbook.id);
            assert!(page.contains("## 復旧フロー\n"), "{}", runbook.id);
            assert!(page.contains("## 事後対応\n"), "{}", runbook.id);
            assert!(page.contains("- **開くきっかけ:** "), "{}", runbook.id);
            for alarm in &runbook.alarms {
                assert!(page.contains(&format!("`{alarm}`")), "{}", runbook.id);
            }
        }
    }

    #[test]
    fn japanese_markdown_of_every_step_kind() {
        let text = with_steps(
            "[[steps]]\nphase = \"triage\"\ntitle = \"見る\"\ntext = \"見る。\"\n\
             kind = \"check\"\nview = \"elt\"\nfilter = \"failed\"\n\
             [[steps]]\nphase = \"recovery\"\ntitle = \"再実行\"\ntext = \"再実行する。\"\n\
             kind = \"action\"\naction = \"rerun_elt\"\n\
             [[steps]]\nphase = \"follow-up\"\ntitle = \"記録\"\ntext = \"記録する。\"\n\
             kind = \"note\"\n",
        );
        let runbook = parse("runbooks/ja/sample.toml", &text).unwrap();
        // The panel and action names are the console's own Japanese ones.
        let expected = format!(
            "# Sample\n\nA sample.\n\n\
             - **ID:** `sample`（`runbooks/ja/sample.toml`）\n\
             - **開くきっかけ:** チェックやアラームからは開かない。ランブックの一覧（`:runbook`）から開く\n\n\
             ## 一次切り分け\n\n### 1. 見る\n\n\
             *確認:* 「{}」パネル（`:elt`）をフィルタ `failed` で開く。\n\n見る。\n\n\
             ## 復旧フロー\n\n### 2. 再実行\n\n\
             *操作:* `rerun_elt` — {}。shiftops がプレビューを表示し、確認を求める。\n\n\
             再実行する。\n\n\
             ## 事後対応\n\n### 3. 記録\n\n*メモ:* 読んで対応し、完了にする。\n\n記録する。\n",
            View::Elt.title_in(Lang::Ja),
            ActionKind::RerunElt.title_in(Lang::Ja),
        );
        assert_eq!(to_markdown(&runbook, Lang::Ja), expected);
    }

    #[test]
    fn japanese_user_runbooks_replace_by_id_in_layers() {
        // runbooks/ holds the team's English COPY runbook and a new one; runbooks/ja/ the team's
        // Japanese version of the new one. In Japanese the team's runbooks win over the shipped
        // translation, and ja/ wins over the plain directory.
        let team_copy = "id = \"copy-error\"\ntitle = \"Our COPY error\"\nsummary = \"Ours.\"\n\
                         [triggers]\nchecks = [\"copy_errors\"]\n\
                         [[steps]]\nphase = \"triage\"\ntitle = \"Call Aiko\"\ntext = \"x\"\n\
                         kind = \"note\"\n";
        let added = "id = \"tenant-onboarding\"\ntitle = \"Onboarding\"\nsummary = \"New.\"\n\
                     [[steps]]\nphase = \"follow-up\"\ntitle = \"Welcome\"\ntext = \"x\"\n\
                     kind = \"note\"\n";
        let added_ja = "id = \"tenant-onboarding\"\ntitle = \"テナント追加\"\nsummary = \"新規。\"\n\
                        [[steps]]\nphase = \"follow-up\"\ntitle = \"歓迎\"\ntext = \"x\"\n\
                        kind = \"note\"\n";
        let dir = user_dir(&[
            ("copy-error.toml", team_copy),
            ("tenant-onboarding.toml", added),
        ]);
        std::fs::create_dir(dir.path().join("ja")).unwrap();
        std::fs::write(dir.path().join("ja/tenant-onboarding.toml"), added_ja).unwrap();

        let japanese = load_from(Some(dir.path()), Lang::Ja).unwrap();
        let title = |runbooks: &[Runbook], id: &str| {
            runbooks
                .iter()
                .find(|runbook| runbook.id == id)
                .map(|runbook| runbook.title.clone())
        };
        assert_eq!(japanese.len(), SHIPPED.len() + 1);
        assert_eq!(title(&japanese, "copy-error").unwrap(), "Our COPY error");
        assert_eq!(
            title(&japanese, "tenant-onboarding").unwrap(),
            "テナント追加"
        );
        assert_eq!(
            title(&japanese, "elt-delay").unwrap(),
            "取込遅延（ELT 遅延）"
        );
        assert_eq!(
            for_alarm(&japanese, "Alert-ELT-Delay").map(|runbook| runbook.path.as_str()),
            Some("runbooks/ja/elt-delay.toml")
        );

        // English never reads ja/.
        let english = load_from(Some(dir.path()), Lang::En).unwrap();
        assert_eq!(title(&english, "tenant-onboarding").unwrap(), "Onboarding");
        assert_eq!(title(&english, "elt-delay").unwrap(), "ELT delay");
    }

    #[test]
    fn japanese_user_runbook_errors_name_the_user_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ja")).unwrap();
        let path = dir.path().join("ja").join("wrong.toml");
        std::fs::write(&path, "id = \"right\"\ntitle = \"x\"\nsummary = \"x\"\n").unwrap();
        assert_eq!(
            load_from(Some(dir.path()), Lang::Ja)
                .unwrap_err()
                .to_string(),
            format!(
                "{}:1:6: id \"right\" does not match the file name; it must be \"wrong\"",
                path.display()
            )
        );
        // The English console does not read ja/, so the mistake does not stop it.
        assert!(load_from(Some(dir.path()), Lang::En).is_ok());
    }

    #[test]
    fn conflicts_with_a_japanese_shipped_runbook_name_its_file() {
        let text = "id = \"mine\"\ntitle = \"x\"\nsummary = \"x\"\n\
                    [triggers]\nalarms = [\"Alert-WLM-Queue\"]\n\
                    [[steps]]\nphase = \"triage\"\ntitle = \"x\"\ntext = \"x\"\nkind = \"note\"\n";
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ja")).unwrap();
        let path = dir.path().join("ja").join("mine.toml");
        std::fs::write(&path, text).unwrap();
        let (shipped_path, shipped_text) = SHIPPED_FILES_JA
            .iter()
            .find(|(path, _)| *path == "runbooks/ja/wlm-queue-overload.toml")
            .unwrap();
        let claim = shipped_text.find("\"Alert-WLM-Queue\"").unwrap();
        let shipped_location = datafile::location(shipped_path, shipped_text, claim..claim);
        assert!(shipped_location.starts_with("runbooks/ja/wlm-queue-overload.toml:"));
        assert_eq!(
            load_from(Some(dir.path()), Lang::Ja)
                .unwrap_err()
                .to_string(),
            format!(
                "{}:5:11: alarm \"Alert-WLM-Queue\" already opens runbook \
                 \"wlm-queue-overload\" ({shipped_location}); each alarm opens one runbook",
                path.display()
            )
        );
    }

    #[test]
    fn japanese_shipped_files_are_named_like_the_english_ones() {
        for ((ja_path, _), (en_path, _)) in SHIPPED_FILES_JA.iter().zip(SHIPPED_FILES) {
            assert_eq!(*ja_path, en_path.replacen("runbooks/", "runbooks/ja/", 1));
        }
        assert_eq!(SHIPPED_FILES_JA.len(), SHIPPED_FILES.len());
    }
}
