//! Rerunning the ELT, the same against AWS and the demo: what may be rerun, how, and under which
//! name. Step Functions holds the truth: the operator reads the executions, this decides.
//!
//! - While any execution of the state machine is RUNNING, nothing is rerun: that would double
//!   the day's COPY and dbt work.
//! - Only the latest execution is rerun: an older one was already superseded.
//! - A FAILED, TIMED_OUT or ABORTED latest execution of the last 14 days is redriven, with a client
//!   token that follows from the execution and its redrive count, so two operators asking for
//!   the same redrive get one ("RedriveExecution", AWS Step Functions API Reference:
//!   https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
//! - Otherwise (succeeded, or no longer redrivable) a new execution starts with the same input,
//!   named after the execution and its attempt (`<name>-rerun-<n>`), so two operators asking for
//!   the same rerun ask for the same name: Step Functions starts it once and answers the second
//!   with the first execution, or ExecutionAlreadyExists ("StartExecution", AWS Step Functions API
//!   Reference: names are unique per state machine for 90 days; at most 80 characters:
//!   https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).

use serde_json::json;

use super::{Plan, Request};
use crate::model::{EltRun, EltStatus, Time};

/// Step Functions' limit on execution names.
pub const MAX_NAME: usize = 80;
/// Step Functions redrives executions that stopped within this many days.
const REDRIVE_DAYS: i64 = 14;

/// What the decision needs of one execution.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    pub run: EltRun,
    pub state_machine_arn: String,
    pub input: Option<String>,
    /// Step Functions' own word that it cannot be redriven (`redriveStatusReason`), if it says so.
    pub not_redrivable: Option<String>,
}

/// The execution a rerun of `name` starts: `daily-elt-20261121T06-rerun-1`, then `…-rerun-2`
/// for a rerun of that one. Always at most 80 characters.
pub fn rerun_name(name: &str) -> String {
    let (root, attempt) = match name.rsplit_once("-rerun-") {
        Some((root, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
            (root, n.parse::<u32>().unwrap_or(0))
        }
        _ => (name, 0),
    };
    let suffix = format!("-rerun-{}", attempt + 1);
    let keep = MAX_NAME.saturating_sub(suffix.len());
    let root: String = root.chars().take(keep).collect();
    format!("{root}{suffix}")
}

/// The client token of the `redrive_count`-th redrive of an execution: the same for the same
/// failure, whoever asks. At most 64 characters, as RedriveExecution allows.
pub fn redrive_token(execution_arn: &str, redrive_count: u32) -> String {
    let hash = execution_arn
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("shiftops-{hash:016x}-{redrive_count}")
}

fn when(time: Time) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The plan of a rerun of `target`, given the state machine's latest execution and those running.
pub fn plan_rerun(
    request: &Request,
    target: &Execution,
    latest: Option<&EltRun>,
    running: &[EltRun],
    now: Time,
) -> Plan {
    let run = &target.run;
    let machine = target
        .state_machine_arn
        .rsplit(':')
        .next()
        .unwrap_or("the state machine")
        .to_string();
    let mut plan = Plan::new(request.clone(), format!("execution {}", run.name));
    plan.confirm = Some(machine);
    plan.before = json!({
        "execution": run.name,
        "status": run.status.as_str(),
        "redrive_count": run.redrive_count,
        "latest": latest.map(|l| l.name.clone()),
        "running": running.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
    });
    let next_name = rerun_name(&run.name);
    if let Some(busy) = running.first() {
        let step = busy
            .current_step_name()
            .map(|s| format!(", now in step {s}"))
            .unwrap_or_default();
        let redriven = busy.name == run.name && run.redrive_count > 0;
        let already = busy.name == next_name || redriven;
        plan.unsupported = Some(if already {
            let at = match busy.redriven_at {
                Some(at) if redriven => at,
                _ => busy.started_at,
            };
            format!(
                "already rerun at {} as {} ({}, RUNNING{step}): wait for it",
                when(at),
                busy.name,
                if redriven {
                    "redriven"
                } else {
                    "started again"
                }
            )
        } else {
            format!(
                "{} is RUNNING since {}{step}: a rerun now would run the ELT twice at once; wait for it to finish, or if it hangs, stop it first (:stop-elt)",
                busy.name,
                when(busy.started_at)
            )
        });
        return plan;
    }
    if let Some(latest) = latest
        && latest.execution_arn != run.execution_arn
    {
        plan.unsupported = Some(if latest.name == next_name {
            format!(
                "already rerun at {} as {} ({})",
                when(latest.started_at),
                latest.name,
                latest.status
            )
        } else {
            format!(
                "{} is not the latest run: {} ({}, started {}) came after it; rerun that one if needed",
                run.name,
                latest.name,
                latest.status,
                when(latest.started_at)
            )
        });
        return plan;
    }
    let recent = run
        .stopped_at
        .is_some_and(|t| now - t <= chrono::Duration::days(REDRIVE_DAYS));
    let why_not = if run.status == EltStatus::Succeeded {
        Some("it succeeded".to_string())
    } else if !run.status.is_failure() {
        Some(format!("it is {}", run.status))
    } else if !recent {
        Some(format!("it ended more than {REDRIVE_DAYS} days ago"))
    } else {
        target.not_redrivable.clone()
    };
    match why_not {
        None => {
            let token = redrive_token(&run.execution_arn, run.redrive_count);
            plan.calls.push(format!(
                "states:RedriveExecution executionArn={} clientToken={token}",
                run.execution_arn
            ));
            plan.payload = json!({"redrive": true, "client_token": token});
        }
        Some(why) if run.status.is_failure() || run.status == EltStatus::Succeeded => {
            plan.notes.push(format!(
                "not redrivable ({why}): starting it again as {next_name} with the same input"
            ));
            plan.calls.push(format!(
                "states:StartExecution stateMachineArn={} name={next_name} input={}",
                target.state_machine_arn,
                target.input.as_deref().unwrap_or("{}")
            ));
            plan.payload = json!({
                "redrive": false,
                "state_machine_arn": target.state_machine_arn,
                "name": next_name,
                "input": target.input,
            });
        }
        Some(why) => plan.unsupported = Some(format!("{} cannot be rerun: {why}", run.name)),
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> Time {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
            .and_utc()
    }

    fn run(name: &str, status: EltStatus, started: u32) -> EltRun {
        EltRun {
            stopped_at: (status != EltStatus::Running).then(|| at(started + 1)),
            ..EltRun::new(
                format!("arn:aws:states:us-east-1:999999999999:execution:daily-elt:{name}"),
                name.into(),
                status,
                at(started),
            )
        }
    }

    fn execution(run: EltRun) -> Execution {
        Execution {
            run,
            state_machine_arn: "arn:aws:states:us-east-1:999999999999:stateMachine:daily-elt"
                .into(),
            input: Some("{}".into()),
            not_redrivable: None,
        }
    }

    fn request(run: &EltRun) -> Request {
        Request::RerunElt {
            execution_arn: run.execution_arn.clone(),
        }
    }

    #[test]
    fn names_follow_the_attempt_and_fit_80_characters() {
        assert_eq!(
            rerun_name("daily-elt-20261121T06"),
            "daily-elt-20261121T06-rerun-1"
        );
        assert_eq!(
            rerun_name("daily-elt-20261121T06-rerun-1"),
            "daily-elt-20261121T06-rerun-2"
        );
        assert_eq!(rerun_name("x-rerun-"), "x-rerun--rerun-1");
        let long = "a".repeat(80);
        assert_eq!(rerun_name(&long).len(), 80);
        assert!(rerun_name(&long).ends_with("-rerun-1"));
        assert_eq!(redrive_token("arn", 0), redrive_token("arn", 0));
        assert_ne!(redrive_token("arn", 0), redrive_token("arn", 1));
        assert!(redrive_token(&"a".repeat(300), 99).len() <= 64);
    }

    #[test]
    fn a_running_execution_refuses_every_rerun_and_names_itself() {
        let failed = run("daily-elt-a", EltStatus::Failed, 6);
        let mut busy = run("daily-elt-b", EltStatus::Running, 8);
        busy.current_step = Some(crate::model::CurrentStep {
            name: "dbt run".into(),
            entered_at: busy.started_at,
        });
        let plan = plan_rerun(
            &request(&failed),
            &execution(failed.clone()),
            Some(&busy),
            &[busy.clone()],
            at(9),
        );
        let why = plan.unsupported.unwrap();
        assert!(
            why.contains("daily-elt-b is RUNNING since 2026-12-02 08:00 UTC, now in step dbt run"),
            "{why}"
        );
        assert!(plan.calls.is_empty());
    }

    #[test]
    fn a_failed_latest_run_is_redriven_and_a_finished_one_started_again_under_its_attempt_name() {
        let failed = run("daily-elt-a", EltStatus::Failed, 6);
        let plan = plan_rerun(
            &request(&failed),
            &execution(failed.clone()),
            Some(&failed),
            &[],
            at(9),
        );
        assert_eq!(plan.unsupported, None);
        assert_eq!(plan.payload["redrive"], true);
        assert_eq!(
            plan.payload["client_token"],
            redrive_token(&failed.execution_arn, 0)
        );

        let done = run("daily-elt-a", EltStatus::Succeeded, 6);
        let plan = plan_rerun(
            &request(&done),
            &execution(done.clone()),
            Some(&done),
            &[],
            at(9),
        );
        assert_eq!(plan.payload["name"], "daily-elt-a-rerun-1");

        let mut old = run("daily-elt-a", EltStatus::Failed, 6);
        old.stopped_at = Some(at(6) - chrono::Duration::days(15));
        let plan = plan_rerun(
            &request(&old),
            &execution(old.clone()),
            Some(&old),
            &[],
            at(9),
        );
        assert_eq!(plan.payload["redrive"], false);
        assert!(plan.notes[0].contains("more than 14 days"));
    }

    #[test]
    fn an_older_run_is_not_rerun_and_one_rerun_already_says_so() {
        let failed = run("daily-elt-a", EltStatus::Failed, 6);
        let rerun = run("daily-elt-a-rerun-1", EltStatus::Succeeded, 7);
        let plan = plan_rerun(
            &request(&failed),
            &execution(failed.clone()),
            Some(&rerun),
            &[],
            at(9),
        );
        assert!(
            plan.unsupported
                .unwrap()
                .starts_with("already rerun at 2026-12-02 07:00 UTC as daily-elt-a-rerun-1")
        );
        let other = run("daily-elt-b", EltStatus::Succeeded, 7);
        let plan = plan_rerun(
            &request(&failed),
            &execution(failed.clone()),
            Some(&other),
            &[],
            at(9),
        );
        assert!(plan.unsupported.unwrap().contains("is not the latest run"));
        let mut redriven = failed.clone();
        redriven.status = EltStatus::Running;
        redriven.redrive_count = 1;
        let plan = plan_rerun(
            &request(&failed),
            &execution(redriven.clone()),
            Some(&redriven),
            &[redriven.clone()],
            at(9),
        );
        assert!(plan.unsupported.unwrap().starts_with("already rerun at"));
    }
}
