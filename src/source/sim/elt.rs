//! Step Functions executions of the ELT state machine (COPY of the export-path tenants, then dbt).
//!
//! ELTExecutionDelay alarms past 90 minutes since the last success (seed 001), so the state machine
//! runs every hour; a run that failed or still runs holds the schedule until someone redrives it,
//! which is what lets a delay build up. Runs are planned from keyed random numbers, so the history
//! generated at creation and the runs started later follow the same plan.

use std::collections::VecDeque;

use chrono::Duration;

use super::compact_stamp;
use super::rng::SplitMix64;
use crate::model::{EltRun, EltStatus, Time};

pub(crate) const EXECUTION_ARN_PREFIX: &str =
    "arn:aws:states:us-east-1:999999999999:execution:daily-elt:";

/// How much execution history the console sees.
const KEEP_RUNS_FOR: Duration = Duration::days(7);

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
    fn window(&self) -> (f64, f64) {
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

/// One execution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimRun {
    pub started_at: Time,
    /// How long the run takes when it succeeds.
    pub duration: Duration,
    pub outcome: RunOutcome,
    pub redrive_count: u32,
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
            started_at,
            duration,
            outcome,
            redrive_count,
        }
    }

    /// Step Functions needs unique execution names; an hourly run carries its start time.
    pub(crate) fn name(&self) -> String {
        let stamp = compact_stamp(self.started_at);
        format!("daily-elt-{}", &stamp[..13])
    }

    /// When the run ends, if it ever does on its own.
    pub(crate) fn ends_at(&self) -> Option<Time> {
        match &self.outcome {
            RunOutcome::Succeeds => Some(self.started_at + self.duration),
            RunOutcome::Fails { after, .. } => Some(self.started_at + *after),
            RunOutcome::Stuck { .. } => None,
        }
    }

    pub(crate) fn status_at(&self, at: Time) -> EltStatus {
        match (&self.outcome, self.ends_at()) {
            (RunOutcome::Succeeds, Some(end)) if end <= at => EltStatus::Succeeded,
            (RunOutcome::Fails { .. }, Some(end)) if end <= at => EltStatus::Failed,
            _ => EltStatus::Running,
        }
    }

    /// When the run succeeded, if it had by `at`.
    pub(crate) fn succeeded_by(&self, at: Time) -> Option<Time> {
        match self.outcome {
            RunOutcome::Succeeds => self.ends_at().filter(|end| *end <= at),
            _ => None,
        }
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
                if failed == tenant {
                    return None;
                }
                self.started_at + *after
            }
            _ => self.started_at + self.share(COPY_ENDS),
        };
        (done <= at).then_some(done)
    }

    fn share(&self, share: f64) -> Duration {
        Duration::seconds((self.duration.num_seconds() as f64 * share) as i64)
    }

    pub(crate) fn to_model(&self, at: Time) -> EltRun {
        let status = self.status_at(at);
        let name = self.name();
        let failure = match &self.outcome {
            RunOutcome::Fails {
                stage,
                error,
                cause,
                ..
            } if status == EltStatus::Failed => Some((stage, error, cause)),
            _ => None,
        };
        EltRun {
            execution_arn: format!("{EXECUTION_ARN_PREFIX}{name}"),
            name,
            stopped_at: self.ends_at().filter(|end| *end <= at),
            failed_step: failure.map(|(stage, _, _)| stage.step()),
            failed_tenant: failure.and_then(|(stage, _, _)| stage.tenant().map(str::to_string)),
            error: failure.map(|(_, error, _)| error.clone()),
            cause: failure.map(|(_, _, cause)| cause.clone()),
            status,
            started_at: self.started_at,
            redrive_count: self.redrive_count,
        }
    }
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
        }
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
            .is_some_and(|r| r.started_at < at - KEEP_RUNS_FOR)
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

    pub(crate) fn last_success_by(&self, at: Time) -> Option<Time> {
        self.started_by(at).find_map(|r| r.succeeded_by(at))
    }

    /// ELTExecutionDelay at `at`: whole minutes since the last success ended.
    pub(crate) fn delay_minutes_at(&self, at: Time) -> f64 {
        let since = self
            .last_success_by(at)
            .map_or(KEEP_RUNS_FOR, |success| at - success);
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

    /// The executions as Step Functions lists them, newest first.
    pub(crate) fn models(&self, at: Time) -> Vec<EltRun> {
        self.started_by(at).map(|r| r.to_model(at)).collect()
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
}
