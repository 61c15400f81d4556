//! Runbooks: what to do when a check or an alarm fires, as data files in `runbooks/*.toml`.
//!
//! A runbook is a list of steps in three phases — triage, recovery, follow-up (the seed's
//! 一次切り分け → 復旧フロー → 事後対応). A step either jumps to a panel with a filter, proposes a
//! recovery action, or is a note to read. The shipped runbooks are built into the binary; files in
//! `<config dir>/shiftops/runbooks/` add runbooks or replace a shipped one with the same id. Every
//! mistake in a file is reported as `file:line:column` at the offending token.

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
use crate::health::CheckId;
use crate::tui::action::View;

/// The ids of the runbooks built into the binary.
pub const SHIPPED: &[&str] = &[
    "copy-error",
    "dbt-failure",
    "elt-delay",
    "export-failure",
    "integration-needs-attention",
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
        "runbooks/storage-pressure.toml",
        include_str!("../../runbooks/storage-pressure.toml"),
    ),
    (
        "runbooks/wlm-queue-overload.toml",
        include_str!("../../runbooks/wlm-queue-overload.toml"),
    ),
];

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

    /// The heading shown in the walkthrough and in Markdown.
    pub fn title(self) -> &'static str {
        match self {
            Phase::Triage => "Triage",
            Phase::Recovery => "Recovery",
            Phase::FollowUp => "Follow-up",
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
    /// Prose for the on-call engineer; may span several lines.
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

/// The shipped runbooks, then every `*.toml` in `<config dir>/shiftops/runbooks/`: a user file
/// with a shipped id replaces that runbook, others add to them. Sorted by id.
pub fn load_all() -> Result<Vec<Runbook>, DataFileError> {
    let user_dir = crate::config::config_dir().map(|dir| dir.join("runbooks"));
    load_from(user_dir.as_deref())
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

/// The runbook the CloudWatch alarm named `alarm` opens (names are compared exactly, as
/// CloudWatch does).
pub fn for_alarm<'a>(runbooks: &'a [Runbook], alarm: &str) -> Option<&'a Runbook> {
    runbooks
        .iter()
        .find(|runbook| runbook.alarms.iter().any(|name| name == alarm))
}

/// The runbook as a Markdown page: title, summary, triggers, then each phase and its numbered
/// steps (numbered across phases, as the walkthrough counts them).
pub fn to_markdown(runbook: &Runbook) -> String {
    markdown_at_level(runbook, 1)
}

/// [`to_markdown`] with the title at heading `level`, so the docs can nest runbooks in an index.
fn markdown_at_level(runbook: &Runbook, level: usize) -> String {
    let heading = |depth: usize| "#".repeat(level + depth);
    let mut page = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(page, "{} {}\n", heading(0), runbook.title);
    let _ = writeln!(page, "{}\n", runbook.summary.trim());
    let _ = writeln!(page, "- **Id:** `{}` (`{}`)", runbook.id, runbook.path);
    let _ = writeln!(page, "- **Opened by:** {}\n", triggers_text(runbook));

    let mut number = 0;
    for phase in Phase::ALL {
        let mut steps = runbook.steps_in(phase).peekable();
        if steps.peek().is_none() {
            continue;
        }
        let _ = writeln!(page, "{} {}\n", heading(1), phase.title());
        for step in steps {
            number += 1;
            let _ = writeln!(page, "{} {number}. {}\n", heading(2), step.title);
            let _ = writeln!(page, "{}\n", kind_text(&step.kind));
            let _ = writeln!(page, "{}\n", step.text.trim());
        }
    }
    // One trailing newline, however the last text ended.
    let trimmed = page.trim_end().len();
    page.truncate(trimmed);
    page.push('\n');
    page
}

/// "checks `a`, `b`; alarms `X`" for the Markdown page.
fn triggers_text(runbook: &Runbook) -> String {
    let code_list = |names: Vec<&str>| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !runbook.checks.is_empty() {
        let checks = runbook.checks.iter().map(|check| check.as_str()).collect();
        parts.push(format!("checks {}", code_list(checks)));
    }
    if !runbook.alarms.is_empty() {
        let alarms = runbook.alarms.iter().map(String::as_str).collect();
        parts.push(format!("alarms {}", code_list(alarms)));
    }
    if parts.is_empty() {
        "no check or alarm; open it from the runbook list".to_owned()
    } else {
        parts.join("; ")
    }
}

/// What the console does for a step, in one Markdown line.
fn kind_text(kind: &StepKind) -> String {
    match kind {
        StepKind::Check { view, filter } => {
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
        StepKind::Action(action) => format!(
            "*Action:* `{action}` — {}; shiftops shows a preview and asks for confirmation.",
            action.title()
        ),
        StepKind::Note => "*Note:* read it, then mark it done.".to_owned(),
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
}

/// One `[[steps]]` table before its kind is known; which of the optional fields may appear
/// depends on `kind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    phase: Spanned<String>,
    title: String,
    text: String,
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
        steps.push(Step {
            phase,
            title: step.title,
            text: step.text,
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
            steps,
            path: path.to_owned(),
        },
        text: text.to_owned(),
        check_spans,
        alarm_spans,
    })
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
fn load_from(user_dir: Option<&Path>) -> Result<Vec<Runbook>, DataFileError> {
    let mut parsed = SHIPPED_FILES
        .iter()
        .map(|(path, text)| parse_with_spans(path, text))
        .collect::<Result<Vec<_>, _>>()?;
    let shipped_count = parsed.len();
    if let Some(dir) = user_dir {
        for path in user_files(dir)? {
            let text = datafile::read_text(&path)?;
            let user = parse_with_spans(&path.display().to_string(), &text)?;
            // A user runbook with a shipped id replaces it in place, so that trigger conflicts
            // below are still checked with every shipped runbook ahead of every user one.
            match parsed[..shipped_count]
                .iter()
                .position(|shipped| shipped.runbook.id == user.runbook.id)
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

/// The `*.toml` files of `dir` in name order; none if the directory does not exist.
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
        if path.extension() == Some(OsStr::new("toml")) && path.is_file() {
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
        let spans = runbook.check_spans.iter().chain(&runbook.alarm_spans);
        for ((what, name), span) in checks.chain(alarms).zip(spans) {
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
        load_from(None).expect("the shipped runbooks are valid")
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
            (CheckId::QueryFailureRate, "wlm-queue-overload"),
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
            ("Alert-Query-Failure", "wlm-queue-overload"),
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
             pause_adhoc, resume_adhoc, resync_tables, start_export, vacuum, analyze, \
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
             elt_delay, copy_errors, storage, wlm_queue, query_failure_rate, table_skew"
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
             pause_adhoc, resume_adhoc, resync_tables, start_export, vacuum, analyze, \
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
        let runbooks = load_from(Some(dir.path())).unwrap();

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
        let runbooks = load_from(Some(&dir.path().join("runbooks"))).unwrap();
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
            load_from(Some(dir.path())).unwrap_err().to_string(),
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
            load_from(Some(dir.path())).unwrap_err().to_string(),
            format!(
                "{path}:5:11: alarm \"Alert-WLM-Queue\" already opens runbook \
                 \"wlm-queue-overload\" ({shipped_location}); each alarm opens one runbook"
            )
        );
    }

    #[test]
    fn markdown_has_every_step_title_and_trigger() {
        for runbook in shipped() {
            let page = to_markdown(&runbook);
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
            to_markdown(&runbook),
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

    const DOCS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/runbooks.md");
    const INDEX_BEGIN: &str = "<!-- runbook index: generated from runbooks/*.toml -->\n";
    const INDEX_END: &str = "<!-- end of runbook index -->\n";

    /// The index section of docs/runbooks.md: every shipped runbook's page, one heading level
    /// under the docs' "Shipped runbooks" section.
    fn docs_index() -> String {
        shipped()
            .iter()
            .map(|runbook| markdown_at_level(runbook, 3))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Fails when docs/runbooks.md lists other runbooks than the shipped files. With
    /// `UPDATE_RUNBOOK_DOCS=1` it rewrites the index instead.
    #[test]
    fn docs_index_matches_the_shipped_runbooks() {
        let docs = std::fs::read_to_string(DOCS_PATH).expect("docs/runbooks.md exists");
        let begin = docs.find(INDEX_BEGIN).expect("the index's begin marker") + INDEX_BEGIN.len();
        let end = docs.find(INDEX_END).expect("the index's end marker");
        let generated = format!("\n{}\n", docs_index());
        if std::env::var_os("UPDATE_RUNBOOK_DOCS").is_some() {
            let updated = format!("{}{generated}{}", &docs[..begin], &docs[end..]);
            std::fs::write(DOCS_PATH, updated).expect("docs/runbooks.md is writable");
            return;
        }
        assert!(
            docs[begin..end] == generated,
            "docs/runbooks.md's runbook index is out of date with runbooks/*.toml; regenerate it \
             with `UPDATE_RUNBOOK_DOCS=1 cargo test --lib runbook`"
        );
    }
}
