//! What the console knows that a runbook's placeholders ask for: the walkthrough's tenant and
//! what the snapshot says about it, the ELT execution a rerun is about, the busiest WLM queue.
//! Only facts go in: what is not known stays out, and the step shows `<name>` for it.

use super::request::rerun_target;
use crate::model::{Ingest, Snapshot};
use crate::tui::runbook::text::{Placeholder, Values};

/// The values of a walkthrough about `tenant` (or about the whole fleet).
pub fn values(snapshot: &Snapshot, tenant: Option<&str>) -> Values {
    let mut values = Values::default();
    if let Some(name) = tenant {
        tenant_values(&mut values, snapshot, name);
    }
    // The execution the rerun step acts on, so the text names exactly what the action redrives.
    if let Some(run) = rerun_target(snapshot) {
        values.set(Placeholder::Execution, run.name.clone());
        values.set(Placeholder::ExecutionArn, run.execution_arn.clone());
        if let Some(step) = &run.failed_step {
            values.set(Placeholder::Step, step.clone());
        }
    }
    if let Some(queue) = snapshot
        .warehouse
        .queues
        .iter()
        .filter(|q| q.queued > 0)
        .max_by_key(|q| q.queued)
    {
        values.set(Placeholder::Queue, queue.queue.clone());
    }
    values
}

fn tenant_values(values: &mut Values, snapshot: &Snapshot, name: &str) {
    values.set(Placeholder::Tenant, name);
    let Some(tenant) = snapshot.tenants.iter().find(|t| t.name == name) else {
        return;
    };
    values.set(Placeholder::Schema, tenant.schema.clone());
    values.set(Placeholder::Cluster, tenant.cluster_identifier.clone());
    match &tenant.ingest {
        Ingest::ZeroEtl { integration } => values.set(Placeholder::Integration, integration),
        Ingest::Export { bucket, prefix } => {
            values.set(Placeholder::Bucket, bucket);
            values.set(Placeholder::Prefix, prefix);
        }
    }
    if let Some(cluster) = snapshot
        .clusters
        .iter()
        .find(|c| c.tenant == name && !c.parameter_group.is_empty())
    {
        values.set(Placeholder::ParameterGroup, cluster.parameter_group.clone());
    }
    if let Some(task) = snapshot
        .rds
        .exports
        .iter()
        .filter(|t| t.tenant == name)
        .max_by_key(|t| t.started_at)
    {
        values.set(Placeholder::ExportTask, task.id.clone());
    }
    if let Some(error) = snapshot
        .warehouse
        .load_errors
        .iter()
        .filter(|e| e.tenant == name)
        .max_by_key(|e| e.time)
    {
        values.set(Placeholder::File, error.file.clone());
        values.set(Placeholder::Table, error.table.clone());
    }
}
