use serde::Serialize;

use super::Time;

/// The WLM queues of the warehouse (seed 001): daily ELT, learners' ad-hoc analysis, maintenance.
pub const WLM_QUEUES: [&str; 3] = ["batch", "adhoc", "admin"];

/// What a WLM queue is doing now (STV_WLM_QUERY_STATE).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueActivity {
    pub queue: String,
    pub queued: u32,
    pub running: u32,
    /// The longest time a queued query has waited, in seconds.
    pub max_wait_seconds: f64,
}

/// A query running in a WLM queue now (STV_WLM_QUERY_STATE with STV_INFLIGHT), with the process
/// id `CANCEL` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunningQuery {
    pub pid: i64,
    pub queue: String,
    pub user: String,
    pub state: String,
    pub started_at: Time,
    pub sql: String,
    /// Where the warehouse cut the statement's text, in characters, when it may have: `None`
    /// when the text is whole.
    pub sql_cut_at: Option<usize>,
}

/// The prefix of the query-monitoring rule a pause adds to the adhoc queue. The rule's name
/// carries the pause itself — when it began and what resume restores — so the live
/// `wlm_json_configuration` is the only record of a pause: every console on every machine reads
/// it from AWS, and a resume restores exactly even when the pause came from elsewhere.
/// Rule names are at most 32 letters, digits or underscores ("WLM query monitoring rules",
/// Amazon Redshift Database Developer Guide,
/// https://docs.aws.amazon.com/redshift/latest/dg/cm-c-wlm-query-monitoring-rules.html):
/// `shiftops_pause_YYMMDDhhmm_q50_n` is 31 at the most.
pub const PAUSE_RULE_PREFIX: &str = "shiftops_pause_";

/// The adhoc queue's pause, as the live WLM configuration says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AdhocPause {
    /// When it was paused (to the minute).
    pub since: Time,
    /// Manual WLM: adhoc's `query_concurrency` before the pause, which resume puts back.
    /// `None`: automatic WLM or Serverless queues, where a pause changes no concurrency.
    pub concurrency: Option<u32>,
    /// Whether adhoc had no `rules` list before the pause (resume then removes the list again).
    pub had_no_rules: bool,
}

impl AdhocPause {
    /// The name of the rule that records this pause.
    pub fn rule_name(&self) -> String {
        let mut name = format!(
            "{PAUSE_RULE_PREFIX}{}_{}",
            self.since.format("%y%m%d%H%M"),
            match self.concurrency {
                Some(concurrency) => format!("q{concurrency}"),
                None => "auto".to_string(),
            }
        );
        if self.had_no_rules {
            name.push_str("_n");
        }
        name
    }

    /// The pause a rule name records, if it is one of ours.
    pub fn from_rule_name(name: &str) -> Option<AdhocPause> {
        let rest = name.strip_prefix(PAUSE_RULE_PREFIX)?;
        let mut parts = rest.split('_');
        let stamp = parts.next()?;
        let since = chrono::NaiveDateTime::parse_from_str(&format!("{stamp}00"), "%y%m%d%H%M%S")
            .ok()?
            .and_utc();
        let concurrency = match parts.next()? {
            "auto" => None,
            q => Some(q.strip_prefix('q')?.parse().ok()?),
        };
        let had_no_rules = match parts.next() {
            None => false,
            Some("n") => true,
            Some(_) => return None,
        };
        parts.next().is_none().then_some(AdhocPause {
            since,
            concurrency,
            had_no_rules,
        })
    }
}

/// Whether a queue of `wlm_json_configuration` is `name`: by its name, or by a user or query
/// group of that name (the seeds route users by `user_group`).
pub fn is_queue(entry: &serde_json::Value, name: &str) -> bool {
    let named = entry.get("name").and_then(serde_json::Value::as_str) == Some(name);
    let grouped = ["user_group", "query_group"].iter().any(|key| {
        entry
            .get(*key)
            .and_then(serde_json::Value::as_array)
            .is_some_and(|groups| groups.iter().any(|g| g.as_str() == Some(name)))
    });
    named || grouped
}

/// The adhoc queue's pause recorded in a `wlm_json_configuration`, if any.
pub fn adhoc_pause(configuration: &str) -> Result<Option<AdhocPause>, String> {
    let entries: Vec<serde_json::Value> = serde_json::from_str(configuration)
        .map_err(|e| format!("wlm_json_configuration is not a JSON array: {e}"))?;
    Ok(entries
        .iter()
        .find(|e| is_queue(e, "adhoc"))
        .and_then(|adhoc| adhoc.get("rules"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|rule| rule.get("rule_name").and_then(serde_json::Value::as_str))
        .find_map(AdhocPause::from_rule_name))
}

/// The warehouse's WLM configuration as last read from AWS: a cluster's parameter group, or a
/// Serverless workgroup's config parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WlmSettings {
    /// The name of what holds the configuration: the cluster's parameter group, or the
    /// Serverless workgroup (the demo's parameter group in the demo).
    pub configured_in: String,
    /// The pause in place, if any: shown on every screen until resumed.
    pub adhoc_pause: Option<AdhocPause>,
}

#[cfg(test)]
mod pause_tests {
    use super::*;

    #[test]
    fn a_pause_survives_its_rule_name() {
        let since = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(8, 12, 0)
            .unwrap()
            .and_utc();
        for pause in [
            AdhocPause {
                since,
                concurrency: Some(50),
                had_no_rules: true,
            },
            AdhocPause {
                since,
                concurrency: None,
                had_no_rules: true,
            },
            AdhocPause {
                since,
                concurrency: Some(5),
                had_no_rules: false,
            },
        ] {
            let name = pause.rule_name();
            assert!(name.len() <= 32, "{name} is longer than AWS allows");
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            assert_eq!(AdhocPause::from_rule_name(&name), Some(pause));
        }
        assert_eq!(
            AdhocPause {
                since,
                concurrency: Some(5),
                had_no_rules: false
            }
            .rule_name(),
            "shiftops_pause_2612020812_q5"
        );
        for other in [
            "shiftops_pause_adhoc",
            "abort_long",
            "shiftops_pause_2612020812_x5",
            "shiftops_pause_2612020812_q5_n_x",
        ] {
            assert_eq!(AdhocPause::from_rule_name(other), None, "{other}");
        }
    }
}
