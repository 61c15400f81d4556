//! What a `:` line can be completed with: command names, then each argument by its kind in the
//! table — tenants, runbooks, ELT executions, query pids, fixed words — from the data on screen.

use super::Context;
use super::table::{self, Arg, COMMANDS, Runs, Spec};

/// The candidates for the word being typed, which starts at byte `start` of the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<String>,
    /// The command the line is about: being given arguments, or the one command a name can be.
    pub spec: Option<&'static Spec>,
    /// Whether the command takes more words after the one being completed (then a unique
    /// completion is followed by a space).
    pub more_after: bool,
}

impl Completion {
    fn none(start: usize, spec: Option<&'static Spec>) -> Self {
        Self {
            start,
            candidates: Vec::new(),
            spec,
            more_after: false,
        }
    }

    /// The word being typed.
    pub fn word<'a>(&self, line: &'a str) -> &'a str {
        &line[self.start..]
    }
}

/// Completes the last word of `line` (what is typed after `:`).
pub fn complete(line: &str, context: &Context) -> Completion {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    let Some(command_end) = rest.find(char::is_whitespace) else {
        let candidates: Vec<String> = COMMANDS
            .iter()
            .filter(|spec| spec.name.starts_with(rest))
            .map(|spec| spec.name.to_string())
            .collect();
        let spec = match candidates.as_slice() {
            [only] => table::find(only).map(|(spec, _)| spec),
            _ => table::find(rest).map(|(spec, _)| spec),
        };
        return Completion {
            start: lead,
            more_after: spec.is_some_and(|spec| !spec.args.is_empty()),
            candidates,
            spec,
        };
    };
    let Some((spec, _)) = table::find(&rest[..command_end]) else {
        return Completion::none(line.len(), None);
    };
    let arguments = &rest[command_end..];
    let mut words: Vec<&str> = arguments.split_whitespace().collect();
    let typing = if arguments.ends_with(char::is_whitespace) {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let index = words.len();
    let start = line.len() - typing.len();
    // Free text takes the rest of the line: nothing after it completes.
    let in_text = spec.args[..index.min(spec.args.len())]
        .iter()
        .chain(spec.args.get(index))
        .any(|slot| slot.takes.iter().any(|arg| arg.is_rest_of_line()));
    let Some(slot) = spec.args.get(index).filter(|_| !in_text) else {
        return Completion::none(start, Some(spec));
    };
    let mut candidates: Vec<String> = Vec::new();
    for arg in slot.takes {
        for value in values(*arg, context) {
            if value.starts_with(typing) && !candidates.contains(&value) {
                candidates.push(value);
            }
        }
    }
    Completion {
        start,
        candidates,
        spec: Some(spec),
        more_after: index + 1 < spec.args.len(),
    }
}

/// Every value an argument of this kind can take now.
fn values(arg: Arg, context: &Context) -> Vec<String> {
    let snapshot = context.snapshot;
    match arg {
        Arg::Tenant(tenants) => snapshot
            .tenants
            .iter()
            .filter(|t| tenants.holds_for(t))
            .map(|t| t.name.clone())
            .collect(),
        Arg::Runbook => context.runbooks.iter().map(|r| r.id.clone()).collect(),
        Arg::Execution(runs) => {
            let mut chosen: Vec<_> = snapshot
                .elt_runs
                .iter()
                .filter(|r| match runs {
                    Runs::All => true,
                    Runs::Running => r.status == crate::model::EltStatus::Running,
                })
                .collect();
            // The newest first: the run one usually means.
            chosen.sort_by_key(|r| std::cmp::Reverse(r.started_at));
            chosen.into_iter().map(|r| r.name.clone()).collect()
        }
        Arg::Pid => snapshot
            .warehouse
            .queries
            .iter()
            .map(|q| q.pid.to_string())
            .collect(),
        Arg::Word(word) => vec![word.to_string()],
        Arg::Text | Arg::File => Vec::new(),
    }
}

/// The longest prefix all candidates share (whole characters).
pub fn common_prefix(candidates: &[String]) -> &str {
    let Some(first) = candidates.first() else {
        return "";
    };
    let mut end = first.len();
    for other in &candidates[1..] {
        end = first
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    &first[..end]
}
