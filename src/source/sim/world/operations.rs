//! What recovery actions do to the simulated fleet: the same calls an operator makes against AWS,
//! each taking effect at the time it is given, after which the world keeps ticking on its own.
//!
//! Every operation that takes `now` first advances the world to it, so an operation lands on the
//! same tick however the caller stepped the clock before.

use super::SimWorld;
use crate::model::Time;
use crate::source::sim::RunningQuery;

impl SimWorld {
    /// The warehouse's cluster parameter `wlm_json_configuration`, exactly as last set. Initially
    /// seed 001's design: manual WLM with the batch, adhoc and admin queues, and short query
    /// acceleration.
    pub fn wlm_configuration(&self) -> String {
        self.wlm.json().to_string()
    }

    /// ModifyClusterParameterGroup of `wlm_json_configuration`: a JSON array of queues, or an error.
    /// From the next tick on, adhoc is paused when its queue has one slot and a rule that aborts
    /// (under automatic WLM, when its priority is `lowest`): its queries are aborted as they
    /// arrive and batch works off its backlog. Setting the previous string back undoes it.
    pub fn set_wlm_configuration(&mut self, json: &str, now: Time) -> Result<(), String> {
        self.advance_to(now);
        self.wlm.apply(json)
    }

    /// The parameter group as the Parameters source reads it: the pause the configuration records.
    pub fn wlm_settings(&self) -> crate::model::WlmSettings {
        crate::model::WlmSettings {
            configured_in: "dpc-learning-params".into(),
            adhoc_pause: crate::model::adhoc_pause(self.wlm.json()).ok().flatten(),
        }
    }

    /// Whether the current configuration pauses the adhoc queue.
    pub fn adhoc_paused(&self) -> bool {
        self.wlm.adhoc_paused()
    }

    /// The queries running or queued now, with their process ids (STV_WLM_QUERY_STATE joined with
    /// STV_INFLIGHT): by queue, running before queued, oldest first.
    pub fn running_queries(&self) -> Vec<RunningQuery> {
        self.queries.list(&self.tenants)
    }

    /// `CANCEL pid`: the query is gone and its queue counts one query fewer, in the warehouse's
    /// views now and in the WLM metrics from the next datapoint.
    pub fn cancel_query(&mut self, pid: i64) -> Result<(), String> {
        let (queue, running) = self
            .queries
            .cancel(pid)
            .ok_or_else(|| format!("no query with pid {pid}"))?;
        // The walk is the count; lowering it keeps the next tick from bringing the query back.
        let level = &mut self.levels.queues[queue][usize::from(running)];
        *level = (*level - 1.0).max(0.0);
        Ok(())
    }

    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED run of the last 14 days runs again from
    /// the state that failed (its redrive count goes up) and succeeds minutes later, which
    /// releases the schedule and brings ELTExecutionDelay down. The COPY error rows stay for
    /// their 24 hours, as in the warehouse.
    pub fn redrive(&mut self, execution_arn: &str, now: Time) -> Result<(), String> {
        self.advance_to(now);
        self.elt.redrive(execution_arn, now)
    }

    /// StopExecution: a RUNNING run is ABORTED now and can be redriven from the state it stopped
    /// in; anything else is refused.
    pub fn stop_execution(&mut self, execution_arn: &str, now: Time) -> Result<(), String> {
        self.advance_to(now);
        self.elt.stop(execution_arn, now)
    }

    /// StartExecution under a new `name`, for a run that cannot be redriven: a run starting now
    /// that succeeds minutes later. Returns its execution ARN; a name already used is refused, so
    /// a second press cannot start a second run.
    pub fn start_execution(&mut self, name: &str, now: Time) -> Result<String, String> {
        self.advance_to(now);
        self.elt.start(name, now)
    }

    /// `ALTER DATABASE … INTEGRATION REFRESH ALL TABLES` (`all`) or `… INERROR TABLES`: the tables
    /// are `ResyncInitiated`, then synced minutes later; the integration turns active and its lag
    /// drains back to normal. Returns the tables, `schema.table`: none when nothing is in error.
    pub fn resync_tables(
        &mut self,
        tenant: &str,
        all: bool,
        now: Time,
    ) -> Result<Vec<String>, String> {
        self.advance_to(now);
        let position = self.tenant_position(tenant)?;
        let seed = self.seed;
        let catalog_tables = self.catalog.table_names(position);
        let integration = self
            .integrations
            .iter_mut()
            .find(|i| i.tenant == tenant)
            .ok_or_else(|| format!("{tenant} is on the export path: it has no integration"))?;
        let mut tables = integration.tables_in_error();
        if all {
            // Every replicated table, in catalog order, then any in error the catalog lacks.
            tables.retain(|t| !catalog_tables.contains(t));
            tables.splice(0..0, catalog_tables);
        }
        integration.resync(&tables, now, seed);
        Ok(tables)
    }

    /// CreateDBClusterSnapshot, then StartExportTask, for an export-path tenant: the export is
    /// STARTING, IN_PROGRESS with its percentage rising, then COMPLETE within minutes. Starting it
    /// means the cause of a failed export (the export scenario's KMS grant) was fixed first.
    /// Returns the snapshot id and the export task id.
    pub fn start_export(&mut self, tenant: &str, now: Time) -> Result<(String, String), String> {
        self.advance_to(now);
        self.tenant_position(tenant)?;
        self.exports.start_manual(tenant, now)
    }

    /// The ids an export started at `at` would take: what its preview shows.
    pub fn export_ids(&self, tenant: &str, at: Time) -> Result<(String, String), String> {
        self.exports.manual_ids(tenant, at)
    }

    /// [`SimWorld::start_export`] under the ids of its preview.
    pub fn start_export_as(
        &mut self,
        tenant: &str,
        snapshot_id: &str,
        task_id: &str,
        now: Time,
    ) -> Result<(String, String), String> {
        self.advance_to(now);
        self.tenant_position(tenant)?;
        self.exports
            .start_manual_as(tenant, snapshot_id.into(), task_id.into(), now)
    }

    /// VACUUM of each of the tenant schema's tables: unsorted falls to nothing and the reclaimed
    /// space shows in PercentageDiskSpaceUsed from the next datapoint. Returns the tables,
    /// `schema.table`.
    pub fn vacuum(&mut self, tenant: &str, now: Time) -> Result<Vec<String>, String> {
        self.advance_to(now);
        let position = self.tenant_position(tenant)?;
        let (tables, freed_share) = self.catalog.vacuum(position, now);
        let used = self.levels.storage_percent - self.storage_freed_percent;
        self.storage_freed_percent += used * freed_share;
        Ok(tables)
    }

    /// ANALYZE of each of the tenant schema's tables: their statistics are current again. Returns
    /// the tables, `schema.table`.
    pub fn analyze(&mut self, tenant: &str, now: Time) -> Result<Vec<String>, String> {
        self.advance_to(now);
        let position = self.tenant_position(tenant)?;
        Ok(self.catalog.analyze(position, now))
    }

    fn tenant_position(&self, tenant: &str) -> Result<usize, String> {
        self.tenants
            .iter()
            .position(|t| t.name == tenant)
            .ok_or_else(|| format!("no tenant named {tenant}"))
    }
}
