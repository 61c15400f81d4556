//! Pausing the adhoc WLM queue (seed 001 runbook: "stop adhoc temporarily, favour batch") by
//! changing only dynamic properties of `wlm_json_configuration`, which apply without a reboot.

use serde_json::{Value, json};

use super::{Change, PausedWlm, Plan, Request};

/// The query-monitoring rule that aborts adhoc queries while the queue is paused.
pub const PAUSE_RULE: &str = "shiftops_pause_adhoc";

fn is_queue(entry: &Value, name: &str) -> bool {
    let named = entry.get("name").and_then(Value::as_str) == Some(name);
    let grouped = ["user_group", "query_group"].iter().any(|key| {
        entry
            .get(*key)
            .and_then(Value::as_array)
            .is_some_and(|groups| groups.iter().any(|g| g.as_str() == Some(name)))
    });
    named || grouped
}

fn is_auto(entries: &[Value]) -> bool {
    entries
        .iter()
        .any(|e| e.get("auto_wlm").and_then(Value::as_bool) == Some(true))
}

/// The configuration with adhoc paused. Manual WLM: adhoc's concurrency to its minimum (1) and a
/// rule that aborts its queries. Automatic WLM: adhoc's priority lowest and batch's highest.
pub fn pause_adhoc(configuration: &str) -> Result<String, String> {
    let mut entries: Vec<Value> = serde_json::from_str(configuration)
        .map_err(|e| format!("wlm_json_configuration is not a JSON array: {e}"))?;
    let auto = is_auto(&entries);
    let adhoc = entries
        .iter_mut()
        .find(|e| is_queue(e, "adhoc"))
        .ok_or("wlm_json_configuration has no adhoc queue (by name, user_group or query_group)")?;
    if auto {
        adhoc["priority"] = json!("lowest");
        if let Some(batch) = entries.iter_mut().find(|e| is_queue(e, "batch")) {
            batch["priority"] = json!("highest");
        }
    } else {
        adhoc["query_concurrency"] = json!(1);
        let rules = adhoc
            .as_object_mut()
            .expect("a queue is an object")
            .entry("rules")
            .or_insert_with(|| json!([]));
        let Some(rules) = rules.as_array_mut() else {
            return Err("the adhoc queue's rules are not a list".into());
        };
        if !rules
            .iter()
            .any(|r| r.get("rule_name").and_then(Value::as_str) == Some(PAUSE_RULE))
        {
            rules.push(json!({
                "rule_name": PAUSE_RULE,
                "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1}],
                "action": "abort"
            }));
        }
    }
    serde_json::to_string(&entries).map_err(|e| e.to_string())
}

/// A configuration laid out one property per line, so a diff shows exactly what changes.
pub fn pretty(configuration: &str) -> String {
    serde_json::from_str::<Value>(configuration)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| configuration.to_string())
}

/// The plan of a pause or a resume, the same against AWS and the demo: `current` is the
/// parameter group's configuration now, `saved` what a pause saved. A pause over a pause is
/// refused, since it would save the paused configuration as the one to restore. The operator adds
/// the `CANCEL` of the running adhoc queries it finds.
pub fn plan_change(
    request: &Request,
    cluster: &str,
    group: &str,
    current: &str,
    saved: Option<PausedWlm>,
) -> Plan {
    let mut plan = Plan::new(request.clone(), format!("WLM queue adhoc on {cluster}"));
    plan.confirm = Some("adhoc".into());
    plan.before = json!({"parameter_group": group, "wlm_json_configuration": current});
    let target = match (request, saved) {
        (Request::PauseAdhoc { .. }, Some(saved)) => {
            plan.unsupported = Some(format!(
                "adhoc is already paused (by {} at {}): resume it first",
                saved.caller, saved.paused_at
            ));
            return plan;
        }
        (Request::PauseAdhoc { .. }, None) => match pause_adhoc(current) {
            Ok(paused) => paused,
            Err(error) => {
                plan.unsupported = Some(error);
                return plan;
            }
        },
        (_, Some(saved)) => saved.previous,
        (_, None) => {
            plan.unsupported =
                Some("nothing to resume: no configuration was saved by a pause".into());
            return plan;
        }
    };
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

    #[test]
    fn manual_wlm_gets_minimum_concurrency_and_an_abort_rule_and_nothing_else_changes() {
        let paused: Vec<Value> = serde_json::from_str(&pause_adhoc(MANUAL).unwrap()).unwrap();
        let original: Vec<Value> = serde_json::from_str(MANUAL).unwrap();
        assert_eq!(paused[1]["query_concurrency"], 1);
        assert_eq!(paused[1]["rules"][0]["action"], "abort");
        assert_eq!(paused[1]["memory_percent_to_use"], 30);
        assert_eq!(paused[0], original[0]);
        assert_eq!(paused[2], original[2]);
        assert_eq!(paused[3], original[3]);
        // Pausing twice adds the rule once.
        let twice: Vec<Value> =
            serde_json::from_str(&pause_adhoc(&pause_adhoc(MANUAL).unwrap()).unwrap()).unwrap();
        assert_eq!(twice[1]["rules"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn automatic_wlm_changes_priorities() {
        let auto = r#"[{"name":"batch","auto_wlm":true,"priority":"normal"},{"name":"adhoc","auto_wlm":true,"priority":"normal"}]"#;
        let paused: Vec<Value> = serde_json::from_str(&pause_adhoc(auto).unwrap()).unwrap();
        assert_eq!(paused[0]["priority"], "highest");
        assert_eq!(paused[1]["priority"], "lowest");
    }

    #[test]
    fn a_configuration_without_adhoc_is_refused() {
        assert!(pause_adhoc(r#"[{"name":"batch"}]"#).is_err());
        assert!(pause_adhoc("not json").is_err());
    }
}
