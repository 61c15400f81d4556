//! Pausing the adhoc WLM queue (seed 001 runbook: "stop adhoc temporarily, favour batch") by
//! changing only dynamic properties of `wlm_json_configuration`, which apply without a reboot.
//!
//! The pause lives in the live configuration and nowhere else: its abort rule's name records
//! when it began and what resume puts back ([`AdhocPause`]). Whether adhoc is paused, since when
//! and what resume restores are therefore read from AWS, the same for every operator.

use serde_json::{Value, json};

use super::{Change, Plan, Request};
use crate::model::{AdhocPause, PAUSE_RULE_PREFIX, Time, adhoc_pause, is_queue};

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

/// The configuration with adhoc paused at `at`: a query-monitoring rule that aborts adhoc's
/// queries (WLM checks rules every 10 seconds, so a query shorter than that may still finish) and,
/// on manual WLM, adhoc's concurrency at its minimum (1). Nothing else changes.
pub fn pause_adhoc(configuration: &str, at: Time) -> Result<String, String> {
    let mut entries = entries(configuration)?;
    let auto = is_auto(&entries);
    let adhoc = entries
        .iter_mut()
        .find(|e| is_queue(e, "adhoc"))
        .ok_or(NO_ADHOC)?;
    let queue = adhoc
        .as_object_mut()
        .ok_or("the adhoc queue is not an object")?;
    let concurrency = if auto {
        None
    } else {
        let current = queue.get("query_concurrency").and_then(Value::as_u64);
        // WLM's default concurrency for a manual queue is 5.
        Some(current.unwrap_or(5) as u32)
    };
    let pause = AdhocPause {
        since: at,
        concurrency,
        had_no_rules: !queue.contains_key("rules"),
    };
    if !auto {
        queue.insert("query_concurrency".into(), json!(1));
    }
    let rules = queue
        .entry("rules")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .ok_or("the adhoc queue's rules are not a list")?;
    // query_execution_time is in seconds, 0 to 86,399 ("WLM query monitoring rules",
    // https://docs.aws.amazon.com/redshift/latest/dg/cm-c-wlm-query-monitoring-rules.html); at most
    // 25 rules in all, which the emulator enforces too.
    rules.push(json!({
        "rule_name": pause.rule_name(),
        "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 0}],
        "action": "abort"
    }));
    serialize_like(&entries, configuration)
}

/// The configuration with the pause undone exactly: the rule removed, adhoc's concurrency and
/// its rules list as they were before. Changes anyone made meanwhile to other properties stay.
pub fn resume_adhoc(configuration: &str) -> Result<String, String> {
    let pause = adhoc_pause(configuration)?.ok_or("adhoc is not paused")?;
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

/// The plan of a pause or a resume, the same against AWS and the demo, from the parameter
/// group's configuration as AWS holds it now. A pause over a pause and a resume with nothing
/// paused are refused; so is any change to a default parameter group. The operator adds the
/// `CANCEL` of the running adhoc queries it finds.
pub fn plan_change(
    request: &Request,
    cluster: &str,
    group: &str,
    current: &str,
    now: Time,
) -> Plan {
    let mut plan = Plan::new(request.clone(), format!("WLM queue adhoc on {cluster}"));
    plan.confirm = Some("adhoc".into());
    plan.before = json!({"parameter_group": group, "wlm_json_configuration": current});
    if is_default_group(group) {
        plan.unsupported = Some(format!(
            "{cluster} uses the default parameter group {group}, which AWS does not let anyone modify. \
Fix: create a parameter group with the same wlm_json_configuration (redshift:CreateClusterParameterGroup), \
associate it with {cluster} (redshift:ModifyCluster ClusterParameterGroupName=…; it applies after a reboot), \
then pause"
        ));
        return plan;
    }
    let paused = match adhoc_pause(current) {
        Ok(paused) => paused,
        Err(error) => {
            plan.unsupported = Some(error);
            return plan;
        }
    };
    let target = match (request, paused) {
        (Request::PauseAdhoc { .. }, Some(pause)) => {
            plan.unsupported = Some(format!(
                "adhoc is already paused since {} UTC (rule {} in {group}): resume it first",
                pause.since.format("%Y-%m-%d %H:%M"),
                pause.rule_name()
            ));
            return plan;
        }
        (Request::PauseAdhoc { .. }, None) => pause_adhoc(current, now),
        (_, Some(_)) => resume_adhoc(current),
        (_, None) => Err(format!(
            "nothing to resume: adhoc is not paused on {cluster} (its live configuration in {group} has no {PAUSE_RULE_PREFIX}… rule)"
        )),
    };
    let target = match target {
        Ok(target) => target,
        Err(error) => {
            plan.unsupported = Some(error);
            return plan;
        }
    };
    if matches!(request, Request::PauseAdhoc { .. })
        && let Ok(entries) = entries(current)
        && is_auto(&entries)
    {
        plan.notes.push(
            "automatic WLM: adhoc's concurrency is not set by hand, so the pause is the abort rule alone: \
adhoc queries are aborted at WLM's next check (every 10 s); batch's priority is unchanged"
                .into(),
        );
    }
    plan.calls.push(format!(
        "redshift:ModifyClusterParameterGroup ParameterGroupName={group} \
Parameters=[{{ParameterName=wlm_json_configuration, ApplyType=dynamic, ParameterValue=<the configuration after the change below>}}]"
    ));
    plan.change = Some(Change {
        what: format!("wlm_json_configuration of {group}"),
        before: pretty(current),
        after: pretty(&target),
    });
    plan.payload = json!({"parameter_group": group, "configuration": target, "cancel": []});
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
        let twice = plan_change(&pause, "dpc-learning", "dpc-params", &paused, at());
        assert!(
            twice
                .unsupported
                .unwrap()
                .contains("already paused since 2026-12-02 08:12")
        );
        let resume = plan_change(
            &Request::ResumeAdhoc,
            "dpc-learning",
            "dpc-params",
            MANUAL,
            at(),
        );
        assert!(resume.unsupported.unwrap().starts_with("nothing to resume"));
        let default = plan_change(&pause, "dpc-learning", "default.redshift-2.0", MANUAL, at());
        assert!(
            default
                .unsupported
                .unwrap()
                .contains("default parameter group")
        );
        let fine = plan_change(&pause, "dpc-learning", "dpc-params", MANUAL, at());
        assert_eq!(fine.unsupported, None);
        assert_eq!(fine.payload["configuration"], paused);
    }

    #[test]
    fn a_configuration_without_adhoc_is_refused() {
        assert!(pause_adhoc(r#"[{"name":"batch"}]"#, at()).is_err());
        assert!(pause_adhoc("not json", at()).is_err());
    }
}
