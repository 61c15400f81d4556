//! Daily snapshot exports of the export-path tenants (seed 000: EventBridge at 02:00–02:30 UTC, a
//! Lambda that snapshots the cluster and starts an export task to the tenant's bucket).
//!
//! The schedule is fixed, so a task is a pure function of its tenant, its day and the time asked
//! about; only an outage (a scenario's failing KMS key) and the exports an operator starts by hand
//! are state.

use std::cmp::Reverse;

use chrono::{Duration, NaiveTime};

use super::rng::SplitMix64;
use super::tenants::export_start_minute;
use super::{compact_stamp, floor_minute};
use crate::model::{ExportStatus, ExportTask, Ingest, Tenant, Time};

/// How many exports per tenant DescribeExportTasks shows: the last few days.
const HISTORY: i32 = 5;

/// The first minutes of a task, while the Lambda waits for its snapshot.
const STARTING_FOR: Duration = Duration::minutes(3);
/// The first minute of an export started by hand: the operator's snapshot of the live cluster is
/// incremental, so it is ready sooner than the nightly one.
const MANUAL_STARTING_FOR: Duration = Duration::minutes(1);

#[derive(Debug, Clone, PartialEq)]
struct ExportPlan {
    tenant: String,
    /// The tenant's 1-based position in the fleet, which keys its random numbers.
    tenant_index: usize,
    /// `<cluster>-export-` and `<cluster>-snapshot-`, the names' fixed parts.
    task_prefix: String,
    snapshot_prefix: String,
    start_minute: u32,
}

/// A tenant whose exports fail from one export on: its KMS key turned inaccessible.
#[derive(Debug, Clone, PartialEq)]
struct ExportOutage {
    tenant: String,
    first_start: Time,
    /// When the first failing task failed. No later than the minute of the world's creation, so a
    /// scenario shows the failure (and its alarm's datapoint) on its first frame even if the export
    /// had only just started.
    first_failed_at: Time,
    cause: String,
    /// When an operator re-exported: the key was fixed by then, so exports from then on succeed.
    resolved_at: Option<Time>,
}

/// An export an operator started by hand (CreateDBClusterSnapshot, then StartExportTask).
#[derive(Debug, Clone, PartialEq)]
struct ManualExport {
    tenant: String,
    task_id: String,
    snapshot_id: String,
    started_at: Time,
    /// Demo-sized: minutes rather than the nightly export's hour, so a recovery can be watched.
    duration: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExportBook {
    seed: u64,
    plans: Vec<ExportPlan>,
    outage: Option<ExportOutage>,
    /// Oldest first.
    manual: Vec<ManualExport>,
}

impl ExportBook {
    pub(crate) fn new(seed: u64, tenants: &[Tenant]) -> Self {
        let plans = tenants
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t.ingest, Ingest::Export { .. }))
            .map(|(position, t)| ExportPlan {
                tenant: t.name.clone(),
                tenant_index: position + 1,
                task_prefix: format!("{}-export-", t.cluster_identifier),
                snapshot_prefix: format!("{}-snapshot-", t.cluster_identifier),
                start_minute: export_start_minute(position + 1),
            })
            .collect();
        Self {
            seed,
            plans,
            outage: None,
            manual: Vec::new(),
        }
    }

    /// Makes `tenant`'s exports fail from its latest export at `at` on; returns when the first failed.
    pub(crate) fn stage_outage(&mut self, tenant: &Tenant, at: Time) -> Option<Time> {
        let plan = self.plans.iter().find(|p| p.tenant == tenant.name)?;
        let first_start = latest_start(plan, at);
        let first_failed_at = (first_start + self.failure_delay(plan, first_start))
            .min(floor_minute(at))
            .max(first_start);
        let key_id = {
            let mut rng = SplitMix64::keyed(self.seed, "kms-key", plan.tenant_index as i64);
            let a = rng.next_u64();
            let b = rng.next_u64();
            format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                0x8000 | ((b >> 48) & 0x3fff),
                b & 0xffff_ffff_ffff
            )
        };
        let cause = format!(
            "The KMS key arn:aws:kms:us-east-1:{}:key/{key_id} is not accessible: \
             export.rds.amazonaws.com is not authorized to perform kms:CreateGrant \
             (AccessDeniedException); nothing was written to s3://{}",
            tenant.account_id,
            match &tenant.ingest {
                Ingest::Export { bucket, prefix } => format!("{bucket}/{prefix}"),
                Ingest::ZeroEtl { .. } => String::new(),
            }
        );
        self.outage = Some(ExportOutage {
            tenant: tenant.name.clone(),
            first_start,
            first_failed_at,
            cause,
            resolved_at: None,
        });
        Some(first_failed_at)
    }

    fn failure_delay(&self, plan: &ExportPlan, start: Time) -> Duration {
        let mut rng = self.rng(plan, start);
        rng.next_u64(); // the first number is the task's duration
        Duration::seconds(rng.int_between(60, 240))
    }

    fn rng(&self, plan: &ExportPlan, start: Time) -> SplitMix64 {
        let day = start.timestamp().div_euclid(86_400);
        SplitMix64::keyed(
            self.seed,
            "export-task",
            plan.tenant_index as i64 * 1_000_000 + day,
        )
    }

    fn outage_of(&self, plan: &ExportPlan, start: Time) -> Option<&ExportOutage> {
        self.outage.as_ref().filter(|o| {
            o.tenant == plan.tenant
                && start >= o.first_start
                && o.resolved_at.is_none_or(|resolved| start < resolved)
        })
    }

    /// Snapshots `tenant`'s cluster and exports the snapshot, from `now`; returns the snapshot and
    /// export task ids, named as the export Lambda names them.
    /// The snapshot and export task ids of an export started at `at`, as the design's Lambda
    /// names them: fixed when the action is previewed, so the preview names what runs.
    pub(crate) fn manual_ids(&self, tenant: &str, at: Time) -> Result<(String, String), String> {
        let plan = self
            .plans
            .iter()
            .find(|p| p.tenant == tenant)
            .ok_or_else(|| format!("{tenant} is not on the snapshot-export path"))?;
        let stamp = compact_stamp(at);
        Ok((
            [plan.snapshot_prefix.as_str(), &stamp].concat(),
            [plan.task_prefix.as_str(), &stamp].concat(),
        ))
    }

    pub(crate) fn start_manual(
        &mut self,
        tenant: &str,
        now: Time,
    ) -> Result<(String, String), String> {
        let (snapshot_id, task_id) = self.manual_ids(tenant, now)?;
        self.start_manual_as(tenant, snapshot_id, task_id, now)
    }

    /// Starts an export under the ids it was previewed with.
    pub(crate) fn start_manual_as(
        &mut self,
        tenant: &str,
        snapshot_id: String,
        task_id: String,
        now: Time,
    ) -> Result<(String, String), String> {
        let plan = self
            .plans
            .iter()
            .find(|p| p.tenant == tenant)
            .ok_or_else(|| format!("{tenant} is not on the snapshot-export path"))?;
        // Only the latest nightly snapshot can carry the same second as one taken now.
        let nightly = [
            plan.snapshot_prefix.as_str(),
            &compact_stamp(latest_start(plan, now)),
        ]
        .concat();
        let taken =
            nightly == snapshot_id || self.manual.iter().any(|m| m.snapshot_id == snapshot_id);
        if taken {
            return Err(format!(
                "DBClusterSnapshotAlreadyExistsFault: snapshot {snapshot_id} already exists"
            ));
        }
        let mut rng = SplitMix64::keyed(self.seed, "manual-export", now.timestamp());
        let duration = Duration::seconds(rng.int_between(6 * 60, 9 * 60));
        let oldest_shown = now - Duration::days(HISTORY.into());
        self.manual.retain(|m| m.started_at >= oldest_shown);
        if let Some(outage) = self.outage.as_mut().filter(|o| o.tenant == tenant) {
            outage.resolved_at.get_or_insert(now);
        }
        self.manual.push(ManualExport {
            tenant: tenant.to_string(),
            task_id: task_id.clone(),
            snapshot_id: snapshot_id.clone(),
            started_at: now,
            duration,
        });
        Ok((snapshot_id, task_id))
    }

    /// A hand-started export as RDS reports it at `at`.
    fn manual_task(export: &ManualExport, at: Time) -> ExportTask {
        let elapsed = at - export.started_at;
        let (status, percent, finished_at) = if elapsed >= export.duration {
            (
                ExportStatus::Complete,
                100,
                Some(export.started_at + export.duration),
            )
        } else if elapsed >= MANUAL_STARTING_FOR {
            let done = (elapsed - MANUAL_STARTING_FOR).num_seconds() as f64
                / (export.duration - MANUAL_STARTING_FOR).num_seconds() as f64;
            (
                ExportStatus::InProgress,
                (done * 100.0).clamp(0.0, 99.0) as u8,
                None,
            )
        } else {
            (ExportStatus::Starting, 0, None)
        };
        ExportTask {
            tenant: export.tenant.clone(),
            id: export.task_id.clone(),
            snapshot: export.snapshot_id.clone(),
            status,
            percent_progress: percent,
            started_at: Some(export.started_at),
            finished_at,
            failure_cause: None,
        }
    }

    /// The export that started at `start`, as RDS reports it at `at`.
    fn task(&self, plan: &ExportPlan, start: Time, at: Time) -> ExportTask {
        let stamp = compact_stamp(start);
        let mut task = ExportTask {
            tenant: plan.tenant.clone(),
            id: [plan.task_prefix.as_str(), &stamp].concat(),
            snapshot: [plan.snapshot_prefix.as_str(), &stamp].concat(),
            status: ExportStatus::Starting,
            percent_progress: 0,
            started_at: Some(start),
            finished_at: None,
            failure_cause: None,
        };
        if let Some(outage) = self.outage_of(plan, start) {
            let failed_at = if start == outage.first_start {
                outage.first_failed_at
            } else {
                start + self.failure_delay(plan, start)
            };
            if failed_at <= at {
                task.status = ExportStatus::Failed;
                task.finished_at = Some(failed_at);
                task.failure_cause = Some(outage.cause.clone());
            }
            return task;
        }
        let duration = Duration::seconds(self.rng(plan, start).int_between(35 * 60, 80 * 60));
        let elapsed = at - start;
        if elapsed >= duration {
            task.status = ExportStatus::Complete;
            task.percent_progress = 100;
            task.finished_at = Some(start + duration);
        } else if elapsed >= STARTING_FOR {
            task.status = ExportStatus::InProgress;
            let done = (elapsed - STARTING_FOR).num_seconds() as f64
                / (duration - STARTING_FOR).num_seconds() as f64;
            task.percent_progress = (done * 100.0).clamp(0.0, 99.0) as u8;
        }
        task
    }

    /// Recent export tasks at `at`: tenants in fleet order, newest first per tenant.
    pub(crate) fn tasks(&self, at: Time) -> Vec<ExportTask> {
        let mut tasks = Vec::with_capacity(self.plans.len() * HISTORY as usize);
        for plan in &self.plans {
            let latest = latest_start(plan, at);
            let first = tasks.len();
            for days_back in 0..HISTORY {
                tasks.push(self.task(plan, latest - Duration::days(days_back.into()), at));
            }
            let oldest_shown = latest - Duration::days((HISTORY - 1).into());
            let manual = self.manual.iter().filter(|m| {
                m.tenant == plan.tenant && m.started_at <= at && m.started_at >= oldest_shown
            });
            let mut any_manual = false;
            for export in manual {
                tasks.push(Self::manual_task(export, at));
                any_manual = true;
            }
            if any_manual {
                tasks[first..].sort_by_key(|t| Reverse(t.started_at));
            }
        }
        tasks
    }

    /// Tenants whose latest export has failed by `at`: the export Lambda reports an error for each.
    pub(crate) fn failed_tenants(&self, at: Time) -> Vec<String> {
        let Some(outage) = &self.outage else {
            return Vec::new();
        };
        self.plans
            .iter()
            .filter(|p| p.tenant == outage.tenant)
            .filter(|p| {
                let scheduled = latest_start(p, at);
                // A later export by hand is the tenant's latest; it never fails.
                let redone = self.manual.iter().any(|m| {
                    m.tenant == p.tenant && m.started_at > scheduled && m.started_at <= at
                });
                !redone && self.task(p, scheduled, at).status == ExportStatus::Failed
            })
            .map(|p| p.tenant.clone())
            .collect()
    }
}

/// The start of the tenant's latest scheduled export at or before `at`.
fn latest_start(plan: &ExportPlan, at: Time) -> Time {
    let start_of_day = NaiveTime::from_num_seconds_from_midnight_opt(plan.start_minute * 60, 0)
        .expect("export start minutes are within a day");
    let today = at.date_naive().and_time(start_of_day).and_utc();
    if today <= at {
        today
    } else {
        today - Duration::days(1)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::source::sim::tenants;

    fn at(day: u32, hour: u32, minute: u32) -> Time {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
            .unwrap()
    }

    #[test]
    fn tenant_b_exports_daily_at_0215_with_progress() {
        let book = ExportBook::new(9, &tenants::build(3));
        let done = book.tasks(at(21, 6, 0));
        assert_eq!(done.len(), 5);
        assert!(done.iter().all(|t| t.tenant == "tenant_b"));
        assert_eq!(done[0].started_at, Some(at(21, 2, 15)));
        assert_eq!(done[0].id, "tenant-b-mysql-export-20261121-021500");
        assert_eq!(done[0].snapshot, "tenant-b-mysql-snapshot-20261121-021500");
        assert_eq!(done[0].status, ExportStatus::Complete);
        assert_eq!(done[4].started_at, Some(at(17, 2, 15)));
        let running = &book.tasks(at(21, 2, 35))[0];
        assert_eq!(running.status, ExportStatus::InProgress);
        assert!((1..100).contains(&running.percent_progress));
        let before = &book.tasks(at(21, 2, 0))[0];
        assert_eq!(before.started_at, Some(at(20, 2, 15)));
    }

    #[test]
    fn an_outage_fails_the_latest_export_at_once_and_every_later_one() {
        let fleet = tenants::build(3);
        let mut book = ExportBook::new(9, &fleet);
        let created = at(21, 2, 16);
        let failed_at = book.stage_outage(&fleet[1], created).unwrap();
        assert!(failed_at <= created);
        let latest = &book.tasks(created)[0];
        assert_eq!(latest.status, ExportStatus::Failed);
        assert!(latest.failure_cause.as_deref().unwrap().contains("KMS key"));
        assert_eq!(book.tasks(created)[1].status, ExportStatus::Complete);
        assert_eq!(book.failed_tenants(created), ["tenant_b"]);
        let tomorrow = at(22, 6, 0);
        assert_eq!(book.tasks(tomorrow)[0].status, ExportStatus::Failed);
    }

    #[test]
    fn an_export_by_hand_completes_in_minutes_and_ends_the_outage() {
        let fleet = tenants::build(3);
        let mut book = ExportBook::new(9, &fleet);
        let created = at(21, 6, 0);
        book.stage_outage(&fleet[1], created).unwrap();
        assert_eq!(book.failed_tenants(created), ["tenant_b"]);
        let (snapshot, task) = book.start_manual("tenant_b", created).unwrap();
        assert_eq!(snapshot, "tenant-b-mysql-snapshot-20261121-060000");
        assert_eq!(task, "tenant-b-mysql-export-20261121-060000");
        assert!(
            book.start_manual("tenant_b", created).is_err(),
            "same second"
        );
        assert!(book.start_manual("tenant_a", created).is_err());
        assert!(book.failed_tenants(created).is_empty());
        let latest = |minutes: i64| book.tasks(created + Duration::minutes(minutes))[0].clone();
        assert_eq!(latest(0).id, task);
        assert_eq!(latest(0).status, ExportStatus::Starting);
        assert_eq!(latest(4).status, ExportStatus::InProgress);
        assert!(latest(5).percent_progress > latest(4).percent_progress);
        assert_eq!(latest(10).status, ExportStatus::Complete);
        assert_eq!(book.tasks(created).len(), 6, "five nightly and one by hand");
        // The key works again: tomorrow's nightly export succeeds.
        assert_eq!(book.tasks(at(22, 6, 0))[0].status, ExportStatus::Complete);
    }
}
