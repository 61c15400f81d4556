//! Step Functions executions of the ELT state machine (COPY of the export-path tenants, then dbt).
//!
//! ELTExecutionDelay alarms past 90 minutes since the last success (seed 001), so the state machine
//! runs every hour; a run that failed or still runs holds the schedule until someone redrives it,
//! which is what lets a delay build up. Runs are planned from keyed random numbers, so the history
//! generated at creation and the runs started later follow the same plan. An operator can redrive a
//! failed run or start one by hand, as with RedriveExecution and StartExecution.

use std::collections::VecDeque;

use chrono::Duration;

use super::compact_stamp;
use super::rng::SplitMix64;
use crate::action::stop::STOP_ERROR;
use crate::model::{CurrentStep, EltRun, EltStatus, Time};

pub(crate) const EXECUTION_ARN_PREFIX: &str =
    "arn:aws:states:us-east-1:999999999999:execution:daily-elt:";

/// How much execution history the console sees.
const KEEP_RUNS_FOR: Duration = Duration::days(7);
/// How long Step Functions keeps a closed execution: its name stays taken and it can be looked up.
const REMEMBER_RUNS_FOR: Duration = Duration::days(90);
/// Step Functions redrives only executions that stopped within this long.
const REDRIVE_WITHIN: Duration = Duration::days(14);
/// Step Functions' limit on execution names.
const MAX_NAME_LENGTH: usize = 80;

/// Where the states end, as shares of a run: the COPY map, then `dbt run`; `dbt test` and
/// `ANALYZE` take the rest.
const COPY_ENDS: f64 = 0.35;
const DBT_RUN_ENDS: f64 = 0.80;

fn run_every() -> Duration {
    Duration::hours(1)
}

/// A state of the ELT state machine that an incident can break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stage {
    /// One branch of the COPY map state: one export-path tenant's load.
    Copy {
        tenant: String,
    },
    DbtRun,
}

impl Stage {
    /// The state's name in the execution history.
    pub(crate) fn step(&self) -> String {
        match self {
            Stage::Copy { tenant } => format!("COPY {tenant}"),
            Stage::DbtRun => "dbt run".into(),
        }
    }

    pub(crate) fn tenant(&self) -> Option<&str> {
        match self {
            Stage::Copy { tenant } => Some(tenant),
            Stage::DbtRun => None,
        }
    }

    /// Where the state sits in a run, as shares of its duration.
    pub(crate) fn window(&self) -> (f64, f64) {
        match self {
            Stage::Copy { .. } => (0.0, COPY_ENDS),
            Stage::DbtRun => (COPY_ENDS, DBT_RUN_ENDS),
        }
    }
}

/// How a run ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RunOutcome {
    Succeeds,
    Fails {
        stage: Stage,
        /// How long after the start the state failed.
        after: Duration,
        error: String,
        cause: String,
    },
    /// A state that hangs: the run stays RUNNING until someone stops it.
    Stuck {
        stage: Stage,
    },
}

/// An incident a scenario plants in one slot of the schedule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StagedOutcome {
    FailsIn {
        stage: Stage,
        error: String,
        cause: String,
    },
    StuckIn(Stage),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StagedRun {
    /// Slot 0 is the run that started just before the world was created.
    pub slot: i64,
    pub outcome: StagedOutcome,
}

/// A redrive of a failed run: it runs again from the state that failed, and succeeds — unless
/// the cause of the failure was not fixed yet, when the same state fails again.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Redrive {
    pub at: Time,
    /// When it succeeds, or fails again.
    pub ends_at: Time,
    pub succeeds: bool,
}

/// What the execution history says of a failure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunFailure<'a> {
    pub at: Time,
    pub name: &'a str,
    pub step: String,
    pub cause: &'a str,
}

/// One execution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimRun {
    /// Scheduled runs carry their start time; runs started by hand, the name they were given.
    pub name: String,
    pub started_at: Time,
    /// How long the run takes when it succeeds.
    pub duration: Duration,
    pub outcome: RunOutcome,
    pub redrive_count: u32,
    pub redrive: Option<Redrive>,
    /// When StopExecution aborted it.
    pub aborted_at: Option<Time>,
}

impl SimRun {
    /// The run of one slot, as the seed plans it (or as the scenario staged it).
    fn planned(seed: u64, slot: i64, started_at: Time, staged: Option<&StagedOutcome>) -> Self {
        let mut rng = SplitMix64::keyed(seed, "elt-run", slot);
        let mut duration = Duration::seconds(rng.int_between(7 * 60, 11 * 60));
        let mut redrive_count = 0;
        // Now and then a state failed and someone redrove the execution after a fix: the run
        // still SUCCEEDED, later. Never slot 0, which must finish within minutes of creation.
        if staged.is_none() && slot != 0 && rng.chance(1.0 / 60.0) {
            redrive_count = 1;
            duration += Duration::seconds(rng.int_between(15 * 60, 25 * 60));
        }
        let outcome = match staged {
            None => RunOutcome::Succeeds,
            Some(StagedOutcome::StuckIn(stage)) => RunOutcome::Stuck {
                stage: stage.clone(),
            },
            Some(StagedOutcome::FailsIn {
                stage,
                error,
                cause,
            }) => {
                let after = match stage {
                    // A bad file fails its COPY within a minute or two.
                    Stage::Copy { .. } => Duration::seconds(rng.int_between(60, 100)),
                    _ => {
                        let (from, to) = stage.window();
                        let share = rng.between(from + 0.02, to - 0.02);
                        Duration::seconds((duration.num_seconds() as f64 * share) as i64)
                    }
                };
                RunOutcome::Fails {
                    stage: stage.clone(),
                    after,
                    error: error.clone(),
                    cause: cause.clone(),
                }
            }
        };
        Self {
            name: scheduled_name(started_at),
            started_at,
            duration,
            outcome,
            redrive_count,
            redrive: None,
            aborted_at: None,
        }
    }

    /// A run started by hand under `name`: a full run of the usual length that succeeds.
    fn manual(seed: u64, name: &str, started_at: Time) -> Self {
        // Keyed by the name too, so two runs started in the same second differ.
        let mut rng = SplitMix64::keyed(seed, name, started_at.timestamp());
        Self {
            name: name.to_string(),
            started_at,
            duration: Duration::seconds(rng.int_between(7 * 60, 11 * 60)),
            outcome: RunOutcome::Succeeds,
            redrive_count: 0,
            redrive: None,
            aborted_at: None,
        }
    }

    /// When the run first ended, if it ever does on its own (or was stopped).
    fn first_end(&self) -> Option<Time> {
        let own = match &self.outcome {
            RunOutcome::Succeeds => Some(self.started_at + self.duration),
            RunOutcome::Fails { after, .. } => Some(self.started_at + *after),
            RunOutcome::Stuck { .. } => None,
        };
        match (own, self.aborted_at) {
            (Some(own), Some(aborted)) => Some(own.min(aborted)),
            (own, aborted) => own.or(aborted),
        }
    }

    /// The redrive under way or done by `at`.
    fn redrive_by(&self, at: Time) -> Option<&Redrive> {
        self.redrive.as_ref().filter(|r| r.at <= at)
    }

    /// When the run ends, as things stand: a redriven run when its redrive ends.
    pub(crate) fn ends_at(&self) -> Option<Time> {
        match &self.redrive {
            Some(redrive) => Some(redrive.ends_at),
            None => self.first_end(),
        }
    }

    /// StopDate at `at`: empty while the run (or its redrive) runs.
    fn stopped_at(&self, at: Time) -> Option<Time> {
        match self.redrive_by(at) {
            Some(redrive) => Some(redrive.ends_at),
            None => self.first_end(),
        }
        .filter(|end| *end <= at)
    }

    pub(crate) fn status_at(&self, at: Time) -> EltStatus {
        if let Some(redrive) = self.redrive_by(at) {
            return match (redrive.ends_at <= at, redrive.succeeds) {
                (true, true) => EltStatus::Succeeded,
                (true, false) => EltStatus::Failed,
                (false, _) => EltStatus::Running,
            };
        }
        if self.aborted_at.is_some_and(|aborted| aborted <= at)
            && self.first_end() == self.aborted_at
        {
            return EltStatus::Aborted;
        }
        match (&self.outcome, self.first_end()) {
            (RunOutcome::Succeeds, Some(end)) if end <= at => EltStatus::Succeeded,
            (RunOutcome::Fails { .. }, Some(end)) if end <= at => EltStatus::Failed,
            _ => EltStatus::Running,
        }
    }

    /// When the run succeeded, if it had by `at`.
    pub(crate) fn succeeded_by(&self, at: Time) -> Option<Time> {
        (self.status_at(at) == EltStatus::Succeeded)
            .then(|| self.stopped_at(at))
            .flatten()
    }

    /// The failure, once it has happened by `at`; a redrive does not erase it from the history.
    fn failure_by(&self, at: Time) -> Option<RunFailure<'_>> {
        let RunOutcome::Fails {
            stage,
            after,
            cause,
            ..
        } = &self.outcome
        else {
            return None;
        };
        let failed_at = match self.redrive_by(at) {
            Some(redrive) if !redrive.succeeds && redrive.ends_at <= at => redrive.ends_at,
            _ => self.started_at + *after,
        };
        (failed_at <= at).then(|| RunFailure {
            at: failed_at,
            name: &self.name,
            step: stage.step(),
            cause,
        })
    }

    /// When this run's COPY of `tenant` finished, if it had by `at`. The map's branches run side by
    /// side, so when one tenant's COPY fails the others have already finished.
    pub(crate) fn copied_at(&self, tenant: &str, at: Time) -> Option<Time> {
        let done = match &self.outcome {
            RunOutcome::Fails {
                stage: Stage::Copy { tenant: failed },
                after,
                ..
            } => {
                if failed != tenant {
                    self.started_at + *after
                } else {
                    // The redrive runs the failed branch of the map again.
                    let redrive = self.redrive_by(at).filter(|r| r.succeeds)?;
                    redrive.at + self.share(COPY_ENDS)
                }
            }
            _ => self.started_at + self.share(COPY_ENDS),
        };
        (done <= at).then_some(done)
    }

    fn share(&self, share: f64) -> Duration {
        Duration::seconds((self.duration.num_seconds() as f64 * share) as i64)
    }

    /// The state a running run is in at `at`: the COPY map, `dbt run`, then `dbt test`. A redriven
    /// run resumes at the state that failed.
    fn step_at(&self, at: Time) -> String {
        self.current_step_at(at).name
    }

    /// The state a running run is in at `at` and when it entered it, as the newest
    /// `*StateEntered` event of its history says.
    fn current_step_at(&self, at: Time) -> CurrentStep {
        let since = self.redrive_by(at).map_or(self.started_at, |r| r.at);
        let share = (at - since).num_seconds() as f64 / self.duration.num_seconds().max(1) as f64;
        let from = match (&self.outcome, self.redrive_by(at)) {
            (RunOutcome::Fails { stage, .. } | RunOutcome::Stuck { stage }, Some(_)) => {
                stage.window().0
            }
            _ => 0.0,
        };
        let share = from + share;
        // Entered at the start of its window, or when a redrive resumed it there.
        let entered = |starts: f64| CurrentStep {
            name: String::new(),
            entered_at: since + self.share((starts - from).max(0.0)),
        };
        // A hung state is where the run stays.
        if let RunOutcome::Stuck { stage } = &self.outcome
            && self.redrive_by(at).is_none()
            && share >= stage.window().0
        {
            return CurrentStep {
                name: stage.step(),
                ..entered(stage.window().0)
            };
        }
        let (name, starts) = match share {
            s if s < COPY_ENDS => ("COPY", 0.0),
            s if s < DBT_RUN_ENDS => ("dbt run", COPY_ENDS),
            _ => ("dbt test", DBT_RUN_ENDS),
        };
        CurrentStep {
            name: name.into(),
            ..entered(starts)
        }
    }

    pub(crate) fn to_model(&self, at: Time) -> EltRun {
        let status = self.status_at(at);
        let name = self.name.clone();
        let failure = match &self.outcome {
            RunOutcome::Fails {
                stage,
                error,
                cause,
                ..
            } if status == EltStatus::Failed => Some((stage, error, cause)),
            _ => None,
        };
        // A run stopped by an operator records where it was and who stopped it, as
        // StopExecution's `error` and `cause` do.
        let aborted = (status == EltStatus::Aborted)
            .then_some(self.aborted_at)
            .flatten()
            .map(|when| self.step_at(when - Duration::seconds(1)));
        EltRun {
            execution_arn: format!("{EXECUTION_ARN_PREFIX}{name}"),
            name,
            stopped_at: self.stopped_at(at),
            failed_step: failure.map(|(stage, _, _)| stage.step()).or(aborted),
            failed_tenant: failure.and_then(|(stage, _, _)| stage.tenant().map(str::to_string)),
            error: failure
                .map(|(_, error, _)| error.clone())
                .or_else(|| (status == EltStatus::Aborted).then(|| STOP_ERROR.to_string())),
            cause: failure.map(|(_, _, cause)| cause.clone()),
            current_step: (status == EltStatus::Running).then(|| self.current_step_at(at)),
            redriven_at: self.redrive_by(at).map(|r| r.at),
            status,
            started_at: self.started_at,
            redrive_count: self.redrive_count,
        }
    }
}

/// Step Functions needs unique execution names; an hourly run carries its start time.
fn scheduled_name(started_at: Time) -> String {
    let stamp = compact_stamp(started_at);
    format!("daily-elt-{}", &stamp[..13])
}

/// The hourly schedule and the executions it started, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EltSchedule {
    seed: u64,
    /// When slot 0 started.
    anchor: Time,
    next_slot: i64,
    staged: Option<StagedRun>,
    runs: VecDeque<SimRun>,
    /// When the cause of the staged failure is fixed (the model's fix deployed): a redrive before
    /// it fails again in the same state.
    fixed_at: Option<Time>,
}

impl EltSchedule {
    /// A schedule whose first slot is `first_slot` hours from `anchor`; call [`Self::advance_to`] to
    /// start the runs up to a time.
    pub(crate) fn new(seed: u64, anchor: Time, first_slot: i64, staged: Option<StagedRun>) -> Self {
        Self {
            seed,
            anchor,
            next_slot: first_slot,
            staged,
            runs: VecDeque::new(),
            fixed_at: None,
        }
    }

    /// The staged failure's cause is fixed only from `at`: redrives before it fail again.
    pub(crate) fn fix_cause_at(&mut self, at: Time) {
        self.fixed_at = Some(at);
    }

    fn slot_start(&self, slot: i64) -> Time {
        self.anchor + run_every() * slot as i32
    }

    /// Starts every run due by `at`, skipping slots the schedule is held for.
    pub(crate) fn advance_to(&mut self, at: Time) {
        while self.slot_start(self.next_slot) <= at {
            let slot = self.next_slot;
            let start = self.slot_start(slot);
            if self.ready_at(start) {
                let staged = self
                    .staged
                    .as_ref()
                    .filter(|s| s.slot == slot)
                    .map(|s| &s.outcome);
                self.runs
                    .push_back(SimRun::planned(self.seed, slot, start, staged));
            }
            self.next_slot += 1;
        }
        while self
            .runs
            .front()
            .is_some_and(|r| r.started_at < at - REMEMBER_RUNS_FOR)
        {
            self.runs.pop_front();
        }
    }

    /// A new run starts only after the previous one succeeded: a failed or hung run waits for a human.
    fn ready_at(&self, at: Time) -> bool {
        self.latest(at)
            .is_none_or(|run| run.status_at(at) == EltStatus::Succeeded)
    }

    /// The runs started by `at`, newest first.
    fn started_by(&self, at: Time) -> impl Iterator<Item = &SimRun> {
        self.runs.iter().rev().filter(move |r| r.started_at <= at)
    }

    /// The latest run, if any started by `at`.
    pub(crate) fn latest(&self, at: Time) -> Option<&SimRun> {
        self.started_by(at).next()
    }

    /// The latest success by `at`. Not always the newest run's: a redriven run succeeds after
    /// runs started later.
    pub(crate) fn last_success_by(&self, at: Time) -> Option<Time> {
        self.started_by(at).filter_map(|r| r.succeeded_by(at)).max()
    }

    /// ELTExecutionDelay at `at`: whole minutes since the last success ended.
    pub(crate) fn delay_minutes_at(&self, at: Time) -> f64 {
        let since = self
            .last_success_by(at)
            .map_or(REMEMBER_RUNS_FOR, |success| at - success);
        since.num_minutes() as f64
    }

    /// The latest COPY of `tenant` finished by `at`.
    pub(crate) fn last_copy(&self, tenant: &str, at: Time) -> Option<Time> {
        self.started_by(at).find_map(|r| r.copied_at(tenant, at))
    }

    /// The tenant whose COPY failed the latest run, once it has failed.
    pub(crate) fn failed_copy_tenant(&self, at: Time) -> Option<String> {
        let run = self.latest(at)?;
        match &run.outcome {
            RunOutcome::Fails {
                stage: Stage::Copy { tenant },
                ..
            } if run.status_at(at) == EltStatus::Failed => Some(tenant.clone()),
            _ => None,
        }
    }

    /// The runs the console sees: those started in the last week, newest first.
    fn shown(&self, at: Time) -> impl Iterator<Item = &SimRun> {
        self.started_by(at)
            .take_while(move |r| r.started_at >= at - KEEP_RUNS_FOR)
    }

    /// The executions as Step Functions lists them, newest first.
    pub(crate) fn models(&self, at: Time) -> Vec<EltRun> {
        self.shown(at).map(|r| r.to_model(at)).collect()
    }

    /// The failures of the runs shown that had happened by `at`, newest run first.
    pub(crate) fn failures(&self, at: Time) -> impl Iterator<Item = RunFailure<'_>> {
        self.shown(at).filter_map(move |r| r.failure_by(at))
    }

    /// The execution an ARN names, if it had started by `now`, as Step Functions answers it.
    fn started_run(&mut self, execution_arn: &str, now: Time) -> Result<&mut SimRun, String> {
        let name = execution_arn
            .strip_prefix(EXECUTION_ARN_PREFIX)
            .ok_or_else(|| {
                format!("InvalidArn: {execution_arn} is not an execution of the ELT state machine")
            })?;
        self.runs
            .iter_mut()
            .find(|r| r.name == name && r.started_at <= now)
            .ok_or_else(|| format!("ExecutionDoesNotExist: no execution named {name}"))
    }

    /// RedriveExecution: the failed run runs again from the state that failed and succeeds after
    /// the rest of its usual duration.
    pub(crate) fn redrive(&mut self, execution_arn: &str, now: Time) -> Result<(), String> {
        let fixed = self.fixed_at.is_none_or(|fixed| now >= fixed);
        let run = self.started_run(execution_arn, now)?;
        let name = run.name.clone();
        let status = run.status_at(now);
        if status == EltStatus::Succeeded {
            return Err(format!("execution {name} SUCCEEDED: nothing to redrive"));
        }
        if !status.is_failure() {
            return Err(format!(
                "execution {name} {}: only a FAILED, TIMED_OUT or ABORTED execution can be redriven",
                status.as_str().to_ascii_uppercase()
            ));
        }
        if let Some(stopped) = run.stopped_at(now)
            && now - stopped > REDRIVE_WITHIN
        {
            return Err(format!(
                "execution {name} stopped at {stopped}, older than 14 days: it can no longer be \
                 redriven; start it again under a new name"
            ));
        }
        let from = match &run.outcome {
            RunOutcome::Fails { stage, .. } | RunOutcome::Stuck { stage } => stage.window().0,
            RunOutcome::Succeeds => 0.0,
        };
        let remaining = run.duration - run.share(from);
        run.redrive_count += 1;
        let ends_at = match &run.outcome {
            // Not fixed yet: the same state fails again, as long into it as the first time.
            RunOutcome::Fails { after, .. } if !fixed => {
                now + (*after - run.share(from)).max(Duration::seconds(30))
            }
            _ => now + remaining,
        };
        run.redrive = Some(Redrive {
            at: now,
            ends_at,
            succeeds: fixed,
        });
        Ok(())
    }

    /// StopExecution: a RUNNING run is ABORTED at `now`.
    pub(crate) fn stop(&mut self, execution_arn: &str, now: Time) -> Result<(), String> {
        let run = self.started_run(execution_arn, now)?;
        let name = run.name.clone();
        let status = run.status_at(now);
        if status != EltStatus::Running {
            return Err(format!(
                "execution {name} is {}: only a RUNNING execution can be stopped",
                status.as_str().to_ascii_uppercase()
            ));
        }
        match &mut run.redrive {
            // A redrive under way ends here, unsuccessfully.
            Some(redrive) if redrive.at <= now => {
                redrive.ends_at = now;
                redrive.succeeds = false;
            }
            _ => run.aborted_at = Some(now),
        }
        Ok(())
    }

    /// StartExecution under a new name: a run starting at `now` that succeeds minutes later.
    /// Returns its execution ARN.
    pub(crate) fn start(&mut self, name: &str, now: Time) -> Result<String, String> {
        let valid = (1..=MAX_NAME_LENGTH).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(format!(
                "InvalidName: {name:?} must be 1 to {MAX_NAME_LENGTH} letters, digits, - or _"
            ));
        }
        if self.runs.iter().any(|r| r.name == name) {
            return Err(format!(
                "ExecutionAlreadyExists: an execution named {name} already exists"
            ));
        }
        // Kept in start order: the newest run is the one that holds or releases the schedule.
        let position = self.runs.partition_point(|r| r.started_at <= now);
        self.runs
            .insert(position, SimRun::manual(self.seed, name, now));
        Ok(format!("{EXECUTION_ARN_PREFIX}{name}"))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32, minute: u32) -> Time {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, hour, minute, 0)
            .unwrap()
    }

    #[test]
    fn runs_start_hourly_and_finish_within_minutes() {
        let mut schedule = EltSchedule::new(1, at(5, 57), -3, None);
        schedule.advance_to(at(6, 0));
        let runs = schedule.models(at(6, 0));
        assert_eq!(runs.len(), 4);
        assert_eq!(runs[0].name, "daily-elt-20261121-0557");
        assert_eq!(
            runs[0].execution_arn,
            "arn:aws:states:us-east-1:999999999999:execution:daily-elt:daily-elt-20261121-0557"
        );
        assert_eq!(runs[0].status, EltStatus::Running);
        assert!(runs[1..].iter().all(|r| r.status == EltStatus::Succeeded));
        assert!(schedule.delay_minutes_at(at(6, 0)) < 60.0);
        schedule.advance_to(at(6, 10));
        assert_eq!(schedule.models(at(6, 10))[0].status, EltStatus::Succeeded);
        assert!(schedule.delay_minutes_at(at(6, 10)) < 5.0);
    }

    #[test]
    fn a_failed_run_holds_the_schedule() {
        let staged = StagedRun {
            slot: -2,
            outcome: StagedOutcome::FailsIn {
                stage: Stage::DbtRun,
                error: "DbtRunFailed".into(),
                cause: "boom".into(),
            },
        };
        let mut schedule = EltSchedule::new(1, at(5, 57), -4, Some(staged));
        schedule.advance_to(at(6, 0));
        let runs = schedule.models(at(6, 0));
        assert_eq!(runs.len(), 3, "slots -1 and 0 were held");
        assert_eq!(runs[0].status, EltStatus::Failed);
        assert_eq!(runs[0].failed_step.as_deref(), Some("dbt run"));
        assert_eq!(runs[0].failed_tenant, None);
        assert!(schedule.delay_minutes_at(at(6, 0)) > 150.0);
        schedule.advance_to(at(9, 0));
        assert_eq!(schedule.models(at(9, 0)).len(), 3);
    }

    #[test]
    fn a_failed_copy_names_its_tenant_and_keeps_its_last_load() {
        let staged = StagedRun {
            slot: 0,
            outcome: StagedOutcome::FailsIn {
                stage: Stage::Copy {
                    tenant: "tenant_b".into(),
                },
                error: "Redshift.LoadError".into(),
                cause: "Load into table 'orders' failed.".into(),
            },
        };
        let mut schedule = EltSchedule::new(1, at(5, 57), -1, Some(staged));
        schedule.advance_to(at(6, 0));
        let latest = &schedule.models(at(6, 0))[0];
        assert_eq!(latest.status, EltStatus::Failed);
        assert_eq!(latest.failed_step.as_deref(), Some("COPY tenant_b"));
        assert_eq!(
            schedule.failed_copy_tenant(at(6, 0)).as_deref(),
            Some("tenant_b")
        );
        let previous_start = at(4, 57);
        let tenant_b = schedule.last_copy("tenant_b", at(6, 0)).unwrap();
        assert!(tenant_b > previous_start && tenant_b < at(5, 57));
        assert!(schedule.last_copy("tenant_0005", at(6, 0)).unwrap() > at(5, 57));
    }

    #[test]
    fn a_redriven_run_succeeds_from_its_failed_state_and_releases_the_schedule() {
        let staged = StagedRun {
            slot: -2,
            outcome: StagedOutcome::FailsIn {
                stage: Stage::DbtRun,
                error: "DbtRunFailed".into(),
                cause: "boom".into(),
            },
        };
        let mut schedule = EltSchedule::new(1, at(5, 57), -4, Some(staged));
        schedule.advance_to(at(6, 0));
        let failed = schedule.models(at(6, 0))[0].clone();
        schedule.redrive(&failed.execution_arn, at(6, 0)).unwrap();
        let redriven = &schedule.models(at(6, 0))[0];
        assert_eq!(redriven.status, EltStatus::Running);
        assert_eq!(redriven.redrive_count, 1);
        assert_eq!(redriven.stopped_at, None);
        // Only the states from `dbt run` on run again: well under a full run.
        schedule.advance_to(at(6, 8));
        let done = &schedule.models(at(6, 8))[0];
        assert_eq!(done.status, EltStatus::Succeeded);
        assert!(schedule.delay_minutes_at(at(6, 8)) < 8.0);
        assert_eq!(
            schedule.failures(at(6, 8)).count(),
            1,
            "the history keeps it"
        );
        assert_eq!(
            schedule.redrive(&failed.execution_arn, at(6, 8)),
            Err(format!(
                "execution {} SUCCEEDED: nothing to redrive",
                failed.name
            ))
        );
        schedule.advance_to(at(7, 0));
        assert_eq!(schedule.models(at(7, 0)).len(), 4, "slot 1 ran");
    }

    #[test]
    fn a_running_run_says_the_state_it_is_in_and_since_when() {
        let staged = StagedRun {
            slot: -1,
            outcome: StagedOutcome::StuckIn(Stage::DbtRun),
        };
        let mut schedule = EltSchedule::new(1, at(5, 57), -2, Some(staged));
        schedule.advance_to(at(6, 30));
        let stuck = schedule
            .models(at(6, 30))
            .into_iter()
            .find(|r| r.status == EltStatus::Running)
            .expect("the hung run still runs");
        let step = stuck.current_step.expect("a running run is in a state");
        assert_eq!(step.name, "dbt run");
        // It entered dbt run when the COPY map ended, and has stayed there since.
        assert!(step.entered_at > stuck.started_at && step.entered_at < at(6, 30));
        let later = schedule
            .models(at(7, 0))
            .into_iter()
            .find(|r| r.name == stuck.name)
            .unwrap();
        assert_eq!(later.current_step.unwrap().entered_at, step.entered_at);
        let done = schedule.models(at(6, 30));
        assert!(
            done.iter()
                .filter(|r| r.status != EltStatus::Running)
                .all(|r| r.current_step.is_none())
        );
    }

    #[test]
    fn a_run_started_by_hand_keeps_its_name_and_its_place() {
        let staged = StagedRun {
            slot: -1,
            outcome: StagedOutcome::StuckIn(Stage::DbtRun),
        };
        let mut schedule = EltSchedule::new(1, at(5, 57), -2, Some(staged));
        schedule.advance_to(at(6, 0));
        let arn = schedule.start("rerun-1", at(6, 0)).unwrap();
        assert_eq!(arn, format!("{EXECUTION_ARN_PREFIX}rerun-1"));
        assert!(
            schedule
                .start("rerun-1", at(6, 1))
                .unwrap_err()
                .starts_with("ExecutionAlreadyExists")
        );
        assert!(schedule.start("", at(6, 1)).is_err());
        assert!(schedule.start(&"x".repeat(81), at(6, 1)).is_err());
        let latest = &schedule.models(at(6, 0))[0];
        assert_eq!(
            (latest.name.as_str(), latest.status.clone()),
            ("rerun-1", EltStatus::Running)
        );
        schedule.advance_to(at(6, 15));
        assert_eq!(schedule.models(at(6, 15))[0].status, EltStatus::Succeeded);
        assert!(schedule.delay_minutes_at(at(6, 15)) < 10.0);
        assert_eq!(
            schedule.models(at(6, 15))[1].status,
            EltStatus::Running,
            "still stuck"
        );
    }
}
