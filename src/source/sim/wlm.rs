//! The warehouse's WLM configuration (the cluster parameter `wlm_json_configuration`) and what it
//! does to the simulated queues.
//!
//! Only what a recovery action changes is modelled: the adhoc queue's slots, and whether adhoc is
//! paused (seed 001 runbook: stop adhoc for a while so batch catches up).

use serde_json::Value;

use crate::model::is_queue;

use super::walk::{Band, Bands};

/// Seed 001's design: batch 50 % (ELT from Step Functions only, 2-hour timeout, concurrency
/// scaling), adhoc 30 % (learners, 5 at a time, 30-minute timeout, no scaling), admin 20 % (the DQ
/// and VACUUM Lambdas, scaling), and short query acceleration.
pub(crate) const SEED_CONFIGURATION: &str = concat!(
    r#"[{"name":"batch","user_group":["elt_stepfunctions"],"query_group":["batch"],"#,
    r#""query_concurrency":10,"memory_percent_to_use":50,"max_execution_time":7200000,"#,
    r#""concurrency_scaling":"auto","rules":[]},"#,
    r#"{"name":"adhoc","user_group":["learners"],"query_group":["adhoc"],"#,
    r#""query_concurrency":5,"memory_percent_to_use":30,"max_execution_time":1800000,"#,
    r#""concurrency_scaling":"off","rules":[]},"#,
    r#"{"name":"admin","user_group":["ops_lambda"],"query_group":["admin"],"#,
    r#""query_concurrency":3,"memory_percent_to_use":20,"max_execution_time":0,"#,
    r#""concurrency_scaling":"auto","rules":[]},"#,
    r#"{"short_query_queue":true}]"#
);

/// The configuration as the parameter group holds it, and what it means for the queues.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WlmSettings {
    /// Verbatim, as last set: the parameter group returns exactly what it was given.
    json: String,
    adhoc_paused: bool,
    /// Manual WLM's slots for adhoc; `None` under automatic WLM or without an adhoc queue.
    adhoc_slots: Option<u32>,
    /// Once an operator has changed the configuration, the queues drift to their new levels
    /// instead of jumping there, as a real backlog drains and refills.
    changed: bool,
}

impl Default for WlmSettings {
    fn default() -> Self {
        Self {
            json: SEED_CONFIGURATION.to_string(),
            adhoc_paused: false,
            adhoc_slots: Some(5),
            changed: false,
        }
    }
}

impl WlmSettings {
    pub(crate) fn json(&self) -> &str {
        &self.json
    }

    pub(crate) fn adhoc_paused(&self) -> bool {
        self.adhoc_paused
    }

    /// Takes a new configuration; an invalid one leaves the current one in place.
    pub(crate) fn apply(&mut self, json: &str) -> Result<(), String> {
        let entries: Vec<Value> = match serde_json::from_str::<Value>(json) {
            Ok(Value::Array(entries)) => entries,
            Ok(_) => return Err("wlm_json_configuration must be a JSON array of queues".into()),
            Err(e) => return Err(format!("wlm_json_configuration is not valid JSON: {e}")),
        };
        if let Some(position) = entries.iter().position(|e| !e.is_object()) {
            return Err(format!(
                "wlm_json_configuration entry {position} is not a JSON object"
            ));
        }
        let auto = entries
            .iter()
            .any(|e| e.get("auto_wlm").and_then(Value::as_bool) == Some(true));
        let adhoc = entries.iter().find(|e| is_queue(e, "adhoc"));
        let slots = adhoc
            .filter(|_| !auto)
            .and_then(|e| e.get("query_concurrency"))
            .and_then(Value::as_u64)
            .map(|n| n.clamp(1, 50) as u32);
        let paused = adhoc.is_some_and(|entry| {
            if auto {
                // Automatic WLM has no slots to take away: a rule that aborts stops the queue.
                aborts(entry)
            } else {
                slots == Some(1) && aborts(entry)
            }
        });
        *self = Self {
            json: json.to_string(),
            adhoc_paused: paused,
            adhoc_slots: slots,
            changed: true,
        };
        Ok(())
    }

    /// The bands the queues follow under this configuration, from the incident's.
    pub(crate) fn shape(&self, bands: &mut Bands) {
        let [batch, adhoc, _] = &mut bands.queues;
        let [healthy_batch, _, _] = &Bands::HEALTHY.queues;
        if let Some(slots) = self.adhoc_slots {
            adhoc.running.high = adhoc.running.high.min(f64::from(slots));
            adhoc.running.center = adhoc.running.center.min(adhoc.running.high);
        }
        if self.adhoc_paused {
            // The abort rule kills adhoc queries as they arrive; one may still be finishing.
            adhoc.queued = Band::new(0.0, 0.0, adhoc.queued.high, 0.2, 0.5);
            adhoc.running = Band::new(0.3, 0.0, 1.0, 0.3, 0.3);
            adhoc.wait_ms = Band::new(0.0, 0.0, adhoc.wait_ms.high, 50.0, 0.3);
            // The memory and slots adhoc gave up let batch work off its backlog within minutes.
            batch.queued = Band::new(
                healthy_batch.queued.center * 0.5,
                0.0,
                batch.queued.high,
                batch.queued.step.min(1.0),
                0.05,
            );
            batch.wait_ms = Band::new(
                healthy_batch.wait_ms.center,
                0.0,
                batch.wait_ms.high,
                batch.wait_ms.step,
                0.04,
            );
        } else if self.changed {
            batch.queued.low = 0.0;
            batch.wait_ms.low = 0.0;
        }
    }
}

/// The queue for `name`: named so, or mapping a user or query group of that name (as the
/// console's own pause action finds it).
/// Whether a queue has a query monitoring rule that aborts its queries.
fn aborts(entry: &Value) -> bool {
    entry
        .get("rules")
        .and_then(Value::as_array)
        .is_some_and(|rules| {
            rules
                .iter()
                .any(|r| r.get("action").and_then(Value::as_str) == Some("abort"))
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Positions in `WLM_QUEUES` order.
    const BATCH: usize = 0;
    const ADHOC: usize = 1;

    fn paused_manual() -> String {
        let mut entries: Vec<Value> = serde_json::from_str(SEED_CONFIGURATION).unwrap();
        entries[1]["query_concurrency"] = json!(1);
        entries[1]["rules"] = json!([{
            "rule_name": "pause",
            "predicate": [{"metric_name": "query_execution_time", "operator": ">", "value": 1}],
            "action": "abort"
        }]);
        serde_json::to_string(&entries).unwrap()
    }

    #[test]
    fn the_seed_configuration_is_three_queues_and_sqa() {
        let entries: Vec<Value> = serde_json::from_str(SEED_CONFIGURATION).unwrap();
        let names: Vec<&str> = entries
            .iter()
            .filter_map(|e| e.get("name").and_then(Value::as_str))
            .collect();
        assert_eq!(names, ["batch", "adhoc", "admin"]);
        let memory: u64 = entries
            .iter()
            .filter_map(|e| e.get("memory_percent_to_use").and_then(Value::as_u64))
            .sum();
        assert_eq!(memory, 100);
        assert_eq!(entries[3], json!({"short_query_queue": true}));
        let mut settings = WlmSettings::default();
        settings.apply(SEED_CONFIGURATION).unwrap();
        assert_eq!(settings.adhoc_slots, Some(5));
        assert!(!settings.adhoc_paused());
    }

    #[test]
    fn one_slot_and_an_abort_rule_pause_adhoc_and_restoring_resumes_it() {
        let mut settings = WlmSettings::default();
        settings.apply(&paused_manual()).unwrap();
        assert!(settings.adhoc_paused());
        let mut bands = Bands::HEALTHY;
        settings.shape(&mut bands);
        assert!(bands.queues[ADHOC].running.high <= 1.0);
        assert_eq!(bands.queues[BATCH].queued.low, 0.0);
        settings.apply(SEED_CONFIGURATION).unwrap();
        assert!(!settings.adhoc_paused());
        assert_eq!(settings.json(), SEED_CONFIGURATION);
    }

    #[test]
    fn one_slot_without_an_abort_rule_only_limits_adhoc() {
        let mut entries: Vec<Value> = serde_json::from_str(SEED_CONFIGURATION).unwrap();
        entries[1]["query_concurrency"] = json!(1);
        let mut settings = WlmSettings::default();
        settings
            .apply(&serde_json::to_string(&entries).unwrap())
            .unwrap();
        assert!(!settings.adhoc_paused());
        let mut bands = Bands::HEALTHY;
        settings.shape(&mut bands);
        assert_eq!(bands.queues[ADHOC].running.high, 1.0);
        assert_eq!(
            bands.queues[ADHOC].queued,
            Bands::HEALTHY.queues[ADHOC].queued
        );
    }

    #[test]
    fn automatic_wlm_pauses_adhoc_by_an_abort_rule_not_by_priority() {
        let lowest = r#"[{"name":"batch","auto_wlm":true,"priority":"highest"},{"name":"adhoc","auto_wlm":true,"priority":"lowest"},{"short_query_queue":true}]"#;
        let mut settings = WlmSettings::default();
        settings.apply(lowest).unwrap();
        assert!(!settings.adhoc_paused(), "a low priority still runs adhoc");
        let aborting = r#"[{"name":"batch","auto_wlm":true},{"name":"adhoc","auto_wlm":true,"rules":[{"rule_name":"stop","predicate":[{"metric_name":"query_execution_time","operator":">","value":0}],"action":"abort"}]}]"#;
        settings.apply(aborting).unwrap();
        assert!(settings.adhoc_paused());
        assert_eq!(settings.adhoc_slots, None);
    }

    #[test]
    fn anything_but_an_array_of_objects_is_refused_and_changes_nothing() {
        let mut settings = WlmSettings::default();
        for bad in ["not json", r#"{"name":"adhoc"}"#, "[1, 2]"] {
            assert!(settings.apply(bad).is_err(), "{bad}");
        }
        assert_eq!(settings, WlmSettings::default());
    }
}
