//! Stopping a hung ELT run, the same against AWS and the demo. A run that sits in one state far
//! past a normal day's length holds the schedule and the delay grows; it will not finish on its
//! own. Stopping it (StopExecution) makes it ABORTED, which RedriveExecution can then run again
//! from the state it stopped in ("RedriveExecution": failed, aborted or timed out executions,
//! https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
//!
//! Only a RUNNING execution is stopped, read from Step Functions right before: another operator
//! may have stopped or redriven it meanwhile. StopExecution takes an `error` of at most 256 and a
//! `cause` of at most 32768 characters ("StopExecution", AWS Step Functions API Reference:
//! https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html).

use serde_json::json;

use super::{Plan, Request};
use crate::i18n::Lang;
use crate::model::{EltRun, EltStatus, Time, format_duration_secs};

/// The `error` the stopped execution records: who stopped it.
pub const STOP_ERROR: &str = "shiftops.Stopped";
/// StopExecution's limit on `cause`.
pub const MAX_CAUSE: usize = 32_768;

/// The plan of stopping `run`, as Step Functions describes it now.
pub fn plan_stop(request: &Request, run: &EltRun, now: Time) -> Plan {
    let mut plan = Plan::new(request.clone(), format!("execution {}", run.name));
    plan.before = json!({
        "execution": run.execution_arn,
        "status": run.status.as_str(),
        "redrive_count": run.redrive_count,
    });
    if run.status != EltStatus::Running {
        plan.unsupported = Some(format!(
            "execution {} is {}: only a RUNNING execution can be stopped",
            run.name,
            run.status.as_str().to_ascii_uppercase()
        ));
        return plan;
    }
    let since = run.redriven_at.unwrap_or(run.started_at);
    let running_for = format_duration_secs(
        (now - since).num_seconds().max(0) as f64,
        // The cause is stored in AWS's execution history, read by anyone: English.
        Lang::En,
    );
    let step = run.current_step_name().unwrap_or("an unknown state");
    let cause: String = format!(
        "stopped from shiftops: running for {running_for}, in {step}, holding the ELT schedule"
    )
    .chars()
    .take(MAX_CAUSE)
    .collect();
    plan.confirm = Some(run.name.clone());
    plan.calls.push(format!(
        "states:StopExecution executionArn={} error={STOP_ERROR} cause=\"{cause}\"",
        run.execution_arn
    ));
    plan.notes.push(format!(
        "running for {running_for}, in {step}: stop it only if it hangs — a run within a normal \
         day's length is better left to finish"
    ));
    plan.notes.push(
        "it becomes ABORTED and stops where it is; what its states already did stays done".into(),
    );
    plan.notes.push(
        "then rerun it (:rerun redrives it from the state it stopped in) once the cause of the \
         hang is understood"
            .into(),
    );
    plan.payload = json!({"error": STOP_ERROR, "cause": cause});
    plan
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn run(status: EltStatus) -> EltRun {
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 3, 0, 0).unwrap();
        EltRun {
            current_step: Some(crate::model::CurrentStep {
                name: "dbt run".into(),
                entered_at: at,
            }),
            ..EltRun::new(
                "arn:aws:states:us-east-1:1:execution:daily-elt:r1".into(),
                "r1".into(),
                status,
                at,
            )
        }
    }

    fn request() -> Request {
        Request::StopElt {
            execution_arn: "arn:aws:states:us-east-1:1:execution:daily-elt:r1".into(),
        }
    }

    #[test]
    fn a_running_execution_is_stopped_by_name_with_how_long_it_hung() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let plan = plan_stop(&request(), &run(EltStatus::Running), now);
        assert_eq!(plan.unsupported, None);
        assert_eq!(plan.confirm.as_deref(), Some("r1"));
        assert!(plan.calls[0].starts_with("states:StopExecution executionArn=arn:aws:states"));
        assert!(plan.calls[0].contains("in dbt run"), "{:?}", plan.calls);
        assert!(plan.notes[0].contains("running for 3h"), "{:?}", plan.notes);
        assert!(
            plan.notes[0].contains("stop it only if it hangs"),
            "{:?}",
            plan.notes
        );
        assert_eq!(plan.before["status"], "running");
    }

    #[test]
    fn anything_but_a_running_execution_is_refused() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        for status in [EltStatus::Succeeded, EltStatus::Failed, EltStatus::Aborted] {
            let plan = plan_stop(&request(), &run(status.clone()), now);
            let reason = plan.unsupported.unwrap();
            assert!(
                reason.contains("only a RUNNING execution can be stopped"),
                "{status}: {reason}"
            );
            assert!(plan.calls.is_empty());
        }
    }
}
