//! Pausing the adhoc WLM queue (seed 001 runbook: "stop adhoc temporarily, favour batch") by
//! changing only dynamic properties of `wlm_json_configuration`, which apply without a reboot.
//!
//! The pause lives in the live configuration and nowhere else: its abort rule's name records
//! when it began and what resume restores ([`AdhocPause`]). Whether adhoc is paused, since when
//! and what resume restores are therefore read from AWS, the same for every operator.
//!
//! The configuration lives in a provisioned cluster's parameter group, or in a Redshift
//! Serverless workgroup's config parameters ([`WlmHome`]); the same rules plan both, within
//! what each accepts.

use serde_json::{Value, json};

use super::{Change, Plan, Request};
use crate::model::{AdhocPause, PAUSE_RULE_PREFIX, Time, adhoc_pause, is_queue};

/// Where a warehouse's `wlm_json_configuration` lives, which decides the call that changes it
/// and the keys it may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WlmHome {
    /// A provisioned cluster's parameter group (ModifyClusterParameterGroup).
    ParameterGroup { cluster: String, group: String },
    /// A Redshift Serverless workgroup's config parameters (UpdateWorkgroup), where the key
    /// sets the workgroup's query queues ("Setting query queues", Amazon Redshift Management
    /// Guide, https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-query-queues.html).
    Workgroup { workgroup: String },
}

impl WlmHome {
    /// The warehouse whose queues these are: the cluster or the workgroup.
    pub fn warehouse(&self) -> &str {
        match self {
            WlmHome::ParameterGroup { cluster, .. } => cluster,
            WlmHome::Workgroup { workgroup } => workgroup,
        }
    }

    /// What holds the configuration, as messages name it.
    pub fn holder(&self) -> String {
        match self {
            WlmHome::ParameterGroup { group, .. } => group.clone(),
            WlmHome::Workgroup { workgroup } => format!("workgroup {workgroup}"),
        }
    }

    fn is_serverless(&self) -> bool {
        matches!(self, WlmHome::Workgroup { .. })
    }
}

/// The most characters AWS takes in `wlm_json_configuration`, on a cluster ("The maximum size
/// of the wlm_json_configuration property value is 8000 characters", "Workload management",
/// https://docs.aws.amazon.com/redshift/latest/mgmt/workload-mgmt-config.html) as on a workgroup
/// ("the maximum size of parameterValue is 8000 characters", the Redshift Serverless API's
/// `Workgroup.configParameters`,
/// https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_Workgroup.html).
pub const MAX_CONFIGURATION_CHARS: usize = 8000;

/// At most 25 rules for each queue and 25 for all queues together ("WLM query monitoring
/// rules", https://docs.aws.amazon.com/redshift/latest/dg/cm-c-wlm-query-monitoring-rules.html).
pub const MAX_RULES: usize = 25;

fn entries(configuration: &str) -> Result<Vec<Value>, String> {
    serde_json::from_str(configuration)
        .map_err(|e| format!("wlm_json_configuration is not a JSON array: {e}"))
}

/// Writes `entries` in the layout `like` was written in: compact, or with a space after each
/// `:` and `,` (as Python's json.dumps and the AWS CLI write it). Resume then puts back the very
/// text that was there, not only an equal value.
fn serialize_like(entries: &[Value], like: &str) -> Result<String, String> {
    let spaced = like.contains("\": ") || like.contains(", ");
    if !spaced {
        return serde_json::to_string(entries).map_err(|e| e.to_string());
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, SpacedFormatter);
    serde::Serialize::serialize(entries, &mut serializer).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// `{"a": 1, "b": [1, 2]}`: one line, a space after `:` and `,`.
struct SpacedFormatter;

impl serde_json::ser::Formatter for SpacedFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        separate(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        separate(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

fn separate<W: ?Sized + std::io::Write>(writer: &mut W, first: bool) -> std::io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}

fn is_auto(entries: &[Value]) -> bool {
    entries
        .iter()
        .any(|e| e.get("auto_wlm").and_then(Value::as_bool) == Some(true))
}

const NO_ADHOC: &str =
    "wlm_json_configuration has no adhoc queue (by name, user_group or query_group)";

/// The configuration with adhoc paused at `at`, on a cluster: a query-monitoring rule that
/// aborts adhoc's queries (WLM checks rules every 10 seconds, so a query shorter than that may
/// still finish) and, on manual WLM, adhoc's concurrency at its minimum (1). Nothing else changes.
pub fn pause_adhoc(configuration: &str, at: Time) -> Result<String, String> {
    pause(configuration, at, false)
}

/// The configuration with adhoc paused at `at`, on a Serverless workgroup: the abort rule alone,
/// since Serverless queues take no `query_concurrency` (nor `auto_wlm`, `memory_percent_to_use`,
/// `user_group` …) and no `hop` action; `abort` rules are theirs ("Setting query queues",
/// https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-query-queues.html).
pub fn pause_serverless_adhoc(configuration: &str, at: Time) -> Result<String, String> {
    pause(configuration, at, true)
}

fn pause(configuration: &str, at: Time, serverless: bool) -> Result<String, String> {
    let mut entries = entries(configuration)?;
    let rules_before: usize = entries.iter().map(rule_count).sum();
    if rules_before >= MAX_RULES {
        return Err(format!(
            "wlm_json_configuration already holds {rules_before} query monitoring rules, the most AWS takes \
for all queues together ({MAX_RULES}): the pause's abort rule would be one too many"
        ));
    }
    let set_concurrency = !serverless && !is_auto(&entries);
    let adhoc = entries
        .iter_mut()
        .find(|e| is_queue(e, "adhoc"))
        .ok_or(NO_ADHOC)?;
    let queue = adhoc
        .as_object_mut()
        .ok_or("the adhoc queue is not an object")?;
    let concurrency = set_concurrency.then(|| {
        // WLM's default concurrency for a manual queue is 5.
        queue
            .get("query_concurrency")
            .and_then(Value::as_u64)
            .unwrap_or(5) as u32
    });
    let pause = AdhocPause {
        since: at,
        concurrency,
        had_no_rules: !queue.contains_key("rules"),
    };
    if set_concurrency {
        queue.insert("query_concurrency".into(), json!(1));
    }
    let rules = queue
        .entry("rules")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or("the adhoc queue's rules are not a list")?;
    // query_execution_time is in seconds, 0 to 86,399 ("WLM query monitoring rules",
    // https://docs.aws.amazon.com/redshift/latest/dg/cm-c-wlm-query-monitoring-rules.html).
    rules.push(json!({
        "rule_name": pause.rule_name(),
        "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 0}],
        "action": "abort"
    }));
    let paused = serialize_like(&entries, configuration)?;
    within_size(&paused)?;
    Ok(paused)
}

fn rule_count(entry: &Value) -> usize {
    entry
        .get("rules")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

fn within_size(configuration: &str) -> Result<(), String> {
    let chars = configuration.chars().count();
    if chars > MAX_CONFIGURATION_CHARS {
        return Err(format!(
            "with the pause's abort rule, wlm_json_configuration would be {chars} characters, \
more than AWS takes ({MAX_CONFIGURATION_CHARS})"
        ));
    }
    Ok(())
}

/// The configuration with the pause undone exactly: the rule removed, adhoc's concurrency and
/// its rules list as they were before. Changes anyone made meanwhile to other properties stay.
pub fn resume_adhoc(configuration: &str) -> Result<String, String> {
    resume(configuration, false)
}

/// [`resume_adhoc`] on a Serverless workgroup, whose queues cannot take back a concurrency.
pub fn resume_serverless_adhoc(configuration: &str) -> Result<String, String> {
    resume(configuration, true)
}

fn resume(configuration: &str, serverless: bool) -> Result<String, String> {
    let pause = adhoc_pause(configuration)?.ok_or("adhoc is not paused")?;
    if serverless && let Some(concurrency) = pause.concurrency {
        return Err(format!(
            "the pause's rule {} records a query_concurrency of {concurrency} to restore, which Serverless \
queues do not take (query_concurrency is a provisioned cluster's WLM key): remove the rule from the \
workgroup's wlm_json_configuration by hand",
            pause.rule_name()
        ));
    }
    let mut entries = entries(configuration)?;
    let adhoc = entries
        .iter_mut()
        .find(|e| is_queue(e, "adhoc"))
        .and_then(Value::as_object_mut)
        .ok_or(NO_ADHOC)?;
    if let Some(rules) = adhoc.get_mut("rules").and_then(Value::as_array_mut) {
        rules.retain(|rule| {
            !rule
                .get("rule_name")
                .and_then(Value::as_str)
                .is_some_and(|name| name.starts_with(PAUSE_RULE_PREFIX))
        });
        if rules.is_empty() && pause.had_no_rules {
            adhoc.shift_remove("rules");
        }
    }
    if let Some(concurrency) = pause.concurrency {
        adhoc.insert("query_concurrency".into(), json!(concurrency));
    }
    serialize_like(&entries, configuration)
}

/// A configuration laid out one property per line, so a diff shows exactly what changes.
pub fn pretty(configuration: &str) -> String {
    serde_json::from_str::<Value>(configuration)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| configuration.to_string())
}

/// Default parameter groups cannot be modified ("Amazon Redshift parameter groups", Amazon
/// Redshift Management Guide,
/// https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-parameter-groups.html); the
/// emulator refuses ModifyClusterParameterGroup on them with InvalidParameterValue, so this is
/// checked at preview rather than learnt from a failed call.
pub fn is_default_group(group: &str) -> bool {
    group.starts_with("default.")
}

/// The plan of a pause or a resume, the same against AWS and the demo, from the configuration
/// as AWS holds it now (`None`: a workgroup whose config parameters have no
/// `wlm_json_configuration`, so no queues). A pause over a pause and a resume with nothing
/// paused are refused; so is any change to a default parameter group, and whatever the
/// workgroup's queues cannot hold. The operator adds the `CANCEL` of the running adhoc queries
/// it finds.
pub fn plan_change(request: &Request, home: &WlmHome, current: Option<&str>, now: Time) -> Plan {
    let warehouse = home.warehouse();
    let holder = home.holder();
    let mut plan = Plan::new(request.clone(), format!("WLM queue adhoc on {warehouse}"));
    plan.confirm = Some("adhoc".into());
    plan.before = match home {
        WlmHome::ParameterGroup { group, .. } => {
            json!({"parameter_group": group, "wlm_json_configuration": current})
        }
        WlmHome::Workgroup { workgroup } => {
            json!({"workgroup": workgroup, "wlm_json_configuration": current})
        }
    };
    if let WlmHome::ParameterGroup { cluster, group } = home
        && is_default_group(group)
    {
        plan.unsupported = Some(format!(
            "{cluster} uses the default parameter group {group}, which AWS does not let anyone modify. \
Fix: create a parameter group with the same wlm_json_configuration (redshift:CreateClusterParameterGroup), \
associate it with {cluster} (redshift:ModifyCluster ClusterParameterGroupName=…; it applies after a reboot), \
then pause"
        ));
        return plan;
    }
    let Some(current) = current else {
        plan.unsupported = Some(format!(
            "{holder} has no query queues (no wlm_json_configuration in its config parameters), so no adhoc \
queue to pause. Fix: set queues with an adhoc queue (redshift-serverless:UpdateWorkgroup \
configParameters=[wlm_json_configuration]; docs: \"Setting query queues\"), then pause"
        ));
        return plan;
    };
    let paused = match adhoc_pause(current) {
        Ok(paused) => paused,
        Err(error) => {
            plan.unsupported = Some(error);
            return plan;
        }
    };
    let serverless = home.is_serverless();
    let target = match (request, paused) {
        (Request::PauseAdhoc { .. }, Some(pause)) => {
            plan.unsupported = Some(format!(
                "adhoc is already paused since {} UTC (rule {} in {holder}): resume it first",
                pause.since.format("%Y-%m-%d %H:%M"),
                pause.rule_name()
            ));
            return plan;
        }
        (Request::PauseAdhoc { .. }, None) => pause(current, now, serverless),
        (_, Some(_)) => resume(current, serverless),
        (_, None) => Err(format!(
            "nothing to resume: adhoc is not paused on {warehouse} (its live configuration in {holder} has no {PAUSE_RULE_PREFIX}… rule)"
        )),
    };
    let target = match target {
        Ok(target) => target,
        Err(error) => {
            plan.unsupported = Some(error);
            return plan;
        }
    };
    if matches!(request, Request::PauseAdhoc { .. }) {
        if serverless {
            plan.notes.push(
                "Serverless queues have no concurrency to lower, so the pause is the abort rule alone: \
adhoc queries are aborted at WLM's next check (every 10 s)"
                    .into(),
            );
        } else if let Ok(entries) = entries(current)
            && is_auto(&entries)
        {
            plan.notes.push(
                "automatic WLM: adhoc's concurrency is not set by hand, so the pause is the abort rule alone: \
adhoc queries are aborted at WLM's next check (every 10 s); batch's priority is unchanged"
                    .into(),
            );
        }
    }
    plan.calls.push(match home {
        WlmHome::ParameterGroup { group, .. } => format!(
            "redshift:ModifyClusterParameterGroup ParameterGroupName={group} \
Parameters=[{{ParameterName=wlm_json_configuration, ApplyType=dynamic, ParameterValue=<the configuration after the change below>}}]"
        ),
        // Only this key is sent: the workgroup's other parameters are not this action's to set.
        WlmHome::Workgroup { workgroup } => format!(
            "redshift-serverless:UpdateWorkgroup workgroupName={workgroup} configParameters=[wlm_json_configuration]"
        ),
    });
    plan.change = Some(Change {
        what: format!("wlm_json_configuration of {holder}"),
        before: pretty(current),
        after: pretty(&target),
    });
    plan.payload = match home {
        WlmHome::ParameterGroup { group, .. } => {
            json!({"parameter_group": group, "configuration": target, "cancel": []})
        }
        WlmHome::Workgroup { workgroup } => {
            json!({"workgroup": workgroup, "configuration": target, "cancel": []})
        }
    };
    plan
}

/// Adds the `CANCEL` of each running adhoc query to a pause's plan.
pub fn cancel_queries(plan: &mut Plan, pids: &[i64]) {
    for pid in pids {
        plan.calls.push(format!("CANCEL {pid}"));
    }
    plan.payload["cancel"] = json!(pids);
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANUAL: &str = r#"[{"name":"batch","user_group":["batch"],"query_concurrency":5,"memory_percent_to_use":50},{"name":"adhoc","user_group":["adhoc"],"query_concurrency":5,"memory_percent_to_use":30,"max_execution_time":1800000},{"name":"admin","query_concurrency":2,"memory_percent_to_use":20},{"short_query_queue":true}]"#;

    fn at() -> Time {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(8, 12, 31)
            .unwrap()
            .and_utc()
    }

    fn cluster(group: &str) -> WlmHome {
        WlmHome::ParameterGroup {
            cluster: "dpc-learning".into(),
            group: group.into(),
        }
    }

    fn workgroup() -> WlmHome {
        WlmHome::Workgroup {
            workgroup: "multitenant-wg".into(),
        }
    }

    /// Queues as a Serverless workgroup takes them: names, user roles and query groups, rules;
    /// no concurrency, memory or user groups.
    const SERVERLESS: &str = r#"[{"name":"batch","user_role":["batch"],"query_group":["batch"]},{"name":"adhoc","user_role":["analyst"],"query_group":["adhoc"],"rules":[{"rule_name":"long_adhoc","predicate":[{"metric_name":"query_execution_time","operator":">","value":1800}],"action":"abort"}]},{"name":"admin","query_group":["admin"]}]"#;

    #[test]
    fn manual_wlm_gets_minimum_concurrency_and_an_abort_rule_and_nothing_else_changes() {
        let paused: Vec<Value> = serde_json::from_str(&pause_adhoc(MANUAL, at()).unwrap()).unwrap();
        let original: Vec<Value> = serde_json::from_str(MANUAL).unwrap();
        assert_eq!(paused[1]["query_concurrency"], 1);
        assert_eq!(paused[1]["rules"][0]["action"], "abort");
        assert_eq!(
            paused[1]["rules"][0]["rule_name"],
            "shiftops_pause_2612020812_q5_n"
        );
        assert_eq!(paused[1]["memory_percent_to_use"], 30);
        assert_eq!(paused[0], original[0]);
        assert_eq!(paused[2], original[2]);
        assert_eq!(paused[3], original[3]);
    }

    #[test]
    fn resume_restores_the_configuration_to_the_byte() {
        let with_rules = r#"[{"name":"adhoc","query_concurrency":3,"rules":[{"rule_name":"long","predicate":[{"metric_name":"query_execution_time","operator":">","value":600}],"action":"log"}]},{"name":"batch","query_concurrency":5}]"#;
        let spaced = r#"[{"name": "batch", "query_concurrency": 5}, {"name": "adhoc", "user_group": ["adhoc", "analysts"], "query_concurrency": 5}]"#;
        for original in [MANUAL, with_rules, spaced] {
            let paused = pause_adhoc(original, at()).unwrap();
            assert_eq!(
                adhoc_pause(&paused)
                    .unwrap()
                    .unwrap()
                    .since
                    .format("%H:%M")
                    .to_string(),
                "08:12"
            );
            assert_eq!(resume_adhoc(&paused).unwrap(), original);
            assert_eq!(adhoc_pause(original).unwrap(), None);
        }
    }

    #[test]
    fn resume_keeps_what_others_changed_meanwhile() {
        let paused = pause_adhoc(MANUAL, at()).unwrap();
        let changed = paused.replace(
            r#""name":"batch","user_group":["batch"],"query_concurrency":5"#,
            r#""name":"batch","user_group":["batch"],"query_concurrency":7"#,
        );
        let resumed = resume_adhoc(&changed).unwrap();
        assert_eq!(
            resumed,
            MANUAL.replace(
                r#""query_concurrency":5,"memory_percent_to_use":50"#,
                r#""query_concurrency":7,"memory_percent_to_use":50"#
            )
        );
    }

    #[test]
    fn automatic_wlm_gets_the_abort_rule_only() {
        let auto = r#"[{"name":"batch","auto_wlm":true,"priority":"normal"},{"name":"adhoc","auto_wlm":true,"priority":"normal"}]"#;
        let paused: Vec<Value> = serde_json::from_str(&pause_adhoc(auto, at()).unwrap()).unwrap();
        assert_eq!(paused[0]["priority"], "normal");
        assert_eq!(paused[1]["priority"], "normal");
        assert_eq!(paused[1]["rules"][0]["action"], "abort");
        assert_eq!(paused[1].get("query_concurrency"), None);
        assert_eq!(
            resume_adhoc(&pause_adhoc(auto, at()).unwrap()).unwrap(),
            auto
        );
    }

    #[test]
    fn pause_over_pause_resume_without_pause_and_default_groups_are_refused() {
        let pause = Request::PauseAdhoc {
            cancel_running: false,
        };
        let paused = pause_adhoc(MANUAL, at()).unwrap();
        let twice = plan_change(&pause, &cluster("dpc-params"), Some(paused.as_str()), at());
        assert!(
            twice
                .unsupported
                .unwrap()
                .contains("already paused since 2026-12-02 08:12")
        );
        let resume = plan_change(
            &Request::ResumeAdhoc,
            &cluster("dpc-params"),
            Some(MANUAL),
            at(),
        );
        assert!(resume.unsupported.unwrap().starts_with("nothing to resume"));
        let default = plan_change(&pause, &cluster("default.redshift-2.0"), Some(MANUAL), at());
        assert!(
            default
                .unsupported
                .unwrap()
                .contains("default parameter group")
        );
        let fine = plan_change(&pause, &cluster("dpc-params"), Some(MANUAL), at());
        assert_eq!(fine.unsupported, None);
        assert_eq!(fine.payload["configuration"], paused);
    }

    #[test]
    fn a_configuration_without_adhoc_is_refused() {
        assert!(pause_adhoc(r#"[{"name":"batch"}]"#, at()).is_err());
        assert!(pause_adhoc("not json", at()).is_err());
    }

    #[test]
    fn a_serverless_pause_is_the_abort_rule_alone_and_resume_restores_the_byte() {
        let pause = Request::PauseAdhoc {
            cancel_running: false,
        };
        let plan = plan_change(&pause, &workgroup(), Some(SERVERLESS), at());
        assert_eq!(plan.unsupported, None);
        assert_eq!(plan.target, "WLM queue adhoc on multitenant-wg");
        assert_eq!(
            plan.calls,
            [
                "redshift-serverless:UpdateWorkgroup workgroupName=multitenant-wg configParameters=[wlm_json_configuration]"
            ]
        );
        assert_eq!(plan.payload["workgroup"], "multitenant-wg");
        assert!(plan.notes[0].contains("Serverless queues have no concurrency"));
        let paused = plan.payload["configuration"].as_str().unwrap().to_string();
        let entries: Vec<Value> = serde_json::from_str(&paused).unwrap();
        let original: Vec<Value> = serde_json::from_str(SERVERLESS).unwrap();
        // Nothing Serverless refuses: no concurrency is written, the new rule aborts.
        assert_eq!(entries[1].get("query_concurrency"), None);
        assert_eq!(entries[1]["rules"][0], original[1]["rules"][0]);
        assert_eq!(entries[1]["rules"][1]["action"], "abort");
        assert_eq!(
            entries[1]["rules"][1]["rule_name"],
            "shiftops_pause_2612020812_auto"
        );
        assert_eq!((&entries[0], &entries[2]), (&original[0], &original[2]));
        let resume = plan_change(
            &Request::ResumeAdhoc,
            &workgroup(),
            Some(paused.as_str()),
            at(),
        );
        assert_eq!(resume.unsupported, None);
        assert_eq!(resume.payload["configuration"], SERVERLESS);
        let twice = plan_change(&pause, &workgroup(), Some(paused.as_str()), at());
        assert!(
            twice
                .unsupported
                .unwrap()
                .contains("(rule shiftops_pause_2612020812_auto in workgroup multitenant-wg)")
        );
    }

    #[test]
    fn a_workgroup_without_queues_or_with_a_cluster_pause_is_refused_with_the_reason() {
        let pause = Request::PauseAdhoc {
            cancel_running: false,
        };
        let none = plan_change(&pause, &workgroup(), None, at());
        let why = none.unsupported.unwrap();
        assert!(
            why.starts_with("workgroup multitenant-wg has no query queues")
                && why.contains("redshift-serverless:UpdateWorkgroup"),
            "{why}"
        );
        assert!(none.calls.is_empty());
        // A rule that records a concurrency to put back cannot be resumed on Serverless.
        let with_concurrency = SERVERLESS.replace(
            r#""rules":[{"rule_name":"long_adhoc""#,
            r#""rules":[{"rule_name":"shiftops_pause_2612020812_q5","predicate":[],"action":"abort"},{"rule_name":"long_adhoc""#,
        );
        let resume = plan_change(
            &Request::ResumeAdhoc,
            &workgroup(),
            Some(with_concurrency.as_str()),
            at(),
        );
        assert!(
            resume
                .unsupported
                .unwrap()
                .contains("query_concurrency of 5 to restore, which Serverless queues do not take")
        );
    }

    #[test]
    fn a_pause_past_what_aws_takes_is_refused() {
        let rule = r#"{"rule_name":"r","predicate":[{"metric_name":"query_execution_time","operator":">","value":60}],"action":"log"}"#;
        let full = format!(
            r#"[{{"name":"adhoc","query_group":["adhoc"],"rules":[{}]}}]"#,
            vec![rule; MAX_RULES].join(",")
        );
        let why = pause_serverless_adhoc(&full, at()).unwrap_err();
        assert!(
            why.contains("already holds 25 query monitoring rules"),
            "{why}"
        );
        let long = format!(
            r#"[{{"name":"adhoc","query_group":["adhoc","{}"]}}]"#,
            "x".repeat(MAX_CONFIGURATION_CHARS - 60)
        );
        assert!(long.len() <= MAX_CONFIGURATION_CHARS);
        let why = pause_adhoc(&long, at()).unwrap_err();
        assert!(why.contains("more than AWS takes (8000)"), "{why}");
    }
}
