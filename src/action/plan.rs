use serde::Serialize;
use serde_json::Value;

use super::Request;

/// A configuration change shown before it is made: the whole value before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub what: String,
    pub before: String,
    pub after: String,
}

impl Change {
    /// The lines that differ, `-` before and `+` after, with unchanged lines as context: what the
    /// confirmation dialog shows.
    pub fn diff_lines(&self) -> Vec<String> {
        diff(&self.before, &self.after)
    }

    /// The changed lines with `context` unchanged lines around each, the rest folded into `…`.
    pub fn diff_hunks(&self, context: usize) -> Vec<String> {
        let lines = self.diff_lines();
        let changed: Vec<usize> = (0..lines.len())
            .filter(|&i| !lines[i].starts_with("  "))
            .collect();
        let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= context);
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if near(i) {
                out.push(line.clone());
            } else if out.last().is_none_or(|last| last != "  …") {
                out.push("  …".to_string());
            }
        }
        out
    }
}

/// What an action will do, exactly, before it does it: shown for confirmation, then executed as is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub request: Request,
    /// What it acts on, in words: `execution daily-elt-…`, `WLM queue adhoc on dpc-learning`, `tenant_b`.
    pub target: String,
    /// Each API call with its arguments, or each SQL statement, in order.
    pub calls: Vec<String>,
    pub change: Option<Change>,
    /// The word to type to confirm an action that changes production (a tenant or queue name).
    pub confirm: Option<String>,
    /// Why it cannot be done here (a default parameter group, a workgroup without queues …);
    /// `None` when it can.
    pub unsupported: Option<String>,
    /// Anything the engineer should know first.
    pub notes: Vec<String>,
    /// The state before, for the audit log.
    pub before: Value,
    /// The exact values execution uses (names, configuration), so it does what was previewed.
    pub payload: Value,
}

impl Plan {
    pub fn new(request: Request, target: impl Into<String>) -> Self {
        Self {
            request,
            target: target.into(),
            calls: Vec::new(),
            change: None,
            confirm: None,
            unsupported: None,
            notes: Vec::new(),
            before: Value::Null,
            payload: Value::Null,
        }
    }
}

/// What came of an executed plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub summary: String,
    /// The state after, for the audit log.
    pub after: Value,
}

/// A line diff by longest common subsequence: configurations are small, so O(n·m) is fine.
fn diff(before: &str, after: &str) -> Vec<String> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(format!("  {}", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(format!("- {}", a[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_changed_lines() {
        let change = Change {
            what: "x".into(),
            before: "a\nb\nc".into(),
            after: "a\nB\nc\nd".into(),
        };
        assert_eq!(change.diff_lines(), ["  a", "- b", "+ B", "  c", "+ d"]);
        let long = Change {
            what: "x".into(),
            before: "1\n2\n3\n4\n5\n6\n7".into(),
            after: "1\n2\n3\nfour\n5\n6\n7".into(),
        };
        assert_eq!(
            long.diff_hunks(1),
            ["  …", "  3", "- 4", "+ four", "  5", "  …"]
        );
    }
}
